"""The bargaining core's arithmetic, pinned where broader suites leave slack.

Each test states one property of the session, the agenda, the frontier or a solution
concept from its definition, on hand-built agendas whose answers can be worked out on
paper.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.bargaining.agenda import Agenda, Link, make_party, random_agenda, unit_pie
from sim.model.bargaining.faratin import perceived_concession
from sim.model.bargaining.frontier import Frontier, continuous_frontier, frontier_of, trade_off
from sim.model.bargaining.negotiator import History, Negotiator, Offer, Seat
from sim.model.bargaining.session import SessionResult, negotiate, run_session
from sim.model.bargaining.solutions import (
    assess,
    kalai_smorodinsky_point,
    max_welfare_point,
    nash_point,
)
from sim.model.bargaining.strategies import StrategySpec, build_negotiator


def two_issues(win_a: tuple[float, float] = (0.0, 1.0),
               win_b: tuple[float, float] = (0.0, 1.0)) -> Agenda:
    """Party a wants both issues high, b both low; a cares most for the first issue, b
    for the second: the textbook logroll. Status quo at the middle."""
    a = make_party("a", [1.0, 1.0], [3.0, 1.0], [win_a, win_a], 0.9)
    b = make_party("b", [0.0, 0.0], [1.0, 3.0], [win_b, win_b], 0.8)
    return Agenda(("x", "y"), (0.5, 0.5), (a, b))


def stubborn(offer: Offer) -> Negotiator:
    """Always proposes `offer`, never accepts: a session with it runs to its end."""
    return Negotiator(lambda k, h: offer, lambda k, o, u, h: False)


# --- session ------------------------------------------------------------------------


@pytest.mark.parametrize("first", [0, 1])
def test_proposers_alternate_from_the_first(first: int) -> None:
    result = SessionResult((), first, None)
    assert [result.proposer(k) for k in range(5)] == [first, 1 - first] * 2 + [first]


def test_a_session_without_a_deal_runs_to_the_deadline_and_records_each_proposer() -> None:
    pie = unit_pie()
    result = run_session(pie, (stubborn((0.9,)), stubborn((0.2,))), deadline=5, first=1)
    assert result.agreement is None and result.walked_away is None
    assert result.offers == ((0.2,), (0.9,), (0.2,), (0.9,), (0.2,))
    assert result.first == 1


def test_rounds_cut_the_talks_short_of_the_deadline() -> None:
    pie = unit_pie()
    pair = (stubborn((0.9,)), stubborn((0.2,)))
    assert run_session(pie, pair, deadline=6, rounds=2).rounds == 2
    assert run_session(pie, pair, deadline=3, rounds=10).rounds == 3
    assert run_session(pie, pair, deadline=6).rounds == 6


def test_party_a_proposes_first_unless_told_otherwise() -> None:
    pie = unit_pie()
    result = run_session(pie, (stubborn((0.9,)), stubborn((0.2,))), deadline=1)
    assert result.first == 0 and result.offers == ((0.9,),)
    assert negotiate(pie, (StrategySpec("boulware"), StrategySpec("boulware")), 1).first == 0


def test_with_nothing_negotiable_there_is_no_session() -> None:
    apart = two_issues(win_a=(0.7, 1.0), win_b=(0.0, 0.3))
    assert apart.negotiable == ()
    for result in (run_session(apart, (stubborn((0.9, 0.9)), stubborn((0.1, 0.1))), 10, 1),
                   negotiate(apart, (StrategySpec("linear"), StrategySpec("linear")), 10, 1)):
        assert result.offers == () and result.first == 1
        assert result.agreement is None and result.walked_away is None
        assert result.utilities(apart) == apart.disagreement_point()


def test_a_walk_out_names_the_proposer_who_left() -> None:
    pie = unit_pie()
    leaves = Negotiator(lambda k, h: None if k >= 2 else (0.5,), lambda k, o, u, h: False)
    result = run_session(pie, (stubborn((0.9,)), leaves), deadline=10)
    assert result.walked_away == 1 and result.offers == ((0.9,), (0.5,), (0.9,))


def test_an_accepted_offer_outside_a_win_set_is_not_ratified() -> None:
    narrow = two_issues(win_a=(0.4, 1.0), win_b=(0.0, 0.6))
    accepts_all = Negotiator(lambda k, h: (0.5, 0.5), lambda k, o, u, h: True)
    outside = run_session(narrow, (stubborn((0.9, 0.5)), accepts_all), deadline=3)
    assert outside.agreement is None and outside.rounds == 3
    inside = run_session(narrow, (stubborn((0.55, 0.45)), accepts_all), deadline=3)
    assert inside.agreement == (0.55, 0.45) and inside.rounds == 1


def test_the_responder_sees_the_offer_and_its_own_utility_of_it() -> None:
    agenda = two_issues()
    seen: list[tuple[int, Offer, float, int]] = []

    def note(k: int, o: Offer, u: float, h: History) -> bool:
        seen.append((k, o, u, len(h.theirs)))
        return False

    listener = Negotiator(lambda k, h: (0.3, 0.3), note)
    run_session(agenda, (stubborn((0.8, 0.2)), listener), deadline=4)
    assert [(k, o, n) for k, o, _, n in seen] == [(0, (0.8, 0.2), 1), (2, (0.8, 0.2), 2)]
    assert all(u == pytest.approx(agenda.utilities((0.8, 0.2))[1]) for *_, u, _ in seen)


def test_discounted_utilities_shrink_gains_by_delta_per_round() -> None:
    agenda = two_issues()
    deal = (0.8, 0.3)
    result = SessionResult(((0.9, 0.9), (0.1, 0.1), deal), 0, deal)
    d, u = agenda.disagreement_point(), agenda.utilities(deal)
    assert result.utilities(agenda) == u
    expected = (d[0] + 0.9 ** 2 * (u[0] - d[0]), d[1] + 0.8 ** 2 * (u[1] - d[1]))
    assert result.discounted_utilities(agenda) == pytest.approx(expected, abs=1e-12)
    at_once = SessionResult((deal,), 0, deal)
    assert at_once.discounted_utilities(agenda) == pytest.approx(u, abs=1e-12)
    none = SessionResult(((0.9, 0.9),), 0, None)
    assert none.discounted_utilities(agenda) == d and none.utilities(agenda) == d


def test_the_random_strategy_draws_from_the_seed_and_the_stream_it_is_given() -> None:
    agenda = two_issues()
    pair = (StrategySpec("random"), StrategySpec("random"))

    def offers(**kw: object) -> tuple[Offer, ...]:
        return negotiate(agenda, pair, 8, **kw).offers  # type: ignore[arg-type]

    assert offers() == offers(seed=0) == offers(seed=0, stream=())
    assert offers(seed=0) != offers(seed=1)
    assert offers(seed=3, stream=(1,)) != offers(seed=3, stream=(2,))
    seat = Seat(agenda, 0, 8, seed=4, stream=(7,))
    same = Seat(agenda, 0, 8, seed=4, stream=(7,))
    assert seat.rng().random() == same.rng().random()
    assert seat.rng().random() != Seat(agenda, 0, 8, seed=5, stream=(7,)).rng().random()
    assert seat.rng().random() != Seat(agenda, 0, 8, seed=4, stream=(8,)).rng().random()
    assert seat.rng().random() != Seat(agenda, 1, 8, seed=4, stream=(7,)).rng().random()


def test_negotiate_passes_its_round_limit_to_the_session() -> None:
    agenda = two_issues()
    pair = (StrategySpec("boulware"), StrategySpec("boulware"))
    assert negotiate(agenda, pair, 20, rounds=2).rounds == 2
    assert negotiate(agenda, pair, 20).rounds > 2


# --- the agenda ---------------------------------------------------------------------


def test_the_unit_pie_is_the_textbook_pie() -> None:
    pie = unit_pie(0.9, 0.8)
    assert pie.issues == ("pie",) and pie.status_quo == (0.0,)
    assert [p.name for p in pie.parties] == ["a", "b"]
    assert [p.discount for p in pie.parties] == [0.9, 0.8]
    for x in (0.0, 0.3, 1.0):
        assert pie.utilities((x,)) == pytest.approx((x, 1.0 - x))
    assert pie.win_set(0, 0) == pie.win_set(1, 0) == (0.0, 1.0)
    assert pie.disagreement_point() == (0.0, 0.0)
    assert unit_pie(disagreement=(0.2, 0.1)).disagreement_point() == (0.2, 0.1)


@pytest.mark.parametrize("seed", range(5))
def test_random_agendas_are_well_formed(seed: int) -> None:
    agenda = random_agenda(np.random.default_rng(seed), 4)
    assert [p.name for p in agenda.parties] == ["a", "b"] and agenda.levels == 0
    assert len(agenda.issues) == len(agenda.status_quo) == 4
    for p in agenda.parties:
        assert 0.8 <= p.discount <= 0.99
        assert sum(s.weight for s in p.stances) == pytest.approx(1.0)
        weights = sorted(s.weight for s in p.stances)
        assert weights[-1] / weights[0] <= 10.0 + 1e-9  # raw weights drawn in [0.1, 1]
        for s in p.stances:
            assert 0.0 <= s.low <= s.ideal <= s.high <= 1.0
    assert all(0.0 <= q <= 1.0 for q in agenda.status_quo)


@pytest.mark.parametrize("i", [0, 1])
def test_pressure_shrinks_one_party_and_keeps_the_rest_of_the_agenda(i: int) -> None:
    base = two_issues(win_a=(0.2, 1.0), win_b=(0.0, 0.8))
    linked = Agenda(base.issues, base.status_quo, base.parties, 0, (0.1, 0.2),
                    (Link(1, 0, 1, 0.5, 0.0, 1.0),))
    pressed = linked.with_pressure(i, 0.5)
    other = 1 - i
    assert pressed.parties[other] == linked.parties[other]
    assert pressed.parties[i].name == linked.parties[i].name
    assert pressed.parties[i].discount == linked.parties[i].discount
    assert pressed.parties[i].stances != linked.parties[i].stances
    for before, after in zip(linked.parties[i].stances, pressed.parties[i].stances,
                             strict=True):
        assert before.low <= after.low <= after.high <= before.high
        assert after.high - after.low < before.high - before.low
    assert pressed.disagreement == (0.1, 0.2) and pressed.links == linked.links
    assert pressed.issues == linked.issues and pressed.status_quo == linked.status_quo


# --- solution concepts ----------------------------------------------------------------


def frontier(points: list[tuple[float, float]], d: tuple[float, float],
             continuous: bool = True) -> Frontier:
    """A frontier through `points`, the package of each point being its own utilities."""
    return Frontier(tuple(points), tuple(points), d, continuous)


def ks_shares(f: Frontier, u: tuple[float, float]) -> tuple[float, float]:
    """Each party's share of its best gain in the bargaining set, the best found by
    dense sampling of the polyline (independent of the solver's own search)."""
    d = f.disagreement
    n = len(f.points) - 1
    grid = [f.point_at(n * k / 20_000) for k in range(20_001)]
    inside = [p for p in grid if p[0] >= d[0] and p[1] >= d[1]]
    reach_a = max(p[0] for p in inside) - d[0]
    reach_b = max(p[1] for p in inside) - d[1]
    return (u[0] - d[0]) / reach_a, (u[1] - d[1]) / reach_b


@pytest.mark.parametrize("d", [(0.0, 0.0), (0.1, 0.3), (0.0, 0.75), (0.3, 0.0)])
def test_kalai_smorodinsky_equalises_shares_on_a_bent_frontier(d: tuple[float, float]) -> None:
    bent = frontier([(1.0, 0.0), (0.9, 0.5), (0.7, 0.8), (0.3, 0.95), (0.0, 1.0)], d)
    ks = kalai_smorodinsky_point(bent)
    assert ks.package == ks.utilities
    share_a, share_b = ks_shares(bent, ks.utilities)
    assert share_a == pytest.approx(share_b, abs=2e-3)
    assert 0.0 < share_a < 1.0
    assert not bent.dominates(ks.utilities)


def test_kalai_smorodinsky_on_a_grid_prefers_equal_shares_then_the_larger_total() -> None:
    larger_total = frontier([(1.0, 0.0), (0.6, 0.4), (0.4, 0.9), (0.0, 1.0)], (0.0, 0.0),
                            continuous=False)
    assert kalai_smorodinsky_point(larger_total).utilities == (0.4, 0.9)
    a_heavy = frontier([(1.0, 0.0), (0.6, 0.4), (0.4, 0.55), (0.0, 1.0)], (0.0, 0.0),
                       continuous=False)
    assert kalai_smorodinsky_point(a_heavy).utilities == (0.6, 0.4)


@pytest.mark.parametrize(("points", "best"), [
    ([(1.0, 0.0), (0.7, 0.2), (0.0, 0.5)], (1.0, 0.0)),
    ([(0.5, 0.0), (0.2, 0.7), (0.0, 1.0)], (0.0, 1.0)),
    ([(0.9, 0.0), (0.8, 0.4), (0.0, 0.6)], (0.8, 0.4)),
])
def test_max_welfare_with_no_bargaining_set_searches_the_whole_frontier(
        points: list[tuple[float, float]], best: tuple[float, float]) -> None:
    out_of_reach = (2.0, 2.0)
    assert max_welfare_point(frontier(points, out_of_reach)).utilities == best
    assert max_welfare_point(frontier(points, out_of_reach, continuous=False)).utilities == best


def test_max_welfare_stays_inside_the_bargaining_set() -> None:
    f = frontier([(1.0, 0.0), (0.9, 0.3), (0.5, 0.6), (0.2, 0.8), (0.0, 0.85)], (0.0, 0.7))
    w = max_welfare_point(f)
    assert w.utilities[1] >= 0.7 - 1e-12
    dense = [f.point_at(4 * k / 4000) for k in range(4001)]
    assert sum(w.utilities) == pytest.approx(max(a + b for a, b in dense if b >= 0.7),
                                             abs=1e-9)


def test_assessment_uses_the_power_it_is_given() -> None:
    f = frontier([(1.0, 0.0), (0.0, 1.0)], (0.0, 0.0))
    for power in (0.2, 0.5, 0.8):
        a = assess(f, (0.5, 0.5), power)
        assert a.nash == nash_point(f, power)
        assert a.nash.utilities == pytest.approx((power, 1.0 - power), abs=1e-9)
    assert assess(f, (0.5, 0.5)).nash == nash_point(f, 0.5)


# --- reciprocity ----------------------------------------------------------------------


def test_perceived_concession_is_a_share_in_zero_one() -> None:
    assert perceived_concession([0.3], 0.9) == 0.0
    assert perceived_concession([0.5, 0.5], 0.5) == 1.0  # nothing left to concede
    assert perceived_concession([0.2, 0.9], 0.5) == 1.0  # more than the room: capped
    assert perceived_concession([0.4, 0.2], 0.8) == 0.0  # a step back counts as none
    assert perceived_concession([0.2, 0.5, 0.4], 0.8) == pytest.approx(0.5)


def linked() -> Agenda:
    """x is out of play (a wants [0.5, 1], b ratifies only [0, 0.3]) unless the package
    puts y at 0.6 or more, which widens b's x to [0, 1]: a price on y for x."""
    a = make_party("a", [1.0, 1.0], [1.0, 1.0], [(0.5, 1.0), (0.0, 1.0)])
    b = make_party("b", [0.0, 0.0], [1.0, 1.0], [(0.0, 0.3), (0.0, 1.0)])
    return Agenda(("x", "y"), (0.4, 0.5), (a, b), links=(Link(1, 0, 1, 0.6, 0.0, 1.0),))


@pytest.mark.parametrize(("package", "ratified", "settles"), [
    ((0.4, 0.2), True, (1,)),  # x at its status quo: the plain regime
    ((0.4 + 1e-6, 0.2), False, ()),  # x moved without the price paid
    ((0.5, 0.6), True, (0, 1)),  # the linked regime's lower corner
    ((1.0, 1.0), True, (0, 1)),  # ... and its upper corner
    ((0.5 - 1e-6, 0.7), False, ()),
    ((0.7, 0.6 - 1e-6), False, ()),
    ((1.0 + 1e-6, 0.8), False, ()),
])
def test_a_linked_package_is_ratified_only_inside_a_regime_it_pays_for(
        package: tuple[float, float], ratified: bool, settles: tuple[int, ...]) -> None:
    agenda = linked()
    assert agenda.ratified(package) is ratified
    assert agenda.settled(package) == settles


def test_make_party_normalises_weights_and_defaults_its_discount() -> None:
    p = make_party("p", [0.2, 0.8], [1.0, 3.0], [(0.0, 0.5), (0.5, 1.0)])
    assert p.name == "p" and p.discount == 0.95
    assert [s.weight for s in p.stances] == [0.25, 0.75]
    assert [(s.ideal, s.low, s.high) for s in p.stances] == [(0.2, 0.0, 0.5), (0.8, 0.5, 1.0)]


# --- trade-offs and linked frontiers --------------------------------------------------


@pytest.mark.parametrize("me", [0, 1])
def test_a_trade_off_on_a_grid_is_the_best_point_for_the_other_worth_the_aspiration(
        me: int) -> None:
    base = two_issues()
    f = frontier_of(Agenda(base.issues, base.status_quo, base.parties, levels=5))
    assert not f.continuous and len(f.points) > 3
    own = [p[me] for p in f.points]
    for aspiration in [min(own) - 0.1, *own, *(u - 1e-6 for u in own), max(own) + 0.1]:
        package, point = trade_off(f, me, aspiration)
        worth = [p for p in f.points if p[me] >= aspiration - 1e-9]
        if worth:  # the best for the other among the points worth the aspiration
            assert point == max(worth, key=lambda p: p[1 - me])
        else:  # nothing is worth it: own best
            assert point == max(f.points, key=lambda p: p[me])
        assert f.packages[f.points.index(point)] == package


def test_a_linked_frontier_samples_inside_each_regimes_segments() -> None:
    """The envelope keeps points between a regime's vertices, not only the vertices: the
    midpoint of each segment of the regime where the price is paid (x in [0.5, 1], y in
    [0.6, 1] for both) is on the linked frontier unless the other regime beats it."""
    agenda = linked()
    f = frontier_of(agenda)
    box = [(0.5, 1.0), (0.6, 1.0)]
    paid = Agenda(agenda.issues, agenda.status_quo, (
        make_party("a", [1.0, 1.0], [1.0, 1.0], box), make_party("b", [0.0, 0.0], [1.0, 1.0], box)))
    regime = continuous_frontier(paid)
    middles = [regime.point_at(k + 0.5) for k in range(len(regime.points) - 1)]
    inside = [m for m in middles if not f.dominates(m)]
    assert inside
    for m in inside:
        assert any(abs(m[0] - p[0]) < 1e-12 and abs(m[1] - p[1]) < 1e-12 for p in f.points)


@pytest.mark.parametrize(("name", "alpha"), [
    ("tit_for_tat", 1.0 - (1.0 - 0.1) * (1.0 - 0.5)),  # the remaining distance halves
    ("tit_for_tat_absolute", 0.1 + 0.5),  # the opponent's share is added to the opening
])
def test_tit_for_tat_mirrors_a_concession_relatively_or_absolutely(name: str,
                                                                   alpha: float) -> None:
    agenda = two_issues()
    seat = Seat(agenda, 0, 40, kappa=0.1, beta=0.2)
    me = build_negotiator(StrategySpec(name, kappa=0.1), seat)
    best = seat.aspirations[0] if seat.aspirations else 0.0
    first = best - 0.4
    history = History(received=[first, first + 0.5 * (best - first)])  # half the room
    assert me.propose(1, history) == pytest.approx(seat.offer_at(alpha), abs=1e-12)
    assert seat.offer_at(alpha) != seat.offer_at(0.1)
