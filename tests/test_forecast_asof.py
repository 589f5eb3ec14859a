"""A forecast as of a date: announcements in the scenario, the past kept by rejection, the
command's outputs and its bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.config.errors import ConfigError
from sim.config.load import load_scenario
from sim.forecast.asof import CUT, Setup, announced, compose, cut, forecast_as_of, round_dir
from sim.forecast.draws import load_posterior
from sim.forecast.questions import load_bank
from sim.forecast.record import agreement, allowed_wrong, record_as_of
from sim.forecast.resolve import answers

ROOT = Path(__file__).resolve().parents[1]
BANK = load_bank(ROOT / "conf" / "questions" / "us_china_2023.yaml")
SETUP = Setup("historical_2023", workers=1)


def test_announcements_come_from_the_scenario_and_keep_an_announced_meeting() -> None:
    sc = compose(SETUP).scenario
    assert announced(sc) == {"blinken_beijing": "2022-11-14",
                             "economic_working_group": "2023-09-22"}
    c = cut(sc, "2023-01-15")
    assert "meetings.blinken_beijing" in c.announced  # announced at Bali, before the origin
    assert "meetings.economic_working_group" in c.disabled  # not yet announced
    assert "meetings.economic_working_group" in cut(sc, "2023-10-01").announced


@pytest.mark.parametrize(("where", "value", "line"), [
    ("meetings.blinken_beijing", "2023-03-01",
     "scenario.meetings.blinken_beijing.announced='2023-03-01': is after the date it announces"),
    ("meetings.blinken_beijing", "2023-02-30",
     "scenario.meetings.blinken_beijing.announced='2023-02-30': not a date"),
    ("concessions.china_goodwill", "2023-01-01",
     "scenario.concessions.china_goodwill.announced='2023-01-01': only a dated concession"),
])
def test_a_bad_announcement_is_named(where: str, value: str, line: str) -> None:
    sc = compose(SETUP)
    from omegaconf import OmegaConf

    data = OmegaConf.to_container(OmegaConf.structured(sc.scenario))
    assert isinstance(data, dict)
    coll, name = where.split(".")
    data[coll][name]["announced"] = value
    with pytest.raises(ConfigError) as e:
        load_scenario(data)
    assert str(e.value).startswith(line), str(e.value)


def test_kept_replications_reproduce_the_record_and_no_random_shock_before_the_origin(
        tmp_path: Path) -> None:
    origin = "2023-06-20"
    forecast_as_of(SETUP, BANK.questions, origin, 40, 3, tmp_path)
    info = json.loads((tmp_path / CUT).read_text())
    sc = compose(SETUP).scenario
    record = record_as_of(BANK.questions, sc, origin)
    assert info["record_facts"] == [q.id for q in record.facts] and len(record.facts) >= 10
    assert all(q.settled < origin and q.close < origin for q in record.facts)
    assert record.hazards == ("unplanned_crisis", "unplanned_incident")
    limit = allowed_wrong(record, SETUP.tolerance)
    late_hazard = 0
    kept_total = 0
    for r in range(info["rounds"]):
        d = round_dir(tmp_path, r)
        ev = pd.read_parquet(d / "events.parquet")
        reps = pd.read_parquet(d / "replications.parquet")
        agree = pd.read_parquet(d / "agreement.parquet")
        kept = agree.loc[agree["kept"], "rep"].tolist()
        kept_total += len(kept)
        # recomputed here: each kept past gets at most `limit` of the record's facts wrong
        got = answers(list(record.facts), ev, reps, traced=kept)
        truth = pd.Series({q.id: q.answer for q in record.facts})
        assert ((got != truth).sum(axis=1) <= limit).all()
        shocks = ev[(ev["kind"] == "shock") & ev["name"].isin(record.hazards)
                    & ev["rep"].isin(kept)]
        assert (shocks["date"] >= origin).all()  # random shocks only from the origin on
        late_hazard += len(shocks)
        # and the rejected ones were rejected for a reason
        dropped = agree[~agree["kept"]]
        assert ((dropped["wrong_facts"] > limit) | dropped["early_shock"]).all()
    assert kept_total == info["kept"] >= 40
    assert info["simulated"] > info["kept"]  # the record does reject pasts
    assert late_hazard > 0  # hazards still strike after the origin


def test_a_tolerance_of_zero_keeps_only_exact_pasts() -> None:
    sc = compose(SETUP).scenario
    record = record_as_of(BANK.questions, sc, "2023-06-20")
    assert allowed_wrong(record, 0.0) == 0
    assert allowed_wrong(record, 1.0) == len(record.facts)
    empty = pd.DataFrame({"rep": pd.Series([], dtype=int),
                          **{c: pd.Series([], dtype=object) for c in
                             ("date", "kind", "name", "channel")},
                          "time": pd.Series([], dtype=float)})
    rows = pd.DataFrame([{"rep": 0, "summit_held": False, "outcome": "no_summit"}])
    a = agreement(record, empty, rows, [0], 0.0)
    n_yes = sum(q.answer for q in record.facts)
    assert a["wrong_facts"].iloc[0] == n_yes and not a["kept"].iloc[0]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim.forecast", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_the_command_writes_a_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "fc"
    proc = run_cli("scenario=historical_2023", "as_of=2023-05-01", "reps=30", "workers=1",
                   f"out={out}")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "forecast.json").read_text())
    table = pd.read_parquet(out / "forecast.parquet")
    open_ids = [q.id for q in BANK.questions if q.open_at("2023-05-01")]
    assert [f["question"] for f in data["forecasts"]] == table["question"].tolist() == open_ids
    assert data["kept"] >= 30 and (table["n"] == data["kept"]).all()
    for f in data["forecasts"]:
        assert f["ci_low"] <= f["p"] <= f["ci_high"]
        assert f"{f['question']:<34}" in proc.stdout
    assert proc.stdout.strip().endswith(f"results: {out}")


def test_on_a_date_with_no_open_question_it_says_so(tmp_path: Path) -> None:
    """On the summit's day every question of the bank is settled: the forecast says so,
    where it printed the header of an empty table."""
    assert not [q for q in BANK.questions if q.open_at("2023-11-15")]
    out = tmp_path / "fc"
    proc = run_cli("scenario=historical_2023", "as_of=2023-11-15", "reps=2", "workers=1",
                   f"out={out}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2:] == [
        "no question of the bank is open on 2023-11-15: each opens later or is settled by "
        "then", f"results: {out}"]
    assert json.loads((out / "forecast.json").read_text())["forecasts"] == []


@pytest.mark.parametrize(("args", "line"), [
    (["as_of=2024-01-01"], "error: as_of='2024-01-01': outside the scenario's span"),
    (["as_of=2022-11-01"], "error: as_of='2022-11-01': outside the scenario's span"),
    (["as_of=yesterday"], "error: as_of='yesterday': not a date"),
    (["as_of=2023-05-01", "reps=0"], "error: reps=0: must be >= 1"),
    (["as_of=2023-05-01", "asof=1"], "error: asof=1: unknown key (did you mean 'as_of'?)"),
    (["as_of=2023-05-01", "posterior=/nowhere.parquet"],
     "error: posterior='/nowhere.parquet': cannot read a posterior table"),
])
def test_bad_forecast_input_is_one_line_exit_2_nothing_written(
        tmp_path: Path, args: list[str], line: str) -> None:
    out = tmp_path / "fc"
    proc = run_cli("scenario=historical_2023", *args, f"out={out}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(line), proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize(("column", "values", "line"), [
    ("scenario.bargaining.walk_away", [0.1, 2.0], "column scenario.bargaining.walk_away: the "
     "scenario refuses its max (scenario.bargaining.walk_away=2.0: must be in [0, 1])"),
    ("scenario.bargaining.walkaway", [0.1, 0.2], "column scenario.bargaining.walkaway: the "
     "scenario refuses its min (scenario.bargaining.walkaway='0.1': unknown key (did you mean "
     "'walk_away'?)"),
    ("scenario.bargaining.walk_away", [0.1, None], "column scenario.bargaining.walk_away: every "
     "value must be a number"),
    ("scenario.bargaining.walk_away", ["low", "high"], "column scenario.bargaining.walk_away: "
     "every value must be a number"),
])
def test_a_posterior_the_scenario_cannot_take_is_one_line_before_anything_runs(
        tmp_path: Path, column: str, values: list[object], line: str) -> None:
    post = tmp_path / "posterior.parquet"
    pd.DataFrame({column: values, "weight": [0.5, 0.5]}).to_parquet(post)
    out = tmp_path / "fc"
    proc = run_cli("scenario=historical_2023", "as_of=2023-05-01", f"posterior={post}",
                   f"out={out}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"error: posterior='{post}': {line}"), proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not out.exists()


def test_an_unwritable_output_is_named_as_the_user_wrote_it(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = run_cli("scenario=historical_2023", "as_of=2023-05-01", "reps=2",
                   f"out={blocker / 'fc'}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"error: out='{blocker / 'fc'}': cannot write there"), (
        proc.stderr)
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("index", "field", "value", "line"), [
    (0, "meeting", "austin_wei_phnom_penh",
     "error: questions[0].predicate.meeting='austin_wei_phnom_penh': unknown meeting"),
    (1, "issue", "rare_earths", "error: questions[1].predicate.issue='rare_earths': unknown"),
])
def test_a_question_naming_an_unknown_entity_stops_the_forecast(
        tmp_path: Path, index: int, field: str, value: str, line: str) -> None:
    data = yaml.safe_load((ROOT / "conf" / "questions" / "us_china_2023.yaml").read_text())
    data["questions"][index]["predicate"][field] = value
    bank = tmp_path / "bank.yaml"
    bank.write_text(yaml.safe_dump(data, allow_unicode=True))
    out = tmp_path / "fc"
    proc = run_cli("scenario=historical_2023", "as_of=2023-05-01", f"questions={bank}",
                   f"out={out}")
    assert proc.returncode == 2 and proc.stderr.startswith(line), proc.stderr
    assert proc.stderr.count("\n") == 1
    assert not out.exists()


def test_no_past_that_agrees_with_the_record_is_no_forecast(tmp_path: Path) -> None:
    """Without the balloon, no replication reproduces the record of February 2023: the
    forecast stops, naming the origin, rather than giving probabilities of nothing."""
    setup = Setup("no_balloon", workers=1, max_rounds=2)
    with pytest.raises(ConfigError) as e:
        forecast_as_of(setup, BANK.questions, "2023-03-01", 2, 0, tmp_path)
    assert (e.value.key, e.value.value) == ("as_of", "2023-03-01")
    assert e.value.allowed.startswith("no replication of no_balloon agrees with the record "
                                      "before it (4 simulated, tolerance 0.25)")
    assert not (tmp_path / CUT).exists()


def test_the_rounds_of_one_parameter_set_compose_its_config_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every round of the scenario's own parameters runs the same config (a design point of
    its own): it is composed once, not once a round (a compose is a third of a second)."""
    import sim.forecast.asof as asof

    composed: list[tuple[str, ...]] = []

    def counted(scenario: str, overrides: tuple[str, ...] = ()) -> object:
        composed.append(tuple(overrides))
        return compose_run(scenario, overrides)

    compose_run = asof.compose_run
    monkeypatch.setattr(asof, "compose_run", counted)
    with pytest.raises(ConfigError) as e:  # no past agrees: every round is run
        forecast_as_of(Setup("no_balloon", workers=1, max_rounds=3), BANK.questions,
                       "2023-03-01", 2, 0, tmp_path)
    assert "(6 simulated" in e.value.allowed  # three rounds of two
    assert [round_dir(tmp_path, r).is_dir() for r in range(3)] == [True] * 3
    assert len(composed) == 2 and composed[0] == ()  # the scenario, then the rounds' config


def test_weights_each_finite_whose_sum_is_not_are_drawn_from(tmp_path: Path) -> None:
    """2 x 1e308 overflows a float: the check and the forecast weigh the rows alike, with
    no warning."""
    post = tmp_path / "posterior.parquet"
    pd.DataFrame({"scenario.bargaining.walk_away": [0.1, 0.2], "weight": [1e308, 1e308]}
                 ).to_parquet(post)
    setup = Setup("historical_2023", workers=1, posterior=str(post), draws=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        load_posterior(post, compose=lambda extra: compose(setup, extra))
        df = forecast_as_of(setup, BANK.questions, "2022-11-15", 2, 0, tmp_path / "fc")
    assert len(df) and json.loads((tmp_path / "fc" / CUT).read_text())["kept"] >= 2
