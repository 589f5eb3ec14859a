"""The fast paths give what the plain definitions give, to the last bit.

Each shortcut taken for speed (streams built from the entropy words of their spawn keys
and seeded without numpy's errstate wrapper, offers found by bisection, a frontier's point
and package found together, both concession ranges in one pass, remembered scores,
sessions without histories, offer plans shared per agenda, win-set overlaps and linkages
found inline, Nash points and dominance on point frontiers by plain loops) is checked
against the definition it replaces, on many seeds and random agendas.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np
import pytest

from sim.model.bargaining.agenda import EDGE, Agenda, Link, make_scorer, random_agenda
from sim.model.bargaining.frontier import (
    SAMPLES_PER_SEGMENT,
    TOL,
    Frontier,
    concession_range,
    concession_ranges,
    frontier_of,
    ir_range,
    param_at_a,
    param_at_b,
    pareto_filter,
    point_at,
    trade_off,
)
from sim.model.bargaining.negotiator import Negotiator, Seat, concession_ranges_on
from sim.model.bargaining.session import negotiate, run_session
from sim.model.bargaining.strategies import STRATEGIES, StrategySpec, build_negotiator, resolve
from sim.model.preferences import Stance
from sim.streams import SOURCES, _SeedSequence, replication_seed, streams_for


@pytest.mark.parametrize("seed", [0, 1, 2**31 + 7, 2**32, 2**40 + 5, 2**64 + 3, 2**130 + 9])
@pytest.mark.parametrize("design_point, rep", [(0, 0), (3, 17), (2**33, 5), (1, 2**32 + 1)])
def test_streams_are_the_spawned_children_for_any_seed(seed: int, design_point: int,
                                                        rep: int) -> None:
    streams = streams_for(seed, design_point, rep)
    children = replication_seed(seed, design_point, rep).spawn(len(SOURCES))
    for name, child in zip(SOURCES, children, strict=True):
        assert getattr(streams, name).bit_generator.state == np.random.PCG64(child).state


def test_seed_words_without_the_errstate_wrapper_are_the_seed_sequences() -> None:
    rng = np.random.default_rng(1)
    for size in (1, 4, 7, 12):
        entropy = rng.integers(0, 2**32, size=size, dtype=np.uint32)
        plain = np.random.SeedSequence(entropy)
        fast = _SeedSequence(entropy)
        for n, dtype in ((4, np.uint64), (8, np.uint32), (3, np.uint32)):
            got, want = fast.generate_state(n, dtype), plain.generate_state(n, dtype)
            assert got.dtype == want.dtype and np.array_equal(got, want)


def test_a_negative_seed_is_refused() -> None:
    for key in ((-1, 0, 0), (0, -1, 0), (0, 0, -1)):
        with pytest.raises(ValueError, match="non-negative"):
            streams_for(*key)
    with pytest.raises(TypeError):
        streams_for(0.5, 0, 0)  # type: ignore[arg-type]


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
    return n._replace(reads_history=True, schedule=None)


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
                    asked = [n._replace(schedule=None) for n in negotiators]
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
        plain = [n._replace(schedule=None) for n in other]
        assert run_session(agenda, other, 30) == run_session(agenda, plain, 30)
        swapped = own[::-1]
        plain = [n._replace(schedule=None) for n in swapped]
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


# -- the agenda and frontier built for every meeting: each shortcut against the plain
# -- code it replaced, kept here as the definition

def _regimes_by_definition(agenda: Agenda) -> list[tuple[tuple[float, float] | None, ...]]:
    out = []
    for active in itertools.product((False, True), repeat=len(agenda.links)):
        boxes: list[tuple[float, float] | None] = []
        for j in range(len(agenda.issues)):
            lows, highs = [], []
            for i, party in enumerate(agenda.parties):
                s = party.stances[j]
                low, high = s.low, s.high
                for on, link in zip(active, agenda.links, strict=True):
                    if on and link.party == i and link.issue == j:
                        low, high = min(low, link.low), max(high, link.high)
                lows.append(low)
                highs.append(high)
            low, high = max(lows), min(highs)
            for on, link in zip(active, agenda.links, strict=True):
                if on and link.on == j:
                    low = max(low, link.at_least)
            sq = agenda.status_quo[j]
            in_play = low <= high + EDGE and not (high - low <= EDGE and abs(low - sq) <= EDGE)
            boxes.append((low, max(low, high)) if in_play else None)
        if all(boxes[link.on] is not None for on, link in zip(active, agenda.links, strict=True)
               if on):
            out.append(tuple(boxes))
    return out


def _polyline_by_definition(agenda: Agenda, issues: list[tuple[int, Stance, Stance]]
                            ) -> Frontier:
    """The frontier of the listed issues from the stances of the day, issue by issue."""
    start, moves = list(agenda.status_quo), []
    for j, sa, sb in issues:
        a, b = agenda.parties[0].stances[j], agenda.parties[1].stances[j]
        low, high = max(sa.low, sb.low), min(sa.high, sb.high)
        if low > high:
            continue
        slope_a, slope_b = a.weight / a.span, b.weight / b.span
        x0 = min(high, max(low, a.ideal))
        x1 = min(high, max(low, b.ideal))
        loss = slope_a * (abs(x1 - a.ideal) - abs(x0 - a.ideal))
        gain = slope_b * (abs(x0 - b.ideal) - abs(x1 - b.ideal))
        if gain <= 0.0:
            start[j] = x0
        elif loss <= 0.0:
            start[j] = x1
        else:
            start[j] = x0
            moves.append((gain / loss, loss, gain, j, x1))
    moves.sort(reverse=True)
    ua, ub = agenda.utilities(tuple(start))
    points, packages = [(ua, ub)], [tuple(start)]
    for _, loss, gain, j, x1 in moves:
        ua, ub = ua - loss, ub + gain
        points.append((ua, ub))
        start[j] = x1
        packages.append(tuple(start))
    return Frontier(tuple(points), tuple(packages), agenda.disagreement_point(), True)


def _linked_by_definition(agenda: Agenda) -> Frontier:
    a, b = agenda.parties
    items = []
    for regime in _regimes_by_definition(agenda):
        line = _polyline_by_definition(agenda, [
            (j, Stance(a.stances[j].ideal, a.stances[j].weight, *box),
             Stance(b.stances[j].ideal, b.stances[j].weight, *box))
            for j, box in enumerate(regime) if box is not None])
        for k in range((len(line.points) - 1) * SAMPLES_PER_SEGMENT + 1):
            s = k / SAMPLES_PER_SEGMENT
            items.append((*line.point_at(s), (line, s)))
    kept, best_b = [], float("-inf")
    for item in sorted(items, key=lambda it: (-it[0], -it[1])):
        if item[1] > best_b + 1e-12:
            kept.append(item)
            best_b = item[1]
    return Frontier(tuple((ua, ub) for ua, ub, _ in kept),
                    tuple(line.package_at(s) for _, _, (line, s) in kept),
                    agenda.disagreement_point(), False)


def _linked_agendas(count: int = 60) -> list[Agenda]:
    """Random continuous agendas with one to three random links."""
    rng = np.random.default_rng(23)
    out = []
    for i in range(count):
        base = random_agenda(rng, 2 + i % 3)
        n = len(base.issues)
        links = []
        for _ in range(1 + i % 3):
            issue, on = rng.choice(n, size=2, replace=False).tolist()
            low, high = sorted(rng.uniform(0.0, 1.0, 2).tolist())
            links.append(Link(int(rng.integers(2)), issue, on, float(rng.uniform(0.0, 1.0)),
                              low, high))
        out.append(Agenda(base.issues, base.status_quo, base.parties, links=tuple(links)))
    return out


def test_regimes_are_those_of_their_definition() -> None:
    agendas = _linked_agendas()
    assert sum(len(a.boxes) for a in agendas) > len(agendas)  # some links can be paid
    for agenda in agendas:
        assert list(agenda.boxes) == _regimes_by_definition(agenda)


def test_frontiers_are_those_of_their_definitions() -> None:
    """Continuous frontiers from the win-sets' overlaps, linked ones from each regime's
    boxes with a keyless Pareto filter: the same points and packages, to the last bit."""
    for agenda in _agendas(0, 60):
        a, b = agenda.parties
        got = frontier_of(agenda)
        plain = _polyline_by_definition(agenda, [(j, a.stances[j], b.stances[j])
                                                 for j in agenda.negotiable])
        assert (got.points, got.packages) == (plain.points, plain.packages)
    for agenda in _linked_agendas():
        got, plain = frontier_of(agenda), _linked_by_definition(agenda)
        assert (got.points, got.packages) == (plain.points, plain.packages)


def test_the_pareto_filter_is_the_stable_sort_by_utilities() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(1, 40))
        grid = rng.integers(0, 6, size=(n, 2)) / 5  # ties on either utility, and on both
        items = [(float(x), float(y), n - k) for k, (x, y) in enumerate(grid)]  # not sorted
        kept, best_b = [], float("-inf")
        for item in sorted(items, key=lambda it: (-it[0], -it[1])):
            if item[1] > best_b + 1e-12:
                kept.append(item)
                best_b = item[1]
        assert pareto_filter(items) == kept


def test_continuous_trade_offs_are_the_point_at_their_parameter() -> None:
    rng = np.random.default_rng(9)
    for agenda in _agendas(0, 60) + _linked_agendas(20):
        frontier = frontier_of(agenda)
        if not frontier.continuous:
            continue
        (top_a, _), (_, top_b) = frontier.points[0], frontier.points[-1]
        for aspiration in [*rng.uniform(-0.2, 1.2, 30).tolist(), top_a, top_b,
                           *(p[0] for p in frontier.points), *(p[1] for p in frontier.points)]:
            assert trade_off(frontier, 0, aspiration) == frontier.at(
                param_at_a(frontier.points, aspiration))
            assert trade_off(frontier, 1, aspiration) == frontier.at(
                param_at_b(frontier.points, aspiration))


def test_concession_paths_and_scores_are_their_definitions() -> None:
    """Built in one pass per agenda: each party's path is `_path`, and a score is the
    issues in play plus the rest at the status quo, summed in issue order."""
    for agenda in _agendas(0, 40) + _agendas(7, 40) + _linked_agendas(20):
        for i in (0, 1):
            assert agenda.concession_paths[i] == tuple(agenda._path(i, j)
                                                       for j in agenda.negotiable)
            stances = agenda.parties[i].stances
            fixed = [j for j in range(len(stances)) if j not in agenda.negotiable]
            base = sum(stances[j].weight * stances[j].value(agenda.status_quo[j])
                       for j in fixed)
            for package in (agenda.status_quo, *frontier_of(agenda).packages):
                u = base
                for j in agenda.negotiable:
                    s = stances[j]
                    u += s.weight - s.weight / s.span * abs(package[j] - s.ideal)
                assert agenda.scorers[i](package) == u


def test_negotiator_pairs_kept_with_an_agenda_are_those_built_afresh() -> None:
    """negotiate() keeps a pair of scheduled negotiators with the agenda whatever the
    seed; with any other strategy it builds them each time (the random baseline draws
    from its seed). Either way a session equals the one on a fresh copy of the agenda."""
    names = ["boulware", "conceder", "exponential", "tit_for_tat", "random"]
    kept = 0
    for agenda in _agendas(0, 12) + _agendas(7, 12):
        if not agenda.negotiable:
            continue
        for a in names:
            for b in names:
                pair = (StrategySpec(a), StrategySpec(b))
                for seed, stream in ((0, ()), (5, (1, 2)), (5, (1, 3))):
                    got = negotiate(agenda, pair, 20, seed=seed, stream=stream)
                    copy = Agenda(agenda.issues, agenda.status_quo, agenda.parties,
                                  agenda.levels)
                    assert got == negotiate(copy, pair, 20, seed=seed, stream=stream)
        pairs = [key for key in agenda.derived if key[0] == "negotiators"]
        assert all(key[2] in TIME_DEPENDENT and key[5] in TIME_DEPENDENT for key in pairs)
        kept += len(pairs)
    assert kept > 50  # pairs of time-dependent strategies were kept


def test_continuous_overlaps_are_each_issues_common_interval() -> None:
    """The win-sets' overlaps of a continuous agenda, found inline, are `_common(j)` of
    each issue: also where they meet at a point, at the status quo, or not at all."""
    base = _agendas(0, 60)
    edges = []
    for agenda in base[:20]:
        a, b = agenda.parties
        sq = agenda.status_quo
        pinned = tuple(Stance(s.ideal, s.weight, q, q) for s, q in zip(b.stances, sq,
                                                                        strict=True))
        touching = tuple(Stance(s.ideal, s.weight, t.high, max(t.high, s.high))
                         for s, t in zip(b.stances, a.stances, strict=True))
        for stances in (pinned, touching):
            edges.append(Agenda(agenda.issues, sq, (a, dataclasses.replace(b, stances=stances))))
    for agenda in base + edges:
        spans = [agenda._common(j) for j in range(len(agenda.issues))]
        assert agenda.negotiable == tuple(j for j, s in enumerate(spans) if s is not None)
        assert agenda.overlaps == tuple(s for s in spans if s is not None)
    assert any(len(a.negotiable) < len(a.issues) for a in edges)


def _live_links_by_definition(parties: list[Any], order: tuple[int, int], issues: list[int],
                              mine: list[Stance], theirs: list[Stance], latitude: float
                              ) -> list[Any]:
    day = {j: (a, b) for j, a, b in zip(issues, mine, theirs, strict=True)}
    linked = []
    for side, party in enumerate(order):
        for j, on, at_least, low, high in parties[party].links:
            if j in day and on in day and min(s.high for s in day[on]) >= at_least:
                low, high = max(0.0, low - latitude), min(1.0, high + latitude)
                other = day[j][1 - side]
                if max(low, other.low) <= min(high, other.high):
                    linked.append((side, (j, on, at_least, low, high)))
    return linked


def test_live_links_are_those_of_their_definition() -> None:
    """Linkages found by position in the table are those found through a table by issue."""
    from types import SimpleNamespace

    from sim.world.talks import live_links

    rng = np.random.default_rng(17)
    found = 0
    for _ in range(400):
        n = int(rng.integers(2, 7))
        links = [tuple(
            [*rng.choice(n, size=2, replace=False).tolist(), float(rng.uniform(0.0, 0.6)),
             *sorted(rng.uniform(0.0, 1.0, 2).tolist())]) for _ in range(int(rng.integers(0, 3)))]
        parties = [SimpleNamespace(links=tuple(links)), SimpleNamespace(links=())]
        if rng.random() < 0.5:
            parties.reverse()
        issues = rng.permutation(n)[: int(rng.integers(1, n + 1))].tolist()
        mine, theirs = ([Stance(0.5, 0.1, *sorted(rng.uniform(0.0, 1.0, 2).tolist()))
                         for _ in issues] for _ in range(2))
        latitude = float(rng.choice([0.0, 0.1]))
        for order in ((0, 1), (1, 0)):
            got = live_links(parties, order, issues, mine, theirs, latitude)  # type: ignore[arg-type]
            assert got == _live_links_by_definition(parties, order, issues, mine, theirs,
                                                    latitude)
            found += len(got)
    assert found > 50


def test_nash_points_and_dominance_on_point_frontiers_are_their_definitions() -> None:
    """On discrete and linked frontiers: the Nash point found by a loop is the first point
    where `max` finds the product peaks, and dominance by a loop is `any` over the points."""
    from sim.model.bargaining.solutions import _at, _gains, _weighted_product, nash_point

    rng = np.random.default_rng(29)
    frontiers = [frontier_of(a) for a in _agendas(3) + _agendas(7) + _linked_agendas(30)
                 if a.negotiable]
    frontiers = [f for f in frontiers if not f.continuous]
    assert len(frontiers) > 50
    for frontier in frontiers:
        points, d = frontier.points, frontier.disagreement
        ks = [k for k, (ua, ub) in enumerate(points) if ua >= d[0] - TOL and ub >= d[1] - TOL]
        for power in (0.5, 0.3, 0.8):
            if ks:
                best = max(ks, key=lambda k: _weighted_product(*_gains(points[k], d), power))
                assert nash_point(frontier, power) == _at(frontier, best)
        probes = [*points, *((ua - 1e-3, ub) for ua, ub in points),
                  *((ua - 2e-9, ub - 2e-9) for ua, ub in points),
                  *(tuple(x) for x in rng.uniform(0.0, 1.0, (20, 2)).tolist())]
        for u in probes:
            want = any(pa >= u[0] - TOL and pb >= u[1] - TOL
                       and (pa > u[0] + TOL or pb > u[1] + TOL) for pa, pb in points)
            assert frontier.dominates(u) == want
