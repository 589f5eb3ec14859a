"""Multi-issue alternating offers with a round deadline, acceptance rule and walk-away.

Each round one party proposes a position on every open issue: its ideal point moved a
share alpha(k) of the way to its reservation value (the edge of its win-set on the
opponent's side). The responder accepts an issue's offer when it lies inside its own
win-set and is worth at least as much to it as its own next offer (Faratin's rule).
Accepted issues are locked in; the rest stay open. Talks end at the deadline or earlier
when a party walks away after `rounds` rounds. Because an offer always lies inside the
proposer's win-set and is accepted only inside the responder's, every agreement lies in
both win-sets (Putnam): with no overlap there is no deal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sim.model.preferences import Stance
from sim.model.tactics import Tactic


@dataclass(frozen=True, slots=True)
class Side:
    """A party at the table: its stance on each agenda issue and its tactic."""

    stances: Sequence[Stance] | Mapping[int, Stance]  # indexed by issue
    tactic: Tactic


@dataclass(frozen=True, slots=True)
class Agreement:
    issue: int
    position: float
    round: int


def reservation(own: Stance, other: Stance) -> float:
    """The win-set edge on the other party's side of one's ideal point."""
    return own.high if other.ideal >= own.ideal else own.low


def alternating_offers(
    issues: Sequence[int], first: Side, second: Side, deadline: int, rounds: int
) -> list[Agreement]:
    """Bargain over `issues`; `first` proposes in even rounds. Returns what was agreed.

    `deadline` sets the tactics' time scale (alpha reaches 1 at round deadline - 1);
    `rounds` <= deadline is when the talks actually end (walk-away).
    """
    t_max = max(deadline - 1, 0)
    sides = (first, second)
    # Per open issue and side: (ideal, reservation - ideal, low, high). Issues whose
    # win-sets do not overlap can never be agreed, so they are not bargained over.
    terms: dict[int, tuple[tuple[float, float, float, float], ...]] = {}
    for j in issues:
        a, b = first.stances[j], second.stances[j]
        if max(a.low, b.low) <= min(a.high, b.high):
            terms[j] = (
                (a.ideal, reservation(a, b) - a.ideal, a.low, a.high),
                (b.ideal, reservation(b, a) - b.ideal, b.low, b.high),
            )
    history: tuple[list[float], list[float]] = ([], [])
    agreed: list[Agreement] = []
    for k in range(min(rounds, deadline)):
        if not terms:
            break
        p = k & 1
        r = 1 - p
        a_p = sides[p].tactic.alpha(k, t_max, history[r])
        history[p].append(a_p)
        a_r = sides[r].tactic.alpha(k + 1, t_max, history[p])
        for j, term in list(terms.items()):
            ideal_p, span_p, low_p, high_p = term[p]
            ideal_r, span_r, low_r, high_r = term[r]
            # clamped: at alpha = 1 rounding must not step outside the proposer's win-set
            x = min(high_p, max(low_p, ideal_p + a_p * span_p))
            if low_r <= x <= high_r and abs(x - ideal_r) <= abs(a_r * span_r) + 1e-12:
                agreed.append(Agreement(j, x, k))
                del terms[j]
    return agreed
