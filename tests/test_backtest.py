"""The backtest: no leakage past the origin, one-line bad input, and what it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.backtest import main
from sim.config.errors import ConfigError
from sim.config.schema import ScenarioConf
from sim.forecast.asof import (
    CUT,
    Setup,
    announced,
    compose,
    config_leaks,
    cut,
    forecast_as_of,
    round_dir,
    trace_leaks,
)
from sim.forecast.backtest import FORECASTS, SCORES, load_conf, plan, run_backtest
from sim.forecast.plots import draw_p_summit, draw_reliability
from sim.forecast.questions import KINDS, load_bank
from sim.forecast.scores import by_kind, reliability_table

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "conf" / "questions" / "us_china_2023.yaml"
SHIPPED = load_conf("us_china_2023")
SETUP = Setup(SHIPPED.scenario, (), workers=1)
ANNOUNCED = announced(compose(SETUP).scenario)


def all_rounds(out: Path, name: str) -> pd.DataFrame:
    """A table of every round of a forecast's runs, with the round's number."""
    rounds = json.loads((out / CUT).read_text())["rounds"]
    return pd.concat([pd.read_parquet(round_dir(out, r) / name).assign(round=r)
                      for r in range(rounds)], ignore_index=True)


def source_date(sc: ScenarioConf, kind: str, name: str) -> str | None:
    """The date the scenario gives the entry behind a trace row (None: undated, such as a
    meeting a party proposed during the run)."""
    if kind.startswith("meeting_"):
        return sc.meetings[name].date if name in sc.meetings else None
    if kind == "shock":
        return sc.shocks[name].date
    return sc.concessions[name].date


def late_rows(events: pd.DataFrame, sc: ScenarioConf, origin: str,
              announced: dict[str, str]) -> list[str]:
    """Rows on or after `origin` that come from an entry the record dates on or after it and
    that was not announced before it: what a forecast as of `origin` must not contain."""
    bad = []
    late = events[(events["date"] >= origin) & events["kind"].isin(
        ["meeting_held", "meeting_postponed", "meeting_cancelled", "shock", "concession"])]
    for kind, name, date in zip(late["kind"], late["name"], late["date"], strict=True):
        when = source_date(sc, kind, name)
        if when is not None and when >= origin and not announced.get(name, "9999") < origin:
            bad.append(f"{kind} {name} on {date}")
    return bad


def test_the_shipped_backtest_has_at_least_12_origins_in_the_span() -> None:
    p = plan(SHIPPED)
    assert len(SHIPPED.origins) >= 12
    assert all(p.start <= o <= p.summit for o in SHIPPED.origins)
    assert len(p.bank.questions) >= 30


def test_no_composed_config_keeps_an_unannounced_entry_dated_after_its_origin() -> None:
    original = compose(SETUP).scenario
    for origin in SHIPPED.origins:
        c = cut(original, origin)
        run = compose(SETUP, c.overrides)
        assert config_leaks(run.scenario, original, origin) == [], origin
        for coll in ("meetings", "shocks", "concessions"):
            for name, entry in getattr(run.scenario, coll).items():
                when = entry.date
                if when and when >= origin:
                    kept = ANNOUNCED.get(name, "9999") < origin
                    assert entry.enabled == kept, (origin, coll, name)
                elif getattr(original, coll)[name].enabled:
                    assert entry.enabled, (origin, coll, name)  # the past and undated stay


def test_the_leakage_check_catches_an_uncut_scenario() -> None:
    original = compose(SETUP).scenario
    assert config_leaks(original, original, "2023-03-01")  # the whole year is in it


@pytest.mark.parametrize("origin", ["2023-02-05", "2023-06-20", "2023-10-25"])
def test_no_trace_row_comes_from_after_the_origin(tmp_path: Path, origin: str) -> None:
    bank = load_bank(BANK)
    forecast_as_of(SETUP, bank.questions, origin, 30, 0, tmp_path)
    events = all_rounds(tmp_path, "events.parquet")
    original = compose(SETUP).scenario
    assert events.groupby("round")["rep"].nunique().eq(30).all()  # every replication traced
    assert late_rows(events, original, origin, ANNOUNCED) == []
    assert trace_leaks(events, original, origin) == []
    # the history before the origin is in: a dated shock of the past shows in the traces
    past = [n for n, s in original.shocks.items() if s.date and s.date < origin]
    assert set(past) <= set(events.loc[events["kind"] == "shock", "name"])


def test_an_uncut_run_has_rows_from_after_the_origin(tmp_path: Path) -> None:
    """The negative control: the same check finds the future in the full scenario's traces."""
    from sim.design_point import run_design_point

    run = compose(SETUP, ["reps=20", "trace_reps=20", "workers=1", "progress=false",
                          "plots=false"])
    run_design_point(run, tmp_path)
    events = pd.read_parquet(tmp_path / "events.parquet")
    assert late_rows(events, run.scenario, "2023-06-20", ANNOUNCED)
    assert trace_leaks(events, run.scenario, "2023-06-20")


def test_forecasts_cover_only_questions_open_at_the_origin(tmp_path: Path) -> None:
    bank = load_bank(BANK)
    df = forecast_as_of(SETUP, bank.questions, "2023-06-20", 30, 0, tmp_path)
    info = bank.by_id()
    assert set(df["question"]) == {q.id for q in bank.questions if q.open_at("2023-06-20")}
    assert "blinken_beijing_by_jun30" not in set(df["question"])  # settled on 19 Jun
    assert df["answer"].tolist() == [info[q].answer for q in df["question"]]
    assert ((df["p"] >= df["ci_low"]) & (df["p"] <= df["ci_high"])).all()
    kept = json.loads((tmp_path / CUT).read_text())["kept"]
    assert kept >= 30 and (df["n"] == kept).all()


def test_same_seed_same_forecast_whatever_the_workers(tmp_path: Path) -> None:
    bank = load_bank(BANK)
    one = forecast_as_of(SETUP, bank.questions, "2023-09-18", 20, 5, tmp_path / "one")
    two = forecast_as_of(Setup(SETUP.scenario, (), workers=2),
                         bank.questions, "2023-09-18", 20, 5, tmp_path / "two")
    pd.testing.assert_frame_equal(one, two)


def write_backtest(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load((ROOT / "conf" / "backtest" / "us_china_2023.yaml").read_text())
    data["questions"] = str(BANK)
    data.update(changes)
    path = tmp_path / "bt.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def write_bank(tmp_path: Path, index: int, **predicate: str) -> Path:
    data = yaml.safe_load(BANK.read_text())
    data["questions"][index]["predicate"].update(predicate)
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    return int(e.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(("changes", "line"), [
    ({"origins": ["2023-01-15", "2024-01-01"]},
     "error: origins[1]='2024-01-01': outside the scenario's span [2022-11-14, 2023-11-15]"),
    ({"origins": ["2022-10-01"]}, "error: origins[0]='2022-10-01': outside the scenario's span"),
    ({"origins": ["2023-03-01", "2023-02-01"]},
     "error: origins[1]='2023-02-01': origins must increase"),
    ({"origins": ["2023-13-01"]}, "error: origins[0]='2023-13-01': not a date"),
    ({"announced": {"blinken_beijing": "2022-11-14"}}, "error: announced="),
    ({"tolerance": 1.5}, "error: tolerance=1.5: must be in [0, 1]"),
    ({"posterior": "/nonexistent/posterior.parquet"},
     "error: posterior='/nonexistent/posterior.parquet': cannot read a posterior table"),
    ({"reps": 0}, "error: reps=0: must be >= 1"),
    ({"seed": -1}, "error: seed=-1: must be >= 0"),
    ({"scenario": "histrical_2023"}, "error: scenario='histrical_2023': unknown scenario"),
])
def test_bad_backtest_files_are_one_line_and_write_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, object],
        line: str) -> None:
    out = tmp_path / "out"
    code, err = run_main(capsys, str(write_backtest(tmp_path, **changes)), "--out", str(out))
    assert code == 2
    assert err.startswith(line), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(("index", "predicate", "line"), [
    (0, {"meeting": "austin_wei_phnom_penh"},
     "error: questions[0].predicate.meeting='austin_wei_phnom_penh': unknown meeting"),
    (1, {"issue": "rare_earths"}, "error: questions[1].predicate.issue='rare_earths': unknown "
                                  "issue"),
    (17, {"channel": "hotline"}, "error: questions[17].predicate.channel='hotline': unknown "
                                 "channel"),
])
def test_a_bank_naming_unknown_entities_is_one_line_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], index: int,
        predicate: dict[str, str], line: str) -> None:
    out = tmp_path / "out"
    bt = write_backtest(tmp_path, questions=str(write_bank(tmp_path, index, **predicate)))
    code, err = run_main(capsys, str(bt), "--out", str(out))
    assert code == 2 and err.startswith(line), err
    assert err.count("\n") == 1
    assert not out.exists()


def test_an_as_of_outside_the_span_is_refused_before_anything_runs(tmp_path: Path) -> None:
    from sim.config.errors import ConfigError

    out = tmp_path / "out"
    with pytest.raises(ConfigError, match=r"^as_of='2023-11-16': outside the scenario's span"):
        forecast_as_of(SETUP, load_bank(BANK).questions, "2023-11-16", 10, 0, out)
    assert not out.exists()


@pytest.mark.parametrize("check", [[], ["--check"]])
@pytest.mark.parametrize(("origins", "line"), [
    ([], "error: origins=[]: list at least one origin date\n"),
    (["2023-11-15"], "error: origins[0]='2023-11-15': no question of the bank is open at this "
                     "origin (each opens later or is settled by then): nothing to forecast or "
                     "score there\n"),
])
def test_origins_with_nothing_to_forecast_are_refused_by_the_check_and_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], check: list[str],
        origins: list[str], line: str) -> None:
    """No origin, or only one at which every question is settled: nothing would be scored."""
    out = tmp_path / "out"
    bt = write_backtest(tmp_path, origins=origins, reps=2)
    assert run_main(capsys, str(bt), "--workers", "1", "--out", str(out), *check) == (2, line)
    assert not out.exists()


@pytest.mark.parametrize("check", [[], ["--check"]])
@pytest.mark.parametrize(("flag", "low"), [("--reps", 1), ("--seed", 0), ("--workers", 0)])
def test_an_option_out_of_range_is_named_as_given_by_the_check_and_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], check: list[str], flag: str,
        low: int) -> None:
    """Every round's run takes it as a whole number of 64 bits: past them, the option is
    named, with its own range, not the run's key it would become (trace_reps)."""
    out = tmp_path / "out"
    big = "99999999999999999999"
    assert run_main(capsys, "us_china_2023", flag, big, "--out", str(out), *check) == (
        2, f"error: {flag}={big}: must be a whole number in [{low}, 2**63 - 1]\n")
    assert not out.exists()


def a_run(folder: Path) -> Path:
    """A folder holding a run of `python -m sim`, made as a user makes one."""
    subprocess.run([sys.executable, "-m", "sim", "reps=2", "plots=false", "progress=false",
                    "workers=1", f"hydra.run.dir={folder}"], check=True, capture_output=True,
                   cwd=ROOT, timeout=120)
    return folder


@pytest.mark.parametrize(("command", "kind"), [("us_china_2023", "backtest"),
                                               ("library", "backtest library")])
def test_the_check_refuses_an_output_folder_holding_a_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, kind: str) -> None:
    """As the run would: its files would be mixed with the run's."""
    run = a_run(tmp_path / "run")
    one_case = tmp_path / "library.yaml"
    one_case.write_text("frozen_from: historical_2023\ncases:\n  bali_2022:\n"
                        "    parties: {us: us, cn: cn}\n    origins: ['2022-11-09']\n")
    code, err = run_main(capsys, command, "--check", "--out", str(run),
                         *(["--library", str(one_case)] if command == "library" else []))
    assert (code, err) == (2, f"error: --out='{run}': holds a run (summary.json), whose files "
                              f"this {kind}'s would replace or be mixed with; give it a folder "
                              "of its own\n")


def test_check_only_runs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main([str(write_backtest(tmp_path)), "--check", "--out", str(out)]) == 0
    n = len(load_bank(BANK).questions)
    assert capsys.readouterr().out.startswith(f"ok: {n} questions, {len(SHIPPED.origins)} origins")
    assert not out.exists()


def test_draws_without_a_posterior_are_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """None would be drawn, and the intervals would lack the parameter uncertainty asked
    for; the command line's posterior counts as the file's."""
    bt = str(write_backtest(tmp_path, draws=5))
    assert run_main(capsys, bt, "--check") == (2, (
        "error: draws=5: parameter sets are drawn from a posterior, and none is given: give "
        "the posterior too, or leave draws out\n"))
    code, err = run_main(capsys, bt, "--check", "--posterior", str(tmp_path / "post.parquet"))
    assert code == 2 and err.startswith("error: --posterior="), err  # past draws, to the table


@pytest.mark.parametrize(("setting", "told"), [
    ("tolerance=0.3", "error: tolerance='0.3': a setting of the backtest's file: change it "
     "there (KEY=VALUE arguments change the run config; --reps, --seed, --posterior and "
     "--workers are options)\n"),  # was: an unknown key of the run config, its keys listed
    ("+bins=3", "error: bins='3': a setting of the backtest's file"),
    ("reps=3", "error: reps='3': set by the forecast for every round: give --reps"),
])
def test_a_setting_of_the_backtest_s_file_given_as_an_override_points_to_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, told: str) -> None:
    code, err = run_main(capsys, str(write_backtest(tmp_path)), setting, "--check")
    assert code == 2 and err.startswith(told) and err.count("\n") == 1, err


def test_an_unwritable_output_is_one_line(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    bt = write_backtest(tmp_path, origins=["2023-11-10"], reps=5)
    code, err = run_main(capsys, str(bt), "--out", str(blocker / "out"))
    assert code == 2 and err.startswith(f"error: --out='{blocker / 'out'}': cannot write"), err


def test_a_bad_scenario_override_is_one_line_as_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.backtest", str(write_backtest(tmp_path)),
         "scenario.bargaining.walk_awy=0.3", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: scenario.bargaining.walk_awy=") and \
        "unknown key" in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1
    assert not out.exists()


def test_an_origin_from_which_no_past_agrees_stops_the_backtest_naming_it(
        tmp_path: Path) -> None:
    conf = replace(SHIPPED, scenario="no_balloon", origins=["2023-01-15", "2023-03-01"], reps=2)
    p = plan(conf, (), workers=1)
    with pytest.raises(ConfigError) as e:
        run_backtest(replace(p, setup=replace(p.setup, max_rounds=2)), tmp_path, progress=False)
    assert (e.value.key, e.value.value) == ("origins[1]", "2023-03-01")
    assert "no replication of no_balloon agrees with the record" in e.value.allowed
    assert not (tmp_path / SCORES).exists()


@pytest.fixture(scope="module")
def small_backtest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bt")
    conf = replace(load_conf("us_china_2023"), origins=["2022-11-15", "2023-06-20", "2023-10-25"],
                   reps=30, bootstrap=200)
    run_backtest(plan(conf, (), workers=1), out, progress=False)
    return out


def test_the_backtest_writes_forecasts_scores_and_plots(small_backtest: Path) -> None:
    out = small_backtest
    for name in (FORECASTS, SCORES, "p_summit.png", "reliability.png"):
        assert (out / name).exists(), name
    f = pd.read_parquet(out / FORECASTS)
    assert list(f.columns[:3]) == ["origin", "question", "kind"]
    assert set(f["origin"]) == {"2022-11-15", "2023-06-20", "2023-10-25"}
    assert set(f["kind"]) == set(KINDS)
    scores = json.loads((out / SCORES).read_text())
    again = by_kind(f, KINDS, reps=200)
    for kind in (*KINDS, "all"):
        s = scores["scores"][kind]
        assert s["brier"]["estimate"] == pytest.approx(again[kind]["brier"]["estimate"])
        assert s["bss"]["best"] == pytest.approx(again[kind]["bss"]["best"], nan_ok=True)
        m = s["murphy"]
        assert m["brier"] == pytest.approx(
            m["reliability"] - m["resolution"] + m["uncertainty"] + m["within"])
        assert s["best_baseline"] in ("half", "base_rate", "persistence")
    # P(summit) at each origin is the estimate over the replications kept at that origin
    for point in scores["p_summit"]:
        where = out / "origins" / point["origin"]
        reps = all_rounds(where, "replications.parquet")
        kept = all_rounds(where, "agreement.parquet").query("kept")
        held = reps.merge(kept[["round", "rep"]], on=["round", "rep"])["summit_held"]
        assert len(held) == point["kept"] >= 30
        assert point["p"] == pytest.approx(held.mean())


def test_the_plots_draw_the_forecasts(small_backtest: Path) -> None:
    scores = json.loads((small_backtest / SCORES).read_text())
    curve = pd.DataFrame(scores["p_summit"])
    p = plan(load_conf("us_china_2023"))
    fig = draw_p_summit(curve=curve, scheduled=p.scheduled, summit=p.summit, held=True,
                        title="t")
    ax = fig.axes[0]
    (bars,) = ax.containers
    assert bars.get_label() == "P(summit) as of"
    assert np.allclose(bars.lines[0].get_ydata(), curve["p"])
    low, high = bars.lines[2][0].get_segments()[0], bars.lines[2][0].get_segments()[-1]
    assert low[0][1] == pytest.approx(curve["ci_low"].iloc[0])
    assert high[1][1] == pytest.approx(curve["ci_high"].iloc[-1])
    shocks = next(ln for ln in ax.get_lines() if ln.get_label() == "dated shock")
    assert len(shocks.get_xdata()) == sum(e["kind"] == "shock" for e in p.scheduled)
    star = next(ln for ln in ax.get_lines() if ln.get_label() == "what happened")
    assert list(star.get_ydata()) == [1.0]

    f = pd.read_parquet(small_backtest / FORECASTS)
    fig = draw_reliability(f, KINDS)
    ax = fig.axes[0]
    for coll, kind in zip(ax.collections, KINDS, strict=True):
        rows = f[f["kind"] == kind]
        table = reliability_table(rows["p"], rows["answer"].astype(float))
        assert np.allclose(coll.get_offsets(), table[["forecast", "observed"]].to_numpy())


def test_a_command_into_a_folder_inside_a_backtest_is_refused(small_backtest: Path) -> None:
    """An origin's folder holds the forecast the backtest scored, and its rounds the runs;
    a forecast or a run written there replaced them, and the backtest's tables no longer
    matched. Refused, the backtest's folder left as it was."""
    origin = small_backtest / "origins" / "2023-06-20"
    before = {p: p.read_bytes() for p in small_backtest.rglob("*") if p.is_file()}
    for module, args, key, folder in (
            ("sim.forecast", ("scenario=historical_2023", "as_of=2023-06-20", "reps=20",
                              f"out={origin}"), "out", origin),
            ("sim", ("reps=2", "plots=false", "progress=false",
                     f"hydra.run.dir={origin / 'round_00'}"), "hydra.run.dir",
             origin / "round_00")):
        done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True,
                              text=True, cwd=ROOT, timeout=120)
        assert (done.returncode, done.stderr) == (2, (
            f"error: {key}='{folder}': is inside the backtest in {small_backtest} "
            "(scores.json), whose tables would no longer match it; give a folder of its own, "
            "outside it, or run the backtest again\n"))
    assert {p: p.read_bytes() for p in small_backtest.rglob("*") if p.is_file()} == before
