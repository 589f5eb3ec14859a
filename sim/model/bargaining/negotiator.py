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

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from sim.model.bargaining.agenda import Agenda, Package, Party, Scorer
from sim.model.bargaining.frontier import Frontier, concession_ranges, frontier_of, trade_off

Offer = Package
EPS = 1e-9  # utilities this close count as equal in acceptance rules


@dataclass(slots=True)
class History:
    """What one party has seen: its own offers, the opponent's, and what those are worth
    to it (`received[n]` is its utility of `theirs[n]`)."""

    own: list[Offer] = field(default_factory=list)
    theirs: list[Offer] = field(default_factory=list)
    received: list[float] = field(default_factory=list)


PlanEntry = tuple[Offer, float, float]  # an offer, its utility to its maker, to the other


class Negotiator(NamedTuple):
    """A party's decisions: the offer it makes in round k (None: it walks away), and
    whether it accepts an offer.

    An immutable record like the model's frozen dataclasses, but a named tuple, as `Seat`
    is: two of each are built for every session of every meeting, and a tuple is built
    in C."""

    propose: Callable[[int, History], Offer | None]
    accepts: Callable[[int, Offer, float, History], bool]
    reads_history: bool = True  # False: both decisions depend on the round alone
    schedule: Schedule | None = None  # its plan, when it follows one (both decisions above)


class Seat(NamedTuple):
    """One party's place at the table: what a strategy is built from. What it reads off
    the agenda (frontier, aspirations, disagreement) is computed once per agenda (an
    immutable record: a named tuple, see `Negotiator`)."""

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

    @property
    def disagreement(self) -> float:
        """This party's disagreement utility."""
        return self.agenda.disagreement_point()[self.me]

    def within_own(self, offer: Offer) -> bool:
        """True when this party's constituents would ratify the offer."""
        return self.agenda.ratifies(self.me, offer)

    @property
    def frontier(self) -> Frontier:
        return frontier_of(self.agenda)

    @property
    def aspirations(self) -> tuple[float, float] | None:
        """(own utility at own best, at the other's best) over the bargaining set."""
        return concession_ranges_on(self.agenda)[self.me]

    def aspiration(self, alpha: float) -> float:
        """The utility this party asks for after conceding a share alpha of its range."""
        assert self.aspirations is not None
        best, reservation = self.aspirations
        return best - alpha * (best - reservation)

    def offer_at(self, alpha: float) -> Offer:
        """The package best for the other party that still gives this party its
        aspiration at alpha: a point of the Pareto frontier (a trade-off offer)."""
        return trade_off(self.frontier, self.me, self.aspiration(alpha))[0]


class Schedule:
    """A negotiator whose offers are fixed by the round: in round k it offers the
    trade-off at concession `alphas[min(k, last)]` (`Seat.offer_at`), computed the first
    time with its utility to either party, and accepts an offer worth at least its own
    next offer to it (minus EPS) that its constituents ratify. It keeps no state between
    sessions, so one is shared by every session on an agenda; a session of two scheduled
    negotiators reads both plans through `entry` (`sim.model.bargaining.session`)."""

    # kept in the agenda's own cache: it refers to the agenda weakly, so that an agenda
    # no longer used is freed at once rather than by the cyclic garbage collector
    __slots__ = (
        "agenda",
        "alphas",
        "best",
        "frontier",
        "last",
        "me",
        "planned",
        "reservation",
    )

    def __init__(self, seat: Seat, alphas: tuple[float, ...],
                 ranges: tuple[float, float]) -> None:
        """`ranges`: the seat's aspirations (`seat.aspirations`), which its builder has
        read to know it bargains at all."""
        agenda, me = seat.agenda, seat.me
        self.agenda = weakref.ref(agenda)
        self.me = me
        self.alphas = alphas
        self.last = len(alphas) - 1
        self.planned: list[PlanEntry | None] = [None] * len(alphas)
        self.frontier = frontier_of(agenda)
        self.best, self.reservation = ranges

    def fill(self, k: int) -> PlanEntry:
        """Own offer in round k (k <= last), its utility and the other's, computed once (the
        utilities are the frontier point's: the package is on the frontier)."""
        best, me = self.best, self.me
        package, point = trade_off(self.frontier, me,
                                   best - self.alphas[k] * (best - self.reservation))
        got = self.planned[k] = (package, point[me], point[1 - me])
        return got

    def entry(self, k: int) -> PlanEntry:
        """The plan of round k (the last one's after it)."""
        i = k if k < self.last else self.last
        got = self.planned[i]
        return got if got is not None else self.fill(i)

    def propose(self, k: int, history: History) -> Offer:
        return self.entry(k)[0]

    def accepts(self, k: int, offer: Offer, utility: float, history: History) -> bool:
        if utility < self.entry(k + 1)[1] - EPS:  # own offer of the next round
            return False
        agenda = self.agenda()
        assert agenda is not None  # the session holds it
        return agenda.ratifies(self.me, offer)


def concession_ranges_on(agenda: Agenda) -> tuple[tuple[float, float] | None, ...]:
    """Both parties' `concession_range` on the agenda's frontier (computed once per agenda)."""
    found = agenda.derived.get("concession_ranges")
    if found is None:
        found = agenda.derived["concession_ranges"] = concession_ranges(frontier_of(agenda))
    return found  # type: ignore[return-value]


Builder = Callable[[Seat], Negotiator]
