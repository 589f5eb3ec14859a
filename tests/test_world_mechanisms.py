"""Mechanisms of the world, each shown by what it changes.

Small scenarios built from the schema dataclasses isolate one mechanism at a time: a
summit decided by what it can deliver, leaders who meet and leave with nothing, meetings
whose effect on relations depends on what they achieve, deals that a shock unravels.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sim.config.schema import (
    AttendanceConf,
    BargainingConf,
    ChannelConf,
    ConcessionConf,
    IssueConf,
    MeetingConf,
    PartyConf,
    RelationsConf,
    ScenarioConf,
    SeverityConf,
    ShockConf,
    StanceConf,
    StrategyConf,
    SummitConf,
)
from sim.config.validate import validate_scenario
from sim.model.bargaining.strategies import STRATEGIES, StrategySpec, resolve
from sim.model.preferences import Stance
from sim.records import ReplicationResult
from sim.scenario import Scenario, compile_scenario
from sim.streams import streams_for
from sim.world.replication import run_replication
from tests.conftest import scenario

ISSUES = ("trade", "arms", "visas")


def small(us: list[tuple[float, float, float]], them: list[tuple[float, float, float]],
          *, tension: float = 0.5, meetings: dict[str, MeetingConf] | None = None,
          shocks: dict[str, ShockConf] | None = None, empty_cost: float = 0.0,
          concessions: dict[str, ConcessionConf] | None = None,
          value: float = 0.0, walk_away: float = 0.0, latitude: float = 0.0,
          bargaining: BargainingConf | None = None) -> Scenario:
    """Two parties, three issues, one channel; stances as (ideal, low, high) per issue.
    Party a cares most for the first issue, b for the second, so trades gain both."""
    def party(rows: list[tuple[float, float, float]], weights: list[float]) -> PartyConf:
        return PartyConf(
            trust=0.5, strategy=StrategyConf("linear"),
            stances={i: StanceConf(ideal=a, weight=w, win_set=[lo, hi])
                     for i, (a, lo, hi), w in zip(ISSUES, rows, weights, strict=True)},
            attendance=AttendanceConf(empty_cost=empty_cost, value=value))
    conf = ScenarioConf(
        name="small", start="2030-01-01",
        parties={"a": party(us, [3.0, 1.0, 1.0]), "b": party(them, [1.0, 3.0, 1.0])},
        issues={i: IssueConf(status_quo=0.5) for i in ISSUES},
        relations=RelationsConf(tension=tension, tension_baseline=tension),
        bargaining=bargaining or BargainingConf(walk_away=walk_away),
        channels={"leaders": ChannelConf(level="leader", issues=list(ISSUES), rounds=10)},
        meetings=meetings or {}, shocks=shocks or {}, concessions=concessions or {},
        summit=SummitConf(date="2030-06-01", channel="leaders", rounds=6,
                          leader_latitude=latitude),
    )
    validate_scenario(conf)
    return compile_scenario(conf)


def runs(sc: Scenario, n: int, trace: bool = False) -> list[ReplicationResult]:
    return [run_replication(sc, streams_for(0, 0, r), trace=trace, rep=r) for r in range(n)]


OPPOSED = ([(1.0, 0.7, 1.0)] * 3, [(0.0, 0.0, 0.3)] * 3)
OVERLAPPING = ([(1.0, 0.3, 1.0)] * 3, [(0.0, 0.0, 0.7)] * 3)


def test_leaders_can_meet_and_leave_with_nothing() -> None:
    """Leaders who value meeting for itself (a negative empty-summit cost) attend, but
    with nothing pre-agreed and opposed win-sets they settle nothing."""
    outcomes = [r.outcome for r in runs(small(*OPPOSED, empty_cost=-3.0), 300)]
    assert max(set(outcomes), key=outcomes.count) == "summit_no_deal"
    assert outcomes.count("summit_no_deal") / 300 > 0.8


def test_attendance_rises_with_what_the_summit_can_deliver() -> None:
    """The same leaders attend more often when leader-level bargaining can settle something."""
    held = {name: np.mean([r.summit_held for r in runs(small(*rows, value=20.0), 400)])
            for name, rows in (("opposed", OPPOSED), ("overlapping", OVERLAPPING))}
    # logit 0 with nothing to gain: each attends with 1/2, both with 1/4 (+- 0.05 at n=400)
    assert held["opposed"] == pytest.approx(0.25, abs=0.065)
    assert held["overlapping"] > held["opposed"] + 0.4


def test_the_summit_depends_on_the_negotiation_in_historical_2023() -> None:
    """Disjoint win-sets on every issue, and no latitude to bridge them, cut P(summit)."""
    sc = scenario("historical_2023")
    disjoint = []
    for p in sc.parties:
        # each party accepts only its own ideal point: no two win-sets overlap
        disjoint.append(dataclasses.replace(p, stances=tuple(
            Stance(s.ideal, s.weight, s.ideal, s.ideal) for s in p.stances)))
    cut = dataclasses.replace(sc, parties=(disjoint[0], disjoint[1]), winset_noise_sd=0.0,
                              summit=dataclasses.replace(sc.summit, leader_latitude=0.0))
    base = np.mean([r.summit_held for r in runs(sc, 1000)])
    without = np.mean([r.summit_held for r in runs(cut, 1000)])
    assert base - without >= 0.3


def _meeting(**kw: object) -> dict[str, MeetingConf]:
    m = MeetingConf(channel="leaders", date="2030-02-01", tension_relief=0.1, trust_gain=0.1)
    return {"talks": dataclasses.replace(m, **kw)}


def _tension_change(sc: Scenario) -> tuple[float, str]:
    """Tension just after the meeting minus just before, and the meeting's detail."""
    r = run_replication(sc, streams_for(0, 0, 0), trace=True)
    held = next(ev for ev in r.events if ev[1] == "meeting_held")
    before = sc.tension  # at its baseline: it stays there until an event moves it
    return held[8] - before, held[9]


def test_a_meeting_moves_relations_by_what_it_achieved() -> None:
    fail = BargainingConf(walk_away=1.0, failure_tension=0.07, failure_trust=0.05,
                          consult_credit=0.5)
    agreed = small(*OVERLAPPING, meetings=_meeting(),
                   bargaining=dataclasses.replace(fail, walk_away=0.0))
    failed = small(*OVERLAPPING, meetings=_meeting(), bargaining=fail, tension=1.0)
    consult = small(*OPPOSED, meetings=_meeting(), bargaining=fail)
    d_agreed, what = _tension_change(agreed)
    assert what == "trade,arms,visas" and d_agreed == pytest.approx(-0.1)
    d_failed, what = _tension_change(failed)  # walk_away * tension = 1: one round only
    assert what == "talks failed" and d_failed == pytest.approx(0.0)  # clipped at 1
    failed = small(*OVERLAPPING, meetings=_meeting(), bargaining=fail, tension=0.9)
    d_failed, what = _tension_change(failed)  # a 0.9 chance of ending after each round
    assert what == "talks failed" and d_failed == pytest.approx(0.07)
    d_consult, what = _tension_change(consult)
    assert what == "" and d_consult == pytest.approx(-0.05)


def test_a_shock_can_unravel_a_pre_agreed_deliverable() -> None:
    """Unravelled deals are open again: the leaders must settle them at the summit."""
    shock = ShockConf(date="2030-03-01", severity=SeverityConf(1.0, 1.0), unravel=1.0)
    summit_day = 151.0
    for shocks, reopened in (({}, set()), ({"crisis": shock}, set(ISSUES))):
        sc = small(*OVERLAPPING, meetings=_meeting(), shocks=shocks, empty_cost=-5.0)
        r = run_replication(sc, streams_for(0, 0, 0), trace=True)
        assert {ev[2] for ev in r.events if ev[1] == "agreement_unravelled"} == reopened
        at_summit = {ev[2] for ev in r.events if ev[1] == "agreement" and ev[0] == summit_day}
        assert at_summit == reopened and all(r.agreed)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_registered_strategy_plays_a_scenario_party(name: str) -> None:
    sc = scenario("historical_2023")
    spec = resolve(StrategySpec(name))
    parties = tuple(dataclasses.replace(p, strategy=spec) for p in sc.parties)
    played = dataclasses.replace(sc, parties=(parties[0], parties[1]))
    rs = runs(played, 40)
    agreed = sum(sum(r.agreed) for r in rs)
    assert agreed > 0, name  # every strategy reaches some agreement where win-sets overlap
    assert all(math.isnan(r.nash_distance) == (r.pareto_optimal is None) for r in rs)


def test_win_sets_that_meet_only_at_the_status_quo_settle_nothing() -> None:
    """A red line at the status quo leaves nothing to agree: no deliverable 'keep it'."""
    pinned = [(0.5, 0.5, 0.5), (1.0, 0.3, 1.0), (1.0, 0.3, 1.0)]
    other = [(0.0, 0.0, 0.7), (0.0, 0.0, 0.7), (0.0, 0.0, 0.7)]
    rs = runs(small(pinned, other, empty_cost=-5.0), 50)
    assert not any(r.agreed[0] for r in rs) and any(r.agreed[1] for r in rs)


def test_a_party_proposes_a_meeting_after_a_lull() -> None:
    """With a proposal policy, a lull in talks brings a meeting nobody had planned."""
    from sim.config.schema import PolicyConf, ProposalConf

    def proposing(plan: ProposalConf | None) -> Scenario:
        conf = ScenarioConf(
            name="lull", start="2030-01-01",
            parties={p: PartyConf(
                trust=0.5, stances={i: StanceConf(ideal=a, win_set=[0.0, 1.0]) for i in ISSUES},
                policy=PolicyConf(propose=plan if p == "a" else None))
                for p, a in (("a", 1.0), ("b", 0.0))},
            issues={i: IssueConf(status_quo=0.5) for i in ISSUES},
            channels={"leaders": ChannelConf(issues=list(ISSUES))},
            summit=SummitConf(date="2030-12-01", channel="leaders"))
        validate_scenario(conf)
        return compile_scenario(conf)

    plan = ProposalConf(channel="leaders", lull_days=90, notice_days=10, limit=2)
    r = run_replication(proposing(plan), streams_for(0, 0, 0), trace=True)
    proposed = [ev[0] for ev in r.events if ev[1] == "meeting_proposed"]
    held = [ev[0] for ev in r.events if ev[1] == "meeting_held"]
    # 90 days of silence; then it re-decides every review_days (14) until 90 more have passed
    assert proposed == [90.0, 194.0]
    assert held == [100.0, 204.0]  # 10 days' notice; one day of talks, on that day
    r = run_replication(proposing(None), streams_for(0, 0, 0), trace=True)
    assert not any(ev[1] in ("meeting_proposed", "meeting_held") for ev in r.events)


def _incidents(excitation: float, restraint_days: float, tension: float, n: int = 400
               ) -> list[list[float]]:
    """Arrival days of a hazard shock (that moves nothing) in each of n replications."""
    shock = ShockConf(rate_per_year=36.5, excitation=excitation, restraint_days=restraint_days,
                      restraint=0.0)
    sc = small(*OPPOSED, tension=tension, shocks={"incident": shock})
    return [[ev[0] for ev in r.events if ev[1] == "shock"] for r in runs(sc, n, trace=True)]


def test_hazards_rise_with_tension_and_fall_before_a_summit() -> None:
    """Thinning gives the stated rates: 0.1 a day x (1 + 2 x 0.9) = 0.28 a day over the
    151 days to the summit; restraint 0 silences the last 50 days."""
    days = 151.0
    for excitation, rate in ((0.0, 0.1), (2.0, 0.28)):
        counts = [len(a) for a in _incidents(excitation, 0.0, 0.9)]
        mean, expected = float(np.mean(counts)), rate * days
        # Poisson counts: the mean of 400 has standard error sqrt(expected / 400)
        assert abs(mean - expected) <= 4 * math.sqrt(expected / 400), (excitation, mean)
    restrained = _incidents(0.0, 50.0, 0.9)
    assert all(t < days - 50.0 for a in restrained for t in a)
    expected = 0.1 * (days - 50.0)
    mean = float(np.mean([len(a) for a in restrained]))
    assert abs(mean - expected) <= 4 * math.sqrt(expected / 400)


def test_a_concessions_domestic_cost_comes_off_its_partys_utility() -> None:
    """`domestic_cost` is subtracted from the conceding party's utility, and only its."""

    def utilities(cost: float) -> tuple[float, ...]:
        gesture = ConcessionConf(party="a", date="2030-03-01", domestic_cost=cost)
        sc = small(*OVERLAPPING, empty_cost=-5.0, concessions={"gesture": gesture})
        return run_replication(sc, streams_for(0, 0, 0)).utilities

    free, costly = utilities(0.0), utilities(0.1)
    assert costly[0] == pytest.approx(free[0] - 0.1) and costly[1] == free[1]


def test_the_nash_distance_of_each_replication_measures_the_leaders_package() -> None:
    """Zeuthen's rule climbs to the Nash point, so Zeuthen leaders end there (within the
    101-point sampling of the bargaining set); Boulware against Conceder ends far from it.
    Where there were no summit talks the measure is empty."""
    from sim.model.bargaining.strategies import StrategySpec, resolve

    def distances(a: str, b: str) -> list[float]:
        sc = small(*OVERLAPPING, empty_cost=-5.0)
        parties = (dataclasses.replace(sc.parties[0], strategy=resolve(StrategySpec(a))),
                   dataclasses.replace(sc.parties[1], strategy=resolve(StrategySpec(b))))
        long_talks = dataclasses.replace(sc.summit, rounds=200)  # Zeuthen concedes in steps
        rs = runs(dataclasses.replace(sc, parties=parties, summit=long_talks), 30)
        assert all(r.pareto_optimal is not None for r in rs if r.summit_held)
        return [r.nash_distance for r in rs if r.summit_held]

    assert max(distances("zeuthen", "zeuthen")) < 0.01
    assert min(distances("boulware", "conceder")) > 0.05
    none = runs(small(*OPPOSED, empty_cost=-5.0), 10)  # nothing both ratify: no talks
    assert all(math.isnan(r.nash_distance) and r.pareto_optimal is None for r in none)
