"""A bargaining session in the world: the agenda of the day, talks that may break off.

The parties bargain over packages on the open issues of a meeting's agenda with their
stances of the day (concessions, domestic pressure and shocks applied; at the summit,
widened by the leaders' latitude), through the one negotiation core
(`sim.model.bargaining.session`). Each round the talks break off with chance
walk_away * tension, so they last a geometric number of rounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.model.bargaining.agenda import Agenda, Link
from sim.model.bargaining.agenda import Party as Side
from sim.model.bargaining.frontier import frontier_of
from sim.model.bargaining.session import SessionResult, negotiate
from sim.model.bargaining.solutions import nash_point
from sim.model.preferences import Stance, widen
from sim.scenario import Party
from sim.world.state import WorldState


def talk_rounds(deadline: int, tension: float, walk_away: float, u: float) -> int:
    """Rounds the talks last: each round they break off with chance walk_away * tension.

    The number of rounds is geometric, drawn by inversion from one uniform u in [0, 1).
    """
    p = walk_away * tension
    if p <= 0.0:
        return deadline
    if p >= 1.0:
        return 1
    n = math.log1p(-u) / math.log1p(-p)  # inf when p is so small that log1p(-p) underflows
    return max(1, math.ceil(n)) if n < deadline else deadline


@dataclass(frozen=True, slots=True)
class Talks:
    """What a session settles if it runs its course, and when."""

    issues: tuple[int, ...]  # the issues on the table: open, both win-sets overlapping
    agenda: Agenda | None  # those issues with the parties' stances of the day
    deals: dict[int, float]  # issue -> position agreed if the talks last long enough
    round: int  # the round of that agreement (-1: none)
    break_chance: float  # per round

    @property
    def negotiable(self) -> bool:
        """Some issue lies in both win-sets."""
        return self.agenda is not None

    def quality(self, deals: dict[int, float]) -> tuple[float, bool]:
        """(Nash distance, Pareto-optimal) of `deals` (or of no deal) on this agenda."""
        assert self.agenda is not None
        package = tuple(deals.get(j, x) for j, x in zip(self.issues, self.agenda.status_quo,
                                                          strict=True))
        frontier = frontier_of(self.agenda)
        u = self.agenda.utilities(package)
        return math.dist(u, nash_point(frontier).utilities), not frontier.dominates(u)

    def survives(self) -> float:
        """The chance the talks last long enough to reach the agreement."""
        return (1.0 - self.break_chance) ** self.round if self.round >= 0 else 0.0


NO_TALKS = Talks((), None, {}, -1, 0.0)  # nothing on the table (never broken off: no rounds)

LiveLink = tuple[int, tuple[int, int, float, float, float]]  # side, (issue, on, price, low, high)


def live_links(parties: Sequence[Party], order: tuple[int, int], issues: list[int],
               mine: list[Stance], theirs: list[Stance], latitude: float) -> list[LiveLink]:
    """The parties' linkages live on this table: both could put the price on it, and the
    widened win-set meets the other's (by side: 0 for `order[0]`)."""
    if not (parties[order[0]].links or parties[order[1]].links):
        return []
    linked = []
    for side, party in enumerate(order):
        for j, on, at_least, low, high in parties[party].links:
            if j not in issues or on not in issues:
                continue
            price = issues.index(on)
            if min(mine[price].high, theirs[price].high) >= at_least:
                low, high = max(0.0, low - latitude), min(1.0, high + latitude)
                other = (theirs if side == 0 else mine)[issues.index(j)]
                if max(low, other.low) <= min(high, other.high):
                    linked.append((side, (j, on, at_least, low, high)))
    return linked


def prepare(w: WorldState, issues: list[int], deadline: int, first: int,
            latitude: float = 0.0) -> Talks:
    """Bargain out the session on `issues` now, as it would go with no walk-out.

    Only the issues on which both win-sets overlap, or that a linkage ties together, are
    put on the table."""
    t = w.env.now
    sc = w.sc
    order = (first, 1 - first)
    mine, theirs = w.stances_now(first, issues, t), w.stances_now(1 - first, issues, t)
    if latitude > 0.0:
        mine = [widen(s, latitude) for s in mine]
        theirs = [widen(s, latitude) for s in theirs]
    linked = live_links(w.sc.parties, order, issues, mine, theirs, latitude)
    in_links = {j for _, link in linked for j in link[:2]} if linked else ()
    table: list[int] = []
    stances: tuple[list[Stance], list[Stance]] = ([], [])
    for j, a, b in zip(issues, mine, theirs, strict=True):
        if (a.low if a.low > b.low else b.low) <= (a.high if a.high < b.high else b.high) or (
                j in in_links):
            table.append(j)
            stances[0].append(a)
            stances[1].append(b)
    if not table:
        return NO_TALKS
    links: tuple[Link, ...] = ()
    if linked:
        at = {j: k for k, j in enumerate(table)}
        links = tuple(Link(side, at[j], at[on], at_least, low, high)
                      for side, (j, on, at_least, low, high) in linked)
    host, guest = sc.parties[first], sc.parties[1 - first]
    sides = (Side(host.name, tuple(stances[0]), host.discount),
             Side(guest.name, tuple(stances[1]), guest.discount))
    agenda = Agenda(tuple([sc.issues[j] for j in table]),
                    tuple([sc.status_quo[j] for j in table]), sides, links=links)
    if not agenda.negotiable:
        return NO_TALKS
    break_chance = min(1.0, sc.walk_away * w.tension.at(t))
    specs = (host.strategy, guest.strategy)
    # only the random baseline draws its offers, from a seed of the bargaining stream
    randomised = specs[0].name == "random" or specs[1].name == "random"
    seed = int(w.rng.bargaining.integers(2**32)) if randomised else 0
    result: SessionResult = negotiate(agenda, specs, deadline, seed=seed)
    deals: dict[int, float] = {}
    if result.agreement is not None:
        deals = {table[k]: result.agreement[k] for k in agenda.settled(result.agreement)}
    return Talks(tuple(table), agenda, deals,
                 result.rounds - 1 if result.agreement is not None else -1, break_chance)


def hold(w: WorldState, talks: Talks, deadline: int) -> dict[int, float]:
    """Draw how long the talks last; the deals if they reach their agreement, else {}."""
    n = talk_rounds(deadline, w.tension.at(w.env.now), w.sc.walk_away,
                    float(w.rng.bargaining.random()))
    return dict(talks.deals) if 0 <= talks.round < n else {}
