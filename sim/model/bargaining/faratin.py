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
from sim.model.bargaining.negotiator import (
    EPS,
    History,
    Negotiator,
    Offer,
    Schedule,
    Seat,
    concession_ranges_on,
)


def walks_away(seat: Seat) -> Negotiator:
    """No package is better than disagreement for both: propose nothing, accept nothing."""
    return Negotiator(lambda k, history: None, lambda k, offer, utility, history: False,
                      reads_history=False)


def time_dependent(seat: Seat, kind: str = "polynomial") -> Negotiator:
    """The time-dependent tactic `kind` ("polynomial" or "exponential") in this seat: a
    `Schedule` along the curve's alphas.

    It depends on the agenda and these parameters only: built once per agenda and shared
    by every session on it, with its plan of offers (a tournament plays each agenda many
    times)."""
    agenda, me, t_max = seat.agenda, seat.me, seat.t_max
    key = ("time_dependent", kind, me, t_max, seat.kappa, seat.beta)
    derived = agenda.derived
    built = derived.get(key)
    if built is not None:
        return built  # type: ignore[return-value]
    ranges = concession_ranges_on(agenda)[me]  # seat.aspirations
    if ranges is None:
        return walks_away(seat)
    assert seat.beta is not None  # resolved by the registry
    plan = Schedule(seat, alpha_table(kind, t_max, seat.kappa, seat.beta), ranges)
    built = derived[key] = Negotiator(plan.propose, plan.accepts, reads_history=False,
                                      schedule=plan)
    return built


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
