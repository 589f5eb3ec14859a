"""The resolver: answers read off hand-built traces, and off a real traced run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.design_point import run_design_point
from sim.forecast.questions import Predicate, Question, Source, load_bank
from sim.forecast.resolve import (
    agreement_sites,
    answers,
    nothing_happens,
    probabilities,
    resolve_run,
)
from tests.conftest import compose_run

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "conf" / "questions" / "us_china_2023.yaml"


def ev(rep: int, date: str, kind: str, name: str, channel: str = "", time: float = 0.0
       ) -> dict[str, Any]:
    return {"rep": rep, "date": date, "kind": kind, "name": name, "channel": channel,
            "time": time or float(pd.Timestamp(date).day_of_year)}


def q(id: str, close: str = "2023-11-15", negate: bool = False, **pred: Any) -> Question:
    return Question(id=id, text=id, open="2022-11-14", close=close, answer=True, kind="path",
                    source=Source("2023-01-01", "x"), predicate=Predicate(negate=negate, **pred))


def row(rep: int, held: bool, agreed: tuple[str, ...] = (), outcome: str = "") -> dict[str, Any]:
    out = {"rep": rep, "summit_held": held, "attended_us": True, "attended_cn": held,
           "outcome": outcome or ("summit_partial" if held else "no_summit")}
    out |= {f"agreed_{i}": i in agreed for i in ("mil_mil", "climate")}
    return out


# rep 0: Munich held 19 Feb and agrees climate; summit agrees mil_mil.
# rep 1: Munich postponed, then held 1 Jul with nothing; no summit.
# rep 2: no events at all (a traced replication with an empty trace).
EVENTS = pd.DataFrame([
    ev(0, "2023-02-19", "meeting_held", "munich", "foreign", 50.0),
    ev(0, "2023-02-19", "agreement", "climate", "foreign", 50.0),
    ev(0, "2023-03-12", "channel_suspended", "defense", "defense"),
    ev(0, "2023-11-15", "agreement", "mil_mil", "leaders", 366.0),
    ev(0, "2023-11-15", "summit_held", "s", "leaders", 366.0),
    ev(1, "2023-02-18", "meeting_postponed", "munich", "foreign"),
    ev(1, "2023-07-01", "meeting_held", "munich", "foreign", 200.0),
    ev(1, "2023-07-01", "agreement", "mil_mil", "nsa", 200.0),  # same time, other channel
    ev(1, "2023-10-24", "channel_reopened", "defense", "defense"),
])
REPS = pd.DataFrame([row(0, True, ("mil_mil", "climate")), row(1, False), row(2, False)])


def resolve(*questions: Question) -> pd.DataFrame:
    return answers(questions, EVENTS, REPS, traced=[0, 1, 2])


def test_an_event_counts_only_within_its_window() -> None:
    a = resolve(q("by_feb", test="held", meeting="munich", by="2023-02-28"),
                q("by_close", close="2023-06-30", test="held", meeting="munich"),
                q("by_summit", test="held", meeting="munich"),
                q("from_mar", test="held", meeting="munich", after="2023-03-01"),
                q("on_the_day", test="held", meeting="munich", after="2023-02-19",
                  by="2023-02-19"))
    assert a["by_feb"].tolist() == [True, False, False]
    assert a["by_close"].tolist() == [True, False, False]  # `by` defaults to the close date
    assert a["by_summit"].tolist() == [True, True, False]
    assert a["from_mar"].tolist() == [False, True, False]
    assert a["on_the_day"].tolist() == [True, False, False]  # both ends inclusive


def test_agreements_are_placed_at_their_meeting_or_the_summit() -> None:
    sites = agreement_sites(EVENTS.reset_index(drop=True))
    assert sites.tolist() == ["", "munich", "", "summit", "", "", "", "summit", ""]
    a = resolve(q("climate_munich", test="agreed", issue="climate", at="munich"),
                q("mil_summit", test="agreed", issue="mil_mil", at="summit"),
                q("mil_munich", test="agreed", issue="mil_mil", at="munich"),
                q("mil_any", test="agreed", issue="mil_mil"),
                q("no_mil_before_oct", close="2023-09-30", negate=True, test="agreed",
                  issue="mil_mil"))
    assert a["climate_munich"].tolist() == [True, False, False]
    assert a["mil_summit"].tolist() == [True, True, False]  # rep 1: nsa row, not Munich's
    assert a["mil_munich"].tolist() == [False, False, False]
    assert a["mil_any"].tolist() == [True, True, False]
    assert a["no_mil_before_oct"].tolist() == [True, False, True]


def test_channel_postponement_and_row_tests() -> None:
    a = resolve(q("reopened", test="reopened", channel="defense"),
                q("suspended", test="suspended", channel="defense"),
                q("postponed", test="postponed", meeting="munich"),
                q("summit", test="summit_held"),
                q("xi", test="attended", party="cn"),
                q("deliv", test="deliverable", issue="climate"),
                q("partial", test="outcome", outcomes=["summit_partial", "summit_no_deal"]),
                q("no_summit", test="summit_held", negate=True))
    assert a["reopened"].tolist() == [False, True, False]
    assert a["suspended"].tolist() == [True, False, False]
    assert a["postponed"].tolist() == [False, True, False]
    assert a["summit"].tolist() == [True, False, False]
    assert a["xi"].tolist() == [True, False, False]
    assert a["deliv"].tolist() == [True, False, False]
    assert a["partial"].tolist() == [True, False, False]
    assert a["no_summit"].tolist() == [False, True, True]


def test_persistence_is_the_answer_if_nothing_more_happens() -> None:
    qs = [q("held", test="held", meeting="munich"),
          q("not_agreed", negate=True, test="agreed", issue="mil_mil"),
          q("summit", test="summit_held"),
          q("no_deal", test="outcome", outcomes=["no_summit"])]
    assert nothing_happens(qs, ["us", "cn"], ["mil_mil"]) == {
        "held": False, "not_agreed": True, "summit": False, "no_deal": True}


def test_probabilities_are_shares_with_wilson_intervals() -> None:
    table = pd.DataFrame({"a": [True, False, True, True], "b": [False] * 4})
    p = probabilities(table).set_index("question")
    assert p.loc["a", "p"] == 0.75 and p.loc["b", "p"] == 0.0
    assert (p["n"] == 4).all()
    assert p.loc["a", "ci_low"] < 0.75 < p.loc["a", "ci_high"]
    assert p.loc["b", "ci_low"] == 0.0 < p.loc["b", "ci_high"] < 1.0


def test_a_traced_rep_without_a_row_is_an_error() -> None:
    with pytest.raises(ValueError, match="no replication row"):
        answers([q("s", test="summit_held")], EVENTS, REPS, traced=[0, 7])


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """historical_2023, 200 replications, all traced, through the run path of python -m sim."""
    out = tmp_path_factory.mktemp("hist")
    run = compose_run("scenario=historical_2023", "reps=200", "trace_reps=200", "workers=1",
                      "progress=false", "plots=false")
    run_design_point(run, out)
    return out


def test_on_a_real_run_row_and_trace_answers_agree(real_run: Path) -> None:
    bank = load_bank(BANK)
    a = resolve_run(real_run, bank.questions, trace_reps=200)
    reps = pd.read_parquet(real_run / "replications.parquet").set_index("rep")
    events = pd.read_parquet(real_run / "events.parquet")
    assert len(a) == 200
    assert (a["summit_held"] == reps.loc[a.index, "summit_held"]).all()
    # the trace's summit_held rows say the same as the replication rows
    traced_summits = set(events.loc[events["kind"] == "summit_held", "rep"])
    assert traced_summits == set(a.index[a["summit_held"]])
    # an issue agreed at Siem Reap is agreed before October
    assert (a["mil_mil_before_october"] | ~a["mil_mil_at_siem_reap"]).all()
    # a summit deliverable was agreed at some meeting or at the summit itself
    for issue in ("mil_mil", "climate", "exchanges"):
        agreed_rows = set(events.loc[(events["kind"] == "agreement")
                                     & (events["name"] == issue), "rep"])
        deliverable = set(reps.index[reps[f"agreed_{issue}"]])
        assert deliverable <= agreed_rows, issue
    # the meeting counts of the replication rows equal the held rows of the traces
    held = events[events["kind"] == "meeting_held"].groupby("rep").size()
    assert np.array_equal(held.reindex(a.index, fill_value=0).to_numpy(),
                          reps.loc[a.index, "n_meetings_held"].to_numpy())
