"""Preferences over an agenda of issues: ideal points, salience, win-sets (Putnam).

Positions lie in [0, 1]. A party's value for position x on issue j is
v_j(x) = 1 - |x - ideal_j| / span_j, where span_j = max(ideal_j, 1 - ideal_j) is the
farthest any position can be, so v_j lies in [0, 1]. Utility is additive:
u(x) = sum_j w_j v_j(x_j) with weights normalised to sum to 1. An issue left open counts
at its status quo (the disagreement point).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

DAYS_PER_YEAR = 365.0


class Stance(NamedTuple):
    """One party on one issue: ideal point, normalised weight, win-set [low, high].

    An immutable record like the model's frozen dataclasses, but a named tuple: win-sets
    are rebuilt every replication, and `shrink` and `widen` build the tuple in C."""

    ideal: float
    weight: float
    low: float
    high: float

    @property
    def span(self) -> float:
        return max(self.ideal, 1.0 - self.ideal, 1e-12)

    def value(self, x: float) -> float:
        """v(x) in [0, 1]: 1 at the ideal point, 0 at the farthest position."""
        return 1.0 - abs(x - self.ideal) / self.span

    def accepts(self, x: float) -> bool:
        """True when x lies in the domestic win-set: constituents would ratify it."""
        return self.low <= x <= self.high


def normalised_weights(weights: Sequence[float]) -> tuple[float, ...]:
    """Weights scaled to sum to 1 (the schema guarantees a positive sum)."""
    total = float(sum(weights))
    return tuple(w / total for w in weights)


def utility(
    stances: Sequence[Stance], agreed: Mapping[int, float], status_quo: Sequence[float]
) -> float:
    """Additive utility of a package: agreed issues at their deal, the rest at status quo."""
    total = 0.0  # a loop, not sum() over a generator: every party, every replication
    for j, s in enumerate(stances):
        total += s.weight * s.value(agreed.get(j, status_quo[j]))
    return total


def gain(
    stances: Sequence[Stance], agreed: Mapping[int, float], status_quo: Sequence[float]
) -> float:
    """What the agreed issues add to the utility of the status quo (utility(agreed) -
    utility({})), summed over the agreed issues only."""
    total = 0.0
    for j, x in agreed.items():
        s = stances[j]
        total += s.weight * (abs(status_quo[j] - s.ideal) - abs(x - s.ideal)) / s.span
    return total


def win_sets_overlap(a: Stance, b: Stance) -> bool:
    """True when some deal on the issue lies in both win-sets (a deal is possible)."""
    return max(a.low, b.low) <= min(a.high, b.high)


def pressure_share(days_under_pressure: float, shrink_per_year: float) -> float:
    """Share of win-set slack lost after `days_under_pressure` days, in [0, 1]."""
    if days_under_pressure <= 0.0 or shrink_per_year <= 0.0:
        return 0.0
    return min(1.0, shrink_per_year * days_under_pressure / DAYS_PER_YEAR)


def shrink(stance: Stance, share: float) -> Stance:
    """The win-set with `share` of its width on each side of the ideal point removed."""
    if share <= 0.0:
        return stance
    share = min(share, 1.0)
    low = min(stance.ideal, stance.low + share * max(0.0, stance.ideal - stance.low))
    high = max(stance.ideal, stance.high - share * max(0.0, stance.high - stance.ideal))
    return _new(Stance, (stance.ideal, stance.weight, low, high))


def widen(stance: Stance, latitude: float) -> Stance:
    """The win-set widened by `latitude` on each side (a leader's extra authority).

    A win-set pinned to one position is a red line: leaders do not move it either."""
    if latitude <= 0.0 or stance.low == stance.high:
        return stance
    return _new(Stance, (
        stance.ideal, stance.weight, max(0.0, stance.low - latitude),
        min(1.0, stance.high + latitude),
    ))


def move_toward(stance: Stance, target: float, share: float) -> Stance:
    """A concession: ideal point and win-set moved `share` of the way toward `target`."""
    delta = share * (target - stance.ideal)
    return Stance(
        min(1.0, max(0.0, stance.ideal + delta)), stance.weight,
        min(1.0, max(0.0, stance.low + delta)), min(1.0, max(0.0, stance.high + delta)),
    )


_new = tuple.__new__  # builds a Stance without the named tuple's Python-level __new__
