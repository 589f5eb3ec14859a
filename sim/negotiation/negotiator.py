"""A negotiator: how one party proposes and responds in alternating offers.

Each round one party *proposes* an offer (a full package of positions) and the other
*responds*: it accepts or rejects. A proposer may instead walk away (propose None),
which ends the talks without agreement. A strategy is one function from a `Seat` (the
agenda, which party you are, the deadline, your tactic parameters) to a `Negotiator`,
the pair of functions `propose(k, history)` and `accepts(k, offer, utility, history)`.
Both are deterministic in the round k and the offers seen so far; strategies that
randomise draw everything up front from the seat's seed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.negotiation.agenda import EDGE, Agenda, Package, Party, Scorer

Offer = Package
EPS = 1e-9  # utilities this close count as equal in acceptance rules


@dataclass(slots=True)
class History:
    """What one party has seen: its own offers, the opponent's, and what those are worth
    to it (`received[n]` is its utility of `theirs[n]`)."""

    own: list[Offer] = field(default_factory=list)
    theirs: list[Offer] = field(default_factory=list)
    received: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Negotiator:
    """A party's decisions: the offer it makes in round k (None: it walks away), and
    whether it accepts an offer."""

    propose: Callable[[int, History], Offer | None]
    accepts: Callable[[int, Offer, float, History], bool]


@dataclass(frozen=True)
class Seat:
    """One party's place at the table: what a strategy is built from."""

    agenda: Agenda
    me: int  # 0: party a, 1: party b
    deadline: int  # rounds; the time-dependent tactics reach alpha = 1 at round deadline - 1
    kappa: float = 0.0  # initial concession of the Faratin tactics
    beta: float | None = None  # concession exponent; None: the strategy's preset
    seed: int = 0  # root seed of the strategies that randomise ...
    stream: tuple[int, ...] = ()  # ... drawing from SeedSequence(seed, (*stream, me))

    def rng(self) -> np.random.Generator:
        """This seat's own random stream (built only by strategies that randomise)."""
        key = (*self.stream, self.me)
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    @property
    def t_max(self) -> int:
        return max(self.deadline - 1, 1)

    @property
    def party(self) -> Party:
        return self.agenda.parties[self.me]

    @property
    def scorer(self) -> Scorer:
        return self.agenda.scorers[self.me]

    @functools.cached_property
    def disagreement(self) -> float:
        """This party's disagreement utility."""
        return self.agenda.disagreement_point()[self.me]

    def within_own(self, offer: Offer) -> bool:
        """True when this party's constituents would ratify the offer."""
        return all(low - EDGE <= offer[j] <= high + EDGE
                   for j, _, _, low, high in self.agenda.concession_paths[self.me])

    def offer_at(self, alpha: float) -> Offer:
        """Faratin's offer: on each negotiable issue the ideal point moved a share alpha
        toward the reservation (on the grid and inside the win-set); the rest at status quo."""
        steps = self.agenda.levels - 1  # grid steps; <= 0 when continuous
        package = list(self.agenda.status_quo)
        for j, ideal, reach, low, high in self.agenda.concession_paths[self.me]:
            x = ideal + alpha * reach
            if steps > 0:
                x = round(x * steps) / steps
            package[j] = high if x > high else low if x < low else x
        return tuple(package)

    def grid_cell(self, alpha: float) -> tuple[float, float]:
        """An open interval of alphas around `alpha` whose offers equal `offer_at(alpha)`
        (they round to the same grid values); empty when the agenda is continuous."""
        steps = self.agenda.levels - 1
        if steps <= 0:
            return alpha, alpha
        lo, hi = float("-inf"), float("inf")
        for _, ideal, reach, _, _ in self.agenda.concession_paths[self.me]:
            if reach != 0.0:
                mid = round((ideal + alpha * reach) * steps)
                a1 = ((mid - 0.5) / steps - ideal) / reach
                a2 = ((mid + 0.5) / steps - ideal) / reach
                lo, hi = max(lo, min(a1, a2)), min(hi, max(a1, a2))
        return lo + EPS, hi - EPS


Builder = Callable[[Seat], Negotiator]
