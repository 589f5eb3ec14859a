"""The negotiation lab and the tournament, end to end as a user runs them."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim.config.convert import build
from sim.config.errors import ConfigError
from sim.config.load import CONF_DIR
from sim.negotiation.config import NegotiationConf, TournamentConf, check_negotiation
from sim.negotiation.lab import agenda_of
from sim.negotiation.tournament import format_tables, play, summarize

ROOT = Path(__file__).resolve().parents[1]


def run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def lab_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lab")
    done = run("sim.negotiate", f"hydra.run.dir={out}", "levels=11", "deadline=30")
    assert done.returncode == 0, done.stderr
    assert "round" in done.stdout and "agreement in round" in done.stdout
    return out


def test_lab_writes_its_files(lab_dir: Path) -> None:
    assert (lab_dir / "negotiation.json").stat().st_size > 0
    assert (lab_dir / "negotiation.png").read_bytes()[:4] == b"\x89PNG"
    assert not [p for p in lab_dir.iterdir() if p.name.endswith(".tmp")]


def test_lab_json(lab_dir: Path) -> None:
    data = json.loads((lab_dir / "negotiation.json").read_text())
    assert {"agreement", "rounds", "utilities", "nash_point", "nash_distance",
            "pareto_optimal", "offers", "frontier"} <= set(data)
    assert set(data["agreement"]) == {"mil_mil", "fentanyl", "climate", "economic"}
    assert data["agreement"]["economic"] is None  # the win-sets do not overlap
    assert all(isinstance(data["agreement"][i], float) for i in ("mil_mil", "fentanyl"))
    assert data["rounds"] == len(data["offers"]) and data["agreed"]
    assert set(data["utilities"]) == set(data["nash_point"]["utilities"]) == {"a", "b"}
    assert data["nash_distance"] >= 0 and isinstance(data["pareto_optimal"], bool)
    last = data["offers"][-1]
    assert last["utilities"] == pytest.approx(data["utilities"])


def test_lab_rubinstein_pie_through_the_command_line(tmp_path: Path) -> None:
    done = run("sim.negotiate", f"hydra.run.dir={tmp_path}", "plot=false",
               "a.strategy=rubinstein", "b.strategy=rubinstein", "a.discount=0.95",
               "b.discount=0.9", "disagreement=[0,0]", "~issues.fentanyl", "~issues.climate",
               "~issues.economic", "~a.stances.fentanyl", "~a.stances.climate",
               "~a.stances.economic", "~b.stances.fentanyl", "~b.stances.climate",
               "~b.stances.economic", "a.stances.mil_mil.win_set=[0,1]",
               "b.stances.mil_mil.win_set=[0,1]", "a.stances.mil_mil.ideal=1",
               "b.stances.mil_mil.ideal=0")
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "negotiation.json").read_text())
    assert data["rounds"] == 1
    assert data["utilities"]["a"] == pytest.approx(0.1 / 0.145, abs=1e-9)  # 0.689655
    assert not (tmp_path / "negotiation.png").exists()


@pytest.mark.parametrize(("override", "start", "hint"), [
    ("a.strategy=bolware", "error: a.strategy='bolware': unknown strategy",
     "did you mean 'boulware'"),
    ("a.discount=1.0", "error: a.discount=1.0: must be in (0, 1)", ""),
    ("b.discount=0", "error: b.discount=0.0: must be in (0, 1)", ""),
    ("a.strategyy=linear", "error: a.strategyy='linear': unknown key", "did you mean 'strategy'"),
    ("deadline=soon", "error: deadline='soon'", ""),
    ("+a._target_=os.system", "error: a._target_='os.system'", "not allowed"),
])
def test_lab_bad_input_is_one_line_and_exit_2(tmp_path: Path, override: str, start: str,
                                               hint: str) -> None:
    done = run("sim.negotiate", f"hydra.run.dir={tmp_path}", override)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start) and hint in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "negotiation.json").exists()


def small(seed: int = 0) -> TournamentConf:
    return TournamentConf(strategies=["boulware", "conceder", "zeuthen", "random"], agendas=6,
                          deadline=40, seed=seed)


def test_tournament_is_deterministic() -> None:
    first, again = play(small()), play(small())
    assert first == again
    table = format_tables(summarize(small(), first), pairs=True)
    assert table == format_tables(summarize(small(), again), pairs=True)
    assert play(small(seed=1)) != first
    assert len(first) == 6 * 4 * 4


def test_tournament_table() -> None:
    conf = small()
    summary = summarize(conf, play(conf))
    assert list(summary["strategies"]) == conf.strategies
    for row in summary["strategies"].values():
        for key in ("utility", "agreement", "nash_distance"):
            s = row[key]
            assert s["ci_low"] <= s["estimate"] <= s["ci_high"]
    assert len(summary["pairs"]) == 16
    text = format_tables(summary)
    assert "utility [95% CI]" in text and "zeuthen" in text


def test_an_interval_of_one_agenda_is_said_to_be_none() -> None:
    """Over one agenda (or the deals of one), a mean has no interval: the table says so,
    where it showed [nan, nan] (and "1 agendas")."""
    conf = TournamentConf(agendas=1, strategies=["boulware", "conceder"])
    text = format_tables(summarize(conf, play(conf)), pairs=True)
    assert "nan" not in text and text.startswith("2 strategies, every ordered pair on 1 agenda ")
    cell = r"\d\.\d{3} \[no CI: n=1\] +"  # utility, agreement, Nash distance
    assert re.fullmatch(rf"boulware +{cell * 3}", text.splitlines()[2] + " "), text


def test_tournament_intervals_stay_within_what_they_measure() -> None:
    """Over three agendas a normal interval of a share reaches past [0, 1] (it did, to
    [-0.32, 0.99]); each interval is clipped to the values its quantity can take."""
    conf = TournamentConf(agendas=3)
    summary = summarize(conf, play(conf))
    rows = [*summary["strategies"].values(), *summary["sides"].values(), *summary["pairs"]]
    intervals = [(key, row[key]) for row in rows for key in
                 ("utility", "utility_a", "utility_b", "utility_in_deals", "agreement",
                  "nash_distance") if row.get(key) and not math.isnan(row[key]["ci_low"])]
    for key, s in intervals:
        high = 2 ** 0.5 if key == "nash_distance" else 1.0
        assert 0.0 <= s["ci_low"] <= s["estimate"] <= s["ci_high"] <= high, (key, s)
    assert any(s["ci_low"] == 0.0 for key, s in intervals if key == "agreement")


def test_what_is_not_a_number_is_written_as_json_null(tmp_path: Path) -> None:
    """Over three agendas, only one has deals: the interval of the utility in deals has one
    value and no width. `tournament.json` says null there, which a strict JSON reader takes
    (Python's NaN, which it wrote before, is not JSON)."""
    done = run("sim.tournament", f"hydra.run.dir={tmp_path}", "agendas=3")
    assert done.returncode == 0, done.stderr

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    data = json.loads((tmp_path / "tournament.json").read_text(), parse_constant=refuse)
    deals = data["sides"]["a"]["utility_in_deals"]
    assert deals["ci_low"] is None and deals["ci_high"] is None
    assert 0.0 < deals["estimate"] <= 1.0


def test_tournament_command_line(tmp_path: Path) -> None:
    done = run("sim.tournament", f"hydra.run.dir={tmp_path}", "agendas=4", "deadline=20",
               "strategies=[linear,rubinstein]")
    assert done.returncode == 0, done.stderr
    assert "Nash distance" in done.stdout
    data = json.loads((tmp_path / "tournament.json").read_text())
    assert set(data["strategies"]) == {"linear", "rubinstein"}
    assert (tmp_path / "matches.parquet").stat().st_size > 0
    bad = run("sim.tournament", f"hydra.run.dir={tmp_path}", "strategies=[linear,rubenstein]")
    assert bad.returncode == 2
    line = bad.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("error: strategies[1]='rubenstein': unknown strategy (did you mean "
                           "'rubinstein'?); known: boulware, conceder, ")


def _lab_conf(levels: int) -> NegotiationConf:
    """The shipped lab config with China's fentanyl win-set tied to climate action."""
    data = OmegaConf.to_container(OmegaConf.load(CONF_DIR / "negotiate.yaml"), resolve=False)
    assert isinstance(data, dict)
    data = {k: v for k, v in data.items() if k not in ("defaults", "hydra")}
    data["b"]["stances"]["fentanyl"]["linked"] = {
        "needs": "climate", "at_least": 0.5, "win_set": [0.0, 0.9]}
    data["levels"] = levels
    return build(NegotiationConf, data, "")


def test_the_lab_bargains_with_linkage_on_continuous_agendas() -> None:
    conf = _lab_conf(0)
    check_negotiation(conf)
    agenda = agenda_of(conf)
    assert [(k.party, agenda.issues[k.issue], agenda.issues[k.on]) for k in agenda.links] == [
        (1, "fentanyl", "climate")]
    assert len(agenda.boxes) == 2  # with and without the price paid


def test_the_lab_refuses_linkage_on_a_grid() -> None:
    with pytest.raises(ConfigError, match="linkage needs a continuous agenda"):
        check_negotiation(_lab_conf(7))


@pytest.mark.parametrize(("module", "args", "written"), [
    ("sim.negotiate", ["plot=false", "deadline=10"], "negotiation.json"),
    ("sim.tournament", ["agendas=2", "deadline=10", "strategies=[linear,conceder]"],
     "tournament.json"),
])
def test_a_lab_command_composes_its_config_once(
        module: str, args: list[str], written: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The lab's commands compose their config once (checked, then run as Hydra runs a
    job, with `.hydra/` saved), as `python -m sim` does."""
    import importlib

    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    composed = []
    load_configuration = ConfigLoaderImpl.load_configuration

    def counted(self: ConfigLoaderImpl, *a: object, **k: object) -> object:
        composed.append(a)
        return load_configuration(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(ConfigLoaderImpl, "load_configuration", counted)
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", [module, *args, f"hydra.run.dir={out}"])
    importlib.import_module(module).main()  # type: ignore[attr-defined]
    assert len(composed) == 1
    assert (out / written).stat().st_size > 0
    assert {p.name for p in (out / ".hydra").iterdir()} == {
        "config.yaml", "hydra.yaml", "overrides.yaml"}
    assert (out / f"{module.rpartition('.')[2]}.log").exists()
    assert f"results: {out}" in capsys.readouterr().out


@pytest.mark.parametrize(("module", "args", "written"), [
    ("sim.negotiate", ["plot=false"], "negotiation.json"),
    ("sim.tournament", ["agendas=2", "strategies=[linear,conceder]"], "tournament.json"),
])
def test_a_lab_sweep_runs_each_job_after_checking_them_all(
        module: str, args: list[str], written: str, tmp_path: Path) -> None:
    """`-m` with good values runs every job (the check of the jobs lets them through), each
    with its command's log file."""
    done = run(module, "-m", "deadline=5,8", *args, f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 0, done.stderr
    data = [json.loads((tmp_path / job / written).read_text()) for job in ("0", "1")]
    assert [d.get("deadline") or d["config"]["deadline"] for d in data] == [5, 8]
    name = module.rpartition(".")[2]
    assert all((tmp_path / job / f"{name}.log").exists() for job in ("0", "1"))
