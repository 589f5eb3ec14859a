"""Faratin time-dependent concession curves (models.md section 4)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.bargaining.curves import (
    exponential_alpha,
    offer,
    polynomial_alpha,
)

TOL = 1e-12

kappas = st.floats(min_value=0.0, max_value=1.0)
positive_kappas = st.floats(min_value=1e-6, max_value=1.0)
betas = st.floats(min_value=0.05, max_value=20.0)
t_maxes = st.integers(min_value=1, max_value=60)
unit = st.floats(min_value=0.0, max_value=1.0)


# --- reference check values -------------------------------------------------------


@pytest.mark.parametrize(
    ("beta", "expected"),
    [(0.2, 0.03125), (1.0, 0.5), (5.0, 0.8705505632961241)],
)
def test_polynomial_reference_values(beta: float, expected: float) -> None:
    assert polynomial_alpha(5, 10, 0.0, beta) == pytest.approx(expected, abs=TOL)


def test_exponential_reference_value() -> None:
    assert exponential_alpha(5, 10, 0.1, 1.0) == pytest.approx(math.sqrt(0.1), abs=TOL)


# --- end points and monotonicity ----------------------------------------------------


@settings(max_examples=100)
@given(kappa=kappas, beta=betas, t_max=t_maxes)
def test_polynomial_endpoints(kappa: float, beta: float, t_max: int) -> None:
    assert polynomial_alpha(0, t_max, kappa, beta) == pytest.approx(kappa, abs=TOL)
    assert polynomial_alpha(t_max, t_max, kappa, beta) == pytest.approx(1.0, abs=TOL)


@settings(max_examples=100)
@given(kappa=positive_kappas, beta=betas, t_max=t_maxes)
def test_exponential_endpoints(kappa: float, beta: float, t_max: int) -> None:
    assert exponential_alpha(0, t_max, kappa, beta) == pytest.approx(kappa, abs=TOL)
    assert exponential_alpha(t_max, t_max, kappa, beta) == pytest.approx(1.0, abs=TOL)


@settings(max_examples=100)
@given(kappa=kappas, beta=betas, t_max=t_maxes)
def test_polynomial_monotone_and_bounded(kappa: float, beta: float, t_max: int) -> None:
    values = [polynomial_alpha(t, t_max, kappa, beta) for t in range(t_max + 3)]
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert all(kappa - TOL <= a <= 1.0 + TOL for a in values)


@settings(max_examples=100)
@given(kappa=positive_kappas, beta=betas, t_max=t_maxes)
def test_exponential_monotone_and_bounded(kappa: float, beta: float, t_max: int) -> None:
    values = [exponential_alpha(t, t_max, kappa, beta) for t in range(t_max + 3)]
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert all(kappa - TOL <= a <= 1.0 + TOL for a in values)


@settings(max_examples=50)
@given(kappa=st.floats(min_value=0.0, max_value=0.9), t_max=st.integers(2, 60))
def test_boulware_below_linear_below_conceder(kappa: float, t_max: int) -> None:
    for t in range(1, t_max):
        b = polynomial_alpha(t, t_max, kappa, 0.2)
        lin = polynomial_alpha(t, t_max, kappa, 1.0)
        c = polynomial_alpha(t, t_max, kappa, 5.0)
        assert b <= lin + TOL
        assert lin <= c + TOL


# --- offers -------------------------------------------------------------------------


@settings(max_examples=50)
@given(a=unit, b=unit, alpha=unit)
def test_offer_formula_both_directions(a: float, b: float, alpha: float) -> None:
    low, high = min(a, b), max(a, b)
    falls = offer(low, high, alpha)
    rises = offer(low, high, alpha, score_rises=True)
    assert falls == pytest.approx(low + alpha * (high - low), abs=TOL)
    assert rises == pytest.approx(low + (1.0 - alpha) * (high - low), abs=TOL)
    assert falls + rises == pytest.approx(low + high, abs=TOL)
    assert low - TOL <= falls <= high + TOL
    assert low - TOL <= rises <= high + TOL


def test_offer_end_points() -> None:
    assert offer(0.2, 0.8, 0.0) == pytest.approx(0.2)
    assert offer(0.2, 0.8, 1.0) == pytest.approx(0.8)
    assert offer(0.2, 0.8, 0.0, score_rises=True) == pytest.approx(0.8)
    assert offer(0.2, 0.8, 1.0, score_rises=True) == pytest.approx(0.2)
    assert offer(0.2, 0.8, 0.5) == pytest.approx(0.5)


# --- registry -------------------------------------------------------------------------
