"""Faratin, Sierra & Jennings negotiators: time-dependent and reciprocating tactics.

A tactic sets how much a party still asks for: its aspiration falls from its best
utility in the bargaining set toward its reservation (the other's best) as alpha runs
from 0 to 1. The offer at an aspiration is a trade-off (Faratin, Sierra & Jennings
2002): the package best for the other party among those worth the aspiration, a point of
the Pareto frontier, so issues are traded against each other (logrolling). Acceptance is
Faratin's rule: accept an offer worth at least as much as one's own next offer.

- time-dependent: alpha follows a polynomial or exponential curve of the round
  (`sim.model.bargaining.curves`);
- tit-for-tat: alpha mirrors the opponent's concession so far, measured by one's own
  utility (the n-th offer has conceded the share (u_n - u_1) / (u_best - u_1) of the way
  from its opening to one's best). Plain imitation deadlocks when both wait for the
  other, so this tit-for-tat is *nice*: it opens with a concession `kappa` (Osgood's
  GRIT initiative) and falls back toward its reservation near the deadline along a
  Boulware curve of exponent `beta` (Baarslag, Hindriks & Jonker 2013).
"""

from __future__ import annotations

from sim.model.bargaining.curves import alpha_table
from sim.model.bargaining.negotiator import EPS, History, Negotiator, Offer, Seat


def walks_away(seat: Seat) -> Negotiator:
    """No package is better than disagreement for both: propose nothing, accept nothing."""
    return Negotiator(lambda k, history: None, lambda k, offer, utility, history: False,
                      reads_history=False)


def time_dependent(seat: Seat, kind: str = "polynomial") -> Negotiator:
    """The time-dependent tactic `kind` ("polynomial" or "exponential") in this seat."""
    if seat.aspirations is None:
        return walks_away(seat)
    assert seat.beta is not None  # resolved by the registry
    alphas = alpha_table(kind, seat.t_max, seat.kappa, seat.beta)
    last = len(alphas) - 1
    offer_at = seat.valued_offers()
    ratifies, me = seat.agenda.ratifies, seat.me
    # the plan depends on the agenda and these parameters only: shared by every session
    # on the agenda (a tournament plays each agenda many times)
    key = ("time_dependent", kind, me, seat.t_max, seat.kappa, seat.beta)
    planned = seat.agenda.derived.get(key)
    if planned is None:
        planned = seat.agenda.derived[key] = [None] * len(alphas)
    assert isinstance(planned, list)

    def plan(k: int) -> tuple[Offer, float]:
        """Own offer in round k (k <= last) and its utility, computed once."""
        got = planned[k] = offer_at(alphas[k])
        return got

    # both read the plan directly, computing a round only the first time (hot loop)
    def propose(k: int, history: History) -> Offer:
        k = k if k < last else last
        got: tuple[Offer, float] | None = planned[k]
        return (got or plan(k))[0]

    def accepts(k: int, offer: Offer, utility: float, history: History) -> bool:
        k = k + 1 if k + 1 < last else last  # own offer of the next round
        got: tuple[Offer, float] | None = planned[k]
        return utility >= (got or plan(k))[1] - EPS and ratifies(me, offer)

    return Negotiator(propose, accepts, reads_history=False)


def polynomial(seat: Seat) -> Negotiator:
    """Faratin's polynomial curve: alpha = kappa + (1 - kappa) (t / t_max)^(1 / beta)."""
    return time_dependent(seat, "polynomial")


def exponential(seat: Seat) -> Negotiator:
    """Faratin's exponential curve: alpha = exp((1 - t / t_max)^beta ln kappa), kappa > 0."""
    return time_dependent(seat, "exponential")


def perceived_concession(received: list[float], best: float) -> float:
    """The opponent's concession so far as one's own utility sees it, in [0, 1]."""
    if len(received) < 2:
        return 0.0
    first = received[0]
    room = best - first
    if room <= EPS:
        return 1.0
    return min(1.0, max(0.0, (max(received) - first) / room))


def tit_for_tat(seat: Seat, relative: bool = True) -> Negotiator:
    """Nice tit-for-tat: mirror the opponent's concession (relative: the remaining
    distance shrinks by the share the opponent conceded; absolute: the same share is
    added), never below the opening `kappa` nor the deadline fallback."""
    if seat.aspirations is None:
        return walks_away(seat)
    assert seat.beta is not None  # resolved by the registry
    opening = seat.kappa
    fallback = alpha_table("polynomial", seat.t_max, 0.0, seat.beta)
    last = len(fallback) - 1
    best = seat.aspirations[0]

    def alpha(k: int, received: list[float]) -> float:
        c = perceived_concession(received, best)
        mirrored = 1.0 - (1.0 - opening) * (1.0 - c) if relative else opening + c
        return min(1.0, max(mirrored, fallback[k if k < last else last]))

    def propose(k: int, history: History) -> Offer:
        return seat.offer_at(alpha(k, history.received))

    def accepts(k: int, offer: Offer, utility: float, history: History) -> bool:
        own_next = seat.aspiration(alpha(k + 1, history.received))
        return utility >= own_next - EPS and seat.within_own(offer)

    return Negotiator(propose, accepts)


def tit_for_tat_absolute(seat: Seat) -> Negotiator:
    """Nice tit-for-tat adding the opponent's concession share to its own."""
    return tit_for_tat(seat, relative=False)
