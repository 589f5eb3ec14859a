"""Solution concepts of the bargaining problem and how far an agreement is from them.

The bargaining set is the part of the Pareto frontier (`sim.model.bargaining.frontier`) where
both parties get at least their disagreement utility d:

- Nash (1950): maximise (u_a - d_a)^alpha (u_b - d_b)^(1 - alpha); alpha = 1/2 is the
  symmetric solution, other alphas give bargaining power;
- Kalai-Smorodinsky (1975): the frontier point on the segment from d to the ideal point
  (each party's best in the bargaining set), i.e. equal shares of the possible gains;
- maximum welfare: the largest u_a + u_b (over all feasible packages when the
  bargaining set is empty).

On a continuous frontier the solutions are exact: along each segment of the polyline
the weighted log Nash product is concave in the segment parameter, so its maximum is the
stationary point clipped to the segment. With an empty bargaining set the Nash and
Kalai-Smorodinsky solutions are "no deal": the disagreement point, with no package.
Distances are Euclidean in utility space.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.model.bargaining.agenda import Package, Point
from sim.model.bargaining.frontier import (
    TOL,
    Frontier,
    ir_range,
    point_at,
)


@dataclass(frozen=True, slots=True)
class Solution:
    """A solution's utilities and package (None: no deal is the solution)."""

    utilities: Point
    package: Package | None


def _weighted_product(ga: float, gb: float, power: float) -> float:
    """The Nash objective; with power 1/2 the plain product, which ranks the same."""
    ga, gb = (ga if ga > 0.0 else 0.0), (gb if gb > 0.0 else 0.0)
    return ga * gb if power == 0.5 else ga**power * gb ** (1.0 - power)


def nash_parameter(points: Sequence[Point], lo: float, hi: float, d: Point,
                   power: float = 0.5) -> float:
    """Where on the polyline between parameters lo and hi the Nash product peaks."""
    da, db = d
    best_s = lo
    best = _weighted_product(*_gains(point_at(points, lo), d), power)
    for k in range(int(lo), min(math.ceil(hi), len(points) - 1)):
        (pa, pb), (qa, qb) = points[k], points[k + 1]
        a, slope_a, b, slope_b = pa - da, qa - pa, pb - db, qb - pb
        # d/dt [power ln(a + slope_a t) + (1 - power) ln(b + slope_b t)] = 0
        rise = power * slope_a * b + (1.0 - power) * a * slope_b
        t_lo, t_hi = (lo - k if lo > k else 0.0), (hi - k if hi < k + 1 else 1.0)
        curvature = slope_a * slope_b
        if curvature == 0.0:  # one side flat (or underflow): the product is monotone
            t = t_hi if rise > 0.0 else t_lo
        else:
            t = -rise / curvature
            t = t_lo if t < t_lo else t_hi if t > t_hi else t
        value = _weighted_product(a + t * slope_a, b + t * slope_b, power)
        if value > best:
            best_s, best = k + t, value
    return best_s


def _gains(u: Point, d: Point) -> Point:
    return u[0] - d[0], u[1] - d[1]


def _bargaining_indices(frontier: Frontier) -> list[int]:
    da, db = frontier.disagreement
    return [k for k, (ua, ub) in enumerate(frontier.points) if ua >= da - TOL and ub >= db - TOL]


def _at(frontier: Frontier, s: float) -> Solution:
    return Solution(frontier.point_at(s), frontier.package_at(s))


def _no_deal(frontier: Frontier) -> Solution:
    return Solution(frontier.disagreement, None)


def nash_point(frontier: Frontier, power: float = 0.5) -> Solution:
    """The (asymmetric, with `power` for party a) Nash bargaining solution."""
    d = frontier.disagreement
    if frontier.continuous:
        span = ir_range(frontier.points, d)
        if span is None:
            return _no_deal(frontier)
        return _at(frontier, nash_parameter(frontier.points, *span, d, power))
    ks = _bargaining_indices(frontier)
    if not ks:
        return _no_deal(frontier)
    # max(ks, key=the Nash product at point k): the first point where it peaks
    points, (da, db) = frontier.points, d
    best, top = ks[0], _weighted_product(points[ks[0]][0] - da, points[ks[0]][1] - db, power)
    for k in ks[1:]:
        ua, ub = points[k]
        value = _weighted_product(ua - da, ub - db, power)
        if value > top:
            best, top = k, value
    return _at(frontier, best)


def kalai_smorodinsky_point(frontier: Frontier) -> Solution:
    """The frontier point with equal shares of each party's best possible gain."""
    d = frontier.disagreement
    if frontier.continuous:
        span = ir_range(frontier.points, d)
        if span is None:
            return _no_deal(frontier)
        lo, hi = span
        reach_a, reach_b = frontier.point_at(lo)[0] - d[0], frontier.point_at(hi)[1] - d[1]
        if reach_a <= 1e-15 or reach_b <= 1e-15:
            return _at(frontier, hi if reach_a <= 1e-15 else lo)

        def excess(s: float) -> float:  # a's share of its reach minus b's; falls along s
            ga, gb = _gains(frontier.point_at(s), d)
            return ga / reach_a - gb / reach_b

        breaks = [lo, *range(math.floor(lo) + 1, math.ceil(hi)), hi]
        prev, h_prev = breaks[0], excess(breaks[0])
        for s in breaks[1:]:
            h = excess(s)
            if h <= 0.0:
                share = h_prev / (h_prev - h) if h_prev > h else 0.0
                return _at(frontier, prev + (s - prev) * share)
            prev, h_prev = s, h
        return _at(frontier, hi)
    ks = _bargaining_indices(frontier)
    if not ks:
        return _no_deal(frontier)
    gains = [_gains(frontier.points[k], d) for k in ks]
    reach_a = max(g[0] for g in gains) or 1.0
    reach_b = max(g[1] for g in gains) or 1.0
    best = max(range(len(ks)), key=lambda i: (min(gains[i][0] / reach_a, gains[i][1] / reach_b),
                                               gains[i][0] + gains[i][1]))
    return _at(frontier, ks[best])


def max_welfare_point(frontier: Frontier) -> Solution:
    """The largest u_a + u_b in the bargaining set (anywhere on the frontier if empty)."""
    if frontier.continuous:
        lo, hi = ir_range(frontier.points, frontier.disagreement) or (0.0, len(frontier.points) - 1)
        candidates = [lo, *range(math.floor(lo) + 1, math.ceil(hi)), hi]
    else:
        candidates = _bargaining_indices(frontier) or list(range(len(frontier.points)))
    best = max(candidates, key=lambda s: sum(frontier.point_at(s)))
    return _at(frontier, best)


@dataclass(frozen=True, slots=True)
class Assessment:
    """An outcome (an agreement's utilities, or d for no deal) against the solutions."""

    utilities: Point
    nash: Solution
    kalai_smorodinsky: Solution
    max_welfare: Solution
    pareto_optimal: bool

    @property
    def nash_distance(self) -> float:
        return math.dist(self.utilities, self.nash.utilities)

    @property
    def ks_distance(self) -> float:
        return math.dist(self.utilities, self.kalai_smorodinsky.utilities)

    @property
    def welfare_distance(self) -> float:
        return math.dist(self.utilities, self.max_welfare.utilities)


def assess(frontier: Frontier, utilities: Point, power: float = 0.5) -> Assessment:
    """Distances from `utilities` to each solution and whether it is Pareto-optimal."""
    return Assessment(utilities, nash_point(frontier, power), kalai_smorodinsky_point(frontier),
                      max_welfare_point(frontier), not frontier.dominates(utilities))
