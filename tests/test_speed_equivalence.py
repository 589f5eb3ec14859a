"""The fast paths give what the plain definitions give, to the last bit.

Each shortcut taken for speed (streams built from their spawn keys, offers found by
bisection, a frontier's point and package found together, both concession ranges in one
pass, remembered scores, sessions without histories, offer plans shared per agenda) is
checked against the definition it replaces, on many seeds and random agendas.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.model.bargaining.agenda import Agenda, make_scorer, random_agenda
from sim.model.bargaining.frontier import (
    TOL,
    Frontier,
    concession_range,
    concession_ranges,
    frontier_of,
    ir_range,
    point_at,
    trade_off,
)
from sim.model.bargaining.negotiator import Negotiator, Seat, concession_ranges_on
from sim.model.bargaining.session import negotiate, run_session
from sim.model.bargaining.strategies import STRATEGIES, StrategySpec, build_negotiator, resolve
from sim.streams import SOURCES, replication_seed, streams_for


@pytest.mark.parametrize("seed", [0, 1, 2**31 + 7, 2**32, 2**40 + 5, 2**64 + 3])
@pytest.mark.parametrize("design_point, rep", [(0, 0), (3, 17), (2**33, 5), (1, 2**32 + 1)])
def test_streams_are_the_spawned_children_for_any_seed(seed: int, design_point: int,
                                                        rep: int) -> None:
    streams = streams_for(seed, design_point, rep)
    children = replication_seed(seed, design_point, rep).spawn(len(SOURCES))
    for name, child in zip(SOURCES, children, strict=True):
        assert getattr(streams, name).bit_generator.state == np.random.PCG64(child).state


def test_a_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        streams_for(-1, 0, 0)


def _agendas(levels: int, count: int = 40) -> list[Agenda]:
    rng = np.random.default_rng(11 + levels)
    return [random_agenda(rng, 1 + i % 4, levels) for i in range(count)]


def _scan(frontier: Frontier, me: int, aspiration: float) -> int:
    """The discrete trade-off by its definition: walk from me's best end."""
    points = frontier.points
    if me == 0:
        k = 0
        while k + 1 < len(points) and points[k + 1][0] >= aspiration - TOL:
            k += 1
    else:
        k = len(points) - 1
        while k > 0 and points[k - 1][1] >= aspiration - TOL:
            k -= 1
    return k


@pytest.mark.parametrize("levels", [3, 7])
def test_discrete_trade_offs_by_bisection_are_the_scan(levels: int) -> None:
    for agenda in _agendas(levels):
        if not agenda.negotiable:
            continue
        frontier = frontier_of(agenda)
        us = sorted({u for p in frontier.points for u in p})
        probes = [*us, *(u - TOL for u in us), *(u + 1e-6 for u in us), -1.0, 2.0]
        for me in (0, 1):
            for aspiration in probes:
                k = _scan(frontier, me, aspiration)
                assert trade_off(frontier, me, aspiration) == (frontier.packages[k],
                                                               frontier.points[k])


def test_a_frontier_point_and_package_are_found_together() -> None:
    for agenda in _agendas(0):
        if not agenda.negotiable:
            continue
        frontier = frontier_of(agenda)
        last = len(frontier.points) - 1
        for s in np.linspace(0.0, last + 0.5, 41).tolist():
            assert frontier.at(s) == (frontier.package_at(s), frontier.point_at(s))


@pytest.mark.parametrize("levels", [0, 5])
def test_both_concession_ranges_are_each_partys_range(levels: int) -> None:
    for agenda in _agendas(levels):
        if not agenda.negotiable:
            continue
        frontier = frontier_of(agenda)
        both = concession_ranges(frontier)
        for me in (0, 1):
            assert both[me] == concession_range(frontier, me)
            if frontier.continuous and both[me] is not None:
                lo, hi = ir_range(frontier.points, frontier.disagreement) or (0.0, 0.0)
                ends = (point_at(frontier.points, lo)[me], point_at(frontier.points, hi)[me])
                assert both[me] == (ends if me == 0 else ends[::-1])


def test_remembered_scores_are_the_utility() -> None:
    agenda = _agendas(0)[3]
    plain = make_scorer(agenda.parties[0].stances, agenda.status_quo, agenda.negotiable)
    rng = np.random.default_rng(5)
    packages = [tuple(rng.uniform(0, 1, len(agenda.issues)).tolist()) for _ in range(50)]
    first = [plain(p) for p in packages]
    assert [plain(p) for p in packages] == first  # remembered: the same values again
    fresh = make_scorer(agenda.parties[0].stances, agenda.status_quo, agenda.negotiable)
    assert [fresh(p) for p in reversed(packages)] == first[::-1]


def _negotiator(agenda: Agenda, me: int, name: str) -> Negotiator:
    spec = resolve(StrategySpec(name))
    return build_negotiator(spec, Seat(agenda, me, 30, spec.kappa or 0.0, spec.beta))


def _with_histories(n: Negotiator) -> Negotiator:
    return dataclasses.replace(n, reads_history=True, schedule=None)


@pytest.mark.parametrize("levels", [0, 7])
def test_sessions_without_histories_are_the_sessions_with_them(levels: int) -> None:
    names = [name for name in STRATEGIES if name != "random"]
    for i, agenda in enumerate(_agendas(levels, 24)):
        if not agenda.negotiable:
            continue
        for a in names:
            for b in names:
                negotiators = [_negotiator(agenda, me, name) for me, name in enumerate((a, b))]
                fast = run_session(agenda, negotiators, 30, first=i % 2)
                slow = run_session(agenda, [_with_histories(n) for n in negotiators], 30,
                                   first=i % 2)
                assert fast == slow


def test_offer_plans_shared_on_an_agenda_are_those_of_a_fresh_agenda() -> None:
    for agenda in _agendas(7, 20):
        if not agenda.negotiable:
            continue
        pairs = [(StrategySpec(a), StrategySpec(b)) for a in ("boulware", "conceder", "linear")
                 for b in ("conceder", "boulware", "tit_for_tat")]
        shared = [negotiate(agenda, pair, 40) for pair in pairs]
        for pair, got in zip(pairs, shared, strict=True):
            copy = Agenda(agenda.issues, agenda.status_quo, agenda.parties, agenda.levels)
            assert negotiate(copy, pair, 40) == got


TIME_DEPENDENT = ("boulware", "linear", "conceder", "polynomial", "exponential")


@pytest.mark.parametrize("levels", [0, 7])
def test_sessions_of_two_schedules_are_the_sessions_that_ask_the_negotiators(levels: int
                                                                             ) -> None:
    """Two scheduled negotiators: the plans read directly give the offers, the agreement
    and the round that asking each negotiator (with or without histories) gives."""
    scheduled = 0
    for i, agenda in enumerate(_agendas(levels, 24)):
        if not agenda.negotiable:
            continue
        for a in TIME_DEPENDENT:
            for b in TIME_DEPENDENT:
                negotiators = [_negotiator(agenda, me, name) for me, name in enumerate((a, b))]
                scheduled += all(n.schedule is not None for n in negotiators)
                for rounds in (None, 1, 7):
                    fast = run_session(agenda, negotiators, 30, first=i % 2, rounds=rounds)
                    asked = [dataclasses.replace(n, schedule=None) for n in negotiators]
                    assert run_session(agenda, asked, 30, first=i % 2, rounds=rounds) == fast
                    slow = [_with_histories(n) for n in negotiators]
                    assert run_session(agenda, slow, 30, first=i % 2, rounds=rounds) == fast
    assert scheduled > 100  # the plans were read directly (no one walked away)


def test_a_schedule_is_taken_only_in_its_own_seat_on_its_own_agenda() -> None:
    """Negotiators swapped between the seats, or built on an equal copy of the agenda,
    are asked, not read: the session is still the defined one."""
    agenda = next(a for a in _agendas(0) if len(a.negotiable) >= 2)
    copy = Agenda(agenda.issues, agenda.status_quo, agenda.parties, agenda.levels)
    for names in (("boulware", "conceder"), ("conceder", "linear")):
        own = [_negotiator(agenda, me, name) for me, name in enumerate(names)]
        other = [_negotiator(copy, me, name) for me, name in enumerate(names)]
        plain = [dataclasses.replace(n, schedule=None) for n in other]
        assert run_session(agenda, other, 30) == run_session(agenda, plain, 30)
        swapped = own[::-1]
        plain = [dataclasses.replace(n, schedule=None) for n in swapped]
        assert run_session(agenda, swapped, 30) == run_session(agenda, plain, 30)


def test_a_time_dependent_negotiator_is_built_once_per_agenda_and_frees_it() -> None:
    """Shared by the sessions on an agenda (the same object), and referring to the agenda
    only weakly: dropping the agenda frees it without the cyclic collector."""
    import gc
    import weakref

    agenda = next(a for a in _agendas(0) if a.negotiable and concession_ranges_on(a)[0])
    first = _negotiator(agenda, 0, "boulware")
    assert _negotiator(agenda, 0, "boulware") is first
    assert _negotiator(agenda, 1, "boulware") is not first
    negotiate(agenda, (StrategySpec("boulware"), StrategySpec("conceder")), 30)
    alive = weakref.ref(agenda)
    was = gc.isenabled()
    gc.disable()
    try:
        del agenda, first
        assert alive() is None
    finally:
        if was:
            gc.enable()
