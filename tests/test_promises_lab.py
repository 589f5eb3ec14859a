"""The solution concepts of the negotiation lab on discrete agendas, against brute force.

docs/negotiation.md, section 3: over the bargaining set (the frontier where u >= d), the
Nash point maximises (u_a - d_a)^alpha (u_b - d_b)^(1 - alpha), Kalai-Smorodinsky gives
equal shares of each party's best possible gain, maximum welfare the largest u_a + u_b
(over the whole frontier if the bargaining set is empty); with an empty bargaining set
Nash and Kalai-Smorodinsky are "no deal": d, without a package. Every package of the grid
is enumerated here, so the frontier code is not trusted.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sim.model.bargaining.agenda import Agenda, random_agenda
from sim.model.bargaining.frontier import frontier_of
from sim.model.bargaining.solutions import (
    assess,
    kalai_smorodinsky_point,
    max_welfare_point,
    nash_point,
)

TOL = 1e-9
SEEDS = range(12)


def _all_packages(agenda: Agenda) -> list[tuple[tuple[float, ...], tuple[float, float]]]:
    grids = [agenda.options(j) if j in agenda.negotiable else (x,)
             for j, x in enumerate(agenda.status_quo)]
    return [(p, agenda.utilities(p)) for p in itertools.product(*grids)]


def _bargaining_set(agenda: Agenda) -> list[tuple[tuple[float, ...], tuple[float, float]]]:
    da, db = agenda.disagreement_point()
    return [(p, u) for p, u in _all_packages(agenda) if u[0] >= da - TOL and u[1] >= db - TOL]


def _agenda(seed: int, levels: int) -> Agenda:
    """The `seed`-th random agenda of 4 issues with something to negotiate on the grid."""
    rng = np.random.default_rng(seed)
    while not (agenda := random_agenda(rng, 4, levels)).negotiable:
        pass
    return agenda


def _gain(u: tuple[float, float], d: tuple[float, float], power: float) -> float:
    ga, gb = max(u[0] - d[0], 0.0), max(u[1] - d[1], 0.0)
    return ga**power * gb ** (1 - power)


@pytest.mark.parametrize("levels", [3, 5])
@pytest.mark.parametrize("power", [0.5, 0.7])
def test_nash_maximises_the_nash_product_over_all_packages(levels: int, power: float) -> None:
    for seed in SEEDS:
        agenda = _agenda(seed, levels)
        d = agenda.disagreement_point()
        feasible = _bargaining_set(agenda)
        got = nash_point(frontier_of(agenda), power)
        if not feasible:
            assert got.package is None and got.utilities == d
            continue
        best = max(_gain(u, d, power) for _, u in feasible)
        assert got.package is not None
        assert agenda.utilities(got.package) == pytest.approx(got.utilities, abs=TOL)
        assert _gain(got.utilities, d, power) == pytest.approx(best, abs=TOL), seed
        assert agenda.ratified(got.package)


@pytest.mark.parametrize("levels", [3, 5])
def test_kalai_smorodinsky_equalises_the_shares_of_the_best_gains(levels: int) -> None:
    for seed in SEEDS:
        agenda = _agenda(seed, levels)
        d = agenda.disagreement_point()
        feasible = _bargaining_set(agenda)
        got = kalai_smorodinsky_point(frontier_of(agenda))
        if not feasible:
            assert got.package is None and got.utilities == d
            continue
        reach_a = max(u[0] - d[0] for _, u in feasible) or 1.0
        reach_b = max(u[1] - d[1] for _, u in feasible) or 1.0

        def shares(u: tuple[float, float], d: tuple[float, float] = d, ra: float = reach_a,
                   rb: float = reach_b) -> tuple[float, float]:
            return min((u[0] - d[0]) / ra, (u[1] - d[1]) / rb), u[0] + u[1]

        best = max(shares(u) for _, u in feasible)
        assert shares(got.utilities) == pytest.approx(best, abs=TOL), seed
        assert got.package is not None


@pytest.mark.parametrize("levels", [3, 5])
def test_max_welfare_is_the_largest_sum(levels: int) -> None:
    for seed in SEEDS:
        agenda = _agenda(seed, levels)
        feasible = _bargaining_set(agenda) or _all_packages(agenda)
        got = max_welfare_point(frontier_of(agenda))
        assert sum(got.utilities) == pytest.approx(max(sum(u) for _, u in feasible), abs=TOL)
        assert got.package is not None


def test_with_no_package_better_than_d_nash_and_ks_are_no_deal() -> None:
    agenda = _agenda(0, 3)
    high = Agenda(agenda.issues, agenda.status_quo, agenda.parties, agenda.levels, (50.0, 50.0))
    frontier = frontier_of(high)
    assert _bargaining_set(high) == []
    for solution in (nash_point(frontier), kalai_smorodinsky_point(frontier)):
        assert solution.package is None and solution.utilities == (50.0, 50.0)
    welfare = max_welfare_point(frontier)  # over the whole frontier
    assert sum(welfare.utilities) == pytest.approx(max(sum(u) for _, u in _all_packages(high)))


@pytest.mark.parametrize("levels", [3, 5])
def test_assess_measures_distances_and_pareto_optimality(levels: int) -> None:
    for seed in SEEDS[:6]:
        agenda = _agenda(seed, levels)
        frontier = frontier_of(agenda)
        packages = _all_packages(agenda)
        for _, u in packages[:: max(1, len(packages) // 15)]:
            dominated = any((v[0] >= u[0] + TOL and v[1] >= u[1] - TOL)
                            or (v[1] >= u[1] + TOL and v[0] >= u[0] - TOL) for _, v in packages)
            a = assess(frontier, u)
            assert a.pareto_optimal is (not dominated), (seed, u)
            assert a.nash_distance == pytest.approx(math.dist(u, nash_point(frontier).utilities))
            assert a.ks_distance == pytest.approx(
                math.dist(u, kalai_smorodinsky_point(frontier).utilities))
            assert a.welfare_distance == pytest.approx(
                math.dist(u, max_welfare_point(frontier).utilities))
