"""What the 2023 scenarios must reproduce (2,000 replications, seed 0).

Intervals are Wilson 95 % intervals at n = 2,000: a half-width of at most
1.96 * sqrt(0.25 / 2000) = 0.022, so each assertion holds with that margin, not by luck.
"""

from __future__ import annotations

from sim.analysis.summary import summarize
from tests.conftest import replications, scenario

N = 2000
DELIVERED = ("mil_mil", "fentanyl", "ai_risk", "exchanges", "climate")
CORE = ("taiwan", "export_controls")


def test_historical_modal_outcome_is_partial() -> None:
    df = replications("historical_2023", N)
    assert df["outcome"].value_counts().idxmax() == "summit_partial"


def test_historical_deliverables_beat_core_issues() -> None:
    s = summarize(replications("historical_2023", N), list(scenario("historical_2023").issues))
    for core in CORE:
        assert s["p_agreed"][core]["ci_high"] < 0.10, core
        for issue in DELIVERED:
            assert s["p_agreed"][issue]["ci_low"] > s["p_agreed"][core]["ci_high"], (issue, core)


def test_february_blinken_visit_is_always_postponed() -> None:
    df = replications("historical_2023", N)
    assert df["postponed_meetings"].map(lambda m: "blinken_beijing" in m).all()


def test_from_malta_matches_the_forecast_of_the_time() -> None:
    s = summarize(replications("from_malta", N), list(scenario("from_malta").issues))
    assert s["p_summit"]["ci_low"] >= 0.75 and s["p_summit"]["ci_high"] <= 0.95


def test_no_balloon_makes_a_summit_more_likely() -> None:
    issues = list(scenario("historical_2023").issues)
    hist = summarize(replications("historical_2023", N), issues)["p_summit"]
    nob = summarize(replications("no_balloon", N), issues)["p_summit"]
    half_width = (nob["ci_high"] - nob["ci_low"]) / 2
    assert nob["estimate"] - hist["estimate"] > half_width


def test_no_balloon_has_no_balloon_chain() -> None:
    sc = scenario("no_balloon")
    names = {s.name for s in sc.shocks}
    assert "balloon" not in names
    # the listings exist only as retaliation, and nothing left triggers them
    triggered = {s.retaliation[0] for s in sc.shocks if s.retaliation}
    listing = [i for i, s in enumerate(sc.shocks) if s.name == "balloon_entity_listing"]
    assert listing and listing[0] not in triggered
