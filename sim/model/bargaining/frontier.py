"""The Pareto frontier of an agenda, issue by issue.

Utilities are additive over independent issues, so the frontier is built per issue.

*Continuous issues.* On issue j a package may take any position in the overlap [L, H] of
the win-sets. Only positions between the two ideal points (clipped to [L, H]) are
efficient, and along that stretch, from x0 = clip(ideal_a) to x1 = clip(ideal_b), party a
loses and party b gains utility *linearly* (each value is a tent 1 - |x - ideal| / span,
and the stretch never crosses a's or b's ideal). So each issue is a straight "trade":
a loses `loss_j`, b gains `gain_j`. The frontier of the sum is the polyline that starts
at the package best for a and makes the trades in decreasing order of gain_j / loss_j
(b's gain per unit of a's loss): a concave chain, one vertex per issue, found by a sort.

*Discretised issues.* Each issue keeps its efficient grid values; the sets are added one
issue at a time, pruning dominated partial sums after each (exact: a package with a
dominated part is dominated).

Points run from a's best to b's best: a's utility falls, b's rises.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, overload

from sim.model.bargaining.agenda import Agenda, Package, Point

TOL = 1e-9


@dataclass(frozen=True, slots=True)
class Frontier:
    """Pareto-optimal utility pairs, their packages and the disagreement point.

    `continuous`: every point of the polyline through `points` is feasible, and the
    package along a segment moves linearly; otherwise only the points themselves are.
    """

    points: tuple[Point, ...]
    packages: Sequence[Package]  # a tuple, or the `SampledPackages` of a linked frontier
    disagreement: Point
    continuous: bool
    # discrete frontiers, for searching the points by utility: -u_a and u_b (both rising)
    neg_a: list[float] = field(init=False, compare=False, repr=False)
    b: list[float] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        discrete = not self.continuous
        object.__setattr__(self, "neg_a", [-ua for ua, _ in self.points] if discrete else [])
        object.__setattr__(self, "b", [ub for _, ub in self.points] if discrete else [])

    def point_at(self, s: float) -> Point:
        """The point at parameter s: vertex floor(s), a share s - floor(s) to the next."""
        return point_at(self.points, s)

    def package_at(self, s: float) -> Package:
        """The package at parameter s, interpolated as `point_at` is."""
        k = min(int(s), len(self.packages) - 1)
        t = s - k
        if t <= 0.0 or k == len(self.packages) - 1:
            return self.packages[k]
        return between(self.packages[k], self.packages[k + 1], t)

    def at(self, s: float) -> tuple[Package, Point]:
        """`(package_at(s), point_at(s))`, the segment found once."""
        points, packages = self.points, self.packages
        last = len(points) - 1
        k = int(s)
        if k > last:
            k = last
        t = s - k
        if t <= 0.0 or k == last:
            return packages[k], points[k]
        (pa, pb), (qa, qb) = points[k], points[k + 1]
        return between(packages[k], packages[k + 1], t), (pa + t * (qa - pa), pb + t * (qb - pb))

    def dominates(self, u: Point, tol: float = TOL) -> bool:
        """True when a feasible point is at least as good for both, better for one."""
        if self.continuous:
            return polyline_dominates(self.points, u, tol)
        a_low, b_low, a_high, b_high = u[0] - tol, u[1] - tol, u[0] + tol, u[1] + tol
        for pa, pb in self.points:
            if pa >= a_low and pb >= b_low and (pa > a_high or pb > b_high):
                return True
        return False


def between(p: Package, q: Package, t: float) -> Package:
    """The package a share t of the way from p to q (packages of one agenda: one length)."""
    return tuple([x + t * (q[j] - x) for j, x in enumerate(p)])


def point_at(points: Sequence[Point], s: float) -> Point:
    """The point at parameter s along the polyline (vertex k at s = k), s clipped to it."""
    k = min(int(s), len(points) - 1)
    t = s - k
    if t <= 0.0 or k == len(points) - 1:  # also s a rounding step past the last vertex
        return points[k]
    (pa, pb), (qa, qb) = points[k], points[k + 1]
    return pa + t * (qa - pa), pb + t * (qb - pb)


def param_at_a(points: Sequence[Point], a: float) -> float:
    """The polyline parameter where a's utility falls to `a` (0 above, the end below)."""
    for k, ((pa, _), (qa, _)) in enumerate(itertools.pairwise(points)):
        if qa <= a:
            return float(k) if pa <= a else k + (pa - a) / (pa - qa)
    return float(len(points) - 1)


def param_at_b(points: Sequence[Point], b: float) -> float:
    """The polyline parameter where b's utility first reaches `b` (the end if never)."""
    for k, ((_, pb), (_, qb)) in enumerate(itertools.pairwise(points)):
        if qb >= b:
            return float(k) if pb >= b else k + (b - pb) / (qb - pb)
    return float(len(points) - 1)


def b_at_a(points: Sequence[Point], a: float) -> float:
    """The most b can get while a gets at least `a` (-inf if a is out of reach)."""
    if a > points[0][0]:
        return float("-inf")
    return point_at(points, param_at_a(points, a))[1]


def a_at_b(points: Sequence[Point], b: float) -> float:
    """The most a can get while b gets at least `b` (-inf if b is out of reach)."""
    if b > points[-1][1]:
        return float("-inf")
    return point_at(points, param_at_b(points, b))[0]


def polyline_dominates(points: Sequence[Point], u: Point, tol: float = TOL) -> bool:
    """True when a point of the polyline frontier is as good as `u` for one party and
    better by more than `tol` for the other."""
    return b_at_a(points, u[0]) > u[1] + tol or a_at_b(points, u[1]) > u[0] + tol


def ir_range(points: Sequence[Point], d: Point) -> tuple[float, float] | None:
    """Parameters [s_lo, s_hi] of the part of a polyline frontier where both get at
    least their disagreement utility, or None when no such part exists."""
    last = len(points) - 1
    lo = hi = None
    if points[0][1] >= d[1]:
        lo = 0.0
    if points[last][0] >= d[0]:
        hi = float(last)
    for k in range(last):
        (pa, pb), (qa, qb) = points[k], points[k + 1]
        if lo is None and qb >= d[1]:
            lo = k + (d[1] - pb) / (qb - pb)
        if hi is None and qa < d[0] <= pa:
            hi = k + (pa - d[0]) / (pa - qa)
    if lo is None or hi is None or lo > hi + 1e-12:
        return None
    return lo, max(lo, hi)


Trade = tuple[float, float, float, int, float]  # (gain / loss, loss, gain, issue, b's best)


def issue_trade(j: int, low: float, high: float, ideal_a: float, ideal_b: float,
                slope_a: float, slope_b: float) -> tuple[float, Trade | None] | None:
    """Issue j on the frontier, free to move in [low, high] (the win-sets' overlap): the
    position where the frontier starts (a's best there) and the trade toward b's best,
    if moving helps b and costs a; None when the interval is empty. `slope_i` is
    weight / span: utility lost per unit of distance from the ideal point."""
    if low > high:
        return None
    x0 = high if ideal_a > high else low if ideal_a < low else ideal_a
    x1 = high if ideal_b > high else low if ideal_b < low else ideal_b
    loss = slope_a * (abs(x1 - ideal_a) - abs(x0 - ideal_a))
    gain = slope_b * (abs(x0 - ideal_b) - abs(x1 - ideal_b))
    if gain <= 0.0:
        return x0, None  # b gains nothing by moving: a's best is efficient
    if loss <= 0.0:
        return x1, None  # a loses nothing by moving: b's best is efficient
    return x0, (gain / loss, loss, gain, j, x1)


def chain(ua: float, ub: float, moves: list[Trade]) -> list[Point]:
    """The frontier's vertices: from (ua, ub) at a's best, the trades best rate first."""
    moves.sort(reverse=True)
    points = [(ua, ub)]
    for _, loss, gain, _, _ in moves:
        ua -= loss
        ub += gain
        points.append((ua, ub))
    return points


def polyline(agenda: Agenda, spans: Iterable[tuple[int, float, float]]) -> Frontier:
    """The continuous frontier when each listed issue j may move inside [low, high] (where
    the win-sets overlap) and every other issue stays at its status quo."""
    start, moves = list(agenda.status_quo), []
    stances_a, stances_b = agenda.parties[0].stances, agenda.parties[1].stances
    for j, low, high in spans:
        a, b = stances_a[j], stances_b[j]
        placed = issue_trade(j, low, high, a.ideal, b.ideal, a.weight / a.span,
                             b.weight / b.span)
        if placed is not None:
            start[j], move = placed
            if move is not None:
                moves.append(move)
    points = chain(*agenda.utilities(tuple(start)), moves)
    packages = [tuple(start)]
    for _, _, _, j, x1 in moves:
        start[j] = x1
        packages.append(tuple(start))
    return Frontier(tuple(points), tuple(packages), agenda.disagreement_point(), True)


def continuous_frontier(agenda: Agenda) -> Frontier:
    a, b = agenda.parties
    spans = []
    for j in agenda.negotiable:
        sa, sb = a.stances[j], b.stances[j]
        spans.append((j, sa.low if sa.low > sb.low else sb.low,
                      sa.high if sa.high < sb.high else sb.high))
    return polyline(agenda, spans)


T = TypeVar("T")


def pareto_filter(items: Iterable[tuple[float, float, T]]) -> list[tuple[float, float, T]]:
    """The non-dominated (u_a, u_b, payload) items, a's utility falling (ties: b's
    falling, then in the order given)."""
    listed = list(items)
    # sorted by (-u_a, -u_b, position): the stable sort by (-u_a, -u_b), without a key
    order = sorted([(-ua, -ub, n) for n, (ua, ub, _) in enumerate(listed)])
    kept: list[tuple[float, float, T]] = []
    best_b = float("-inf")
    for _, neg_b, n in order:
        if -neg_b > best_b + 1e-12:
            kept.append(listed[n])
            best_b = -neg_b
    return kept


def discrete_frontier(agenda: Agenda) -> Frontier:
    a, b = agenda.parties
    sq = agenda.status_quo
    fixed = [j for j in range(len(sq)) if j not in agenda.negotiable]
    base_a = sum(a.stances[j].weight * a.stances[j].value(sq[j]) for j in fixed)
    base_b = sum(b.stances[j].weight * b.stances[j].value(sq[j]) for j in fixed)
    partial: list[tuple[float, float, Package]] = [(base_a, base_b, ())]
    for j in agenda.negotiable:
        sa, sb = a.stances[j], b.stances[j]
        values = pareto_filter((sa.weight * sa.value(x), sb.weight * sb.value(x), (x,))
                               for x in agenda.options(j))
        partial = pareto_filter((ua + va, ub + vb, pos + x)
                                for ua, ub, pos in partial for va, vb, x in values)
    packages = []
    for _, _, pos in partial:
        package = list(sq)
        for j, x in zip(agenda.negotiable, pos, strict=True):
            package[j] = x
        packages.append(tuple(package))
    return Frontier(tuple((ua, ub) for ua, ub, _ in partial), tuple(packages),
                    agenda.disagreement_point(), False)


def concession_range(frontier: Frontier, me: int) -> tuple[float, float] | None:
    """Party `me`'s utility at its own best and at the other's best of the bargaining set
    (the frontier where both get at least d); None when that set is empty."""
    return concession_ranges(frontier)[me]


def concession_ranges(frontier: Frontier) -> tuple[tuple[float, float] | None,
                                                    tuple[float, float] | None]:
    """Both parties' `concession_range`, the bargaining set found once."""
    points = frontier.points
    if frontier.continuous:
        span = ir_range(points, frontier.disagreement)
        if span is None:
            return None, None
        a_best, b_best = point_at(points, span[0]), point_at(points, span[1])
    else:
        d = frontier.disagreement
        ks = [k for k, (ua, ub) in enumerate(points) if ua >= d[0] - TOL and ub >= d[1] - TOL]
        if not ks:
            return None, None
        a_best, b_best = points[ks[0]], points[ks[-1]]
    return (a_best[0], b_best[0]), (b_best[1], a_best[1])


def trade_off(frontier: Frontier, me: int, aspiration: float) -> tuple[Package, Point]:
    """The package best for the other party among those worth `aspiration` to `me`, and
    its utilities: the frontier point at that utility (Faratin, Sierra & Jennings 2002
    trade-offs with complete information). Points run from a's best to b's best."""
    points = frontier.points
    if frontier.continuous:
        # param_at_a(points, aspiration) (or param_at_b for b), inlined: every round of
        # every session asks for one
        last = len(points) - 1
        s = float(last)
        if me == 0:
            for k in range(last):
                pa, qa = points[k][0], points[k + 1][0]
                if qa <= aspiration:
                    s = float(k) if pa <= aspiration else k + (pa - aspiration) / (pa - qa)
                    break
        else:
            for k in range(last):
                pb, qb = points[k][1], points[k + 1][1]
                if qb >= aspiration:
                    s = float(k) if pb >= aspiration else k + (aspiration - pb) / (qb - pb)
                    break
        return frontier.at(s)
    # the points worth at least the aspiration to `me` are a run from me's own best end:
    # a's utility falls along them (keep the last one still worth it), b's rises (the first)
    floor = aspiration - TOL
    if me == 0:
        k = bisect_right(frontier.neg_a, -floor) - 1
        k = k if k > 0 else 0
    else:
        k = bisect_left(frontier.b, floor)
        k = k if k < len(points) else len(points) - 1
    return frontier.packages[k], points[k]


SAMPLES_PER_SEGMENT = 8  # points per segment when regimes of a linked agenda are merged


SHARES = tuple(j / SAMPLES_PER_SEGMENT for j in range(1, SAMPLES_PER_SEGMENT))


def linked_frontier(agenda: Agenda) -> Frontier:
    """The frontier of an agenda with linkage: the upper envelope of each regime's
    frontier. Packages of different regimes cannot be mixed, so the envelope is kept as
    points, each regime's polyline sampled along its segments (at s = k / 8)."""
    items: list[tuple[float, float, int]] = []  # (u_a, u_b, sample number)
    lines: list[tuple[int, Frontier]] = []  # each regime's polyline, from its first sample
    for regime in agenda.boxes:
        line = polyline(agenda, ((j, box[0], box[1]) for j, box in enumerate(regime)
                                 if box is not None))
        lines.append((len(items), line))
        points = line.points
        # line.point_at(k / 8), by segment v: the share k / 8 - v along it is exactly j / 8
        for v in range(len(points) - 1):
            (pa, pb), (qa, qb) = points[v], points[v + 1]
            da, db = qa - pa, qb - pb
            n = len(items)
            items.append((pa, pb, n))
            items += [(pa + t * da, pb + t * db, n + m) for m, t in enumerate(SHARES, 1)]
        items.append((*points[-1], len(items)))
    kept = pareto_filter(items)
    return Frontier(tuple([(ua, ub) for ua, ub, _ in kept]),
                    SampledPackages(lines, [n for _, _, n in kept]),
                    agenda.disagreement_point(), False)


class SampledPackages(Sequence[Package]):
    """The packages of a linked frontier's points, each made the first time it is read:
    the envelope keeps dozens of sampled points, a session offers a handful of them.
    Equal to the tuple of the same packages."""

    __slots__ = ("lines", "made", "samples")

    def __init__(self, lines: list[tuple[int, Frontier]], samples: list[int]) -> None:
        self.lines = lines  # each regime's polyline, from its first sample number
        self.samples = samples  # the sample number of each point kept
        self.made: list[Package | None] = [None] * len(samples)

    def __len__(self) -> int:
        return len(self.samples)

    @overload
    def __getitem__(self, k: int) -> Package: ...

    @overload
    def __getitem__(self, k: slice) -> tuple[Package, ...]: ...

    def __getitem__(self, k: int | slice) -> Package | tuple[Package, ...]:
        if isinstance(k, slice):
            return tuple(self)[k]
        made = self.made[k]
        if made is None:
            made = self.made[k] = self._package(self.samples[k])
        return made

    def _package(self, n: int) -> Package:
        """Sample n's package: `line.package_at(k / 8)` on its regime's polyline."""
        i = len(self.lines) - 1
        while self.lines[i][0] > n:  # the regime the sample belongs to
            i -= 1
        first, line = self.lines[i]
        v, j = divmod(n - first, SAMPLES_PER_SEGMENT)
        if j == 0:
            return line.packages[v]
        return between(line.packages[v], line.packages[v + 1], SHARES[j - 1])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


def frontier_of(agenda: Agenda) -> Frontier:
    """The Pareto frontier of an agenda's ratifiable packages (computed once per agenda)."""
    found = agenda.derived.get("frontier")
    if found is None:
        if agenda.links:
            found = linked_frontier(agenda)
        elif agenda.discrete:
            found = discrete_frontier(agenda)
        else:
            found = continuous_frontier(agenda)
        agenda.derived["frontier"] = found
    assert isinstance(found, Frontier)
    return found
