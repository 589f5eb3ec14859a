"""Zeuthen's (1930) concession rule, with complete information about both utilities.

Each party stands on a proposal. With gains measured from the disagreement point,
party i standing on x_i and facing x_j has

    Risk_i = (g_i(x_i) - g_i(x_j)) / g_i(x_i)     (1 when g_i(x_i) <= 0),

the largest probability of breakdown it would run rather than accept x_j. The party
with the smaller risk concedes; on a tie the party whose turn it is concedes. Harsanyi
(1956): the smaller risk belongs to the proposal with the smaller Nash product, so the
process climbs the Nash product to the Nash bargaining solution.

A concession is the smallest one that shifts the risk to the opponent (the proposal
best for oneself among those that do), chosen from the bargaining set: the frontier
points at least as good as disagreement for both (a continuous frontier is sampled at
101 evenly spaced points). If no proposal shifts the risk, the opponent's proposal is
the best one can do, and it is accepted. Acceptance: an offer at least as good as one's
own next proposal. With an empty bargaining set a Zeuthen party walks away.
"""

from __future__ import annotations

from sim.model.bargaining.agenda import Package, Point
from sim.model.bargaining.frontier import Frontier, frontier_of, ir_range
from sim.model.bargaining.negotiator import EPS, History, Negotiator, Offer, Seat

SAMPLES = 101  # points of a continuous bargaining set a Zeuthen party chooses among


def zeuthen_risk(own_gain_of_own: float, own_gain_of_theirs: float) -> float:
    """Risk_i: the share of its gain party i loses by accepting the other's proposal."""
    if own_gain_of_own <= 0.0:
        return 1.0
    return min(1.0, (own_gain_of_own - own_gain_of_theirs) / own_gain_of_own)


def concedes(own_risk: float, their_risk: float) -> bool:
    """Zeuthen: the party with the smaller risk concedes (both do on a tie)."""
    return own_risk <= their_risk


def bargaining_set(frontier: Frontier) -> list[tuple[Point, Package]]:
    """(gains over d, package) of the frontier points at least as good as d for both."""
    d = frontier.disagreement
    if frontier.continuous:
        span = ir_range(frontier.points, d)
        if span is None:
            return []
        lo, hi = span
        params = [lo + (hi - lo) * n / (SAMPLES - 1) for n in range(SAMPLES)]
    else:
        params = [float(k) for k, (ua, ub) in enumerate(frontier.points)
                  if ua >= d[0] - EPS and ub >= d[1] - EPS]
    out = []
    for s in params:
        ua, ub = frontier.point_at(s)
        out.append(((ua - d[0], ub - d[1]), frontier.package_at(s)))
    return out


def zeuthen(seat: Seat) -> Negotiator:
    agenda, me, other = seat.agenda, seat.me, 1 - seat.me
    d = agenda.disagreement_point()
    options = sorted(bargaining_set(frontier_of(agenda)), key=lambda o: -o[0][me])

    def gains(offer: Offer) -> Point:
        ua, ub = agenda.utilities(offer)
        return ua - d[0], ub - d[1]

    def propose(k: int, history: History) -> Offer | None:
        if not options:
            return None  # no deal is better than disagreement for both
        if not history.own or not history.theirs:
            return options[0][1]
        standing, facing = history.own[-1], history.theirs[-1]
        mine, theirs = gains(standing), gains(facing)
        if not concedes(zeuthen_risk(mine[me], theirs[me]),
                        zeuthen_risk(theirs[other], mine[other])):
            return standing
        for g, package in options:  # best for me first: the smallest sufficient concession
            if g[other] > mine[other] + EPS and (
                    zeuthen_risk(theirs[other], g[other]) <= zeuthen_risk(g[me], theirs[me])):
                return package
        return facing if theirs[me] >= -EPS and seat.within_own(facing) else standing

    def accepts(k: int, offer: Offer, utility: float, history: History) -> bool:
        gain = utility - d[me]
        if gain < -EPS or not seat.within_own(offer):
            return False
        own_next = propose(k + 1, history)
        return own_next is None or gain >= gains(own_next)[me] - EPS

    return Negotiator(propose, accepts)
