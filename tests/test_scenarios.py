"""Robust facts of the 2023 record that the 2023 scenarios reproduce by mechanism.

These are facts the model is not told: no date of a postponement, no length of a
suspension, no summit probability is written into the scenarios. Calibrated figures
(P(summit), the Blinken delay, from_malta) are measured and reported in
docs/scenarios.md, not pinned here. Proportions use n replications at seed 0 and
tolerances of the Wilson/normal 95 % half-width at that n.
"""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.summary import summarize
from sim.records import ReplicationResult
from sim.scenario import Scenario, compile_scenario
from sim.streams import streams_for
from sim.world.replication import run_replication
from tests.conftest import compose_run, replications, scenario

N = 2000
DELIVERED = ("mil_mil", "fentanyl", "ai_risk", "exchanges", "climate")
CORE = ("taiwan", "export_controls")


def traced(sc: Scenario, n: int) -> list[ReplicationResult]:
    return [run_replication(sc, streams_for(0, 0, r), trace=True, rep=r) for r in range(n)]


def paired_half_width(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of b - a and the 95 % half-width of that paired mean."""
    d = b.astype(float) - a.astype(float)
    return float(d.mean()), 1.96 * float(d.std(ddof=1)) / math.sqrt(len(d))


def test_historical_modal_outcome_is_partial() -> None:
    df = replications("historical_2023", N)
    assert df["outcome"].value_counts().idxmax() == "summit_partial"


def test_historical_deliverables_beat_core_issues() -> None:
    s = summarize(replications("historical_2023", N), list(scenario("historical_2023").issues))
    for core in CORE:
        assert s["p_agreed"][core]["ci_high"] < 0.10, core
        for issue in DELIVERED:
            assert s["p_agreed"][issue]["ci_low"] > s["p_agreed"][core]["ci_high"], (issue, core)


def test_no_balloon_makes_a_summit_more_likely_beyond_the_paired_interval() -> None:
    hist = replications("historical_2023", N)["summit_held"].to_numpy()
    nob = replications("no_balloon", N)["summit_held"].to_numpy()
    diff, half = paired_half_width(hist, nob)
    assert diff > half


def test_military_talks_are_not_agreed_before_october() -> None:
    sc = scenario("historical_2023")
    cutoff = (np.datetime64("2023-10-01") - np.datetime64(sc.start.isoformat())).astype(int)
    early = sum(any(ev[1] == "agreement" and ev[2] == "mil_mil" and ev[0] < cutoff
                    for ev in r.events) for r in traced(sc, 1000))
    assert early / 1000 <= 0.25


def test_the_balloon_postpones_blinken_by_the_usa_decision() -> None:
    """The postponement is the US's refusal while its domestic heat is high, not a list."""
    sc = scenario("historical_2023")
    due = float((np.datetime64("2023-02-05") - np.datetime64(sc.start.isoformat())).astype(int))
    runs = traced(sc, 500)
    refused = [r for r in runs if any(
        ev[1] == "meeting_postponed" and ev[2] == "blinken_beijing" and ev[0] == due
        and ev[3] == "us" and ev[9] == "refused" for ev in r.events)]
    assert len(refused) / len(runs) >= 0.70


def _variant(*overrides: str) -> Scenario:
    return compile_scenario(compose_run("scenario=historical_2023", *overrides).scenario)


def test_a_us_that_never_refuses_holds_the_visit_on_its_date() -> None:
    sc = _variant("scenario.parties.us.policy.refuse_visit_above=1.0",
                  "scenario.parties.cn.policy.refuse_visit_above=1.0")
    due = float((np.datetime64("2023-02-05") - np.datetime64(sc.start.isoformat())).astype(int))
    for r in traced(sc, 200):
        held = [ev[0] for ev in r.events if ev[1] == "meeting_held" and ev[2] == "blinken_beijing"]
        closed = any(ev[1] == "channel_suspended" and ev[5] == "foreign" and ev[0] <= due
                     for ev in r.events)
        if not closed:
            assert held and held[0] == due + 1.0  # two days of talks from the 5th: the 6th


def test_a_severity_zero_balloon_postpones_nothing_and_provokes_nothing() -> None:
    sc = _variant("scenario.shocks.balloon.severity.low=0.0",
                  "scenario.shocks.balloon.severity.high=0.0",
                  "++scenario.shocks.unplanned_crisis.enabled=false",
                  "++scenario.shocks.unplanned_incident.enabled=false")
    for r in traced(sc, 200):
        assert not any(ev[1] == "shock" and ev[2] == "balloon_entity_listing"
                       for ev in r.events)
        assert not any(ev[1] == "meeting_postponed" and ev[2] == "blinken_beijing"
                       and ev[9] == "refused" and ev[0] < 100 for ev in r.events)


def test_li_shangfus_removal_is_what_lets_the_defence_ministers_meet() -> None:
    with_removal = traced(scenario("historical_2023"), 500)
    without = traced(_variant("++scenario.concessions.li_shangfu_removed.enabled=false"), 500)

    def held(runs: list[ReplicationResult]) -> np.ndarray:
        return np.array([any(ev[1] == "meeting_held" and ev[2] == "defence_ministers"
                             for ev in r.events) for r in runs])

    diff, half = paired_half_width(held(without), held(with_removal))
    assert diff > half
    # the meeting wakes on the reopening itself (a SimPy event), not at its next retry
    sc = scenario("historical_2023")
    removal = float((np.datetime64("2023-10-24") - np.datetime64(sc.start.isoformat()))
                    .astype(int))
    starts = {ev[0] for r in with_removal for ev in r.events
              if ev[1] == "meeting_held" and ev[2] == "defence_ministers"}
    assert starts == {removal}


def test_held_summit_packages_are_pareto_optimal() -> None:
    """Offers are trade-offs on the frontier, so the leaders' package is efficient on the
    issues they bargained, unless their talks broke off (at most 1 in 10 here)."""
    df = replications("historical_2023", N)
    talked = df[df["summit_held"] & df["pareto_optimal"].notna()]
    share = talked["pareto_optimal"].astype(bool).mean()
    assert len(talked) > N / 2 and share >= 0.90


def test_fentanyl_is_agreed_when_the_delisting_can_be_offered() -> None:
    """Linkage: China's fentanyl win-set opens only in a package that delists its
    forensic institute, so the deal stands or falls with the US being able to offer it."""
    def fentanyl(*overrides: str) -> float:
        sc = compile_scenario(compose_run("scenario=fentanyl_linkage", *overrides).scenario)
        j = sc.issues.index("fentanyl")
        rs = [run_replication(sc, streams_for(0, 0, r), rep=r) for r in range(1000)]
        return sum(r.agreed[j] for r in rs) / len(rs)

    assert fentanyl() >= 0.80
    assert fentanyl("++scenario.concessions.delisting_on_offer.enabled=false") <= 0.20
