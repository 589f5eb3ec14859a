"""Multirun sweeps: design points, sweep tables, resume after a kill, failures, reps=auto."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim import runner
from sim.analysis.summary import wilson
from sim.compare import paired_difference
from sim.design_point import run_design_point
from tests.conftest import compose_run

ROOT = Path(__file__).resolve().parents[1]


def sim(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def two_scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    done = sim("-m", "scenario=historical_2023,no_balloon", "reps=500", "progress=false",
               f"hydra.sweep.dir={out}")
    assert done.returncode == 0, done.stderr
    return out


def test_a_sweep_flag_may_follow_an_override(tmp_path: Path) -> None:
    done = sim("scenario=no_balloon", "-m", "reps=3,4", "progress=false", "plots=false",
               f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    assert list(table["reps"]) == [3, 4] and set(table["scenario"]) == {"no_balloon"}


def test_two_scenario_sweep_writes_one_row_per_job(two_scenarios: Path) -> None:
    table = pd.read_parquet(two_scenarios / "sweep.parquet")
    assert len(table) == 2
    assert list(table["scenario"]) == ["historical_2023", "no_balloon"]
    assert (table["reps"] == 500).all() and (table["failures"] == 0).all()
    for col in ("p_summit", "p_summit_ci_low", "p_summit_ci_high", "share_summit_partial",
                "p_agreed_mil_mil", "config_hash"):
        assert col in table.columns, col
    assert (table["p_summit_ci_low"] <= table["p_summit"]).all()
    manifest = json.loads((two_scenarios / "manifest.json").read_text())
    assert manifest["swept_keys"] == ["scenario"] and manifest["seed"] == 0
    assert [j["complete"] for j in manifest["jobs"]] == [True, True]
    assert all(len(j["config_hash"]) == 64 for j in manifest["jobs"])


def test_sweep_replications_carry_the_swept_values(two_scenarios: Path) -> None:
    reps = pd.read_parquet(two_scenarios / "replications.parquet")
    assert len(reps) == 1000
    assert reps.groupby("scenario")["rep"].apply(list).map(lambda r: r == list(range(500))).all()
    per_job = pd.read_parquet(two_scenarios / "1" / "replications.parquet")
    mine = reps[reps["job"] == 1].drop(columns=["job", "scenario"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, per_job)


def test_sweep_plots_and_report_redraws_them(two_scenarios: Path) -> None:
    pngs = sorted(p.name for p in two_scenarios.glob("*.png"))
    assert "outcome_shares.png" in pngs and "agreement_heatmap.png" in pngs
    for name in pngs:
        (two_scenarios / name).unlink()
    before = (two_scenarios / "sweep.parquet").read_bytes()
    done = subprocess.run([sys.executable, "-m", "sim.report", str(two_scenarios)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in two_scenarios.glob("*.png")) == pngs
    assert (two_scenarios / "sweep.parquet").read_bytes() == before


def test_common_random_numbers_pair_the_jobs(two_scenarios: Path) -> None:
    jobs = [json.loads((two_scenarios / j / "summary.json").read_text()) for j in ("0", "1")]
    assert [j["design_point"] for j in jobs] == [0, 0]
    a = pd.read_parquet(two_scenarios / "0" / "replications.parquet")
    b = pd.read_parquet(two_scenarios / "1" / "replications.parquet")
    d = paired_difference(a["summit_held"].to_numpy(), b["summit_held"].to_numpy())
    assert d["ci_high"] - d["ci_low"] < d["unpaired_ci_high"] - d["unpaired_ci_low"]


def test_without_crn_jobs_draw_their_own_streams(tmp_path: Path) -> None:
    done = sim("-m", "scenario=historical_2023,no_balloon", "reps=20", "crn=false",
               "progress=false", "plots=false", f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 0, done.stderr
    dps = [json.loads((tmp_path / j / "summary.json").read_text())["design_point"]
           for j in ("0", "1")]
    assert dps == [0, 1]


def _sweep_args(out: Path) -> list[str]:
    return ["-m", "scenario=historical_2023,no_balloon,from_malta",
            "scenario.relations.tension_half_life_days=50,70", "reps=300", "workers=2",
            "progress=false", "plots=false", f"hydra.sweep.dir={out}"]


def test_a_killed_sweep_resumes_to_the_same_results(tmp_path: Path) -> None:
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    done = sim(*_sweep_args(clean))
    assert done.returncode == 0, done.stderr

    proc = subprocess.Popen([sys.executable, "-m", "sim", *_sweep_args(killed)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while not list(killed.glob("*/summary.json")):  # kill once some jobs are done
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list(killed.glob("*/summary.json")))
    assert 0 < finished < 6 and not (killed / "sweep.parquet").exists()

    again = sim(*_sweep_args(killed))
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("complete, skipped") == finished
    for name in ("sweep.parquet", "replications.parquet"):
        a = pd.read_parquet(clean / name)
        b = pd.read_parquet(killed / name)
        pd.testing.assert_frame_equal(a, b)


def test_failed_replications_are_recorded_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = runner.run_replication

    def flaky(sc, streams, trace=False, rep=0):  # type: ignore[no-untyped-def]
        if rep in (3, 7):
            raise ZeroDivisionError("injected")
        return real(sc, streams, trace=trace, rep=rep)

    monkeypatch.setattr(runner, "run_replication", flaky)
    run = compose_run("reps=12", "workers=1", "plots=false", "progress=false", "seed=5")
    summary = run_design_point(run, tmp_path)
    assert summary["failures"] == 2 and summary["reps"] == 10
    failed = {f["rep"]: f for f in summary["failed"]}
    assert set(failed) == {3, 7}
    assert failed[3]["seed"] == 5 and tuple(failed[3]["spawn_key"]) == (0, 3)
    assert "ZeroDivisionError: injected" in failed[3]["error"]
    reps = pd.read_parquet(tmp_path / "replications.parquet")["rep"].tolist()
    assert reps == [r for r in range(12) if r not in (3, 7)]


def test_the_cli_exits_non_zero_and_lists_every_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sim.cli as cli

    real = runner.run_replication

    def flaky(sc, streams, trace=False, rep=0):  # type: ignore[no-untyped-def]
        if rep in (1, 4):
            raise ValueError(f"bad rep {rep}")
        return real(sc, streams, trace=trace, rep=rep)

    monkeypatch.setattr(runner, "run_replication", flaky)
    monkeypatch.setattr(sys, "argv", ["sim", "reps=6", "workers=1", "plots=false",
                                      "progress=false", f"hydra.run.dir={tmp_path}"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == cli.EXIT_FAILED_REPS
    err = capsys.readouterr().err
    assert "bad rep 1" in err and "bad rep 4" in err and "2 replication(s)" in err
    assert (tmp_path / "summary.json").exists()


def test_reps_auto_stops_at_the_requested_precision(tmp_path: Path) -> None:
    run = compose_run("reps=auto", "precision=0.012", "workers=1", "plots=false",
                      "progress=false", "scenario=from_malta")
    summary = run_design_point(run, tmp_path)
    n = summary["reps"]
    k = round(summary["p_summit"]["estimate"] * n)

    def half_width(k: int, n: int) -> float:  # of the Wilson interval summary.json reports
        _, low, high = wilson(k, n)
        return (high - low) / 2

    assert n % 1000 == 0 and half_width(k, n) <= 0.012
    earlier = pd.read_parquet(tmp_path / "replications.parquet").iloc[: n - 1000]
    assert half_width(int(earlier["summit_held"].sum()), n - 1000) > 0.012


def test_a_refused_sweep_takes_back_only_a_folder_it_left_empty(tmp_path: Path) -> None:
    from sim.sweep import MULTIRUN, discard_unstarted

    fresh, resumed = tmp_path / "fresh", tmp_path / "resumed"
    for folder in (fresh, resumed):
        folder.mkdir()
        (folder / MULTIRUN).write_text("reps: 3\n")
    (resumed / "0").mkdir()  # a job of an earlier run of the sweep
    discard_unstarted(fresh)
    discard_unstarted(resumed)
    discard_unstarted(tmp_path / "never_made")
    assert not fresh.exists()
    assert (resumed / MULTIRUN).exists() and (resumed / "0").is_dir()


def test_a_refused_sweep_in_the_default_folder_leaves_no_multirun_folder(tmp_path: Path) -> None:
    """The default sweep folder is multirun/TIMESTAMP under the working directory: a sweep
    refused there takes back multirun/ too, if it leaves it empty, and only then."""
    refused = [sys.executable, "-m", "sim", "-m", "seed=x,y", "reps=2"]
    done = subprocess.run(refused, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error: seed='x'"), done.stderr
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "multirun").mkdir()
    (tmp_path / "multirun" / "notes.txt").write_text("mine\n")
    done = subprocess.run(refused, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert [p.name for p in (tmp_path / "multirun").iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("launcher", ["summitsim", "basic"])
def test_a_sweep_sets_the_environment_of_hydra_job_env_set_as_one_run_does(
        tmp_path: Path, launcher: str) -> None:
    # GIT_DIR pointing nowhere makes the commit a job records "unknown": the variable was set
    # where the job ran (the summitsim launcher sets it once, for the jobs of its one pool).
    plain = sim("reps=2", "plots=false", "progress=false", f"hydra.run.dir={tmp_path}/plain")
    assert plain.returncode == 0, plain.stderr
    if json.loads((tmp_path / "plain" / "summary.json").read_text())["git_commit"] == "unknown":
        pytest.skip("not a git checkout (or no git): the commit is unknown without GIT_DIR too")
    env_set = "+hydra.job.env_set.GIT_DIR=/nonexistent"
    one = sim("reps=2", "plots=false", "progress=false", env_set, f"hydra.run.dir={tmp_path}/one")
    assert one.returncode == 0, one.stderr
    done = sim("-m", "reps=2,3", "plots=false", "progress=false", env_set,
               f"hydra/launcher={launcher}", f"hydra.sweep.dir={tmp_path}/sweep")
    assert done.returncode == 0, done.stderr
    jobs = sorted((tmp_path / "sweep").glob("*/summary.json"))
    assert len(jobs) == 2
    runs = [tmp_path / "one" / "summary.json", *jobs]
    assert {json.loads(p.read_text())["git_commit"] for p in runs} == {"unknown"}
