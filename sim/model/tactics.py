"""Bargaining tactics: how far a party has conceded by round k, as alpha in [0, 1].

alpha = 0 is the party's ideal point, alpha = 1 its reservation value (the edge of its
win-set on the opponent's side). Faratin, Sierra & Jennings (1998):

- polynomial:  alpha(t) = kappa + (1 - kappa) * (t / t_max) ** (1 / beta)
- exponential: alpha(t) = exp((1 - t / t_max) ** beta * ln kappa),  kappa > 0

beta < 1 is Boulware (firm until the deadline), beta = 1 linear, beta > 1 Conceder.
Tit-for-tat imitates the opponent's last concession. Tactics are chosen by registered
name, never by import path: `TACTICS[name](kappa, beta)` builds one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

PRESET_BETA = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}


def polynomial_alpha(t: float, t_max: float, kappa: float, beta: float) -> float:
    """Faratin polynomial concession curve (1 once the deadline t_max is reached)."""
    if t >= t_max:
        return 1.0
    return kappa + (1.0 - kappa) * (t / t_max) ** (1.0 / beta)


def exponential_alpha(t: float, t_max: float, kappa: float, beta: float) -> float:
    """Faratin exponential concession curve, kappa > 0 (1 once t_max is reached)."""
    if t >= t_max:
        return 1.0
    return math.exp((1.0 - t / t_max) ** beta * math.log(kappa))


def offer(low: float, high: float, alpha: float, score_rises: bool = False) -> float:
    """Faratin's offer on an issue: min + alpha (max - min), or 1 - alpha if score rises."""
    return low + (1.0 - alpha if score_rises else alpha) * (high - low)


class Tactic(Protocol):
    """alpha(k, t_max, opponent): concession at round k given the opponent's history."""

    def alpha(self, k: int, t_max: int, opponent: Sequence[float]) -> float: ...


@lru_cache(maxsize=1024)
def _table(kind: str, t_max: int, kappa: float, beta: float) -> tuple[float, ...]:
    curve = polynomial_alpha if kind == "polynomial" else exponential_alpha
    return tuple(curve(t, t_max, kappa, beta) for t in range(t_max + 1))


def alpha_table(kind: str, t_max: int, kappa: float, beta: float) -> tuple[float, ...]:
    """alpha(t) for t = 0..t_max of a "polynomial" or "exponential" curve (cached, shared)."""
    return _table(kind, t_max, kappa, beta)


@dataclass(frozen=True, slots=True)
class TimeDependent:
    """A Faratin time-dependent tactic; its curve is tabulated once per deadline."""

    kind: str  # "polynomial" or "exponential"
    kappa: float
    beta: float

    def alpha(self, k: int, t_max: int, opponent: Sequence[float]) -> float:
        return _table(self.kind, t_max, self.kappa, self.beta)[min(k, t_max)]


@dataclass(frozen=True, slots=True)
class TitForTat:
    """Imitate the opponent's last concession (absolute: in alpha units; relative: ratio).

    Opens at kappa. Absolute: alpha' = alpha + (a_opp[-1] - a_opp[-2]). Relative: the
    remaining distance to the reservation shrinks by the opponent's last ratio.
    """

    kappa: float
    relative: bool = False

    def alpha(self, k: int, t_max: int, opponent: Sequence[float]) -> float:
        own = self.kappa
        # Replay own history: each own move answers the opponent's preceding moves.
        for n in range(2, len(opponent) + 1):
            prev, last = opponent[n - 2], opponent[n - 1]
            if self.relative:
                own = 1.0 - (1.0 - own) * ((1.0 - last) / (1.0 - prev) if prev < 1.0 else 0.0)
            else:
                own = own + (last - prev)
            own = min(1.0, max(self.kappa, own))
        return own


def _time_dependent(kind: str, preset: str | None) -> Callable[[float, float | None], Tactic]:
    def build(kappa: float, beta: float | None) -> Tactic:
        b = beta if beta is not None else PRESET_BETA[preset or "linear"]
        return TimeDependent(kind, kappa, b)

    return build


TACTICS: dict[str, Callable[[float, float | None], Tactic]] = {
    "boulware": _time_dependent("polynomial", "boulware"),
    "linear": _time_dependent("polynomial", "linear"),
    "conceder": _time_dependent("polynomial", "conceder"),
    "polynomial": _time_dependent("polynomial", None),
    "exponential": _time_dependent("exponential", None),
    "tit_for_tat": lambda kappa, beta: TitForTat(kappa, relative=True),
    "tit_for_tat_absolute": lambda kappa, beta: TitForTat(kappa, relative=False),
}


def build_tactic(name: str, kappa: float, beta: float | None) -> Tactic:
    """The tactic registered under `name` (the validator has checked the name)."""
    return TACTICS[name](kappa, beta)
