"""The random baseline: zero intelligence, constrained (Gode & Sunder 1993).

It offers packages drawn uniformly from its own win-set (grid values when discretised)
among those at least as good for it as disagreement, all drawn up front from the
seat's seed, and accepts any offer its constituents would ratify that is at least as
good as disagreement. If none of its draws is, it walks away. Any strategy worth using
should beat it.
"""

from __future__ import annotations

import numpy as np

from sim.model.bargaining.negotiator import EPS, History, Negotiator, Offer, Seat

DRAWS_PER_ROUND = 8  # candidate packages drawn per round, before keeping the acceptable


def random_offers(seat: Seat) -> list[Offer]:
    """Up to one offer per round, inside the seat's own win-set and worth at least d."""
    rng = seat.rng()
    agenda, draws = seat.agenda, DRAWS_PER_ROUND * seat.deadline
    utility = np.full(draws, seat.scorer(agenda.status_quo))
    columns = {}
    for j, ideal, _, low, high in agenda.concession_paths[seat.me]:
        if agenda.discrete:
            m = agenda.levels - 1
            x = rng.integers(round(low * m), round(high * m) + 1, draws) / m
        else:
            x = rng.uniform(low, high, draws)
        stance = seat.party.stances[j]
        sq = stance.value(agenda.status_quo[j])
        utility += stance.weight * (1.0 - np.abs(x - ideal) / stance.span - sq)
        columns[j] = x
    keep = np.flatnonzero(utility >= seat.disagreement - EPS)[: seat.deadline]
    offers = []
    for k in keep:
        package = list(agenda.status_quo)
        for j, values in columns.items():
            package[j] = float(values[k])
        offers.append(tuple(package))
    return offers


def random_baseline(seat: Seat) -> Negotiator:
    offers = random_offers(seat)
    floor = seat.disagreement - EPS

    def propose(k: int, history: History) -> Offer | None:
        return offers[k % len(offers)] if offers else None

    def accepts(k: int, offer: Offer, utility: float, history: History) -> bool:
        return utility >= floor and seat.within_own(offer)

    return Negotiator(propose, accepts)
