"""Rubinstein (1982) equilibrium play: offer and accept the subgame-perfect split.

On a unit pie with discount factors d1, d2 the unique subgame-perfect equilibrium
agrees at once; the first proposer, party 1, gets x1 = (1 - d2) / (1 - d1 d2). On a
general frontier, with gains g measured from the disagreement point, the stationary
equilibrium is a pair of proposals: x by party a and y by party b, each leaving the
responder indifferent between accepting and proposing next round,

    g_b(x) = delta_b g_b(y),      g_a(y) = delta_a g_a(x).

Writing f(g_a) for b's largest gain given a's, a's gain in x solves
f(g) = delta_b f(delta_a g), found by bisection. A party that knows both discount
factors always proposes its equilibrium offer and accepts an offer worth at least
delta times its own (what it would get by proposing next round); with no deal better
than disagreement for both, it walks away. The deadline is
ignored: this is the infinite-horizon equilibrium. On a discretised agenda the frontier
is the polyline through the grid packages of the bargaining set, and each proposal is
rounded to the grid package best for the proposer that still gives the responder its
equilibrium gain.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.model.bargaining.agenda import Package, Point
from sim.model.bargaining.frontier import Frontier, b_at_a, frontier_of, ir_range, param_at_a
from sim.model.bargaining.negotiator import EPS, History, Negotiator, Offer, Seat

BISECTIONS = 200


def rubinstein_split(delta_1: float, delta_2: float) -> float:
    """Party 1's equilibrium share of a unit pie when party 1 proposes first."""
    return (1.0 - delta_2) / (1.0 - delta_1 * delta_2)


def _equilibrium_gain(f: Callable[[float], float], reach: float, deltas: Point) -> float:
    """a's gain in its own proposal: the root of f(g) - delta_b f(delta_a g) on [0, reach]."""
    delta_a, delta_b = deltas

    def excess(g: float) -> float:  # b's gain in x minus what b can secure by waiting
        return f(g) - delta_b * f(delta_a * g)

    if excess(reach) >= 0.0:
        return reach
    lo, hi = 0.0, reach
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break  # at float resolution
        if excess(mid) >= 0.0:
            lo = mid
        else:
            hi = mid
    return lo


def equilibrium(frontier: Frontier, deltas: Point) -> tuple[Package, Package] | None:
    """The equilibrium proposals (a's, b's), or None when no deal beats disagreement."""
    d = frontier.disagreement
    if not frontier.continuous:  # keep the grid packages at least as good as d for both
        keep = [k for k, (ua, ub) in enumerate(frontier.points)
                if ua >= d[0] - EPS and ub >= d[1] - EPS]
        if not keep:
            return None
        frontier = Frontier(tuple(frontier.points[k] for k in keep),
                            tuple(frontier.packages[k] for k in keep), d, False)
    points = frontier.points
    span = ir_range(points, d)
    if span is None:
        return None
    reach = frontier.point_at(span[0])[0] - d[0]

    def f(g: float) -> float:
        return b_at_a(points, d[0] + g) - d[1]

    g = _equilibrium_gain(f, reach, deltas)
    x, y = param_at_a(points, d[0] + g), param_at_a(points, d[0] + deltas[0] * g)
    if frontier.continuous:
        return frontier.package_at(x), frontier.package_at(y)
    return _on_grid(frontier, frontier.point_at(x)[1], 0), _on_grid(
        frontier, frontier.point_at(y)[0], 1)


def _on_grid(frontier: Frontier, responder_utility: float, proposer: int) -> Package:
    """The frontier package best for the proposer that gives the responder at least
    `responder_utility` (or, failing that, the most the responder can get)."""
    other = 1 - proposer
    ks = range(len(frontier.points))
    fits = [k for k in ks if frontier.points[k][other] >= responder_utility - EPS]
    if not fits:
        return frontier.packages[max(ks, key=lambda k: frontier.points[k][other])]
    return frontier.packages[max(fits, key=lambda k: frontier.points[k][proposer])]


def rubinstein(seat: Seat) -> Negotiator:
    agenda, me = seat.agenda, seat.me
    deltas = (agenda.parties[0].discount, agenda.parties[1].discount)
    proposals = equilibrium(frontier_of(agenda), deltas)
    proposal = None if proposals is None else proposals[me]
    d = seat.disagreement
    # accept what proposing next round would be worth now: delta times its gain
    threshold = 0.0 if proposal is None else max(0.0, deltas[me] * (seat.scorer(proposal) - d))

    def propose(k: int, history: History) -> Offer | None:
        return proposal

    def accepts(k: int, offer: Offer, utility: float, history: History) -> bool:
        return utility - d >= threshold - EPS and seat.within_own(offer)

    return Negotiator(propose, accepts)
