"""The studies in `experiments/`: their configs compose, their scripts run end to end."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

from experiments.common import require, sim_command
from experiments.election_pressure import slack_lost
from sim.config.load import CONF_DIR, load_run
from tests.conftest import compose_run

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ("balloon", "election_pressure", "strategy_matrix")
PNG = b"\x89PNG\r\n\x1a\n"


def lookup(node: Any, key: str) -> Any:
    """The value at a dotted key of a checked config (dataclasses and dicts)."""
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def sweep_params(name: str) -> tuple[str, dict[str, list[str]]]:
    """An experiment's `hydra.sweep.dir` and its swept values, key by key."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"+experiment={name}"], return_hydra_config=True)
    params = cfg.hydra.sweeper.params or {}
    return str(cfg.hydra.sweep.dir), {str(k): str(v).split(",") for k, v in params.items()}


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_composes_with_a_resumable_sweep(name: str) -> None:
    run = compose_run(f"+experiment={name}")
    assert run.scenario.name == "historical_2023"
    assert 1000 <= int(run.reps) <= 2000
    sweep_dir, params = sweep_params(name)
    assert sweep_dir == f"multirun/{name}"  # fixed, so rerunning resumes
    jobs = 1
    for values in params.values():
        jobs *= len(values)
    assert 2 <= jobs <= 25


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_swept_value_validates(name: str) -> None:
    """Each value set on the composed config (as the launcher does) passes the checks."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"+experiment={name}"])
    parser = OverridesParser.create()
    for key, values in sweep_params(name)[1].items():
        for value in values:
            job, parsed = copy.deepcopy(cfg), parser.parse_override(f"{key}={value}").value()
            OmegaConf.update(job, key, parsed)
            assert lookup(load_run(job), key) == parsed


def test_balloon_severity_reaches_the_shock() -> None:
    shock = compose_run("+experiment=balloon", "vars.severity=0.3").scenario.shocks["balloon"]
    assert (shock.severity.low, shock.severity.high) == (0.3, 0.3)


def test_strategy_matrix_uses_preset_betas() -> None:
    parties = compose_run("+experiment=strategy_matrix").scenario.parties
    assert parties["us"].strategy.beta is None and parties["cn"].strategy.beta is None


def test_slack_lost_by_the_summit() -> None:
    lost = slack_lost(pd.Series([0.0, 1.0, 6.0]), pd.Series(["2023-09-01"] * 3))
    assert lost.tolist() == pytest.approx([0.0, 75 / 365, 1.0])


def test_sweep_dir_with_a_space_is_quoted() -> None:
    cmd = sim_command("balloon", Path("/tmp/a b"), reps=5)
    assert "hydra.sweep.dir='/tmp/a b'" in cmd and "reps=5" in cmd


def test_a_grid_point_run_twice_is_refused() -> None:
    table = pd.DataFrame({"a": [1, 1], "b": [2, 2], "p_summit": [0.5, 0.6]})
    with pytest.raises(SystemExit, match="fresh --out"):
        require(table, ["a", "b"], "p_summit")
    with pytest.raises(SystemExit, match="no column c"):
        require(table, ["a", "c"])


def study(name: str, out: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    """Run `experiments/NAME.py` as a user does, with tiny settings."""
    return subprocess.run(
        [sys.executable, str(ROOT / "experiments" / f"{name}.py"), "--reps", "30",
         "--workers", "1", "--out", str(out), "progress=false", "plots=false", *overrides],
        capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("name", "overrides", "rows"), [
    ("balloon", ("vars.severity=0.5,1.0", "scenario.shocks.balloon.date=2023-02-02,2023-08-01"),
     4),
    ("election_pressure", ("scenario.parties.us.pressure.shrink_per_year=0,1",
                           "scenario.parties.us.pressure.start=2023-06-01"), 2),
    ("strategy_matrix", ("scenario.parties.us.strategy.name=boulware,tit_for_tat",
                         "scenario.parties.cn.strategy.name=linear,tit_for_tat"), 4),
])
def test_study_runs_end_to_end(name: str, overrides: tuple[str, ...], rows: int,
                               tmp_path: Path) -> None:
    out = tmp_path / "sweep dir"  # a space in the path, as a user's might have
    done = study(name, out, *overrides)
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out / "sweep.parquet")
    assert len(table) == rows and (table["reps"] == 30).all()
    figure = out / f"{name}.png"
    assert figure.read_bytes()[:8] == PNG
    assert not list(out.glob(".*.tmp"))
    assert f"figure: {figure}" in done.stdout
    if name == "strategy_matrix":  # the same command again resumes: nothing is rerun
        again = study(name, out, *overrides)
        assert again.returncode == 0, again.stderr
        assert again.stderr.count("complete, skipped") == rows


def test_a_failed_sweep_stops_the_study(tmp_path: Path) -> None:
    done = study("balloon", tmp_path, "vars.severity=2")
    assert done.returncode == 2
    assert "vars.severity" in done.stderr or "severity" in done.stderr
    assert not (tmp_path / "balloon.png").exists()


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_a_bad_flag_of_a_study_is_one_line_exit_2(name: str) -> None:
    done = subprocess.run([sys.executable, f"experiments/{name}.py", "--reps", "x"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (
        2, f"error: argument --reps: invalid int value: 'x'; see experiments/{name}.py --help\n")
