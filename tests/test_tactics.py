"""Faratin time-dependent and tit-for-tat tactics (models.md section 4)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.tactics import (
    PRESET_BETA,
    TACTICS,
    TimeDependent,
    TitForTat,
    build_tactic,
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


def test_registry_names() -> None:
    assert {
        "boulware",
        "linear",
        "conceder",
        "polynomial",
        "exponential",
        "tit_for_tat",
        "tit_for_tat_absolute",
    } <= set(TACTICS)
    assert PRESET_BETA == {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}


@pytest.mark.parametrize(("name", "beta"), [("boulware", 0.2), ("linear", 1.0), ("conceder", 5.0)])
@settings(max_examples=40)
@given(kappa=st.floats(min_value=0.0, max_value=0.5), t_max=t_maxes)
def test_registry_presets(name: str, beta: float, kappa: float, t_max: int) -> None:
    tactic = build_tactic(name, kappa, None)
    assert isinstance(tactic, TimeDependent)
    for k in range(t_max + 2):
        expected = polynomial_alpha(k, t_max, kappa, beta)
        assert tactic.alpha(k, t_max, []) == pytest.approx(expected, abs=TOL)


def test_registry_polynomial_and_exponential_use_given_beta() -> None:
    poly = build_tactic("polynomial", 0.1, 3.0)
    expo = build_tactic("exponential", 0.1, 2.0)
    for k in range(11):
        assert poly.alpha(k, 10, []) == pytest.approx(polynomial_alpha(k, 10, 0.1, 3.0), abs=TOL)
        assert expo.alpha(k, 10, []) == pytest.approx(exponential_alpha(k, 10, 0.1, 2.0), abs=TOL)


def test_registry_tit_for_tat_variants() -> None:
    rel = build_tactic("tit_for_tat", 0.1, None)
    ab = build_tactic("tit_for_tat_absolute", 0.1, None)
    assert rel == TitForTat(0.1, relative=True)
    assert ab == TitForTat(0.1, relative=False)


def test_time_dependent_saturates_after_deadline() -> None:
    tactic = TimeDependent("polynomial", 0.2, 1.0)
    assert tactic.alpha(10, 10, []) == pytest.approx(1.0, abs=TOL)
    assert tactic.alpha(25, 10, []) == pytest.approx(1.0, abs=TOL)


# --- tit-for-tat ----------------------------------------------------------------------


@settings(max_examples=100)
@given(
    kappa=st.floats(min_value=0.0, max_value=1.0),
    relative=st.booleans(),
    history=st.lists(unit, max_size=20),
    k=st.integers(0, 30),
)
def test_tit_for_tat_stays_in_range(
    kappa: float, relative: bool, history: list[float], k: int
) -> None:
    a = TitForTat(kappa, relative=relative).alpha(k, 20, history)
    assert kappa <= a <= 1.0


@pytest.mark.parametrize("relative", [False, True])
def test_tit_for_tat_opens_at_kappa(relative: bool) -> None:
    tft = TitForTat(0.15, relative=relative)
    assert tft.alpha(0, 10, []) == 0.15
    assert tft.alpha(1, 10, [0.4]) == 0.15


def test_tit_for_tat_absolute_imitates() -> None:
    tft = TitForTat(0.1, relative=False)
    assert tft.alpha(2, 10, [0.1, 0.3]) == pytest.approx(0.1 + 0.2, abs=TOL)
    before = tft.alpha(1, 10, [0.1])
    after = tft.alpha(2, 10, [0.1, 0.3])
    assert after - before == pytest.approx(0.2, abs=TOL)


@settings(max_examples=50)
@given(
    kappa=st.floats(min_value=0.0, max_value=0.5),
    prev=st.floats(min_value=0.0, max_value=0.5),
    step=st.floats(min_value=0.0, max_value=0.5),
)
def test_tit_for_tat_absolute_mirrors_step(kappa: float, prev: float, step: float) -> None:
    a = TitForTat(kappa, relative=False).alpha(2, 10, [prev, prev + step])
    assert a == pytest.approx(min(1.0, kappa + step), abs=TOL)


def test_tit_for_tat_relative_imitates_ratio() -> None:
    tft = TitForTat(0.1, relative=True)
    # opponent's remaining distance 0.9 -> 0.7: own distance 0.9 shrinks by 7/9.
    assert tft.alpha(2, 10, [0.1, 0.3]) == pytest.approx(1.0 - 0.9 * 0.7 / 0.9, abs=TOL)
    # opponent at its reservation: nothing left to imitate, concede fully.
    assert tft.alpha(2, 10, [1.0, 1.0]) == 1.0


@pytest.mark.parametrize("relative", [False, True])
def test_tit_for_tat_never_retreats_below_kappa(relative: bool) -> None:
    tft = TitForTat(0.3, relative=relative)
    assert tft.alpha(2, 10, [0.8, 0.2]) == 0.3
