"""Ideal points, additive utility and Putnam win-sets (models.md section 6)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.model.preferences import (
    DAYS_PER_YEAR,
    Stance,
    gain,
    normalised_weights,
    pressure_share,
    shrink,
    utility,
    widen,
    win_sets_overlap,
)
from sim.model.preferences import (
    move_toward as move_toward_fn,
)

TOL = 1e-12
unit = st.floats(min_value=0.0, max_value=1.0)
share = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def stances(draw: st.DrawFn, weight: float = 1.0) -> Stance:
    """A stance whose ideal point lies inside its win-set, all in [0, 1]."""
    low, ideal, high = sorted(draw(unit) for _ in range(3))
    return Stance(ideal, weight, low, high)


def well_formed(s: Stance) -> bool:
    return 0.0 <= s.low <= s.high <= 1.0


# --- value and utility -------------------------------------------------------------


@settings(max_examples=50)
@given(s=stances(), x=unit)
def test_value_in_unit_interval(s: Stance, x: float) -> None:
    assert -TOL <= s.value(x) <= 1.0 + TOL


@settings(max_examples=100)
@given(s=stances())
def test_value_one_at_ideal_zero_at_farthest_end(s: Stance) -> None:
    assert s.value(s.ideal) == 1.0
    farthest = 0.0 if s.ideal >= 0.5 else 1.0
    assert s.value(farthest) == pytest.approx(0.0, abs=TOL)
    nearer = 1.0 - farthest
    assert s.value(nearer) >= -TOL


def test_value_examples() -> None:
    s = Stance(0.8, 1.0, 0.4, 1.0)
    assert s.value(0.0) == pytest.approx(0.0)
    assert s.value(1.0) == pytest.approx(0.75)
    assert s.value(0.4) == pytest.approx(0.5)
    mid = Stance(0.5, 1.0, 0.0, 1.0)
    assert mid.value(0.0) == pytest.approx(0.0)
    assert mid.value(1.0) == pytest.approx(0.0)


@settings(max_examples=50)
@given(s=stances(), x=unit, y=unit)
def test_value_falls_with_distance(s: Stance, x: float, y: float) -> None:
    if abs(x - s.ideal) <= abs(y - s.ideal):
        assert s.value(x) >= s.value(y)


def test_accepts_is_closed_interval() -> None:
    s = Stance(0.5, 1.0, 0.3, 0.7)
    assert s.accepts(0.3)
    assert s.accepts(0.7)
    assert s.accepts(0.5)
    assert not s.accepts(0.29)
    assert not s.accepts(0.71)


@settings(max_examples=50)
@given(st.lists(st.floats(min_value=0.01, max_value=100.0), min_size=1, max_size=8))
def test_normalised_weights(weights: list[float]) -> None:
    w = normalised_weights(weights)
    assert len(w) == len(weights)
    assert sum(w) == pytest.approx(1.0, abs=1e-9)
    assert all(0.0 <= x <= 1.0 for x in w)
    # proportions are kept
    assert w[0] * sum(weights) == pytest.approx(weights[0], rel=1e-9)


@st.composite
def packages(draw: st.DrawFn) -> tuple[list[Stance], dict[int, float], list[float]]:
    n = draw(st.integers(1, 6))
    raw = draw(st.lists(st.floats(0.01, 10.0), min_size=n, max_size=n))
    ws = normalised_weights(raw)
    ss = []
    for w in ws:
        low, ideal, high = sorted(draw(unit) for _ in range(3))
        ss.append(Stance(ideal, w, low, high))
    sq = draw(st.lists(unit, min_size=n, max_size=n))
    agreed_ids = draw(st.sets(st.integers(0, n - 1)))
    agreed = {j: draw(unit) for j in sorted(agreed_ids)}
    return ss, agreed, sq


@settings(max_examples=100)
@given(pkg=packages())
def test_utility_additive_and_bounded(
    pkg: tuple[list[Stance], dict[int, float], list[float]],
) -> None:
    ss, agreed, sq = pkg
    u = utility(ss, agreed, sq)
    assert -TOL <= u <= 1.0 + TOL
    expected = sum(
        s.weight * s.value(agreed[j] if j in agreed else sq[j]) for j, s in enumerate(ss)
    )
    assert u == pytest.approx(expected, abs=TOL)
    # additivity: utility is the sum of the one-issue utilities
    per_issue = 0.0
    for j, s in enumerate(ss):
        one = [
            Stance(t.ideal, t.weight if i == j else 0.0, t.low, t.high) for i, t in enumerate(ss)
        ]
        per_issue += utility(one, agreed, sq)
        assert utility(one, agreed, sq) == pytest.approx(
            s.weight * s.value(agreed.get(j, sq[j])), abs=TOL
        )
    assert u == pytest.approx(per_issue, abs=1e-9)


@settings(max_examples=50)
@given(pkg=packages())
def test_utility_one_when_everything_at_ideal(
    pkg: tuple[list[Stance], dict[int, float], list[float]],
) -> None:
    ss, _, sq = pkg
    at_ideal = {j: s.ideal for j, s in enumerate(ss)}
    assert utility(ss, at_ideal, sq) == pytest.approx(1.0, abs=1e-9)
    # status quo at the ideal too: nothing agreed is just as good
    assert utility(ss, {}, [s.ideal for s in ss]) == pytest.approx(1.0, abs=1e-9)


def test_utility_open_issue_counts_at_status_quo() -> None:
    ss = [Stance(1.0, 0.5, 0.5, 1.0), Stance(0.0, 0.5, 0.0, 0.5)]
    assert utility(ss, {}, [0.0, 1.0]) == pytest.approx(0.0)
    assert utility(ss, {0: 1.0}, [0.0, 1.0]) == pytest.approx(0.5)
    assert utility(ss, {0: 1.0, 1: 0.0}, [0.0, 1.0]) == pytest.approx(1.0)


# --- win-sets (Putnam check) ------------------------------------------------------------


def test_putnam_check() -> None:
    us = Stance(0.8, 1.0, 0.4, 1.0)
    cn = Stance(0.1, 1.0, 0.0, 0.55)
    assert win_sets_overlap(us, cn)
    assert win_sets_overlap(cn, us)
    overlap = (max(us.low, cn.low), min(us.high, cn.high))
    assert overlap == (0.4, 0.55)
    cn_small = Stance(0.1, 1.0, 0.0, 0.35)
    assert not win_sets_overlap(us, cn_small)
    assert not win_sets_overlap(cn_small, us)


def test_putnam_check_via_shrink() -> None:
    us = Stance(0.8, 1.0, 0.4, 1.0)
    cn = Stance(0.0, 1.0, 0.0, 0.55)
    cn_small = shrink(cn, 0.2 / 0.55)
    assert cn_small.low == 0.0
    assert cn_small.high == pytest.approx(0.35, abs=TOL)
    assert win_sets_overlap(us, cn)
    assert not win_sets_overlap(us, cn_small)


def test_touching_win_sets_overlap() -> None:
    assert win_sets_overlap(Stance(0.2, 1.0, 0.0, 0.4), Stance(0.6, 1.0, 0.4, 1.0))


@settings(max_examples=50)
@given(a=stances(), b=stances())
def test_overlap_symmetric_and_matches_interval_test(a: Stance, b: Stance) -> None:
    assert win_sets_overlap(a, b) == win_sets_overlap(b, a)
    witness = max(a.low, b.low)
    assert win_sets_overlap(a, b) == (a.accepts(witness) and b.accepts(witness))


# --- shrink / widen / move_toward -------------------------------------------------------


@settings(max_examples=100)
@given(s=stances(), f=st.floats(min_value=-1.0, max_value=2.0))
def test_shrink_keeps_ideal_inside(s: Stance, f: float) -> None:
    out = shrink(s, f)
    assert out.low >= 0.0
    assert out.high <= 1.0
    # up to rounding: see test_shrink_full_share_keeps_ideal_inside_exactly
    assert out.low <= out.ideal + TOL
    assert out.ideal <= out.high + TOL
    assert out.low <= out.high + TOL
    assert out.ideal == s.ideal
    assert out.weight == s.weight
    # shrinking never widens
    assert out.low >= s.low
    assert out.high <= s.high


@settings(max_examples=50)
@given(s=stances(), f=share, g=share)
def test_shrink_monotone_in_share(s: Stance, f: float, g: float) -> None:
    lo, hi = sorted((f, g))
    a, b = shrink(s, lo), shrink(s, hi)
    assert b.low >= a.low - TOL
    assert b.high <= a.high + TOL


@settings(max_examples=50)
@given(s=stances())
def test_shrink_end_points(s: Stance) -> None:
    assert shrink(s, 0.0) == s
    full = shrink(s, 1.0)
    assert full.low == pytest.approx(s.ideal, abs=TOL)
    assert full.high == pytest.approx(s.ideal, abs=TOL)


def test_shrink_full_share_keeps_ideal_inside_exactly() -> None:
    out = shrink(Stance(0.3, 1.0, 0.1, 0.9), 1.0)
    assert out.low <= out.ideal <= out.high
    assert win_sets_overlap(out, Stance(0.3, 1.0, 0.1, 0.9))


@settings(max_examples=100)
@given(low=st.integers(0, 64), ideal=st.integers(0, 64), high=st.integers(0, 64), f=share)
def test_shrink_keeps_ideal_inside_exactly_on_dyadic_grid(
    low: int, ideal: int, high: int, f: float
) -> None:
    lo, mid, hi = (v / 64 for v in sorted((low, ideal, high)))
    out = shrink(Stance(mid, 1.0, lo, hi), f)
    assert well_formed(out)
    assert out.low <= out.ideal <= out.high


def test_shrink_example() -> None:
    out = shrink(Stance(0.5, 1.0, 0.1, 0.9), 0.5)
    assert out.low == pytest.approx(0.3)
    assert out.high == pytest.approx(0.7)


@settings(max_examples=50)
@given(s=stances(), lat=st.floats(min_value=-1.0, max_value=2.0))
def test_widen_stays_in_unit_interval(s: Stance, lat: float) -> None:
    out = widen(s, lat)
    assert well_formed(out)
    assert out.low <= s.low
    assert out.high >= s.high
    assert out.low <= out.ideal <= out.high


def test_widen_example() -> None:
    out = widen(Stance(0.5, 1.0, 0.3, 0.95), 0.1)
    assert out.low == pytest.approx(0.2)
    assert out.high == 1.0


@settings(max_examples=100)
@given(s=stances(), target=unit, f=share)
def test_move_toward_keeps_win_set_well_formed(s: Stance, target: float, f: float) -> None:
    out = move_toward_fn(s, target, f)
    assert well_formed(out)
    assert out.low <= out.ideal <= out.high
    assert 0.0 <= out.ideal <= 1.0
    # the ideal moves toward the target, never past it
    assert abs(out.ideal - target) <= abs(s.ideal - target) + TOL


def test_move_toward_example() -> None:
    out = move_toward_fn(Stance(0.8, 1.0, 0.6, 0.9), 0.2, 0.5)
    assert out.ideal == pytest.approx(0.5)
    assert out.low == pytest.approx(0.3)
    assert out.high == pytest.approx(0.6)
    assert move_toward_fn(Stance(0.8, 1.0, 0.6, 0.9), 0.2, 0.0) == Stance(0.8, 1.0, 0.6, 0.9)


# --- pressure ---------------------------------------------------------------------------


@settings(max_examples=50)
@given(
    days=st.floats(min_value=-1e4, max_value=1e5),
    rate=st.floats(min_value=-10.0, max_value=10.0),
)
def test_pressure_share_bounds(days: float, rate: float) -> None:
    p = pressure_share(days, rate)
    assert 0.0 <= p <= 1.0
    if days <= 0.0 or rate <= 0.0:
        assert p == 0.0


@settings(max_examples=50)
@given(
    d1=st.floats(min_value=0.0, max_value=2000.0),
    d2=st.floats(min_value=0.0, max_value=2000.0),
    rate=st.floats(min_value=0.0, max_value=5.0),
)
def test_pressure_share_monotone_in_days(d1: float, d2: float, rate: float) -> None:
    assume(d1 != d2)
    lo, hi = sorted((d1, d2))
    assert pressure_share(lo, rate) <= pressure_share(hi, rate)


def test_pressure_share_examples() -> None:
    assert pressure_share(DAYS_PER_YEAR, 0.5) == pytest.approx(0.5)
    assert pressure_share(DAYS_PER_YEAR / 2, 0.5) == pytest.approx(0.25)
    assert pressure_share(3 * DAYS_PER_YEAR, 0.5) == 1.0
    assert pressure_share(0.0, 0.5) == 0.0
    assert pressure_share(100.0, 0.0) == 0.0


@settings(max_examples=100)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6))
def test_gain_is_utility_over_the_status_quo(seed: int, n: int) -> None:
    """`gain` sums only the agreed issues; it equals utility(deals) - utility({})."""
    rng = np.random.default_rng(seed)
    stances = [Stance(float(a), float(w), 0.0, 1.0)
               for a, w in zip(rng.uniform(0, 1, n), rng.uniform(0.1, 1, n), strict=True)]
    sq = rng.uniform(0, 1, n).tolist()
    deals = {j: float(rng.uniform()) for j in range(n) if rng.random() < 0.6}
    expected = utility(stances, deals, sq) - utility(stances, {}, sq)
    assert gain(stances, deals, sq) == pytest.approx(expected, abs=1e-12)
