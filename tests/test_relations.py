"""Tension and trust levels relaxing toward a baseline in closed form."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.relations import Level, clip01

TOL = 1e-12
unit = st.floats(min_value=0.0, max_value=1.0)
half_lives = st.floats(min_value=0.5, max_value=1000.0)
times = st.floats(min_value=0.0, max_value=1000.0)
gaps = st.floats(min_value=0.0, max_value=2000.0)


@pytest.mark.parametrize("h", [1.0, 7.0, 14.0, 30.0, 90.0, 365.0])
def test_halfway_after_one_half_life_exact(h: float) -> None:
    assert Level(0.9, 0.0, 0.1, h).at(h) == 0.5
    assert Level(1.0, 10.0, 0.0, h).at(10.0 + h) == 0.5
    assert Level(0.2, 0.0, 0.6, h).at(h) == 0.4


@settings(max_examples=100)
@given(v=unit, b=unit, t0=times, h=half_lives)
def test_halfway_after_one_half_life(v: float, b: float, t0: float, h: float) -> None:
    lvl = Level(v, t0, b, h)
    assert lvl.at(t0 + h) == pytest.approx(b + (v - b) / 2.0, abs=TOL)
    assert lvl.at(t0 + 2.0 * h) == pytest.approx(b + (v - b) / 4.0, abs=TOL)


@settings(max_examples=50)
@given(v=unit, b=unit, t0=times, h=half_lives, dt=gaps)
def test_matches_closed_form_and_stays_between(
    v: float, b: float, t0: float, h: float, dt: float
) -> None:
    lvl = Level(v, t0, b, h)
    got = lvl.at(t0 + dt)
    assert got == pytest.approx(b + (v - b) * math.exp(-math.log(2.0) * dt / h), abs=TOL)
    assert min(v, b) - TOL <= got <= max(v, b) + TOL


@settings(max_examples=50)
@given(v=unit, b=unit, t0=times, h=half_lives, back=st.floats(min_value=0.0, max_value=100.0))
def test_no_change_at_or_before_known_time(
    v: float, b: float, t0: float, h: float, back: float
) -> None:
    lvl = Level(v, t0, b, h)
    assert lvl.at(t0) == v
    assert lvl.at(t0 - back) == v


def test_level_at_baseline_stays() -> None:
    assert Level(0.3, 0.0, 0.3, 10.0).at(1e6) == 0.3


def test_relaxes_to_baseline_eventually() -> None:
    assert Level(1.0, 0.0, 0.2, 10.0).at(10_000.0) == pytest.approx(0.2, abs=TOL)


@settings(max_examples=50)
@given(v=unit, b=unit, t0=times, h=half_lives, dt=gaps, delta=st.floats(-3.0, 3.0))
def test_jumped_clips_to_unit_interval(
    v: float, b: float, t0: float, h: float, dt: float, delta: float
) -> None:
    lvl = Level(v, t0, b, h)
    t1 = t0 + dt
    out = lvl.jumped(t1, delta)
    assert 0.0 <= out.value <= 1.0
    assert out.value == pytest.approx(clip01(lvl.at(t1) + delta), abs=TOL)
    assert out.time == t1
    assert out.baseline == b
    assert out.half_life_days == h


def test_jumped_examples() -> None:
    lvl = Level(0.5, 0.0, 0.5, 30.0)
    assert lvl.jumped(5.0, 0.2).value == pytest.approx(0.7)
    assert lvl.jumped(5.0, 0.9).value == 1.0
    assert lvl.jumped(5.0, -0.9).value == 0.0


@settings(max_examples=100)
@given(v=unit, b=unit, t0=times, h=half_lives, d1=gaps, d2=gaps)
def test_closed_form_composes(
    v: float, b: float, t0: float, h: float, d1: float, d2: float
) -> None:
    lvl = Level(v, t0, b, h)
    t1 = t0 + d1
    t2 = t1 + d2
    via = lvl.jumped(t1, 0.0)
    assert via.value == pytest.approx(lvl.at(t1), abs=TOL)
    assert via.at(t2) == pytest.approx(lvl.at(t2), abs=TOL)


@pytest.mark.parametrize(
    ("x", "expected"), [(-0.5, 0.0), (0.0, 0.0), (0.25, 0.25), (1.0, 1.0), (1.5, 1.0)]
)
def test_clip01(x: float, expected: float) -> None:
    assert clip01(x) == expected
