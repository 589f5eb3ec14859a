"""Redraw the plots of saved runs, sweeps and studies: `python -m sim.report DIR [DIR ...]`.

Nothing is rerun and no table is rewritten: the plots are drawn again from the files on
disk, so a plot can be restyled or recovered without repeating a simulation. The one
exception is a sweep that never got its `sweep.parquet` (interrupted before the end): its
table is built from the complete job directories by `sim.sweep.finalize_sweep`. With
`--html`, each directory also gets one self-contained page, `report.html`
(see `sim.analysis.page`), whose path is printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from sim.analysis.io import ResultsError, read_json, read_record, read_table
from sim.analysis.page import write_page
from sim.analysis.plots import draw_run_plots
from sim.analysis.sweep_plots import draw_sweep_plots
from sim.calibrate.run import RESULT as CALIBRATION_DONE
from sim.calibrate.run import SBC_RESULT as SBC_DONE
from sim.command import ArgumentParser, run_command, user_path
from sim.config.errors import ConfigError
from sim.forecast.cli import RESULT as FORECAST_DONE
from sim.forecast.library import DONE as LIBRARY_DONE
from sim.results import (
    DISCOVERY,
    EVENTS,
    FORECASTS,
    INDICES,
    POINTS,
    REPLICATIONS,
    SCORES,
    STUDY,
    SUMMARY,
    WriteError,
    being_written,
    holding,
    holdings,
)
from sim.saved import Discovery, Indices, Manifest, StudyManifest
from sim.sweep import MANIFEST, SWEEP_TABLE, finalize_sweep, job_dirs

RUN_TABLES = (REPLICATIONS, EVENTS)


class ReportError(Exception):
    """A directory that cannot be redrawn; the message says why, in one line."""


def kind_of(path: Path) -> str:
    """`"run"`, `"sweep"`, `"explore"` or `"backtest"`; raises ReportError otherwise."""
    if not os.path.isdir(path):  # False for a name too long, as for one not there
        raise ReportError("a file, not a directory" if os.path.exists(path) else
                          "no such directory")
    if (path / SCORES).exists() and (path / FORECASTS).exists():
        return "backtest"
    if (path / STUDY).exists():
        if not (path / INDICES).exists():
            raise ReportError(f"incomplete study (no {INDICES}); run the same "
                              "`python -m sim.explore` command again to resume it")
        return "explore"
    if (path / SWEEP_TABLE).exists() or any((j / SUMMARY).exists() for j in job_dirs(path)):
        return "sweep"
    if (path / SUMMARY).exists():
        return "run"
    if any((path / t).exists() or being_written(path / t) for t in RUN_TABLES):
        raise ReportError(f"incomplete run (no {SUMMARY}): stopped before it ended, or still "
                          "running")
    for name, held in holdings(path):  # the lab's
        if held.startswith("sweep of") or held in ("negotiation", "tournament"):
            raise ReportError(f"holds a {held} ({name}); this command redraws the runs and "
                              "sweeps of python -m sim, studies and backtests")
    if job_dirs(path):
        raise ReportError(f"sweep with no complete job (no {SUMMARY} in any job directory)")
    if (path / FORECAST_DONE).exists():
        raise ReportError(f"a forecast ({FORECAST_DONE}), whose rounds are runs: give one, "
                          f"as {path / 'round_00'}")
    for done in (CALIBRATION_DONE, SBC_DONE):
        if (path / done).exists():
            raise ReportError(f"a calibration ({done}): python -m sim.calibrate drew its plots "
                              "there; this command redraws runs, sweeps, studies and backtests")
    if (path / LIBRARY_DONE).exists():
        raise ReportError(f"the library of summits ({LIBRARY_DONE}), whose cases are "
                          f"backtests: give one, as {path / a_case(path)}")
    raise ReportError(f"not a run ({SUMMARY}), sweep ({SWEEP_TABLE}), study ({STUDY}) or "
                      f"backtest ({SCORES}) directory")


def a_case(library: Path) -> str:
    """A case of a library's folder that is there, as its file lists them; "CASE" if none."""
    try:
        cases = read_json(library / LIBRARY_DONE).get("cases")
    except ResultsError:  # damaged: the line still says what the folder is
        return "CASE"
    there = [str(c) for c in cases if (library / str(c)).is_dir()] if isinstance(
        cases, list) else []
    return there[0] if there else "CASE"


def redraw_sweep(sweep_dir: Path) -> tuple[list[Path], str | None]:
    """Redraw a sweep's plots and each complete job's run plots.

    Returns the PNGs written and, if the sweep plots could not be drawn because the sweep
    is not finalised, the reason (the job plots are redrawn all the same).
    """
    written: list[Path] = []
    manifest = sweep_dir / MANIFEST  # the jobs of the sweep that last ran there
    n_jobs = len(read_record(manifest, Manifest)["jobs"]) if manifest.exists() else None
    for job in job_dirs(sweep_dir, n_jobs):
        if (job / SUMMARY).exists():
            written += draw_run_plots(job)
        else:
            print(f"note: {job}: incomplete job, skipped", file=sys.stderr)
    problem = None if (sweep_dir / SWEEP_TABLE).exists() else _finalize(sweep_dir, n_jobs)
    if problem is None:
        written = draw_sweep_plots(sweep_dir) + written
    return written, problem


def _finalize(sweep_dir: Path, n_jobs: int | None) -> str | None:
    """Build a missing `sweep.parquet` of the first `n_jobs` jobs (all if None) with
    `finalize_sweep`; None if it worked."""
    try:
        finalize_sweep(sweep_dir, n_jobs)
    except WriteError as e:
        return f"could not finalise the sweep: cannot write {e.path} ({e.reason})"
    except (OSError, ValueError, KeyError) as e:
        return f"could not finalise the sweep: {type(e).__name__}: {e}"
    if not (sweep_dir / SWEEP_TABLE).exists():
        return f"sweep is not finalised: finalize_sweep wrote no {SWEEP_TABLE}"
    return None


def redraw_study(study_dir: Path) -> list[Path]:
    """Redraw a study's plots from its saved indices, discovery and points."""
    from sim.explore.plots import draw_study_plots

    manifest = read_record(study_dir / STUDY, StudyManifest)
    analysis = read_record(study_dir / INDICES, Indices)["outcomes"]
    found = read_record(study_dir / DISCOVERY, Discovery)
    points = read_table(study_dir / POINTS)
    return draw_study_plots(study_dir, manifest["study"], analysis, found, points)


def redraw(path: Path) -> tuple[list[Path], str | None]:
    """Redraw every plot of a run, sweep or study directory: (PNGs written, problem or None)."""
    kind = kind_of(path)
    if kind == "run":
        return draw_run_plots(path), None
    if kind == "explore":
        return redraw_study(path), None
    if kind == "backtest":  # its plots need the scenario's dates: python -m sim.backtest
        return sorted(path.glob("*.png")), None   # draws them; they are kept as they are
    return redraw_sweep(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Redraw each directory; print the files written. Exit code 2 if any directory failed."""
    parser = ArgumentParser(
        prog="python -m sim.report",
        description="Redraw the plots of run directories (summary.json), sweep "
                    "directories (sweep.parquet and numbered job directories) and explore "
                    "studies (study.json) from the saved results, without rerunning anything; "
                    "with --html, also write the page of those and of backtests "
                    "(scores.json).",
    )
    parser.add_argument("dirs", nargs="+", type=user_path, metavar="DIR",
                        help="a run, sweep, study or backtest directory")
    parser.add_argument("--html", action="store_true",
                        help="also write one self-contained page, DIR/report.html")
    args = parser.parse_args(argv)
    status = 0
    for path in args.dirs:
        try:
            with holding(path, str(path), "", None) if os.path.isdir(path) else nullcontext():
                problem = report(path, args.html)
        except ConfigError as e:  # another command is writing there
            problem = e.allowed
        if problem is not None:
            print(f"error: {path}: {' '.join(problem.split())}", file=sys.stderr)
            status = 2
    return status


def report(path: Path, html: bool) -> str | None:
    """Redraw a directory (and write its page if `html`), printing each file written;
    the problem, if any, in a few words."""
    try:
        written, problem = redraw(path)
    except ReportError as e:
        written, problem = [], str(e)
    except WriteError as e:  # a plot that cannot be written: before ValueError, which it is
        written, problem = [], f"cannot write {e.path} ({e.reason})"
    except ResultsError as e:  # told by the reader, naming the file
        written, problem = [], f"cannot read saved results: {e}"
    except (OSError, ValueError, KeyError) as e:  # unreadable or malformed saved files
        written, problem = [], f"cannot read saved results: {type(e).__name__}: {e}"
    for png in written:
        print(png)
    if html and problem is None:
        try:
            print(write_page(path, kind_of(path)))
        except WriteError as e:
            problem = f"cannot write {e.path} ({e.reason})"
        except ResultsError as e:
            problem = f"cannot read saved results: {e}"
        except (OSError, ValueError, KeyError) as e:
            problem = f"cannot write the page: {type(e).__name__}: {e}"
    return problem


if __name__ == "__main__":
    run_command(main)
