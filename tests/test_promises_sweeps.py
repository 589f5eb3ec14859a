"""What the README promises of sweeps: exit 3 on failures, `reps=auto`, checked design
points, and the tables gathered in the sweep directory.

"A replication that raises is recorded with its seed and error, the rest go on, and the
process exits 3 listing every failure." "`reps=auto` adds batches of 1,000 until the 95 %
half-width of `p_summit` is at most `precision`." Every design point is checked before
any runs (`sim.design_point`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim import runner
from sim.analysis.summary import wilson
from sim.cli import EXIT_FAILED_REPS, finish_sweep, main
from sim.config.errors import ConfigError
from sim.config.validate import validate_run
from sim.design_point import run_design_point
from sim.executors import LocalProcesses
from sim.provenance import config_hash
from sim.sweep import finalize_sweep, job_dirs, one_type_per_key, parse_overrides, swept_keys
from tests.conftest import compose_run
from tests.promises_helpers import QUIET, points, run_sweep, sim

ROOT = Path(__file__).resolve().parents[1]


def _failing(reps: set[int]):  # type: ignore[no-untyped-def]
    real = runner.run_replication

    def flaky(sc, streams, trace=False, rep=0):  # type: ignore[no-untyped-def]
        if rep in reps:
            raise RuntimeError(f"injected at rep {rep}")
        return real(sc, streams, trace=trace, rep=rep)

    return flaky


def test_a_sweep_with_failed_replications_exits_3_listing_each(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "run_replication", _failing({2, 5}))
    monkeypatch.setattr(sys, "argv", ["sim", "-m", "seed=1,2", "reps=8", *QUIET,
                                      f"hydra.sweep.dir={tmp_path}"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == EXIT_FAILED_REPS == 3
    err = capsys.readouterr().err
    for job, seed in ((0, 1), (1, 2)):
        assert f"job {job}: 2 replication(s) of historical_2023 failed" in err
        for rep in (2, 5):
            assert f"rep {rep} (seed {seed}, spawn_key (0, {rep})): RuntimeError: injected " \
                   f"at rep {rep}" in err
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    assert list(table["failures"]) == [2, 2] and list(table["reps"]) == [6, 6]


def test_a_sweep_without_failures_exits_0(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    run_sweep([["seed=1", "reps=5", *QUIET]], tmp_path)
    assert finish_sweep(tmp_path, plots=False) == 0
    assert "failed" not in capsys.readouterr().err


def test_a_smaller_sweep_into_the_same_folder_gathers_only_its_own_jobs(tmp_path: Path) -> None:
    """Jobs an earlier, larger sweep left (one of them incomplete) are not this sweep's:
    its tables and exit status leave them out, and a note says they are there."""
    folder = f"hydra.sweep.dir={tmp_path}"
    assert sim("-m", folder, "reps=2", "seed=1,2,3", *QUIET).returncode == 0
    (tmp_path / "2" / "summary.json").unlink()  # as if that sweep had been killed
    done = sim("-m", folder, "reps=2", "seed=3", *QUIET)
    assert done.returncode == 0, done.stderr
    assert f"note: {tmp_path} also holds jobs 1, 2 of an earlier sweep" in done.stderr
    assert list(pd.read_parquet(tmp_path / "sweep.parquet")["seed"]) == [3]
    assert set(pd.read_parquet(tmp_path / "replications.parquet")["job"]) == {0}
    assert [j["job"] for j in json.loads((tmp_path / "manifest.json").read_text())["jobs"]] == [0]
    redrawn = subprocess.run([sys.executable, "-m", "sim.report", str(tmp_path)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert redrawn.returncode == 0, redrawn.stderr
    assert {Path(p).parent for p in redrawn.stdout.split()} == {tmp_path, tmp_path / "0"}


def test_an_incomplete_job_makes_the_sweep_exit_3(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run_sweep([["seed=1", "reps=5", *QUIET], ["seed=2", "reps=5", *QUIET]], tmp_path)
    (tmp_path / "1" / "summary.json").unlink()
    assert finish_sweep(tmp_path, plots=False) == EXIT_FAILED_REPS
    assert "job 1: incomplete" in capsys.readouterr().err
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [(j["job"], j["complete"]) for j in manifest["jobs"]] == [(0, True), (1, False)]
    assert list(pd.read_parquet(tmp_path / "sweep.parquet")["job"]) == [0]


def test_a_single_run_with_failures_exits_3_and_is_complete(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(runner, "run_replication", _failing({0}))
    monkeypatch.setattr(sys, "argv", ["sim", "reps=4", "seed=8", *QUIET,
                                      f"hydra.run.dir={tmp_path}"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 3
    assert "rep 0 (seed 8, spawn_key (0, 0)): RuntimeError: injected at rep 0" in \
        capsys.readouterr().err
    assert json.loads((tmp_path / "summary.json").read_text())["reps"] == 3


# -- reps=auto -------------------------------------------------------------------------------


def _half_width(k: int, n: int) -> float:
    _, low, high = wilson(k, n)
    return (high - low) / 2


def test_reps_auto_stops_at_the_first_thousand_with_the_reported_precision(
        tmp_path: Path) -> None:
    precision = 0.02
    run = compose_run("reps=auto", f"precision={precision}", *QUIET, "scenario=from_malta")
    summary = run_design_point(run, tmp_path)
    n = summary["reps"]
    p = summary["p_summit"]
    assert n % 1000 == 0 and n >= 2000
    assert (p["ci_high"] - p["ci_low"]) / 2 <= precision  # the interval summary.json reports
    held = pd.read_parquet(tmp_path / "replications.parquet")["summit_held"]
    assert _half_width(int(held.iloc[: n - 1000].sum()), n - 1000) > precision
    assert summary["requested_reps"] == "auto"


def test_reps_auto_stops_at_max_reps(tmp_path: Path) -> None:
    run = compose_run("reps=auto", "precision=0.001", "max_reps=1500", *QUIET)
    assert run_design_point(run, tmp_path)["reps"] == 1500


def test_reps_auto_in_a_sweep(tmp_path: Path) -> None:
    jobs = [["reps=auto", "precision=0.04", "max_reps=5000", f"seed={s}", *QUIET]
            for s in (1, 2)]
    summaries = run_sweep(jobs, tmp_path)
    for s in summaries:
        p = s["p_summit"]
        assert s["reps"] % 1000 == 0 and (p["ci_high"] - p["ci_low"]) / 2 <= 0.04


# -- every design point is checked before any runs -----------------------------------------


def test_the_launcher_checks_every_job_before_running_any(tmp_path: Path) -> None:
    jobs = [["scenario.relations.tension=0.5"], ["scenario.relations.tension=1.5"]]
    with pytest.raises(ConfigError) as err:
        points(jobs, tmp_path)
    assert str(err.value) == "scenario.relations.tension=1.5: must be in [0, 1]"
    with pytest.raises(ConfigError) as err:
        points([["scenario.relations.tension=0.5"], ["scenario.relations.tensio=0.5"]],
               tmp_path)
    assert str(err.value).startswith("scenario.relations.tensio='0.5': unknown key (did you "
                                     "mean 'tension'?); known: agreed, tension")
    with pytest.raises(ConfigError) as err:
        points([["scenario.relationz.tension=0.5"]], tmp_path)
    assert str(err.value).startswith("scenario.relationz.tension='0.5': unknown key (did you "
                                     "mean 'relations'?)")
    assert list(tmp_path.iterdir()) == []


def test_a_bad_later_job_stops_the_sweep_with_one_line_before_anything_runs(
        tmp_path: Path) -> None:
    done = sim("-m", "scenario.relations.tension=0.5,1.5", "reps=5", *QUIET,
               f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 2
    assert done.stderr.strip() == "error: scenario.relations.tension=1.5: must be in [0, 1]"
    assert not tmp_path.exists() or job_dirs(tmp_path) == []
    assert not (tmp_path / "sweep.parquet").exists()


@pytest.mark.parametrize(("plug_ins", "ran"), [
    ((), ["no_balloon", "no_calm", "singapore_2018"]),  # was without no_calm
    (("hydra/launcher=basic",), ["no_balloon", "no_calm", "singapore_2018"]),
    (("hydra/sweeper=basic",), ["no_balloon", "singapore_2018"]),  # as Hydra chooses
])
def test_a_glob_sweep_runs_a_job_per_scenario_it_chooses(
        plug_ins: tuple[str, ...], ran: list[str], tmp_path: Path) -> None:
    """A glob is the scenarios it chooses, of a user's folder too, in Hydra's order (Hydra's
    own sweeper left out the user's: its issue 1942), and every job is checked before any
    runs, under Hydra's launcher or sweeper too (where a glob was refused as "glob(...)
    chooses among a config group's options"), those that run and no other."""
    (tmp_path / "mine" / "scenario").mkdir(parents=True)
    (tmp_path / "mine" / "scenario" / "no_calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: no_calm\n")
    done = sim("--config-dir", str(tmp_path / "mine"), "-m", *plug_ins,
               "scenario=glob([no_*,singapore*])", "reps=2", *QUIET,
               f"hydra.sweep.dir={tmp_path / 'sweep'}")
    assert done.returncode == 0, done.stderr
    assert [json.loads((job / "summary.json").read_text())["scenario"] for job in sorted(
        (tmp_path / "sweep").iterdir()) if job.is_dir() and job.name.isdigit()] == ran


@pytest.mark.parametrize(("module", "given", "jobs"), [
    ("sim", ("+experiment=seeds",), 2),  # the file's sweep
    ("sim", ("hydra.mode=MULTIRUN", "seed=1,2"), 2),  # was "add -m"
    ("sim.negotiate", ("hydra.mode=MULTIRUN", "plot=false"), 1),
    ("sim.negotiate", ("hydra.mode=MULTIRUN", "seed=1,2", "plot=false"), 2)])
def test_a_config_that_asks_for_a_sweep_is_swept_without_m(
        module: str, given: tuple[str, ...], jobs: int, tmp_path: Path) -> None:
    """`hydra.mode: MULTIRUN` in an experiment, as Hydra's documentation writes one with its
    sweep, is swept as Hydra sweeps it without -m; it ran once, the file's sweep left out.
    On the command line too, for the lab as for `python -m sim`."""
    (tmp_path / "mine" / "experiment").mkdir(parents=True)
    (tmp_path / "mine" / "experiment" / "seeds.yaml").write_text(
        "# @package _global_\nhydra:\n  mode: MULTIRUN\n  sweeper:\n    params:\n"
        "      seed: 1,2\n")
    folder = ("--config-dir", str(tmp_path / "mine"), "reps=2", *QUIET) if module == "sim" else ()
    done = subprocess.run([sys.executable, "-m", module, *folder, *given,
                           f"hydra.sweep.dir={tmp_path / 'sweep'}",
                           f"hydra.run.dir={tmp_path / 'run'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "run").exists()
    assert sorted(p.name for p in (tmp_path / "sweep").iterdir() if p.name.isdigit()) == [
        str(job) for job in range(jobs)]
    if module == "sim":
        assert list(pd.read_parquet(tmp_path / "sweep" / "sweep.parquet")["seed"]) == [1, 2]


def test_an_unknown_executor_is_refused_by_name(run_conf) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    with pytest.raises(ConfigError) as err:
        validate_run(dataclasses.replace(run_conf, executor="daks"))
    assert str(err.value) == ("executor='daks': unknown executor (did you mean 'dask'?); "
                              "known: dask, local")


def test_an_unknown_executor_on_the_command_line_is_exit_2(tmp_path: Path) -> None:
    done = sim("executor=procs", "reps=5", *QUIET, f"hydra.run.dir={tmp_path / 'run'}")
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: executor='procs': unknown executor; "
                                   "known: dask, local")
    assert not (tmp_path / "run").exists()


# -- the sweep's tables -----------------------------------------------------------------------


def test_the_sweep_table_has_a_row_per_job_matching_its_summary(tmp_path: Path) -> None:
    jobs = [[f"scenario.relations.tension_half_life_days={h}", "reps=25", *QUIET]
            for h in (40, 60, 80)]
    summaries = run_sweep(jobs, tmp_path)
    table = pd.read_parquet(finalize_sweep(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["swept_keys"] == ["scenario.relations.tension_half_life_days"]
    assert list(table["scenario.relations.tension_half_life_days"]) == [40, 60, 80]
    for row, s, job in zip(table.itertuples(), summaries, manifest["jobs"], strict=True):
        assert row.p_summit == s["p_summit"]["estimate"]
        assert (row.p_summit_ci_low, row.p_summit_ci_high) == (s["p_summit"]["ci_low"],
                                                               s["p_summit"]["ci_high"])
        assert row.config_hash == job["config_hash"] == s["config_hash"]
        assert row.share_summit_partial == s["outcome_shares"]["summit_partial"]
        assert row.reps == 25 and row.failures == 0
    assert len({*table["config_hash"]}) == 3
    assert manifest["seed"] == 0 and manifest["crn"] is True
    assert manifest["versions"]["summitsim"] and manifest["git_commit"]


def test_plus_overrides_add_keys_where_the_config_has_none(tmp_path: Path) -> None:
    (point,) = points([["+vars.new.depth=1", "++vars.other=2", "~vars.gone"]], tmp_path)
    assert point.run.vars == {"new": {"depth": 1}, "other": 2}


@pytest.mark.parametrize("overrides", [
    ("scenario.relations={tension: 0.5}",),
    ("scenario.parties.us.policy={call_off: {above: 0.9}}", "++scenario.bargaining={walk_away: 0}"),
    ("scenario.channels.leaders.issues=[taiwan]",),
])
def test_a_job_merges_a_mapping_override_as_a_run_does(overrides: tuple[str, ...],
                                                       tmp_path: Path) -> None:
    """A mapping given to a key merges into the one there, in a sweep's job as in a run
    (Hydra's own composing): it replaced it, and the rest fell back to the schema's defaults."""
    (point,) = points([list(overrides)], tmp_path)
    assert point.run == compose_run(*overrides)


@pytest.mark.parametrize("override", [
    "scenario.concessions.forensic_institute_delisting.allow.entity_list.1=0.5",
    "scenario.channels.defense.issues.0=taiwan",
])
def test_a_job_sets_an_item_of_a_list_as_a_run_does(override: str, tmp_path: Path) -> None:
    """An item of a list, by its number, is set in a sweep's job as Hydra sets it in a run."""
    (point,) = points([[override]], tmp_path)
    assert point.run == compose_run(override) != compose_run()


def test_a_sweep_takes_an_override_that_interpolates_a_swept_value(tmp_path: Path) -> None:
    """`KEY=${vars.t} +vars.t=a,b`: the launcher read the sweep's overrides resolved, and
    `${vars.t}` was not found; each job now has the config of the run with those values."""
    done = sim("-m", "scenario.relations.tension=${vars.t}", "+vars.t=0.4,0.5", "reps=2",
               *QUIET, f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 0, done.stderr
    for job, t in enumerate((0.4, 0.5)):
        run = compose_run("scenario.relations.tension=${vars.t}", f"+vars.t={t}")
        assert run.scenario.relations.tension == t
        summary = json.loads((tmp_path / str(job) / "summary.json").read_text())
        assert summary["config_hash"] == config_hash(run.scenario)


def test_a_sweep_with_plus_on_a_new_key_and_a_new_mapping_entry_runs(tmp_path: Path) -> None:
    """The launcher starts a job from the sweep's own config, where `+vars.a=1` is already
    in: set again, it is the same value, not a key already set. A new entry of a mapping
    without + is refused, as a run refuses it."""
    done = sim("-m", "+vars.a=1", "seed=1,2", "reps=2", *QUIET, f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 0, done.stderr
    refused = sim("-m", "vars={a: 1},{a: 2}", "reps=2", *QUIET,
                  f"hydra.sweep.dir={tmp_path / 'new'}")
    assert refused.returncode == 2
    assert refused.stderr == ("error: vars='{a:1}': a mapping merges into the one composed, "
                              "and a new entry in it needs ++: write ++vars={...} (the entries "
                              "given are added or changed, the others kept)\n")


def test_a_job_refuses_plus_on_a_key_that_is_set_as_a_run_does(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="reps='5': already set: change it with reps=VALUE"):
        points([["+reps=5"]], tmp_path)
    with pytest.raises(ConfigError, match="reps='5': already set: change it with reps=VALUE"):
        compose_run("+reps=5")


def test_each_job_keeps_its_overrides_as_hydra_does(tmp_path: Path) -> None:
    import yaml

    jobs = [["seed=1", "reps=3", *QUIET], ["seed=2", "reps=3", *QUIET]]
    run_sweep(jobs, tmp_path)
    for job, overrides in enumerate(jobs):
        saved = (tmp_path / str(job) / ".hydra" / "overrides.yaml").read_text()
        assert yaml.safe_load(saved) == overrides


def test_overrides_are_read_as_hydras_grammar_reads_them() -> None:
    assert parse_overrides(["Xk=1"]) == {"Xk": 1}
    assert parse_overrides(["a=1", "+b=0.5", "~c=true", "d=x", "e=[1,2]", "f=2023-02-02"]) == {
        "a": 1, "b": 0.5, "c": True, "d": "x", "e": "[1,2]", "f": "2023-02-02"}
    assert parse_overrides(["g=: bad"]) == {"g": ": bad"}
    # as a sweep's job has them from Hydra: escaped, as written by the user in the table
    assert parse_overrides(["seed=$\\{vars.x\\}", "h=a\\ b", "i='c,d'"]) == {
        "seed": "${vars.x}", "h": "a b", "i": "c,d"}


def test_a_key_swept_over_values_of_two_kinds_is_gathered_as_text(tmp_path: Path) -> None:
    """`kappa=null,0.3` (or `reps=auto,1000`): the gathering stopped with a traceback after
    every job had run, as the values could not share a column; they are kept as text."""
    key = "scenario.parties.us.strategy.kappa"
    run_sweep([[f"{key}={v}", "reps=2", *QUIET] for v in ("null", "0.3")], tmp_path)
    finalize_sweep(tmp_path)
    assert pd.read_parquet(tmp_path / "sweep.parquet")[key].tolist() == ["null", "0.3"]
    reps = pd.read_parquet(tmp_path / "replications.parquet")
    assert reps.groupby("job")[key].unique().map(list).tolist() == [["null"], ["0.3"]]



def test_a_free_value_beyond_64_bits_is_gathered_as_text(tmp_path: Path) -> None:
    """`+vars.x=1,2**64`: a whole number a table cannot hold stopped the gathering with a
    traceback after the jobs had run; the key's values are kept as text."""
    run_sweep([[f"+vars.x={v}", "reps=2", *QUIET] for v in (1, 2**64)], tmp_path)
    finalize_sweep(tmp_path)
    assert pd.read_parquet(tmp_path / "sweep.parquet")["vars.x"].tolist() == ["1", str(2**64)]
    reps = pd.read_parquet(tmp_path / "replications.parquet")
    assert reps.groupby("job")["vars.x"].unique().map(list).tolist() == [["1"], [str(2**64)]]

def test_values_of_one_kind_keep_their_type() -> None:
    assert one_type_per_key([{"a": 1, "b": True, "c": "x"}, {"a": 2.5, "b": False}]) == [
        {"a": 1, "b": True, "c": "x"}, {"a": 2.5, "b": False}]
    assert one_type_per_key([{"reps": "auto"}, {"reps": 1000}]) == [{"reps": "auto"},
                                                                   {"reps": "1000"}]


def test_swept_keys_are_those_that_differ() -> None:
    assert swept_keys([{"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 0}]) == ["b", "c"]
    assert swept_keys([{"a": 1, "b": 2}]) == ["a", "b"]
    assert swept_keys([]) == []


def test_report_gathers_a_sweep_whose_jobs_ran_apart(tmp_path: Path) -> None:
    """docs/cluster.md (submitit): nothing gathers the sweep; `python -m sim.report SWEEP_DIR`
    builds `sweep.parquet` from the job directories and draws the sweep plots."""
    from sim.report import main as report

    jobs = [[f"scenario.relations.tension_half_life_days={h}", "reps=25", *QUIET]
            for h in (40, 80)]
    run_sweep(jobs, tmp_path / "apart")
    run_sweep(jobs, tmp_path / "together")
    finalize_sweep(tmp_path / "together")
    assert not (tmp_path / "apart" / "sweep.parquet").exists()
    assert report([str(tmp_path / "apart")]) == 0
    for name in ("sweep.parquet", "replications.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "apart" / name),
                                      pd.read_parquet(tmp_path / "together" / name))
    assert (tmp_path / "apart" / "outcome_shares.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", ["${scenario.name}", "${hydra.job.num}"])
def test_a_sweep_takes_a_hydra_setting_that_resolves(name: str, tmp_path: Path) -> None:
    """Hydra's settings given to a sweep are resolved before it runs (one that does not is
    refused, as a run refuses it: the catalogue); one naming a key of the config, or a value
    each job sets, runs."""
    done = sim("-m", f"hydra.job.name={name}", "seed=1,2", "reps=2", *QUIET,
               f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 0, done.stderr
    assert len(pd.read_parquet(tmp_path / "sweep.parquet")) == 2


def test_a_run_and_a_sweep_are_not_written_into_each_others_folder(tmp_path: Path) -> None:
    """A sweep into a run's folder replaced the run's tables under its summary, and a run
    into a sweep's the sweep's gathered table: each is refused, and the folder is as it was."""
    run_dir, sweep_dir = tmp_path / "run", tmp_path / "sweep"
    assert sim("reps=2", *QUIET, f"hydra.run.dir={run_dir}").returncode == 0
    assert sim("-m", "seed=1,2", "reps=2", *QUIET, f"hydra.sweep.dir={sweep_dir}").returncode == 0
    before = {p: p.read_bytes() for d in (run_dir, sweep_dir) for p in d.rglob("*") if p.is_file()}
    for plugin in ((), ("hydra/launcher=basic",), ("hydra/sweeper=basic",)):  # either one
        into_run = sim("-m", *plugin, "seed=3,4", "reps=2", *QUIET, f"hydra.sweep.dir={run_dir}")
        assert (into_run.returncode, into_run.stderr) == (2, (
            f"error: hydra.sweep.dir='{run_dir}': holds a run (summary.json), whose files "
            "this sweep's would replace or be mixed with; give it a folder of its own\n"))
    for run_flag in ((), ("--run",)):  # Hydra's flag for a run, too
        into_sweep = sim(*run_flag, "reps=3", *QUIET, f"hydra.run.dir={sweep_dir}")
        assert (into_sweep.returncode, into_sweep.stderr) == (2, (
            f"error: hydra.run.dir='{sweep_dir}': holds a sweep (multirun.yaml), whose files "
            "this run's would replace or be mixed with; give it a folder of its own\n"))
    after = {p: p.read_bytes() for d in (run_dir, sweep_dir) for p in d.rglob("*") if p.is_file()}
    assert after == before



def test_each_job_of_a_sweep_has_the_tables_of_its_design_point_run_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool sends each point of a sweep of many to the workers as one batch, where a
    point run alone is split among them: the replications and events are the same."""
    sent: list[int] = []
    real = LocalProcesses.map_tasks

    def counted(self: LocalProcesses, tasks: Any, fn: Any) -> Any:
        sent.append(len(tasks))
        return real(self, tasks, fn)

    monkeypatch.setattr(LocalProcesses, "map_tasks", counted)
    jobs = [[f"seed={s}", "reps=20", "trace_reps=4", "workers=2", "crn=false", "plots=false",
             "progress=false"] for s in range(1, 9)]
    summaries = run_sweep(jobs, tmp_path / "sweep")
    assert sent == [len(jobs)]  # one task a point
    for job in (0, len(jobs) - 1):
        alone = tmp_path / f"alone{job}"
        run_design_point(compose_run(*jobs[job]), alone,
                         design_point=summaries[job]["design_point"])
        for table in ("replications.parquet", "events.parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "sweep" / str(job) / table),
                                          pd.read_parquet(alone / table))
    assert len(sent) > 1 and all(n > 1 for n in sent[1:])  # each run alone: several batches
