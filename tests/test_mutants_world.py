"""The world's records of its decisions, pinned where the broader suites leave slack.

Every postponement, call-off and renewed proposal is an event of the trace that users
read (`events.parquet`); these tests check each field of those events and the counters
of the replication table against the decisions that made them.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
import simpy

from sim.config.schema import (
    ConcessionConf,
    MeetingConf,
    RetaliationConf,
    SeverityConf,
    ShockConf,
    TriggerConf,
)
from sim.model.preferences import move_toward
from sim.records import ReplicationResult
from sim.scenario import CallOff, Scenario
from sim.streams import streams_for
from sim.world.concessions import concede
from sim.world.shocks import strike
from sim.world.state import WorldState
from tests.test_world_mechanisms import OVERLAPPING, runs, small

MEETING = MeetingConf(channel="leaders", date="2030-02-01", retry_days=20.0,
                      max_postponements=3)  # 2030-02-01 is day 31


def _with_threshold(sc: Scenario, threshold: float) -> Scenario:
    ch = dataclasses.replace(sc.channels[0], tension_threshold=threshold)
    return dataclasses.replace(sc, channels=(ch,))


def _with_policy(sc: Scenario, party: int, **policy: Any) -> Scenario:
    p = sc.parties[party]
    p = dataclasses.replace(p, policy=dataclasses.replace(p.policy, **policy))
    parties = (p, sc.parties[1]) if party == 0 else (sc.parties[0], p)
    return dataclasses.replace(sc, parties=parties)


def _events(r: ReplicationResult, kind: str) -> list[tuple[object, ...]]:
    return [(ev[0], ev[2], ev[3], ev[4], ev[5], ev[9]) for ev in r.events if ev[1] == kind]


def test_each_postponement_is_counted_and_recorded_with_its_reason() -> None:
    sc = _with_threshold(small(*OVERLAPPING, tension=0.9, meetings={"talks": MEETING}), 0.5)
    r = runs(sc, 1, trace=True)[0]
    reason = "tension over threshold"
    assert _events(r, "meeting_postponed") == [
        (day, "talks", "", "", "leaders", reason) for day in (31.0, 51.0, 71.0)]
    assert _events(r, "meeting_cancelled") == [(91.0, "talks", "", "", "leaders", reason)]
    assert r.n_meetings_postponed == 3 and r.n_meetings_cancelled == 1
    assert r.postponed_meetings == ("talks", "talks", "talks")
    assert r.n_meetings_held == 0


def test_a_refused_visit_names_the_party_that_refused() -> None:
    """A provocation by b heats a up; a refuses b's visit while its heat is high."""
    insult = {"insult": ShockConf(date="2030-01-20", actor="b", target="a", heat=1.0,
                                  severity=SeverityConf(1.0, 1.0))}
    visit = dataclasses.replace(MEETING, host="b", max_postponements=1)
    sc = small(*OVERLAPPING, tension=0.3, shocks=insult, meetings={"talks": visit})
    sc = _with_policy(sc, 0, refuse_visit_above=0.5, heat_half_life_days=1000.0)
    r = runs(sc, 1, trace=True)[0]
    assert _events(r, "meeting_postponed") == [(31.0, "talks", "a", "", "leaders", "refused")]
    assert _events(r, "meeting_cancelled") == [(51.0, "talks", "a", "", "leaders", "refused")]
    assert r.n_meetings_postponed == 1 and r.postponed_meetings == ("talks",)
    calm = runs(_with_policy(sc, 0, refuse_visit_above=2.0), 1, trace=True)[0]
    assert _events(calm, "meeting_postponed") == [] and calm.n_meetings_held == 1


def test_a_call_off_and_its_renewal_are_addressed_to_the_other_party() -> None:
    """b calls the summit off after a provocation by a (1 May, day 120) and proposes it
    again at its first weekly review after a's gesture (10 May, day 129) has brought
    tension under 0.5: day 134. Both events name b, address a and the summit's channel."""
    from tests.test_call_off import GESTURE

    provocation = {"provocation": ShockConf(date="2030-05-01", actor="a", target="b",
                                            severity=SeverityConf(1.0, 1.0), tension=0.5)}
    gesture = {"gesture": dataclasses.replace(GESTURE["gesture"], party="a")}
    sc = small(*OVERLAPPING, tension=0.3, value=20.0, shocks=provocation,
               concessions=gesture)
    sc = _with_policy(sc, 1, call_off=CallOff(above=0.7, resume_below=0.5, review_days=7.0))
    r = runs(sc, 1, trace=True)[0]
    assert _events(r, "meeting_cancelled") == [
        (120.0, "small", "b", "a", "leaders", "summit called off")]
    assert _events(r, "meeting_proposed") == [
        (134.0, "small", "b", "a", "leaders", "summit proposed again")]


def _incident(**kw: Any) -> dict[str, ShockConf]:
    """b's incident against a on day 10: tension +0.5 (to 0.8), a's heat +0.5, and a may
    suspend the leaders' channel (policy `suspend` 1: it does)."""
    shock = ShockConf(date="2030-01-11", actor="b", target="a", tension=0.5,
                      suspend=["leaders"], severity=SeverityConf(1.0, 1.0))
    return {"incident": dataclasses.replace(shock, **kw)}


def _first_review(day: float, every: float, blocked: Any) -> float:
    """The first review day after `day` on which `blocked(days since day)` is false."""
    k = 1
    while blocked(k * every):
        k += 1
    return day + k * every


def _suspension(r: ReplicationResult) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return _events(r, "channel_suspended"), _events(r, "channel_reopened")


def test_a_suspension_is_lifted_at_the_first_review_with_tension_under_the_threshold() -> None:
    sc = _with_threshold(small(*OVERLAPPING, tension=0.3, shocks=_incident()), 0.6)
    sc = _with_policy(sc, 0, review_days=14.0, heat_half_life_days=1.0, resume_below=0.5)
    h = sc.tension_half_life_days
    day = _first_review(10.0, 14.0, lambda d: 0.3 + 0.5 * 2.0 ** (-d / h) >= 0.6)
    suspended, reopened = _suspension(runs(sc, 1, trace=True)[0])
    assert suspended == [(10.0, "leaders", "a", "", "leaders", "incident")]
    assert reopened == [(day, "leaders", "a", "", "leaders", "")]
    assert day > 24.0  # tension, not heat, held it past the first review


def test_heat_keeps_a_channel_closed_after_tension_has_eased() -> None:
    sc = small(*OVERLAPPING, tension=0.3, shocks=_incident())  # threshold 1: never blocks
    sc = _with_policy(sc, 0, review_days=14.0, heat_half_life_days=30.0, resume_below=0.2)
    day = _first_review(10.0, 14.0, lambda d: 0.5 * 2.0 ** (-d / 30.0) >= 0.2)
    _, reopened = _suspension(runs(sc, 1, trace=True)[0])
    assert reopened == [(day, "leaders", "a", "", "leaders", "")]
    assert day > 24.0


def test_a_retaliation_is_decided_whether_or_not_its_shock_names_an_actor() -> None:
    """A retaliating shock that names no actor is decided by the target of the first
    shock; one that names its actor by that actor: either way it strikes after its delay."""
    for actor in ("b", ""):
        first = ShockConf(date="2030-01-11", actor="a", target="b", tension=0.1,
                          retaliation=RetaliationConf(shock="counter", delay_days=[5.0, 5.0]))
        counter = ShockConf(actor=actor, target="a", tension=0.1)
        sc = small(*OVERLAPPING, tension=0.3, shocks={"first": first, "counter": counter})
        r = runs(sc, 1, trace=True)[0]
        assert [ev[:2] for ev in _events(r, "shock")] == [(10.0, "first"), (15.0, "counter")]


def _world(sc: Scenario) -> WorldState:
    return WorldState(sc, streams_for(0, 0, 0), simpy.Environment(), trace=True)


def test_a_concession_moves_stances_allows_offers_costs_and_reopens() -> None:
    gesture = ConcessionConf(party="a", date="2030-01-11", tension=0.1, trust=0.2,
                             move={"trade": 0.5}, allow={"arms": [0.1, 1.0]},
                             domestic_cost=0.3, reopen=["leaders"])
    sc = small(*OVERLAPPING, tension=0.4, concessions={"gesture": gesture})
    w = _world(sc)
    w.suspend(0, math.inf, 1, "test")
    w.cost[0] = 0.1
    before = list(w.stances[0])
    concede(w, sc.concessions[0])
    trade, arms, visas = w.stances[0]
    target = w.stances[1][0].ideal
    assert trade == move_toward(before[0], target, 0.5) and trade != before[0]
    assert (arms.ideal, arms.weight, arms.low, arms.high) == (
        before[1].ideal, before[1].weight, 0.1, 1.0)
    assert visas == before[2] and w.stances[1] == list(_world(sc).stances[1])
    assert w.cost == [pytest.approx(0.4), 0.0]
    assert w.tension.at(0.0) == pytest.approx(0.3)
    assert w.trust[1].at(0.0) == pytest.approx(0.7) and w.trust[0].at(0.0) == 0.5
    kinds = [(ev[1], ev[2], ev[3], ev[4]) for ev in w.events]
    assert kinds[-2:] == [("concession", "gesture", "a", "b"), ("channel_reopened", "leaders",
                                                                "a", "")]
    assert w.events[-2][6:8] == sc.codes["concession"]
    assert w.channel_open(0, 0.0)


@pytest.mark.parametrize(("tension", "made"), [(0.6, True), (0.4, False)])
def test_a_triggered_concession_is_made_only_while_tension_is_over_its_threshold(
        tension: float, made: bool) -> None:
    ease = ConcessionConf(party="b", trigger=TriggerConf(days_before_summit=30.0,
                                                         tension_above=0.5), tension=0.1)
    sc = small(*OVERLAPPING, tension=tension, concessions={"ease": ease})
    r = runs(sc, 1, trace=True)[0]
    day = sc.end_day - 30.0
    assert _events(r, "concession") == ([(day, "ease", "b", "a", "", "")] if made else [])


N = 400


def test_chance_events_happen_with_their_probability() -> None:
    """A dated shock and a dated concession each of probability 1/2: each happens in
    about half the replications (four standard errors at N = 400)."""
    maybe_shock = {"spat": ShockConf(date="2030-02-01", actor="a", target="b",
                                     probability=0.5)}
    maybe_gesture = {"gesture": ConcessionConf(party="a", date="2030-03-01",
                                               probability=0.5)}
    sc = small(*OVERLAPPING, shocks=maybe_shock, concessions=maybe_gesture)
    results = runs(sc, N, trace=True)
    tolerance = 4 * math.sqrt(0.25 / N)
    for kind in ("shock", "concession"):
        share = sum(any(ev[1] == kind for ev in r.events) for r in results) / N
        assert share == pytest.approx(0.5, abs=tolerance), kind


def test_a_hazards_excitation_scales_its_rate_by_tension() -> None:
    """Incidents at 6 a year with excitation 0.5 and tension held at 0: the rate is the
    base rate (the excitation only multiplies tension), so the count over the window is
    Poisson with mean 6 * days / 365 (four standard errors at N = 400)."""
    incidents = {"incident": ShockConf(actor="a", target="b", rate_per_year=6.0,
                                       excitation=0.5)}
    sc = small(*OVERLAPPING, tension=0.0, shocks=incidents)
    mean = 6.0 * sc.end_day / 365.0
    counts = [r.n_shocks for r in runs(sc, N)]
    assert sum(counts) / N == pytest.approx(mean, abs=4 * math.sqrt(mean / N))


def test_a_meeting_dated_too_close_to_the_summit_is_cancelled_as_too_late() -> None:
    late = dataclasses.replace(MEETING, date="2030-05-31", duration_days=3.0)
    r = runs(small(*OVERLAPPING, meetings={"talks": late}), 1, trace=True)[0]
    assert _events(r, "meeting_cancelled") == [(150.0, "talks", "", "", "leaders", "too late")]
    assert r.n_meetings_held == 0


def test_win_set_noise_keeps_every_edge_inside_zero_one_and_around_the_ideal() -> None:
    sc = dataclasses.replace(small(*OVERLAPPING), winset_noise_sd=0.5)
    highs = []
    for rep in range(50):
        w = WorldState(sc, streams_for(0, 0, rep), simpy.Environment(), trace=False)
        for party in w.stances:
            for s in party:
                assert 0.0 <= s.low <= s.ideal <= s.high <= 1.0
                highs.append(s.high)
    assert max(highs) == 1.0  # the noise pushed some edges past 1: clipped there


def test_a_shock_shrinks_its_targets_win_sets_by_its_share_times_severity() -> None:
    squeeze = {"squeeze": ShockConf(date="2030-01-11", actor="a", target="b",
                                    shrink_winsets=0.5, severity=SeverityConf(0.6, 0.6))}
    sc = small(*OVERLAPPING, shocks=squeeze)
    w = _world(sc)
    strike(w, sc.shocks[0])
    assert w.shock_shrink[0] == [0.0, 0.0, 0.0]
    assert w.shock_shrink[1] == pytest.approx([0.3, 0.3, 0.3])
    strike(w, sc.shocks[0])  # a second shrinks what slack is left: 1 - 0.7^2
    assert w.shock_shrink[1] == pytest.approx([0.51, 0.51, 0.51])
