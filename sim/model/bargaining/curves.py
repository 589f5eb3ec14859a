"""Concession curves: how far a party has conceded by round t, as alpha in [0, 1].

alpha = 0 is the party's best package, alpha = 1 its reservation. Faratin, Sierra &
Jennings (1998):

- polynomial:  alpha(t) = kappa + (1 - kappa) * (t / t_max) ** (1 / beta)
- exponential: alpha(t) = exp((1 - t / t_max) ** beta * ln kappa),  kappa > 0

beta < 1 is Boulware (firm until the deadline), beta = 1 linear, beta > 1 Conceder.
"""

from __future__ import annotations

import math
from functools import lru_cache

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


@lru_cache(maxsize=1024)
def alpha_table(kind: str, t_max: int, kappa: float, beta: float) -> tuple[float, ...]:
    """alpha(t) for t = 0..t_max of a "polynomial" or "exponential" curve (cached, shared)."""
    curve = polynomial_alpha if kind == "polynomial" else exponential_alpha
    return tuple(curve(t, t_max, kappa, beta) for t in range(t_max + 1))
