"""The agenda of a bilateral negotiation: issues, both parties' preferences, the grid.

Positions lie in [0, 1]. An agenda is continuous (`levels = 0`: any position) or
discretised (`levels = n >= 2`: the n values 0, 1/(n-1), ..., 1). Each party has a
`Stance` per issue (ideal point, normalised weight, win-set) from `sim.model.preferences`
and a discount factor. Win-sets are first-class (Putnam): an issue is *negotiable* only
when both win-sets share a position (on the grid, when discretised); every other issue
stays at its status quo whatever the parties do. The disagreement point is the pair of
utilities of the status quo unless one is given explicitly (a pie has d = (0, 0)).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.model.preferences import Stance, normalised_weights, shrink

Package = tuple[float, ...]  # one position per agenda issue
Point = tuple[float, float]  # (utility of party a, utility of party b)
ConcessionPath = tuple[int, float, float, float, float]  # issue, ideal, reach, low, high
EDGE = 1e-9  # slack when snapping win-set edges to the grid


@dataclass(frozen=True, slots=True)
class Party:
    """One side: its stance on each issue (weights sum to 1) and its discount factor."""

    name: str
    stances: tuple[Stance, ...]
    discount: float = 0.95  # delta in (0, 1): an agreement one round later is worth delta


def make_party(
    name: str,
    ideals: Sequence[float],
    weights: Sequence[float],
    win_sets: Sequence[tuple[float, float]],
    discount: float = 0.95,
) -> Party:
    """A party from per-issue ideal points, raw salience weights and win-sets."""
    norm = normalised_weights(weights)
    stances = tuple(
        Stance(float(a), w, float(lo), float(hi))
        for a, w, (lo, hi) in zip(ideals, norm, win_sets, strict=True)
    )
    return Party(name, stances, discount)


Scorer = Callable[[Package], float]
Box = tuple[float, float] | None  # an issue's ratifiable interval in a regime (None: not in play)


@dataclass(frozen=True, slots=True)
class Link:
    """Linkage: party `party` ratifies issue `issue` anywhere in [low, high] (its win-set
    widened) only in a package that puts issue `on` at `at_least` or more: a price paid on
    one issue for a concession on another (Tollison & Willett 1979; Sebenius 1983)."""

    party: int
    issue: int
    on: int
    at_least: float
    low: float
    high: float


def make_scorer(stances: Sequence[Stance], status_quo: Sequence[float],
                negotiable: Sequence[int]) -> Scorer:
    """A party's utility of a package: the additive utility of `sim.model.preferences`,
    with the issues that cannot move precomputed, and remembered per package (it is called
    once per offer, and sessions on one agenda offer the same frontier packages again)."""
    base = 0 if len(negotiable) == len(stances) else sum(
        stances[j].weight * stances[j].value(status_quo[j])
        for j in sorted(set(range(len(stances))) - set(negotiable)))
    terms = []
    for j in negotiable:
        s = stances[j]
        terms.append((j, s.ideal, s.weight, s.weight / s.span))
    known: dict[Package, float] = {}

    def score(package: Package) -> float:
        u = known.get(package)
        if u is None:
            u = base
            for j, ideal, weight, slope in terms:
                u += weight - slope * abs(package[j] - ideal)
            known[package] = u
        return u

    return score


@dataclass(frozen=True)
class Agenda:
    """Issues with their status quo, the two parties, the grid and the disagreement point."""

    issues: tuple[str, ...]
    status_quo: Package
    parties: tuple[Party, Party]
    levels: int = 0  # 0: continuous positions; n >= 2: n evenly spaced values
    disagreement: Point | None = None  # None: the utilities of the status quo
    links: tuple[Link, ...] = ()  # continuous agendas only
    # derived once, for the hot path:
    negotiable: tuple[int, ...] = field(init=False, compare=False, repr=False)
    overlaps: tuple[tuple[float, float], ...] = field(init=False, compare=False, repr=False)
    scorers: tuple[Scorer, Scorer] = field(init=False, compare=False, repr=False)
    # per party, on each negotiable issue: (issue, ideal, reservation - ideal, low, high)
    concession_paths: tuple[tuple[ConcessionPath, ...], tuple[ConcessionPath, ...]] = field(
        init=False, compare=False, repr=False)
    boxes: tuple[tuple[Box, ...], ...] = field(init=False, compare=False, repr=False)
    # results computed once per agenda by other modules (its frontier, offer plans)
    derived: dict[Hashable, object] = field(default_factory=dict, init=False, compare=False,
                                       repr=False)

    def __post_init__(self) -> None:
        if self.links and self.discrete:
            raise ValueError("linkage is modelled on continuous agendas only")
        object.__setattr__(self, "boxes", tuple(self._regimes()) if self.links else ())
        if self.links:
            hull: list[Box] = [None] * len(self.issues)
            for regime in self.boxes:
                for j, box in enumerate(regime):
                    if box is not None:
                        old = hull[j]
                        hull[j] = box if old is None else (min(old[0], box[0]),
                                                           max(old[1], box[1]))
            spans = hull
        elif self.levels >= 2:
            spans = [self._common(j) for j in range(len(self.issues))]
        else:  # `_common(j)` of continuous issues, inlined: an agenda for every meeting
            spans = []
            for sa, sb, sq in zip(self.parties[0].stances, self.parties[1].stances,
                                  self.status_quo, strict=True):
                low = sb.low if sb.low > sa.low else sa.low  # max(sa.low, sb.low)
                high = sb.high if sb.high < sa.high else sa.high  # min(sa.high, sb.high)
                spans.append(None if low > high + EDGE or (
                    high - low <= EDGE and abs(low - sq) <= EDGE) else (low, high))
        negotiable = tuple([j for j, span in enumerate(spans) if span is not None])
        a, b = self.parties
        set_ = object.__setattr__
        set_(self, "negotiable", negotiable)
        set_(self, "overlaps", tuple([s for s in spans if s is not None]))
        set_(self, "scorers", (make_scorer(a.stances, self.status_quo, negotiable),
                               make_scorer(b.stances, self.status_quo, negotiable)))
        # `_path(i, j)` for both parties, the win-sets read once (built for every meeting)
        paths_a: list[ConcessionPath] = []
        paths_b: list[ConcessionPath] = []
        discrete = self.levels >= 2
        for j in negotiable:
            sa, sb = a.stances[j], b.stances[j]
            la, ha = self.win_set(0, j) if discrete else (sa.low, sa.high)
            lb, hb = self.win_set(1, j) if discrete else (sb.low, sb.high)
            paths_a.append((j, sa.ideal, (ha if sb.ideal >= sa.ideal else la) - sa.ideal, la, ha))
            paths_b.append((j, sb.ideal, (hb if sa.ideal >= sb.ideal else lb) - sb.ideal, lb, hb))
        set_(self, "concession_paths", (tuple(paths_a), tuple(paths_b)))

    def _regimes(self) -> list[tuple[Box, ...]]:
        """The ratifiable boxes, one per set of active links whose prices can be paid: per
        issue the interval both parties ratify there, None where only the status quo is
        (then the issue stays out of play)."""
        out = []
        stances = (self.parties[0].stances, self.parties[1].stances)
        for active in itertools.product((False, True), repeat=len(self.links)):
            live = [link for on, link in zip(active, self.links, strict=True) if on]
            boxes: list[Box] = []
            for j, sq in enumerate(self.status_quo):
                lows, highs = [], []
                for i in (0, 1):
                    s = stances[i][j]
                    low, high = s.low, s.high
                    for link in live:
                        if link.party == i and link.issue == j:
                            low, high = min(low, link.low), max(high, link.high)
                    lows.append(low)
                    highs.append(high)
                low, high = max(lows), min(highs)
                for link in live:
                    if link.on == j:
                        low = max(low, link.at_least)
                in_play = low <= high + EDGE and not (high - low <= EDGE and abs(low - sq) <= EDGE)
                boxes.append((low, max(low, high)) if in_play else None)
            if all(boxes[link.on] is not None for link in live):
                out.append(tuple(boxes))
        return out

    def settled(self, package: Package) -> tuple[int, ...]:
        """The issues a ratified package settles: those in play in a regime it fits."""
        if not self.links:
            return self.negotiable
        for regime in self.boxes:
            if _fits(regime, package, self.status_quo):
                return tuple(j for j, box in enumerate(regime) if box is not None)
        return ()

    def _path(self, i: int, j: int) -> ConcessionPath:
        own, other = self.parties[i].stances[j], self.parties[1 - i].stances[j]
        low, high = self.win_set(i, j)
        # the reservation: the edge of its win-set toward the other's ideal
        reservation = high if other.ideal >= own.ideal else low
        return (j, own.ideal, reservation - own.ideal, low, high)

    @property
    def discrete(self) -> bool:
        return self.levels >= 2

    def snap_inward(self, low: float, high: float) -> tuple[float, float]:
        """[low, high] shrunk to its outermost grid values (may come out empty)."""
        if self.levels < 2:  # continuous
            return low, high
        m = self.levels - 1
        return math.ceil(low * m - EDGE) / m, math.floor(high * m + EDGE) / m

    def _common(self, j: int) -> tuple[float, float] | None:
        """Where both win-sets overlap on issue j; None when they do not, or when they
        meet only at the status quo (then there is nothing to agree)."""
        a, b = self.parties[0].stances[j], self.parties[1].stances[j]
        low, high = max(a.low, b.low), min(a.high, b.high)
        if self.levels >= 2:
            low, high = self.snap_inward(low, high)
        if low > high + EDGE or (high - low <= EDGE and abs(low - self.status_quo[j]) <= EDGE):
            return None
        return low, high

    def win_set(self, i: int, j: int) -> tuple[float, float]:
        """Party i's win-set on issue j (on the grid, when discretised)."""
        s = self.parties[i].stances[j]
        return self.snap_inward(s.low, s.high) if self.levels >= 2 else (s.low, s.high)

    def options(self, j: int) -> tuple[float, ...]:
        """The grid values of issue j inside both win-sets (discretised agendas)."""
        low, high = self.overlaps[self.negotiable.index(j)]
        m = self.levels - 1
        return tuple(k / m for k in range(round(low * m), round(high * m) + 1))

    def utilities(self, package: Package) -> Point:
        return self.scorers[0](package), self.scorers[1](package)

    def disagreement_point(self) -> Point:
        if self.disagreement is not None:
            return self.disagreement
        found = self.derived.get("disagreement_point")
        if found is None:
            found = self.derived["disagreement_point"] = self.utilities(self.status_quo)
        return found  # type: ignore[return-value]

    def ratified(self, package: Package) -> bool:
        """Level II: every negotiable issue lies inside both win-sets (with linkage: those
        of a regime whose prices the package pays)."""
        if self.links:
            return any(_fits(r, package, self.status_quo) for r in self.boxes)
        for j, (low, high) in zip(self.negotiable, self.overlaps, strict=True):
            if not low - EDGE <= package[j] <= high + EDGE:
                return False
        return True

    def ratifies(self, i: int, package: Package) -> bool:
        """True when party i's constituents would ratify the package: each issue in play
        inside its win-set, widened where the package pays a linkage price."""
        if not self.links:
            for j, _, _, low, high in self.concession_paths[i]:
                if not low - EDGE <= package[j] <= high + EDGE:
                    return False
            return True
        for j, path in zip(self.negotiable, self.concession_paths[i], strict=True):
            low, high = path[3], path[4]
            for link in self.links:
                if link.party == i and link.issue == j and package[link.on] >= (
                        link.at_least - EDGE):
                    low, high = min(low, link.low), max(high, link.high)
            if not low - EDGE <= package[j] <= high + EDGE:
                return False
        return True

    def with_pressure(self, i: int, share: float) -> Agenda:
        """Party i's win-sets with `share` of their slack removed (domestic pressure)."""
        p = self.parties[i]
        pressed = Party(p.name, tuple(shrink(s, share) for s in p.stances), p.discount)
        parties = (pressed, self.parties[1]) if i == 0 else (self.parties[0], pressed)
        return Agenda(self.issues, self.status_quo, parties, self.levels, self.disagreement,
                      self.links)


def random_agenda(
    rng: np.random.Generator, n_issues: int, levels: int = 0,
    discounts: tuple[float, float] = (0.8, 0.99),
) -> Agenda:
    """Independent uniform ideals, weights in [0.1, 1], win-sets around the ideals,
    status quo and discount factors: the random agendas of the tournament and tests."""
    parties = []
    for name in ("a", "b"):
        ideals = rng.uniform(0.0, 1.0, n_issues)
        weights = rng.uniform(0.1, 1.0, n_issues)
        lows = ideals * rng.uniform(0.0, 1.0, n_issues)
        highs = ideals + (1.0 - ideals) * rng.uniform(0.0, 1.0, n_issues)
        delta = float(rng.uniform(*discounts))
        parties.append(make_party(name, ideals.tolist(), weights.tolist(),
                                  list(zip(lows.tolist(), highs.tolist(), strict=True)), delta))
    status_quo = tuple(rng.uniform(0.0, 1.0, n_issues).tolist())
    issues = tuple(f"issue_{j}" for j in range(n_issues))
    return Agenda(issues, status_quo, (parties[0], parties[1]), levels)


def unit_pie(delta_a: float = 0.95, delta_b: float = 0.95, levels: int = 0,
             disagreement: Point = (0.0, 0.0)) -> Agenda:
    """The textbook pie: one issue x in [0, 1], u_a = x, u_b = 1 - x, full win-sets."""
    a = make_party("a", [1.0], [1.0], [(0.0, 1.0)], delta_a)
    b = make_party("b", [0.0], [1.0], [(0.0, 1.0)], delta_b)
    return Agenda(("pie",), (0.0,), (a, b), levels, disagreement)


def _fits(regime: tuple[Box, ...], package: Package, status_quo: Package) -> bool:
    return all(abs(x - q) <= EDGE if box is None else box[0] - EDGE <= x <= box[1] + EDGE
               for box, x, q in zip(regime, package, status_quo, strict=True))
