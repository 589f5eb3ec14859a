"""The bargaining core's arithmetic, pinned where broader suites leave slack.

Each test states one property of the session, the agenda, the frontier or a solution
concept from its definition, on hand-built agendas whose answers can be worked out on
paper.
"""

from __future__ import annotations

import math

import pytest

from sim.model.bargaining.agenda import Agenda, Link, make_party, unit_pie
from sim.model.bargaining.negotiator import History, Negotiator, Offer, Seat
from sim.model.bargaining.session import SessionResult, negotiate, run_session
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
