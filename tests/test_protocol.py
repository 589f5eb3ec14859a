"""Multi-issue alternating offers: agreements respect both win-sets (Putnam)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.preferences import Stance, win_sets_overlap
from sim.model.protocol import Agreement, Side, alternating_offers, reservation
from sim.model.tactics import TACTICS, Tactic, TimeDependent, build_tactic

TOL = 1e-12
unit = st.floats(min_value=0.0, max_value=1.0)
TACTIC_NAMES = sorted(TACTICS)


@st.composite
def stances(draw: st.DrawFn) -> Stance:
    low, ideal, high = sorted(draw(unit) for _ in range(3))
    return Stance(ideal, 1.0, low, high)


@st.composite
def grid_stances(draw: st.DrawFn) -> Stance:
    low, ideal, high = sorted(draw(st.integers(0, 64)) / 64 for _ in range(3))
    return Stance(ideal, 1.0, low, high)


@st.composite
def tactics(draw: st.DrawFn) -> Tactic:
    name = draw(st.sampled_from(TACTIC_NAMES))
    if name == "exponential":
        kappa = draw(st.floats(min_value=0.011, max_value=0.5))
    else:
        kappa = draw(st.floats(min_value=0.0, max_value=0.5))
    beta = draw(st.none() | st.floats(min_value=0.1, max_value=10.0))
    return build_tactic(name, kappa, beta)


@st.composite
def negotiations(
    draw: st.DrawFn,
) -> tuple[list[int], Side, Side, int, int]:
    n = draw(st.integers(1, 5))
    first = Side([draw(stances()) for _ in range(n)], draw(tactics()))
    second = Side([draw(stances()) for _ in range(n)], draw(tactics()))
    issues = draw(st.permutations(range(n)))
    issues = issues[: draw(st.integers(1, n))]
    deadline = draw(st.integers(1, 30))
    rounds = draw(st.integers(0, deadline))
    return list(issues), first, second, deadline, rounds


def responder_offer(side: Side, k: int, t_max: int, j: int, other: Stance) -> float:
    s = side.stances[j]
    a = side.tactic.alpha(k, t_max, [])
    return s.ideal + a * (reservation(s, other) - s.ideal)


@settings(max_examples=150, deadline=None)
@given(neg=negotiations())
def test_agreements_respect_both_win_sets(neg: tuple[list[int], Side, Side, int, int]) -> None:
    issues, first, second, deadline, rounds = neg
    agreed = alternating_offers(issues, first, second, deadline, rounds)
    seen: set[int] = set()
    for a in agreed:
        assert isinstance(a, Agreement)
        assert a.issue in issues
        assert a.issue not in seen, "issue agreed twice"
        seen.add(a.issue)
        s1, s2 = first.stances[a.issue], second.stances[a.issue]
        assert s1.accepts(a.position)
        assert s2.accepts(a.position)
        assert win_sets_overlap(s1, s2)
        assert 0 <= a.round < rounds
        assert a.round < deadline
    for j in issues:
        if not win_sets_overlap(first.stances[j], second.stances[j]):
            assert j not in seen
    # rounds are reported in order of agreement
    assert [a.round for a in agreed] == sorted(a.round for a in agreed)


@settings(max_examples=75, deadline=None)
@given(neg=negotiations())
def test_time_dependent_agreements_follow_faratin_rule(
    neg: tuple[list[int], Side, Side, int, int],
) -> None:
    issues, first, second, deadline, rounds = neg
    if not (isinstance(first.tactic, TimeDependent) and isinstance(second.tactic, TimeDependent)):
        return
    t_max = max(deadline - 1, 0)
    for a in alternating_offers(issues, first, second, deadline, rounds):
        proposer, responder = (first, second) if a.round % 2 == 0 else (second, first)
        j = a.issue
        sp, sr = proposer.stances[j], responder.stances[j]
        x = responder_offer(proposer, a.round, t_max, j, sr)
        assert a.position == pytest.approx(x, abs=TOL)
        counter = responder_offer(responder, a.round + 1, t_max, j, sp)
        assert abs(a.position - sr.ideal) <= abs(counter - sr.ideal) + 1e-9


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(1, 5),
    data=st.data(),
    deadline=st.integers(2, 30),
)
def test_linear_parties_with_overlap_agree_everything(
    n: int, data: st.DataObject, deadline: int
) -> None:
    # Positions on a dyadic grid, where ideal + 1 * (res - ideal) == res exactly; see
    # test_reservation_offer_survives_rounding for the general-float case.
    s1 = [data.draw(grid_stances()) for _ in range(n)]
    s2 = [data.draw(grid_stances()) for _ in range(n)]
    first = Side(s1, build_tactic("linear", 0.0, None))
    second = Side(s2, build_tactic("linear", 0.0, None))
    agreed = alternating_offers(list(range(n)), first, second, deadline, deadline)
    got = {a.issue for a in agreed}
    for j in range(n):
        assert (j in got) == win_sets_overlap(s1[j], s2[j])


def test_linear_parties_with_overlap_agree_with_deadline_one() -> None:
    us = Stance(0.8, 1.0, 0.4, 1.0)
    cn = Stance(0.2, 1.0, 0.0, 0.55)
    first = Side([us], build_tactic("linear", 0.0, None))
    second = Side([cn], build_tactic("linear", 0.0, None))
    assert win_sets_overlap(us, cn)
    assert [a.issue for a in alternating_offers([0], first, second, 1, 1)] == [0]


def test_reservation_offer_survives_rounding() -> None:
    us = Stance(0.16, 1.0, 0.04, 0.61)
    cn = Stance(0.87, 1.0, 0.31, 0.96)
    lin = build_tactic("linear", 0.0, None)
    assert win_sets_overlap(us, cn)
    # round 0: US offers 0.16, outside CN's win-set; round 1: CN must offer 0.31,
    # which US would accept.
    agreed = alternating_offers([0], Side([us], lin), Side([cn], lin), 2, 2)
    assert [(a.issue, a.round) for a in agreed] == [(0, 1)]
    assert agreed[0].position == pytest.approx(0.31, abs=TOL)
    assert us.accepts(agreed[0].position)
    assert cn.accepts(agreed[0].position)


def test_putnam_example_agrees_inside_overlap() -> None:
    us = Stance(0.8, 1.0, 0.4, 1.0)
    cn = Stance(0.2, 1.0, 0.0, 0.55)
    first = Side([us], build_tactic("linear", 0.0, None))
    second = Side([cn], build_tactic("linear", 0.0, None))
    (deal,) = alternating_offers([0], first, second, 10, 10)
    assert 0.4 <= deal.position <= 0.55
    cn_small = Stance(0.2, 1.0, 0.0, 0.35)
    second_small = Side([cn_small], build_tactic("linear", 0.0, None))
    assert alternating_offers([0], first, second_small, 10, 10) == []


@settings(max_examples=75, deadline=None)
@given(
    n=st.integers(1, 5),
    data=st.data(),
    deadline=st.integers(2, 30),  # at deadline 1 round 0 is the last: offers are reservations
    name1=st.sampled_from([t for t in TACTIC_NAMES if t != "exponential"]),
    name2=st.sampled_from(TACTIC_NAMES),
)
def test_identical_ideals_agree_in_round_zero(
    n: int, data: st.DataObject, deadline: int, name1: str, name2: str
) -> None:
    ideals = [data.draw(unit) for _ in range(n)]
    s1, s2 = [], []
    for c in ideals:
        s1.append(Stance(c, 1.0, data.draw(st.floats(0.0, c)), data.draw(st.floats(c, 1.0))))
        s2.append(Stance(c, 1.0, data.draw(st.floats(0.0, c)), data.draw(st.floats(c, 1.0))))
    kappa2 = 0.1 if name2 == "exponential" else data.draw(st.floats(0.0, 0.5))
    first = Side(s1, build_tactic(name1, 0.0, None))
    second = Side(s2, build_tactic(name2, kappa2, None))
    agreed = alternating_offers(list(range(n)), first, second, deadline, 1)
    assert sorted(a.issue for a in agreed) == list(range(n))
    for a in agreed:
        assert a.round == 0
        assert a.position == ideals[a.issue]


def test_identical_ideals_linear_example() -> None:
    s = [Stance(0.5, 1.0, 0.3, 0.7), Stance(0.1, 1.0, 0.0, 0.4)]
    lin = build_tactic("linear", 0.0, None)
    agreed = alternating_offers([0, 1], Side(s, lin), Side(s, lin), 5, 5)
    assert agreed == [Agreement(0, 0.5, 0), Agreement(1, 0.1, 0)]


@settings(max_examples=40, deadline=None)
@given(neg=negotiations())
def test_no_rounds_no_deal(neg: tuple[list[int], Side, Side, int, int]) -> None:
    issues, first, second, deadline, _ = neg
    assert alternating_offers(issues, first, second, deadline, 0) == []
    assert alternating_offers([], first, second, deadline, deadline) == []


@settings(max_examples=40, deadline=None)
@given(neg=negotiations())
def test_deterministic(neg: tuple[list[int], Side, Side, int, int]) -> None:
    issues, first, second, deadline, rounds = neg
    assert alternating_offers(issues, first, second, deadline, rounds) == alternating_offers(
        issues, first, second, deadline, rounds
    )


def test_reservation_is_edge_toward_other() -> None:
    own = Stance(0.5, 1.0, 0.2, 0.9)
    assert reservation(own, Stance(0.8, 1.0, 0.0, 1.0)) == 0.9
    assert reservation(own, Stance(0.1, 1.0, 0.0, 1.0)) == 0.2
    assert reservation(own, Stance(0.5, 1.0, 0.0, 1.0)) == 0.9
