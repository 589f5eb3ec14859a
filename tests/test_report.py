"""Tests of `python -m sim.report`: plots redrawn from saved files, nothing else touched."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim import report as report_module
from sim.analysis.summary import share
from sim.forecast.scores import by_kind, score_set
from sim.report import main
from sim.results import write_json

ROOT = Path(__file__).resolve().parents[1]
ISSUES = ["trade", "climate"]
OUTCOMES = ["no_summit", "summit_no_deal", "summit_partial", "summit_breakthrough"]
RUN_PNGS = {"outcomes.png", "timeline.png", "goldstein.png"}
SWEEP_PNGS = {"p_summit_vs_x_rate.png", "outcome_shares.png", "agreement_heatmap.png"}


def write_run(run_dir: Path, seed: int = 0, reps: int = 30,
              overrides: dict[str, Any] | None = None) -> Path:
    """A complete synthetic run directory, as the app writes it (plots left out)."""
    rng = np.random.default_rng(seed)
    run_dir.mkdir(parents=True)
    outcome = rng.choice(OUTCOMES, size=reps)
    table = pd.DataFrame({
        "rep": np.arange(reps), "outcome": outcome, "summit_held": outcome != "no_summit",
        "final_tension": rng.uniform(size=reps),
        **{f"agreed_{i}": rng.uniform(size=reps) < 0.5 for i in ISSUES},
    })
    table.to_parquet(run_dir / "replications.parquet", index=False)
    days = np.sort(rng.uniform(0, 90, size=6))
    pd.DataFrame({
        "rep": [0] * 3 + [1] * 3, "time": days, "date": [f"2025-0{1 + int(d) // 31}-10"
                                                         for d in days],
        "kind": "meeting", "goldstein": rng.normal(size=6), "tension_after": rng.uniform(size=6),
    }).to_parquet(run_dir / "events.parquet", index=False)
    summary = {
        "scenario": "test", "reps": reps, "seed": 0, "design_point": 0,
        "p_summit": share(int(table["summit_held"].sum()), reps),
        "outcome_shares": {o: float(np.mean(outcome == o)) for o in OUTCOMES},
        "p_agreed": {i: share(int(table[f"agreed_{i}"].sum()), reps) for i in ISSUES},
        "issues": ISSUES, "parties": ["a", "b"], "config_hash": f"{seed:064x}",
        "start": "2025-01-01", "end": "2025-03-31",
        "relations": {"tension": 0.5, "tension_baseline": 0.3, "tension_half_life_days": 20.0},
        "scheduled": [{"date": "2025-02-01", "name": "talks", "kind": "meeting"}],
        **({"overrides": overrides} if overrides else {}),
    }
    (run_dir / "summary.json").write_text(json.dumps(summary))
    return run_dir


def write_sweep(sweep_dir: Path, rates: list[float], table: bool = True) -> Path:
    """A synthetic sweep over `x.rate`: job directories, sweep.parquet and manifest.json."""
    rows = []
    for job, rate in enumerate(rates):
        run = write_run(sweep_dir / str(job), seed=job, overrides={"x.rate": rate})
        s = json.loads((run / "summary.json").read_text())
        rows.append({
            "job": job, "x.rate": rate, "overrides": f"x.rate={rate}", "scenario": "test",
            "reps": s["reps"], "failures": 0, "p_summit": s["p_summit"]["estimate"],
            "p_summit_ci_low": s["p_summit"]["ci_low"],
            "p_summit_ci_high": s["p_summit"]["ci_high"],
            **{f"share_{o}": v for o, v in s["outcome_shares"].items()},
            **{f"p_agreed_{i}": v["estimate"] for i, v in s["p_agreed"].items()},
            "config_hash": s["config_hash"], "dir": str(job),
        })
    if table:
        pd.DataFrame(rows).to_parquet(sweep_dir / "sweep.parquet", index=False)
    (sweep_dir / "manifest.json").write_text(json.dumps({
        "swept_keys": ["x.rate"], "seed": 0, "crn": True, "git_commit": "0" * 40,
        "versions": {}, "jobs": [{"job": r["job"], "overrides": {"x.rate": r["x.rate"]},
                                  "config_hash": r["config_hash"], "complete": True}
                                 for r in rows]}))
    return sweep_dir


def data_files(root: Path) -> dict[str, str]:
    """SHA-256 of every file that is not a PNG, by path relative to `root`."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".png"}


def report(*dirs: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim.report", *map(str, dirs)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_redraws_run_and_sweep_without_touching_data(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run")
    sweep = write_sweep(tmp_path / "sweep", [0.1, 0.4])
    assert not list(tmp_path.rglob("*.png"))  # as if every plot had been deleted
    before = data_files(tmp_path)

    done = report(run, sweep)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    printed = {Path(line) for line in done.stdout.splitlines()}
    expected = {run / n for n in RUN_PNGS} | {sweep / n for n in SWEEP_PNGS}
    expected |= {sweep / str(j) / n for j in range(2) for n in RUN_PNGS}
    assert printed == expected
    assert set(tmp_path.rglob("*.png")) == expected
    for png in expected:
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert data_files(tmp_path) == before  # nothing rerun, rewritten or added


def test_incomplete_job_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = write_sweep(tmp_path, [0.1, 0.2])
    (sweep / "1" / "summary.json").unlink()
    assert main([str(sweep)]) == 0
    captured = capsys.readouterr()
    assert "incomplete job" in captured.err
    assert not (sweep / "1" / "outcomes.png").exists()
    assert (sweep / "0" / "outcomes.png").exists() and (sweep / "outcome_shares.png").exists()


def test_unfinalised_sweep_that_cannot_be_finalised(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    sweep = write_sweep(tmp_path, [0.1], table=False)

    def broken(sweep_dir: Path, n_jobs: int | None = None) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report_module, "finalize_sweep", broken)
    assert main([str(sweep)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(
        f"error: {sweep}: could not finalise the sweep: OSError: disk full")
    assert (sweep / "0" / "outcomes.png").exists()  # the job plots are redrawn all the same
    assert not (sweep / "outcome_shares.png").exists()


def test_unfinalised_sweep_is_finalised_with_its_own_jobs(tmp_path: Path) -> None:
    """A lost `sweep.parquet` is gathered again from the jobs of the sweep that last ran
    in the folder (its manifest lists two), not from a job an earlier sweep left (2)."""
    sweep = write_sweep(tmp_path / "full", [0.1, 0.4])
    write_run(sweep / "2", seed=2, overrides={"x.rate": 0.9})
    (sweep / "sweep.parquet").unlink()
    assert main([str(sweep)]) == 0
    table = pd.read_parquet(sweep / "sweep.parquet")
    assert table["job"].tolist() == [0, 1] and table["x.rate"].tolist() == [0.1, 0.4]
    assert (sweep / "outcome_shares.png").exists()


@pytest.mark.parametrize("case", ["missing", "a_file", "empty", "incomplete_run",
                                  "no_complete_job"])
def test_errors_are_one_line_exit_2(tmp_path: Path, case: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "target"
    if case == "a_file":
        target.write_text("not a directory\n")
    elif case == "empty":
        target.mkdir()
    elif case == "incomplete_run":
        (write_run(target) / "summary.json").unlink()
    elif case == "no_complete_job":
        (write_run(target / "0") / "summary.json").unlink()
    assert main([str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {target}: ") and captured.err.count("\n") == 1
    said = {"missing": "no such directory", "a_file": "a file, not a directory"}.get(case)
    assert said is None or captured.err == f"error: {target}: {said}\n"


@pytest.mark.parametrize(("marker", "line"), [
    ("", "not a run (summary.json), sweep (sweep.parquet), study (study.json) or backtest "
     "(scores.json) directory"),
    ("forecast.json", "a forecast (forecast.json), whose rounds are runs: give one, as "
     "{target}/round_00"),
    ("library.json", "the library of summits (library.json), whose cases are backtests: give "
     "one, as {target}/CASE"),
    *((done, f"a calibration ({done}): python -m sim.calibrate drew its plots there; this "
       "command redraws runs, sweeps, studies and backtests")
      for done in ("calibration.json", "sbc.json")),
    *((done, f"holds a {kind} ({done}); this command redraws the runs and sweeps of python -m "
       "sim, studies and backtests")
      for done, kind in (("negotiation.json", "negotiation"), ("tournament.json", "tournament"))),
])
def test_a_directory_of_another_kind_says_what_to_give(
        tmp_path: Path, marker: str, line: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "target"
    target.mkdir()
    if marker:
        (target / marker).write_text("{}")
    assert main([str(target)]) == 2
    assert capsys.readouterr().err == f"error: {target}: {line.format(target=target)}\n"


def test_a_library_is_told_with_one_of_its_cases(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A case named in the library's file, and there: a folder the user can give as it is."""
    (tmp_path / "library.json").write_text('{"cases": ["gone", "apec_2023"]}')
    (tmp_path / "apec_2023").mkdir()
    assert main([str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path}: the library of summits (library.json), whose cases are backtests: "
        f"give one, as {tmp_path / 'apec_2023'}\n")


def test_a_sweep_of_the_lab_is_told_as_such(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Not "a sweep with no complete job": its jobs are the lab's, complete."""
    done = subprocess.run([sys.executable, "-m", "sim.negotiate", "-m", "deadline=5,6",
                           "plot=false", f"hydra.sweep.dir={tmp_path}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert main([str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path}: holds a sweep of python -m sim.negotiate (multirun.yaml); this "
        "command redraws the runs and sweeps of python -m sim, studies and backtests\n")


def test_error_in_a_subprocess_has_no_traceback(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run")
    (run / "summary.json").unlink()
    good = write_run(tmp_path / "good")
    done = report(run, good)
    assert done.returncode == 2
    assert done.stderr == (f"error: {run}: incomplete run (no summary.json): stopped before it "
                           "ended, or still running\n")
    assert {Path(p).name for p in done.stdout.splitlines()} == RUN_PNGS  # the rest still drawn


def test_a_run_killed_as_it_wrote_is_told_as_an_incomplete_run(tmp_path: Path) -> None:
    """A run stopped by SIGKILL leaves only the files its tables were being written to
    (and Hydra's): told as an incomplete run, not as a folder of no known kind."""
    run = tmp_path / "run"
    started = subprocess.Popen([sys.executable, "-m", "sim", "reps=1000000", "plots=false",
                                "progress=false", f"hydra.run.dir={run}"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(run.glob(".replications.parquet.*.tmp")):
            assert started.poll() is None and time.monotonic() < deadline, "no table begun"
            time.sleep(0.1)
    finally:
        started.kill()
        started.wait()
    assert not (run / "replications.parquet").exists()
    done = report(run)
    assert done.returncode == 2
    assert done.stderr == (f"error: {run}: incomplete run (no summary.json): stopped before it "
                           "ended, or still running\n")


def test_help() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0


@pytest.fixture(scope="module")
def plotless_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Latin study of one factor with no PRIM box: a study that has no plot to draw."""
    from sim.explore.cli import main as explore

    tmp = tmp_path_factory.mktemp("study")
    study = tmp / "one.yaml"
    study.write_text("model: summitsim\nsampler: latin\nbase_samples: 4\nreps: 2\n"
                     "factors:\n  scenario.relations.tension_baseline: {low: 0.2, high: 0.3}\n"
                     "outcomes: [summit_held]\ndiscovery: {outcome: summit_held, threshold: 2}\n")
    assert explore([str(study), f"out={tmp / 'out'}", "--no-progress"]) == 0
    return tmp / "out"


def test_a_study_without_plots_still_gets_its_page(
        plotless_study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert not list(plotless_study.glob("*.png"))
    assert main([str(plotless_study), "--html"]) == 0
    assert capsys.readouterr().out.splitlines() == [str(plotless_study / "report.html")]
    assert "Study: one" in (plotless_study / "report.html").read_text()


def test_a_damaged_study_manifest_is_named(plotless_study: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(plotless_study, damaged)
    (damaged / "study.json").write_text("{")
    assert main([str(damaged)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {damaged}: cannot read saved results: {damaged}/study.json: "
                          "not valid JSON") and err.count("\n") == 1, err


@pytest.mark.parametrize(("name", "html"), [("outcomes.png", False), ("report.html", True)])
def test_a_plot_or_page_that_cannot_be_written_is_told_as_such(
        tmp_path: Path, name: str, html: bool, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder where a plot goes was told as saved results that 'cannot be read'; it is a
    file that cannot be written, named."""
    run = write_run(tmp_path / "run")
    (run / name).mkdir()
    assert main([str(run), *(["--html"] if html else [])]) == 2
    assert capsys.readouterr().err == (f"error: {run}: cannot write {run / name} (a folder has "
                                       "its name)\n")


@pytest.mark.parametrize(("edit", "html", "said"), [
    (lambda s: s | {"issues": 5}, False, "field 'issues' must be a list (a string each)"),
    (lambda s: {}, False, "has no field 'start'"),
    (lambda s: s | {"reps": "ten"}, True, "field 'reps' must be a whole number"),
    (lambda s: {k: v for k, v in s.items() if k != "scenario"}, True,
     "has no field 'scenario'"),
    (lambda s: s | {"p_summit": {"estimate": 0.5}}, True, "has no field 'p_summit.ci_low'"),
    (lambda s: s | {"relations": {"tension": "high"}}, False,
     "field 'relations.tension' must be a number"),
    (lambda s: s | {"start": "spring"}, False, "field 'start' must be a date, YYYY-MM-DD"),
])
def test_a_malformed_summary_names_the_file_and_the_field(
        tmp_path: Path, edit: Any, html: bool, said: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A summary.json with a field of the wrong type, or without one the report uses: it was a
    traceback (TypeError), a KeyError or a ValueError of int(); now one line naming both."""
    run = write_run(tmp_path / "run")
    summary = run / "summary.json"
    summary.write_text(json.dumps(edit(json.loads(summary.read_text()))))
    assert main([str(run), *(["--html"] if html else [])]) == 2
    assert capsys.readouterr().err == (f"error: {run}: cannot read saved results: {summary}: "
                                       f"{said}; rerun the command that wrote it\n")


def test_a_table_of_no_column_is_told_as_lacking_the_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A complete Parquet file of no column was told as cut short by a crash."""
    run = write_run(tmp_path / "run")
    pd.DataFrame().to_parquet(run / "replications.parquet")
    assert main([str(run)]) == 2
    assert capsys.readouterr().err == (
        f"error: {run}: cannot read saved results: {run / 'replications.parquet'}: has no "
        "column 'outcome'; its columns: none\n")


def write_backtest(folder: Path) -> Path:
    """A backtest's `forecasts.parquet` and `scores.json`, scored as `run_backtest` scores
    them (`by_kind`), of two synthetic forecasts of each kind at one origin."""
    folder.mkdir(parents=True)
    forecasts = pd.DataFrame({
        "origin": ["2023-06-20"] * 4, "question": ["p0", "p1", "e0", "e1"],
        "kind": ["path", "path", "end_state", "end_state"], "p": [0.9, 0.2, 0.6, 0.4],
        "n": [100] * 4, "answer": [True, False, False, True], "persistence": [0.0] * 4})
    forecasts.to_parquet(folder / "forecasts.parquet", index=False)
    write_json({
        "scenario": "test", "questions": "bank", "origins": ["2023-06-20"], "reps": 100,
        "seed": 0, "overrides": [], "tolerance": 0.0, "posterior": "", "draws": 0,
        "method": "as of", "p_summit": [{"origin": "2023-06-20", "p": 0.5, "ci_low": 0.4,
                                         "ci_high": 0.6, "kept": 100, "simulated": 100}],
        "scores": by_kind(forecasts, ["path", "end_state"], reps=20)}, folder / "scores.json")
    return folder


def _edited(path: Path, keys: list[str], value: Any) -> None:
    """Set the field at `keys` of a saved JSON file to `value`."""
    data = json.loads(path.read_text())
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    path.write_text(json.dumps(data))


DAMAGED = [
    ("sweep", "manifest.json", ["swept_keys"], None,
     "field 'swept_keys' must be a list (a string each)"),
    ("sweep", "manifest.json", ["jobs"], -1, "field 'jobs' must be a list (a mapping with job, "
     "overrides, config_hash, complete each)"),
    ("study", "study.json", ["study"], "x", "field 'study' must be a mapping with name, "
     "model, sampler, reps, factors, outcomes"),
    ("study", "indices.json", ["outcomes"], [], "field 'outcomes' must be a mapping"),
    ("study", "discovery.json", ["prim"], 3, "field 'prim' must be a mapping with coverage, "
     "density, mass, n_points, chosen, restricted, base_rate, trajectory, full_range or null"),
    ("backtest", "scores.json", ["scores"], 5, "field 'scores' must be a mapping"),
    ("backtest", "scores.json", ["p_summit"], [1], "field 'p_summit[0]' must be a mapping "
     "with origin, p, ci_low, ci_high, kept, simulated"),
    ("backtest", "scores.json", ["scores", "all", "brier"], {"estimate": 0.2},
     "has no field 'scores.all.brier.ci_low'"),
]


@pytest.mark.parametrize(("kind", "name", "keys", "value", "said", "html"), [
    (*case, html) for case in DAMAGED for html in (False, True)
    if html or case[0] != "backtest"])  # a backtest's plots are kept, its page read anew
def test_a_damaged_saved_file_names_the_file_and_the_field(
        plotless_study: Path, tmp_path: Path, kind: str, name: str, keys: list[str],
        value: Any, said: str, html: bool, capsys: pytest.CaptureFixture[str]) -> None:
    """A sweep's manifest, a study's files or a backtest's scores with a field of the wrong
    type: a traceback (TypeError, AttributeError) in a plot or the page; now one line naming
    the file and the field, as for a run's summary."""
    folder = tmp_path / kind
    if kind == "study":
        shutil.copytree(plotless_study, folder)
    else:
        (write_sweep if kind == "sweep" else write_backtest)(folder, *(
            [[0.1, 0.4]] if kind == "sweep" else []))
    _edited(folder / name, keys, value)
    assert main([str(folder), *(["--html"] if html else [])]) == 2
    assert capsys.readouterr().err == (f"error: {folder}: cannot read saved results: "
                                       f"{folder / name}: {said}; rerun the command that "
                                       "wrote it\n")


def test_a_column_of_another_kind_than_written_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run's events with their Goldstein weights as text: a traceback of pandas' division
    in the plot; now one line naming the file and the column."""
    run = write_run(tmp_path / "run")
    events = pd.read_parquet(run / "events.parquet")
    events.assign(goldstein=events["goldstein"].astype(str)).to_parquet(
        run / "events.parquet", index=False)
    assert main([str(run)]) == 2
    assert capsys.readouterr().err == (
        f"error: {run}: cannot read saved results: {run / 'events.parquet'}: column "
        "'goldstein' holds text, not the numbers written there; rerun the command that "
        "wrote it\n")


def test_a_backtest_with_no_forecast_of_a_kind_gets_its_page(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bank with no question of a kind open at any origin scores that kind with its counts
    alone (`score_set` of no forecast); the page failed on it (KeyError: 'brier')."""
    backtest = write_backtest(tmp_path / "backtest")
    none = score_set(pd.read_parquet(backtest / "forecasts.parquet").iloc[:0])
    assert none == {"n_forecasts": 0, "n_questions": 0}
    _edited(backtest / "scores.json", ["scores", "end_state"], none)
    assert main([str(backtest), "--html"]) == 0
    html = (backtest / "report.html").read_text()
    assert "Scores: end_state questions" in html and "No forecasts" in html
    assert "Scores: path questions" in html


def test_a_folder_named_as_a_picture_is_not_put_on_the_page(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every PNG of the folder goes on the page: a folder named `x.png` was read as one
    (IsADirectoryError)."""
    run = write_run(tmp_path / "run")
    (run / "notes.png").mkdir()
    assert main([str(run), "--html"]) == 0
    html = (run / "report.html").read_text()
    assert html.count('<img src="data:image/png') == len(RUN_PNGS) > 0
