"""Shared parts of the study scripts: command line, running the sweep, tables, figures.

A study runs `python -m sim -m +experiment=NAME` in a subprocess (exactly what a user
would type), reads the sweep's `sweep.parquet` and draws its own figures into the sweep
directory. Rerunning into the same directory resumes: complete jobs are skipped.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.analysis.plots import save_png
from sim.analysis.summary import wilson
from sim.command import ArgumentParser
from sim.model.outcome import OUTCOMES

EXIT_FAILED_REPS = 3  # `python -m sim -m`: some replications failed, tables still written
OUTCOME_COLOURS = {
    "no_summit": "#9e9e9e",
    "summit_no_deal": "#f4a261",
    "summit_partial": "#a6d96a",
    "summit_breakthrough": "#1a9641",
}
SAFE_VALUE = re.compile(r"[A-Za-z0-9_./-]+")

FloatArray = npt.NDArray[np.float64]


def parser(name: str, description: str, example: str) -> argparse.ArgumentParser:
    """The common command line: --reps, --out, --workers and extra Hydra overrides."""
    p = ArgumentParser(prog=f"experiments/{name}.py", description=description)
    p.add_argument("--reps", type=int, default=None,
                   help=f"replications per job (default: conf/experiment/{name}.yaml)")
    p.add_argument("--out", type=Path, default=Path("multirun") / name,
                   help="sweep directory; rerunning into it resumes (default: %(default)s)")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes (default: one per core)")
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                   help=f"more Hydra overrides, e.g. a smaller grid: {example}")
    return p


def sim_command(name: str, out: Path, reps: int | None = None, workers: int | None = None,
                overrides: Sequence[str] = ()) -> list[str]:
    """The `python -m sim -m +experiment=NAME ...` command of a study."""
    cmd = [sys.executable, "-m", "sim", "-m", f"+experiment={name}",
           f"hydra.sweep.dir={_quote(str(out.resolve()))}"]
    if reps is not None:
        cmd.append(f"reps={reps}")
    if workers is not None:
        cmd.append(f"workers={workers}")
    return [*cmd, *overrides]


def run_sweep(name: str, out: Path, reps: int | None = None, workers: int | None = None,
              overrides: Sequence[str] = ()) -> pd.DataFrame:
    """Run (or resume) the study's sweep into `out`; return its `sweep.parquet`, by job.

    Exits with the sweep's status if it failed; failed replications only warn, since
    the tables are still written.
    """
    cmd = sim_command(name, out, reps, workers, overrides)
    print("$ python", shlex.join(cmd[1:]), file=sys.stderr)
    done = subprocess.run(cmd, check=False)
    table = out / "sweep.parquet"
    if done.returncode == EXIT_FAILED_REPS and table.exists():
        print("warning: some replications failed (see above); using the rest", file=sys.stderr)
    elif done.returncode != 0:
        sys.exit(done.returncode)
    return load_table(out)


def load_table(out: Path) -> pd.DataFrame:
    """`sweep.parquet` of a sweep directory, one row per job, in job order."""
    table = pd.read_parquet(out / "sweep.parquet")
    return table.sort_values("job", kind="stable").reset_index(drop=True)


def require(table: pd.DataFrame, grid: Sequence[str], *columns: str) -> None:
    """Stop with a one-line error unless the table has the columns and one job per grid point.

    A second design point with the same grid values means the directory also holds jobs of
    an earlier sweep over a different grid.
    """
    missing = [c for c in [*grid, *columns] if c not in table.columns]
    if missing:
        sys.exit(f"error: sweep.parquet has no column {', '.join(missing)}; "
                 "was the sweep run with this experiment's overrides?")
    if table.duplicated(list(grid)).any():
        sys.exit("error: sweep.parquet has several jobs for the same grid point, left by an "
                 "earlier sweep over another grid; use a fresh --out directory")


def wilson_band(p: pd.Series, n: pd.Series) -> tuple[FloatArray, FloatArray]:
    """95 % Wilson interval of shares `p` estimated from `n` replications each."""
    bounds = [wilson(round(float(pi) * int(ni)), int(ni))[1:] for pi, ni in zip(p, n, strict=True)]
    lo, hi = zip(*bounds, strict=True) if bounds else ((), ())
    return np.array(lo, dtype=float), np.array(hi, dtype=float)


def mean_agreed(table: pd.DataFrame) -> pd.Series:
    """Mean number of issues agreed per replication: the sum of the per-issue shares."""
    return table[[c for c in table.columns if c.startswith("p_agreed_")]].sum(axis=1)


def stacked_shares(ax: Axes, table: pd.DataFrame, labels: Sequence[str],
                   width: float = 0.8) -> None:
    """Stacked outcome shares, one bar per row of `table`, labelled `labels`."""
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    for outcome in OUTCOMES:
        values = table[f"share_{outcome}"].to_numpy(dtype=float)
        ax.bar(x, values, bottom=bottom, width=width, color=OUTCOME_COLOURS[outcome],
               label=outcome.replace("_", " "))
        bottom += values
    ax.set_xticks(x, list(labels))
    ax.set_xlim(-0.6, len(table) - 0.4)
    ax.set_ylim(0, 1)


def outcome_legend(where: Figure | Axes) -> None:
    """One legend of the four outcomes: below a figure's panels, or inside an (empty) axes."""
    handles = [Rectangle((0, 0), 1, 1, color=OUTCOME_COLOURS[o]) for o in OUTCOMES]
    labels = [o.replace("_", " ") for o in OUTCOMES]
    if isinstance(where, Axes):
        where.legend(handles, labels, loc="center", title="outcome", frameon=False, fontsize=9)
    else:
        where.legend(handles, labels, loc="outside lower center", ncols=len(OUTCOMES),
                     frameon=False, fontsize=9)


def save_figure(fig: Figure, path: Path, dpi: int = 120) -> Path:
    """Save a PNG atomically (a temporary name, then `os.replace`) and close the figure."""
    return save_png(fig, path, dpi)


def print_table(table: pd.DataFrame, title: str) -> None:
    """A short text table of headline numbers on stdout."""
    print(f"\n{title}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def _quote(value: str) -> str:
    """A Hydra override value, quoted if it has characters the override grammar reads."""
    if SAFE_VALUE.fullmatch(value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
