"""The strategy registry: config names a strategy, never an import path.

A strategy is one function `Seat -> Negotiator` (see `sim.model.bargaining.negotiator`)
with the parameters it takes and their defaults. A preset (boulware, linear, conceder)
fixes its concession exponent: naming the preset means that exponent, and a `beta` that
contradicts it is refused, never silently overridden. Adding a strategy is writing its
builder and registering it here under a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from sim.model.bargaining.baseline import random_baseline
from sim.model.bargaining.curves import PRESET_BETA
from sim.model.bargaining.faratin import exponential, polynomial, tit_for_tat, tit_for_tat_absolute
from sim.model.bargaining.negotiator import Builder, Negotiator, Seat
from sim.model.bargaining.rubinstein import rubinstein
from sim.model.bargaining.zeuthen import zeuthen


class StrategySpec(NamedTuple):
    """A strategy by registered name, with its parameters (None: the strategy's default).

    An immutable record like the model's frozen dataclasses, but a named tuple: both specs
    of every session are looked up in `resolve`'s cache, and a tuple hashes in C."""

    name: str
    kappa: float | None = None
    beta: float | None = None


@dataclass(frozen=True, slots=True)
class Strategy:
    """A registered strategy: its builder and the defaults of the parameters it takes
    (None: it takes no such parameter)."""

    build: Builder
    kappa: float | None = None  # Faratin: initial concession; tit-for-tat: opening concession
    beta: float | None = None  # Faratin: concession exponent; tit-for-tat: deadline fallback
    preset: bool = False  # beta is fixed by the name
    about: str = ""


TIT_FOR_TAT_OPENING = 0.1  # GRIT: the first move is a small concession
TIT_FOR_TAT_FALLBACK = PRESET_BETA["boulware"]

STRATEGIES: dict[str, Strategy] = {
    "boulware": Strategy(polynomial, 0.0, PRESET_BETA["boulware"], True,
                         "Faratin polynomial, beta 0.2: firm until the deadline"),
    "linear": Strategy(polynomial, 0.0, PRESET_BETA["linear"], True,
                       "Faratin polynomial, beta 1"),
    "conceder": Strategy(polynomial, 0.0, PRESET_BETA["conceder"], True,
                         "Faratin polynomial, beta 5: concedes early"),
    "polynomial": Strategy(polynomial, 0.0, 1.0,
                           about="Faratin polynomial curve with a given beta"),
    "exponential": Strategy(exponential, 0.1, 1.0,
                            about="Faratin exponential curve (kappa > 0)"),
    "tit_for_tat": Strategy(tit_for_tat, TIT_FOR_TAT_OPENING,
                            TIT_FOR_TAT_FALLBACK, about="nice tit-for-tat, relative"),
    "tit_for_tat_absolute": Strategy(tit_for_tat_absolute, TIT_FOR_TAT_OPENING,
                                     TIT_FOR_TAT_FALLBACK, about="nice tit-for-tat, absolute"),
    "zeuthen": Strategy(zeuthen, about="Zeuthen's risk rule; reaches the Nash point"),
    "rubinstein": Strategy(rubinstein, about="Rubinstein equilibrium offers"),
    "random": Strategy(random_baseline, about="zero-intelligence baseline"),
}


def spec_problem(spec: StrategySpec) -> tuple[str, object, str] | None:
    """(parameter, value, what is wrong) for a spec the registry cannot honour, else None.
    The name must be known; the caller checks that first."""
    s = STRATEGIES[spec.name]
    for param, value, default in (("kappa", spec.kappa, s.kappa), ("beta", spec.beta, s.beta)):
        if value is None:
            continue
        if default is None:
            return param, value, f"strategy '{spec.name}' takes no {param}"
        if not 0.0 <= value <= 1.0 and param == "kappa":
            return param, value, "must be in [0, 1]"
        if param == "beta" and not value > 0.0:
            return param, value, "must be > 0"
    if s.preset and spec.beta is not None and spec.beta != s.beta:
        return ("beta", spec.beta, f"preset '{spec.name}' means beta={s.beta:g}; "
                f"name 'polynomial' to set beta, or leave beta unset")
    if spec.name == "exponential" and spec.kappa is not None and spec.kappa <= 0.0:
        return "kappa", spec.kappa, "must be > 0 for exponential"
    return None


@lru_cache(maxsize=256)
def resolve(spec: StrategySpec) -> StrategySpec:
    """The spec with the strategy's defaults filled in (checked by `spec_problem` first;
    cached: a session resolves both specs)."""
    s = STRATEGIES[spec.name]
    kappa = s.kappa if spec.kappa is None else spec.kappa
    beta = s.beta if spec.beta is None else spec.beta
    return StrategySpec(spec.name, kappa, beta)


def build_negotiator(spec: StrategySpec, seat: Seat) -> Negotiator:
    """The negotiator of a resolved spec in `seat` (the seat carries kappa and beta)."""
    return STRATEGIES[spec.name].build(seat)
