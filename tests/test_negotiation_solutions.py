"""Solution concepts: the Pareto frontier, Nash, Kalai-Smorodinsky, maximum welfare, and
the simulator's package quality against brute force (models.md section 2)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.bargaining.agenda import Agenda, make_party, random_agenda, unit_pie
from sim.model.bargaining.frontier import discrete_frontier, frontier_of
from sim.model.bargaining.solutions import (
    assess,
    kalai_smorodinsky_point,
    max_welfare_point,
    nash_point,
)
from sim.model.preferences import Stance

TOL = 1e-12
Array = npt.NDArray[np.float64]


def close(got: object, expected: object, tol: float = TOL) -> None:
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=0, atol=tol)


def two_issues(levels: int = 0, d: tuple[float, float] | None = (0.0, 0.0)) -> Agenda:
    """a wants 1 on both issues (weights 1:1), b wants 0 (weights 1:4)."""
    a = make_party("a", [1.0, 1.0], [1.0, 1.0], [(0.0, 1.0)] * 2)
    b = make_party("b", [0.0, 0.0], [1.0, 4.0], [(0.0, 1.0)] * 2)
    return Agenda(("x", "y"), (0.5, 0.5), (a, b), levels, d)


# --- reference values ---------------------------------------------------------------


def test_nash_reference_values() -> None:
    frontier = frontier_of(unit_pie(disagreement=(0.2, 0.1)))
    nash = nash_point(frontier)
    assert nash.utilities == pytest.approx((0.55, 0.45), abs=TOL)
    assert nash.package == pytest.approx((0.55,), abs=TOL)
    assert nash_point(frontier, power=0.7).utilities[0] == pytest.approx(0.69, abs=TOL)


@pytest.mark.parametrize("power", [0.1, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("d", [(0.0, 0.0), (0.2, 0.1), (0.5, 0.3)])
def test_nash_on_a_linear_pie(power: float, d: tuple[float, float]) -> None:
    nash = nash_point(frontier_of(unit_pie(disagreement=d)), power)
    assert nash.utilities[0] == pytest.approx(d[0] + power * (1 - d[0] - d[1]), abs=TOL)


def test_frontier_by_hand() -> None:
    """Conceding y first (b gains 0.8 for a's 0.5) beats conceding x (0.2 for 0.5)."""
    frontier = frontier_of(two_issues())
    assert frontier.continuous
    close(frontier.points, [(1.0, 0.0), (0.5, 0.8), (0.0, 1.0)])
    close(frontier.packages, [(1.0, 1.0), (1.0, 0.0), (0.0, 0.0)])
    assert frontier.point_at(0.5) == pytest.approx((0.75, 0.4), abs=TOL)
    assert frontier.package_at(0.5) == pytest.approx((1.0, 0.5), abs=TOL)


def test_discrete_frontier_by_hand() -> None:
    frontier = frontier_of(two_issues(levels=3))
    assert not frontier.continuous
    close(frontier.points, [(1.0, 0.0), (0.75, 0.4), (0.5, 0.8), (0.25, 0.9), (0.0, 1.0)])


def test_solutions_by_hand() -> None:
    frontier = frontier_of(two_issues())
    assert nash_point(frontier).utilities == pytest.approx((0.5, 0.8), abs=TOL)
    assert max_welfare_point(frontier).utilities == pytest.approx((0.5, 0.8), abs=TOL)
    # ideal point (1, 1): equal shares on the first segment, u_a = 1 - t / 2 = 0.8 t
    assert kalai_smorodinsky_point(frontier).utilities == pytest.approx((8 / 13, 8 / 13), abs=TOL)


def test_kalai_smorodinsky_with_a_disagreement_point() -> None:
    """d = (0.2, 0): b's best with u_a >= 0.2 is 0.92, so the ideal point is (1, 0.92)."""
    frontier = frontier_of(two_issues(d=(0.2, 0.0)))
    share = 1.28 / 2.2  # 0.92 s = 1.6 (0.8 - 0.8 s) on the segment u_b = 1.6 (1 - u_a)
    ks = kalai_smorodinsky_point(frontier)
    assert ks.utilities == pytest.approx((0.2 + 0.8 * share, 0.92 * share), abs=1e-12)


def test_no_bargaining_set_means_no_deal() -> None:
    frontier = frontier_of(unit_pie(disagreement=(0.7, 0.6)))
    for solution in (nash_point(frontier), kalai_smorodinsky_point(frontier)):
        assert solution.package is None and solution.utilities == (0.7, 0.6)


def test_assess_an_agreement() -> None:
    frontier = frontier_of(two_issues())
    on = assess(frontier, (0.75, 0.4))
    assert on.pareto_optimal
    assert on.nash_distance == pytest.approx(math.dist((0.75, 0.4), (0.5, 0.8)), abs=TOL)
    assert not assess(frontier, (0.5, 0.5)).pareto_optimal  # x = y = 0.5: dominated


# --- brute force ------------------------------------------------------------------


def upper_hull(ua: Array, ub: Array) -> list[tuple[float, float]]:
    """The Pareto part of the upper concave hull of the points, a's utility falling."""
    order = np.lexsort((-ub, -ua))  # a's utility falling, then b's
    ua, ub = ua[order], ub[order]
    best_before = np.maximum.accumulate(np.concatenate([[-np.inf], ub[:-1]]))
    keep = ub > best_before  # the Pareto points: b gains over everything better for a
    pts = sorted(zip(ua[keep].tolist(), ub[keep].tolist(), strict=True))
    hull: list[tuple[float, float]] = []
    for p in pts:  # Andrew's monotone chain, upper half, left to right
        while len(hull) >= 2 and (
                (hull[-1][0] - hull[-2][0]) * (p[1] - hull[-2][1])
                - (hull[-1][1] - hull[-2][1]) * (p[0] - hull[-2][0])) >= 0:
            hull.pop()
        hull.append(p)
    top = max(range(len(hull)), key=lambda k: (hull[k][1], hull[k][0]))
    return hull[top:][::-1]


def brute_force(stances_a: list[Stance], stances_b: list[Stance], sq: tuple[float, ...],
                deals: dict[int, float]) -> tuple[float, bool]:
    """Enumerate a grid of each agreed issue's overlap (with the ideal points), take the
    concave hull of the utilities and search it densely."""
    grids = []
    for j in range(len(sq)):
        a, b = stances_a[j], stances_b[j]
        low, high = max(a.low, b.low), min(a.high, b.high)
        if j not in deals or low > high:
            grids.append(np.array([deals.get(j, sq[j])]))
            continue
        kinks = [min(high, max(low, s.ideal)) for s in (a, b)]
        grids.append(np.unique(np.concatenate([np.linspace(low, high, 21), kinks])))
    mesh = np.meshgrid(*grids, indexing="ij")

    def utility(stances: list[Stance], xs: Sequence[Array]) -> Array:
        total = np.zeros_like(xs[0], dtype=float)
        for s, x in zip(stances, xs, strict=True):
            total = total + s.weight * (1 - np.abs(x - s.ideal) / s.span)
        return total

    ua, ub = utility(stances_a, mesh).ravel(), utility(stances_b, mesh).ravel()
    hull = upper_hull(ua, ub)
    d = (float(utility(stances_a, [np.array(x) for x in sq])),
         float(utility(stances_b, [np.array(x) for x in sq])))
    u = (float(utility(stances_a, [np.array(deals.get(j, x)) for j, x in enumerate(sq)])),
         float(utility(stances_b, [np.array(deals.get(j, x)) for j, x in enumerate(sq)])))
    t = np.linspace(0.0, 1.0, 4001)
    pa = np.concatenate([[hull[0][0]], *(p[0] + t * (q[0] - p[0])
                                         for p, q in itertools.pairwise(hull))])
    pb = np.concatenate([[hull[0][1]], *(p[1] + t * (q[1] - p[1])
                                         for p, q in itertools.pairwise(hull))])
    rational = (pa >= d[0]) & (pb >= d[1])
    product = np.where(rational, (pa - d[0]) * (pb - d[1]), -1.0)
    nash = (pa[product.argmax()], pb[product.argmax()]) if rational.any() else d
    xs, ys = [p[0] for p in hull][::-1], [p[1] for p in hull][::-1]
    best_b = np.interp(u[0], xs, ys) if u[0] <= xs[-1] else -math.inf
    best_a = np.interp(u[1], ys[::-1], xs[::-1]) if u[1] <= ys[0] else -math.inf
    dominated = best_b > u[1] + 1e-9 or best_a > u[0] + 1e-9
    return math.dist(u, nash), not dominated


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4))
def test_nash_distance_and_pareto_optimality_match_brute_force(seed: int, n: int) -> None:
    """What the simulator reports for a package (`Talks.quality`): the Nash distance and
    Pareto optimality from the closed-form frontier, against a dense brute force."""
    rng = np.random.default_rng(seed)
    agenda = random_agenda(rng, n)
    a, b = (list(p.stances) for p in agenda.parties)
    deals = {}
    for j, (low, high) in zip(agenda.negotiable, agenda.overlaps, strict=True):
        ends = [min(high, max(low, s.ideal)) for s in (a[j], b[j])]
        deals[j] = float(rng.choice([*ends, rng.uniform(low, high)]))
    package = tuple(deals.get(j, x) for j, x in enumerate(agenda.status_quo))
    verdict = assess(frontier_of(agenda), agenda.utilities(package))
    expected_distance, expected_optimal = brute_force(a, b, agenda.status_quo, deals)
    assert verdict.nash_distance == pytest.approx(expected_distance, abs=2e-3)
    assert verdict.pareto_optimal == expected_optimal


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), levels=st.sampled_from([2, 3, 5]))
def test_discrete_frontier_is_the_pareto_set_of_all_packages(seed: int, levels: int) -> None:
    agenda = random_agenda(np.random.default_rng(seed), 3, levels)
    grids = [agenda.options(j) if j in agenda.negotiable else (x,)
             for j, x in enumerate(agenda.status_quo)]
    points = [agenda.utilities(p) for p in itertools.product(*grids)]
    eps = 1e-12
    pareto = sorted({p for p in points if not any(
        q[0] >= p[0] - eps and q[1] >= p[1] - eps and (q[0] > p[0] + eps or q[1] > p[1] + eps)
        for q in points)}, reverse=True)
    frontier = discrete_frontier(agenda)
    assert len(frontier.points) == len(pareto)
    close(frontier.points, pareto, 1e-9)
    for point, package in zip(frontier.points, frontier.packages, strict=True):
        assert agenda.utilities(package) == pytest.approx(point, abs=1e-9)


@pytest.mark.parametrize("indifferent", [0, 1])
def test_a_concession_nobody_gains_from_is_not_pareto_optimal(indifferent: int) -> None:
    """Party `indifferent` does not care about issue 0 and has its best on issue 1: moving
    issue 0 off the other's ideal costs the other and gains nobody anything."""
    weights = ([1.0, 1.0], [0.0, 1.0]) if indifferent == 1 else ([0.0, 1.0], [1.0, 1.0])
    a = make_party("a", [1.0, 1.0], weights[0], [(0.0, 1.0)] * 2)
    b = make_party("b", [0.0, 0.0], weights[1], [(0.0, 1.0)] * 2)
    sq = (0.5, 0.5)
    carer_best, own_best = (1.0, 0.0) if indifferent == 1 else (0.0, 1.0)
    agenda = Agenda(("x", "y"), sq, (a, b))
    frontier = frontier_of(agenda)
    assert assess(frontier, agenda.utilities((carer_best, own_best))).pareto_optimal
    assert not assess(frontier, agenda.utilities((0.5, own_best))).pareto_optimal
