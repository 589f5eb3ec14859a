"""`python -m sim` end to end, as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def sim(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    env.pop("HYDRA_FULL_ERROR")
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    done = sim("reps=60", "workers=2", "trace_reps=4", "progress=false", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    assert "p_summit" in done.stdout
    return out


def test_run_writes_every_output(run_dir: Path) -> None:
    for name in ("replications.parquet", "events.parquet", "summary.json",
                 "outcomes.png", "timeline.png", "goldstein.png"):
        assert (run_dir / name).stat().st_size > 0, name
    assert not list(run_dir.glob(".*.tmp")) and not (run_dir / "summary.partial.json").exists()


def test_replications_table(run_dir: Path) -> None:
    df = pd.read_parquet(run_dir / "replications.parquet")
    assert list(df["rep"]) == list(range(60))
    required = {"rep", "outcome", "summit_held", "summit_date", "final_tension",
                "n_meetings_held", "n_meetings_postponed", "n_shocks",
                "utility_us", "utility_cn"}
    issues = ["mil_mil", "fentanyl", "ai_risk", "exchanges", "climate", "economic",
              "export_controls", "taiwan"]
    assert required | {f"agreed_{i}" for i in issues} <= set(df.columns)
    assert df[[f"agreed_{i}" for i in issues]].dtypes.eq(bool).all()
    held = df[df["summit_held"]]
    assert (held["summit_date"] == "2023-11-15").all()
    assert df.loc[~df["summit_held"], "summit_date"].isna().all()


def test_events_table(run_dir: Path) -> None:
    ev = pd.read_parquet(run_dir / "events.parquet")
    assert set(ev["rep"]) == {0, 1, 2, 3}
    assert {"time", "date", "kind", "actor", "target", "cameo", "goldstein",
            "tension_after"} <= set(ev.columns)
    balloon = ev[(ev["kind"] == "shock") & (ev["name"] == "balloon")]
    assert (balloon["date"] == "2023-02-02").all() and (balloon["cameo"] == "150").all()
    assert ev.groupby("rep")["time"].apply(lambda t: t.is_monotonic_increasing).all()


def test_summary_json(run_dir: Path) -> None:
    s = json.loads((run_dir / "summary.json").read_text())
    assert s["scenario"] == "historical_2023" and s["reps"] == 60 and s["seed"] == 0
    p = s["p_summit"]
    assert p["ci_low"] <= p["estimate"] <= p["ci_high"]
    assert abs(sum(s["outcome_shares"].values()) - 1.0) < 1e-9
    assert set(s["p_agreed"]) == {"mil_mil", "fentanyl", "ai_risk", "exchanges", "climate",
                                  "economic", "export_controls", "taiwan", "entity_list"}
    assert len(s["config_hash"]) == 64
    assert {"simpy", "numpy", "hydra-core", "summitsim"} <= set(s["versions"])
    assert s["perf"]["replications_per_second"] > 0
    assert s["perf"]["simpy_events_per_replication"] > 10


def test_same_seed_same_results_whatever_the_workers(tmp_path: Path) -> None:
    tables = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        done = sim("reps=300", f"workers={workers}", "seed=11", "plots=false",
                   "progress=false", f"hydra.run.dir={out}")
        assert done.returncode == 0, done.stderr
        tables.append(pd.read_parquet(out / "replications.parquet"))
    pd.testing.assert_frame_equal(tables[0], tables[1])


@pytest.mark.parametrize(("module", "args", "own"), [
    ("sim", ("reps=2", "plots=false", "progress=false"), "sim.runner"),
    ("sim.negotiate", ("plot=false",), "sim.negotiation.lab"),
])
def test_a_command_that_draws_nothing_does_not_load_matplotlib(
        tmp_path: Path, module: str, args: tuple[str, ...], own: str) -> None:
    """Loading matplotlib's pyplot is a third of a second of a command's start-up: a run
    that draws nothing (plots=false, as sweeps' jobs and forecasts run) must not pay it."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", module, *args,
                           f"hydra.run.dir={tmp_path}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert own in imported  # the command's own imports are listed
    assert not [m for m in imported if m.startswith("matplotlib")]


@pytest.mark.parametrize(("module", "args", "unloaded"), [
    ("sim", ("reps=0",), {"pandas", "sim.design_point", "sim.world"}),
    ("sim.forecast", ("scenario=historical_2023", "as_of=2023-05-01", "reps=0"),
     {"sim.forecast.asof", "sim.world"}),
    ("sim.calibrate", ("us_china_2023", "population=1"), {"pyabc", "sim.world"}),
    ("sim.explore", ("ishigami", "base_samples=0"), {"SALib", "sim.world"}),
])
def test_a_bad_command_line_is_told_before_the_commands_own_imports(
        tmp_path: Path, module: str, args: tuple[str, ...], unloaded: set[str]) -> None:
    """A command's settings are checked before the modules that run it are loaded (for a
    run, pandas, the world and the executors: half its start-up), so a typo is told fast."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", module, *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "sim.config.checks" in imported  # the checks' imports are listed
    assert not unloaded & set(imported)


def listed(help_text: str, section: str) -> list[str]:
    """The names a section of `python -m sim --help` lists."""
    return help_text.split(f"== {section} ==\n")[1].splitlines()[0].split(", ")


def test_help_lists_scenarios_and_knobs() -> None:
    """The scenarios and experiments, not every folder of conf/ (Hydra's list had
    `schema: run`, `questions: ...`, the bases)."""
    done = sim("--help")
    assert done.returncode == 0
    for word in ("reps=", "seed=", "workers="):
        assert word in done.stdout, word
    for section, group in (("Scenarios (scenario=NAME)", "scenario"),
                           ("Experiments (-m +experiment=NAME)", "experiment")):
        assert listed(done.stdout, section) == sorted(
            p.stem for p in (ROOT / "conf" / group).glob("*.yaml"))
    assert "schema: run" not in done.stdout and "questions:" not in done.stdout


def test_help_lists_the_scenarios_of_a_users_folder(tmp_path: Path) -> None:
    """Hydra's list left out the scenarios of --config-dir DIR, which the help names."""
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    done = sim("--config-dir", str(tmp_path), "--help")
    assert done.returncode == 0, done.stderr
    assert {"calm", "historical_2023"} <= set(listed(done.stdout, "Scenarios (scenario=NAME)"))


def test_help_with_a_sweep_of_a_glob_of_a_users_folder(tmp_path: Path) -> None:
    """A glob's first job is among the scenarios of --config-dir DIR too: one that only a
    user's scenario matches shows the help."""
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    done = sim("--config-dir", str(tmp_path), "-m", "scenario=glob(cal*)", "--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert "calm" in listed(done.stdout, "Scenarios (scenario=NAME)")


@pytest.mark.parametrize("command", [
    "sim.negotiate", "sim.tournament", "sim.forecast", "sim.backtest", "sim.backtest library",
    "sim.calibrate", "sim.explore", "sim.report", "sim.compare"])
def test_every_command_has_help(command: str) -> None:
    """`--help` prints how to call the command, on stdout, and runs nothing: exit code 0;
    every argument listed there says what it is."""
    done = subprocess.run([sys.executable, "-m", *command.split(), "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert f"python -m {command}" in done.stdout
    if "positional arguments:" in done.stdout:  # argparse's: each argument says what it is
        entries = done.stdout.split("positional arguments:")[1].splitlines()
        for line, after in zip(entries, [*entries[1:], ""], strict=True):
            if re.match(r"  \S", line) and not re.match(r"  \S+(?: \S+)*  +\S", line):
                assert after.startswith("   "), f"{command}: {line.strip()} has no help"


@pytest.mark.parametrize("module", ["sim", "sim.negotiate", "sim.tournament"])
def test_version_is_summitsims(module: str) -> None:
    import hydra

    import sim

    done = subprocess.run([sys.executable, "-m", module, "--version"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (
        0, f"summitsim {sim.__version__} (Hydra {hydra.__version__})\n")


@pytest.mark.parametrize(("module", "args", "shown"), [
    ("sim", ("-m", "reps=2,3", "--help"), "python -m sim"),
    ("sim", ("-m", "reps=2,3", "--hydra-help"), "Hydra"),
    ("sim.negotiate", ("-m", "deadline=5,6", "--help"), "python -m sim.negotiate"),
    ("sim", ("-m", "scenario=glob(hist*)", "--help"), "python -m sim"),  # was "add -m"
])
def test_help_with_a_sweep_shows_help(module: str, args: tuple[str, ...], shown: str) -> None:
    """Hydra's help composes one config, where a sweep's values are ambiguous: it was a
    traceback; it is the help, of the sweep's first job's config, and nothing runs."""
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert shown in done.stdout


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("scenario=histrical", "scenario='histrical'"),
        ("rep=10", "rep="),
        ("reps=0", "reps=0"),
        ("reps=abc", "reps="),
        ("scenario.relations.tension=1.5", "scenario.relations.tension=1.5"),
        ("scenario.parties.us.strategy.name=bolware", "scenario.parties.us.strategy.name="),
        ("scenario.meetings.blinken_beijing.channel=nowhere",
         "scenario.meetings.blinken_beijing.channel="),
        ("scenario.meetings.blinken_beijing.date=2024-02-05",
         "scenario.meetings.blinken_beijing.date="),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, override: str, key: str) -> None:
    done = sim(override, f"hydra.run.dir={tmp_path}")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and key in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "summary.json").exists()


def test_unwritable_output_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    done = sim("reps=5", f"hydra.run.dir={blocker}/run")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: hydra.run.dir=")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("args", "composes"), [
    (["--help"], 0),  # Hydra composes the config it shows: ours would be a quarter of the time
    (["--hydra-help"], 0),
    (["--help", "reps=3"], 1),  # the user's overrides are checked first
])
def test_help_alone_is_left_to_hydra(monkeypatch: pytest.MonkeyPatch, args: list[str],
                                     composes: int) -> None:
    """`--help` with nothing of the user's to check is Hydra's alone, with no compose of
    ours before it; with overrides, they are composed and checked as any command line."""
    import sim.config.compose
    from sim.command import before_hydra
    from sim.config.schema import RunConf
    from sim.config.validate import validate_run

    calls = []
    real = sim.config.compose.compose
    monkeypatch.setattr(sim.config.compose, "compose",
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    assert sorted(before_hydra(args, "python -m sim", "config", RunConf, validate_run)) == (
        sorted(args))
    assert len(calls) == composes


def test_a_run_is_composed_and_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A plain run composes its config once, checks it once, and runs it as Hydra runs a
    job: the saved config, overrides and Hydra's settings in `.hydra/`, and its log."""
    import runpy

    import sim.config.compose
    import sim.config.load

    calls = {"compose": 0, "load": 0}

    def counted(name: str, f: object) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return f(*args, **kwargs)  # type: ignore[operator]
        return wrapper

    monkeypatch.setattr(sim.config.compose, "compose",
                        counted("compose", sim.config.compose.compose))
    monkeypatch.setattr(sim.config.load, "load", counted("load", sim.config.load.load))
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["sim", "reps=3", "workers=1", "trace_reps=0",
                                      "plots=false", "progress=false", f"hydra.run.dir={out}"])
    monkeypatch.delitem(sys.modules, "sim.__main__", raising=False)
    with pytest.raises(SystemExit) as done:
        runpy.run_module("sim", run_name="__main__")
    assert done.value.code in (None, 0)
    assert calls == {"compose": 1, "load": 1}
    assert (out / "summary.json").exists() and (out / "sim.log").exists()
    saved = {p.name for p in (out / ".hydra").iterdir()}
    assert saved == {"config.yaml", "hydra.yaml", "overrides.yaml"}
    assert "reps=3" in (out / ".hydra" / "overrides.yaml").read_text()
    assert f"results: {out}" in capsys.readouterr().out


@pytest.mark.parametrize(("module", "args", "lines"), [
    ("sim", ("scenario=no_balloon", "--cfg", "job", "reps=7"), ("reps: 7", "  name: no_balloon")),
    ("sim.negotiate", ("deadline=7", "--cfg", "job", "seed=3"), ("deadline: 7", "seed: 3")),
    ("sim.negotiate", ("deadline=7", "--info"), ("deadline: 7",)),  # --info takes a value
    ("sim", ("reps=7", "--hydra-help"), ("== Flags ==",)),  # Hydra's node alone: no reps there
])
def test_overrides_may_come_before_and_after_hydras_flags(module: str, args: tuple[str, ...],
                                                           lines: tuple[str, ...]) -> None:
    """Hydra reads overrides only after its flags; these commands, as every other command
    of summitsim, read them on either side."""
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for line in lines:
        assert line in done.stdout.splitlines(), done.stdout
