"""Outcome classes of a replication and the leaders' logistic attendance rule."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.outcome import OUTCOMES, Thresholds, attendance_probability, classify

TH = Thresholds(partial_min=1, breakthrough_min=3, breakthrough_needs_core=True)
TH_NO_CORE = Thresholds(partial_min=1, breakthrough_min=3, breakthrough_needs_core=False)


def test_outcome_names() -> None:
    assert OUTCOMES == ("no_summit", "summit_no_deal", "summit_partial", "summit_breakthrough")


@pytest.mark.parametrize(
    ("held", "agreed", "core", "th", "expected"),
    [
        (False, [True, True, True, True], [True, False, False, False], TH, "no_summit"),
        (False, [], [], TH, "no_summit"),
        (True, [False, False, False, False], [True, False, False, False], TH, "summit_no_deal"),
        (True, [], [], TH, "summit_no_deal"),
        (True, [False, True, False, False], [True, False, False, False], TH, "summit_partial"),
        (True, [False, True, True, False], [True, False, False, False], TH, "summit_partial"),
        # enough deliverables but no core issue among them: only partial
        (True, [False, True, True, True], [True, False, False, False], TH, "summit_partial"),
        (True, [True, True, True, False], [True, False, False, False], TH, "summit_breakthrough"),
        (
            True,
            [False, True, True, True],
            [True, False, False, False],
            TH_NO_CORE,
            "summit_breakthrough",
        ),
        (
            True,
            [True, True, False, False],
            [True, False, False, False],
            TH_NO_CORE,
            "summit_partial",
        ),
        # a core issue alone does not make a breakthrough
        (True, [True, False, False, False], [True, False, False, False], TH, "summit_partial"),
    ],
)
def test_classify_table(
    held: bool, agreed: list[bool], core: list[bool], th: Thresholds, expected: str
) -> None:
    assert classify(held, agreed, core, th) == expected


def test_classify_partial_min_threshold() -> None:
    th = Thresholds(partial_min=2, breakthrough_min=4, breakthrough_needs_core=False)
    core = [False] * 5
    assert classify(True, [True, False, False, False, False], core, th) == "summit_no_deal"
    assert classify(True, [True, True, False, False, False], core, th) == "summit_partial"
    assert classify(True, [True, True, True, False, False], core, th) == "summit_partial"
    assert classify(True, [True, True, True, True, False], core, th) == "summit_breakthrough"


@st.composite
def cases(draw: st.DrawFn) -> tuple[bool, list[bool], list[bool], Thresholds]:
    n = draw(st.integers(0, 8))
    agreed = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    core = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    p = draw(st.integers(0, 5))
    b = draw(st.integers(p, 8))
    return draw(st.booleans()), agreed, core, Thresholds(p, b, draw(st.booleans()))


@settings(max_examples=150)
@given(case=cases())
def test_classify_matches_definition(case: tuple[bool, list[bool], list[bool], Thresholds]) -> None:
    held, agreed, core, th = case
    out = classify(held, agreed, core, th)
    assert out in OUTCOMES
    n = sum(agreed)
    has_core = any(a and c for a, c in zip(agreed, core, strict=True))
    if not held:
        assert out == "no_summit"
    elif n < th.partial_min:
        assert out == "summit_no_deal"
    elif n >= th.breakthrough_min and (has_core or not th.breakthrough_needs_core):
        assert out == "summit_breakthrough"
    else:
        assert out == "summit_partial"


# --- attendance -------------------------------------------------------------------------

weights = st.floats(min_value=0.0, max_value=5.0)
levels = st.floats(min_value=0.0, max_value=1.0)
biases = st.floats(min_value=-5.0, max_value=5.0)


def att(b: float, wt: float, wx: float, wp: float, tr: float, te: float, pr: float) -> float:
    """The rule with bias b = -empty_cost, and (weight, level) pairs for trust, tension and
    the expected gain: logit p = b + wt tr - wx te + wp pr."""
    return attendance_probability(-b, wp, pr, wt, tr, wx, te)


def test_attendance_half_at_zero() -> None:
    assert att(0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0) == 0.5
    assert attendance_probability(1.0, 4.0, 0.25, 0.0, 0.0, 0.0, 0.0) == 0.5
    # terms cancel: z = 0.5 + 2*0.25 - 3*0.5 + 1*0.5 = 0
    assert att(0.5, 2.0, 3.0, 1.0, 0.25, 0.5, 0.5) == pytest.approx(0.5)


@settings(max_examples=50)
@given(b=biases, wt=weights, wx=weights, wp=weights, tr=levels, te=levels, pr=levels)
def test_attendance_is_logistic(
    b: float, wt: float, wx: float, wp: float, tr: float, te: float, pr: float
) -> None:
    z = b + wt * tr - wx * te + wp * pr
    p = att(b, wt, wx, wp, tr, te, pr)
    assert 0.0 < p < 1.0
    assert p == pytest.approx(1.0 / (1.0 + math.exp(-z)), abs=1e-12)
    assert math.log(p / (1.0 - p)) == pytest.approx(z, abs=1e-9)


@settings(max_examples=100)
@given(
    b=biases,
    wt=weights,
    wx=weights,
    wp=weights,
    tr=levels,
    te=levels,
    pr=levels,
    step=st.floats(min_value=0.01, max_value=1.0),
)
def test_attendance_monotone(
    b: float, wt: float, wx: float, wp: float, tr: float, te: float, pr: float, step: float
) -> None:
    p = att(b, wt, wx, wp, tr, te, pr)
    # less empty-summit cost, more trust or gain: at least as likely; more tension: at most
    assert att(b + step, wt, wx, wp, tr, te, pr) > p
    assert att(b, wt, wx, wp, tr + step, te, pr) >= p
    assert att(b, wt, wx, wp, tr, te, pr + step) >= p
    assert att(b, wt, wx, wp, tr, te + step, pr) <= p
    # weights: a larger trust / value weight helps, a larger tension weight hurts
    assert att(b, wt + step, wx, wp, tr, te, pr) >= p
    assert att(b, wt, wx, wp + step, tr, te, pr) >= p
    assert att(b, wt, wx + step, wp, tr, te, pr) <= p


def test_attendance_strictly_monotone_with_positive_weights() -> None:
    base = att(0.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5)
    assert att(0.0, 1.0, 1.0, 1.0, 0.9, 0.5, 0.5) > base
    assert att(0.0, 1.0, 1.0, 1.0, 0.5, 0.9, 0.5) < base
    assert att(0.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.9) > base
