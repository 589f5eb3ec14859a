"""Resuming a sweep, and the clean-up of what a killed run leaves behind.

README: "Rerunning an interrupted sweep into the same directory skips the complete jobs
and redoes the others, ending with the tables an uninterrupted sweep gives"; sim.design_point: a
directory is not run again only when its summary matches the same config, seed and
replications. docs/cluster.md: "a job whose directory is already complete is not run
again". Temporary files a killed run leaves are removed when the run is redone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.config.errors import ConfigError
from sim.design_point import completed, prepare_output, run_design_point
from sim.provenance import config_hash
from sim.sweep import finalize_sweep
from tests.conftest import compose_run
from tests.promises_helpers import QUIET, ROOT, damage_pages, reps_table, run_sweep

BASE = ("reps=20", "seed=4", "trace_reps=2", *QUIET)


@pytest.fixture(scope="module")
def done_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    run_design_point(compose_run(*BASE), out, design_point=1)
    return out


def test_a_complete_run_of_the_same_design_point_is_recognised(done_run: Path) -> None:
    summary = completed(done_run, compose_run(*BASE), 1)
    assert summary is not None
    assert summary == json.loads((done_run / "summary.json").read_text())


@pytest.mark.parametrize("change", [
    "scenario.relations.tension_half_life_days=71",  # the scenario's config
    "seed=5", "reps=21", "trace_reps=3",
])
def test_a_run_with_another_config_is_not_reused(done_run: Path, change: str) -> None:
    assert completed(done_run, compose_run(*BASE, change), 1) is None


def test_a_run_of_another_design_point_is_not_reused(done_run: Path) -> None:
    assert completed(done_run, compose_run(*BASE), 0) is None


def test_what_executes_the_run_does_not_matter(done_run: Path) -> None:
    """Same tables whatever the workers, executor or plots: the run is reused."""
    assert completed(done_run, compose_run(*BASE, "workers=2", "plots=true"), 1) is not None


def test_a_missing_or_damaged_summary_is_no_complete_run(tmp_path: Path) -> None:
    run = compose_run(*BASE)
    assert completed(tmp_path, run, 0) is None
    (tmp_path / "summary.json").write_text('{"config_hash": ')
    assert completed(tmp_path, run, 0) is None
    (tmp_path / "summary.json").write_text("[1, 2]")  # valid JSON, but not a summary
    assert completed(tmp_path, run, 0) is None


@pytest.mark.parametrize("damage", [
    lambda s: s | {"p_summit": "x"},  # the sweep's table is built from it: a TypeError
    lambda s: {k: v for k, v in s.items() if k != "outcome_shares"},
])
def test_a_summary_of_the_same_run_with_a_damaged_field_is_no_complete_run(
        done_run: Path, tmp_path: Path, damage: Any) -> None:
    """A summary that matches the run but has a field of the wrong type, or lacks one, is
    run again: it was reused, and gathering the sweep's table raised a TypeError."""
    run = shutil.copytree(done_run, tmp_path / "run")
    summary = json.loads((run / "summary.json").read_text())
    (run / "summary.json").write_text(json.dumps(damage(summary)))
    assert completed(run, compose_run(*BASE), 1) is None
    (run / "summary.json").write_text(json.dumps(summary))  # as written: reused
    assert completed(run, compose_run(*BASE), 1) == summary


@pytest.mark.parametrize("table", ["replications.parquet", "events.parquet"])
def test_a_run_whose_table_was_cut_short_since_is_no_complete_run(
        done_run: Path, tmp_path: Path, table: str) -> None:
    """A table cut short after the run completed (a copy, a disk): the job was reused, and
    gathering the sweep's replications raised Arrow's error."""
    shutil.copytree(done_run, tmp_path / "run")
    assert completed(tmp_path / "run", compose_run(*BASE), 1) is not None
    whole = (tmp_path / "run" / table).read_bytes()
    (tmp_path / "run" / table).write_bytes(whole[:len(whole) // 2])
    assert completed(tmp_path / "run", compose_run(*BASE), 1) is None


def test_reps_auto_is_reused_only_with_the_same_stopping_rule(tmp_path: Path) -> None:
    auto = ("reps=auto", "precision=0.2", "max_reps=1200", *QUIET, "scenario=from_malta")
    run_design_point(compose_run(*auto), tmp_path)
    assert completed(tmp_path, compose_run(*auto), 0) is not None
    assert completed(tmp_path, compose_run(*auto, "precision=0.1"), 0) is None
    assert completed(tmp_path, compose_run(*auto, "max_reps=1300"), 0) is None


# -- a sweep resumed into the same directory ----------------------------------------------

JOBS = [["scenario.relations.tension_half_life_days=50"],
        ["scenario.relations.tension_half_life_days=70"]]


def _jobs(jobs: list[list[str]] = JOBS) -> list[list[str]]:
    return [[*j, *BASE] for j in jobs]


@pytest.fixture(scope="module")
def clean_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    assert len(run_sweep(_jobs(), out)) == 2
    finalize_sweep(out)
    return out


def _stale(run_dir: Path) -> list[Path]:
    """The files a run killed while writing leaves (another process id, same names)."""
    stale = [run_dir / ".replications.parquet.999999.tmp", run_dir / ".events.parquet.999999.tmp",
             run_dir / ".timeline.png.999999.tmp", run_dir / "summary.partial.json"]
    for path in stale:
        path.write_bytes(b"PAR1 half")
    return stale


def _copy_sweep(src: Path, dst: Path) -> None:
    for path in src.rglob("*"):
        if path.is_file():
            (dst / path.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            (dst / path.relative_to(src)).write_bytes(path.read_bytes())


def test_a_complete_sweep_reruns_nothing(clean_sweep: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    _copy_sweep(clean_sweep, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")}
    assert run_sweep(_jobs(), tmp_path) == []
    assert capsys.readouterr().err.count("complete, skipped") == 2
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")} == before


def test_an_interrupted_sweep_redoes_the_rest_and_ends_with_the_same_tables(
        clean_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _copy_sweep(clean_sweep, tmp_path)
    for name in ("summary.json", "replications.parquet", "sweep.parquet"):
        (tmp_path / "1" / name).unlink(missing_ok=True)
    (tmp_path / "sweep.parquet").unlink()
    stale = [*_stale(tmp_path / "1"), tmp_path / ".replications.parquet.999999.tmp"]
    stale[-1].write_bytes(b"PAR1 half")

    redone = run_sweep(_jobs(), tmp_path)
    assert [s["overrides"]["scenario.relations.tension_half_life_days"] for s in redone] == [70]
    assert capsys.readouterr().err.count("complete, skipped") == 1
    assert not any(p.exists() for p in stale[:-1]), "the rerun left the killed run's files"
    finalize_sweep(tmp_path)
    assert not stale[-1].exists(), "gathering the sweep left a killed gathering's file"
    for name in ("sweep.parquet", "replications.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / name),
                                      pd.read_parquet(clean_sweep / name))


def test_a_jobs_table_damaged_behind_a_whole_footer_is_named_and_its_job_runs_again(
        clean_sweep: Path, tmp_path: Path) -> None:
    """A job's table whose pages were damaged after it completed (its footer whole, so the
    job is reused) raised Arrow's error as the sweep was gathered; now one line naming it,
    with nothing gathered, and once that job's folder is removed the sweep ends as before."""
    _copy_sweep(clean_sweep, tmp_path)
    for name in ("sweep.parquet", "replications.parquet", "manifest.json"):
        (tmp_path / name).unlink()
    table = tmp_path / "1" / "replications.parquet"
    damage_pages(table)
    assert run_sweep(_jobs(), tmp_path) == []  # both reused
    with pytest.raises(ConfigError) as e:
        finalize_sweep(tmp_path)
    assert e.value.key == "hydra.sweep.dir" and e.value.allowed.startswith(
        f"{table} cannot be read (")
    assert e.value.allowed.endswith(f"); remove {table.parent} and run the sweep again, "
                                    "which runs that job again")
    assert not list(tmp_path.glob("*.parquet")) and not list(tmp_path.glob(".*.tmp"))
    shutil.rmtree(table.parent)
    assert len(run_sweep(_jobs(), tmp_path)) == 1
    finalize_sweep(tmp_path)
    for name in ("sweep.parquet", "replications.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / name),
                                      pd.read_parquet(clean_sweep / name))


def test_a_job_whose_config_changed_is_run_again(clean_sweep: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _copy_sweep(clean_sweep, tmp_path)
    changed = [JOBS[0], ["scenario.relations.tension_half_life_days=90"]]
    redone = run_sweep(_jobs(changed), tmp_path)
    assert len(redone) == 1 and capsys.readouterr().err.count("complete, skipped") == 1
    fresh = tmp_path / "fresh"
    run_sweep(_jobs(changed)[1:], fresh)
    assert redone[0]["config_hash"] == json.loads((fresh / "0" / "summary.json").read_text())[
        "config_hash"] != json.loads((clean_sweep / "1" / "summary.json").read_text())[
        "config_hash"]
    pd.testing.assert_frame_equal(reps_table(tmp_path / "1"), reps_table(fresh / "0"))


def test_a_rerun_cleans_up_what_a_killed_run_left(tmp_path: Path) -> None:
    out, clean = tmp_path / "killed", tmp_path / "clean"
    out.mkdir()
    stale = _stale(out)
    run_design_point(compose_run(*BASE), out)
    assert not any(p.exists() for p in stale)
    assert sorted(p.name for p in out.iterdir()) == ["events.parquet", "replications.parquet",
                                                     "summary.json"]
    run_design_point(compose_run(*BASE), clean)
    pd.testing.assert_frame_equal(reps_table(out), reps_table(clean))


def test_prepare_output_leaves_nothing_that_looks_complete(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("{}")
    keep = tmp_path / "notes.tmp"  # not a temporary file of ours: kept
    keep.write_text("mine")
    prepare_output(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.tmp"]


def test_an_unwritable_output_directory_is_a_config_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("")
        target = blocker / "run"  # a directory cannot be made under a file, even as root
    else:
        tmp_path.chmod(0o500)
        target = tmp_path / "run"
    with pytest.raises(ConfigError) as err:
        prepare_output(target)
    assert str(err.value).startswith(f"hydra.run.dir={str(target)!r}: cannot write there")


def test_a_sweep_under_hydras_own_launcher_resumes_too(tmp_path: Path) -> None:
    """Under `hydra/launcher=basic` each job is a Hydra job of its own (`sim.cli.task`), and
    the sweep is gathered at the end as under summitsim's launcher (so it is under submitit,
    which waits for its jobs too): run again into the same folder, every complete job is
    skipped, and its tables are untouched;
    under Hydra's own sweeper the sweep is not gathered, and the lines say where it is and
    how to gather it."""
    import subprocess
    import sys

    def sim(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sim", "-m", "seed=1,2", "reps=3",
                               "trace_reps=1", *QUIET, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)

    first = sim("hydra/launcher=basic", "hydra.sweep.dir=basic")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == f"sweep: {tmp_path / 'basic'}"  # gathered
    assert len(pd.read_parquet(tmp_path / "basic" / "sweep.parquet")) == 2
    tables = {job: (tmp_path / "basic" / job / "replications.parquet").stat().st_mtime_ns
              for job in ("0", "1")}
    again = sim("hydra/launcher=basic", "hydra.sweep.dir=basic")
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("complete, skipped") == 2
    assert tables == {job: (tmp_path / "basic" / job / "replications.parquet").stat(
        ).st_mtime_ns for job in ("0", "1")}
    apart = sim("hydra/sweeper=basic", "hydra.sweep.dir=apart")
    assert apart.returncode == 0, apart.stderr
    folder = tmp_path / "apart"
    assert apart.stdout.splitlines()[-1] == f"sweep: {folder}"
    assert apart.stderr.strip().endswith(f"not gathered: python -m sim.report {folder} gathers it")
    assert not (tmp_path / "apart" / "sweep.parquet").exists()
    dated = sim("hydra/sweeper=basic", "hydra/launcher=basic")  # in multirun/, named by the time
    assert dated.returncode == 0, dated.stderr
    [ran] = (tmp_path / "multirun").iterdir()  # checked, not held: Hydra names it anew
    assert dated.stdout.splitlines()[-1] == f"sweep: {ran}"
    gathered = subprocess.run([sys.executable, "-m", "sim.report", "apart"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
    assert gathered.returncode == 0, gathered.stderr
    assert len(pd.read_parquet(tmp_path / "apart" / "sweep.parquet")) == 2


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "conf" / "scenario").glob(
    "*.yaml")))
def test_the_config_hash_is_the_one_earlier_summaries_hold(name: str) -> None:
    """A sweep resumed recognises the jobs an earlier version completed by their config's
    hash: it stays the SHA-256 of `dataclasses.asdict` of the scenario, as sorted JSON."""
    scenario = compose_run(f"scenario={name}").scenario
    text = json.dumps(dataclasses.asdict(scenario), sort_keys=True, default=str)
    assert config_hash(scenario) == hashlib.sha256(text.encode()).hexdigest()
