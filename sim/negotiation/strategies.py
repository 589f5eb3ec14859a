"""The strategy registry: config names a strategy, never an import path.

A strategy is one function `Seat -> Negotiator` (see `sim.negotiation.negotiator`);
adding one is writing that function and registering it here under a name.
"""

from __future__ import annotations

from sim.model.tactics import PRESET_BETA
from sim.negotiation.baseline import random_baseline
from sim.negotiation.faratin import time_dependent, tit_for_tat
from sim.negotiation.negotiator import Builder, Negotiator, Seat
from sim.negotiation.rubinstein import rubinstein
from sim.negotiation.zeuthen import zeuthen

STRATEGIES: dict[str, Builder] = {
    "boulware": time_dependent("polynomial", PRESET_BETA["boulware"]),
    "linear": time_dependent("polynomial", PRESET_BETA["linear"]),
    "conceder": time_dependent("polynomial", PRESET_BETA["conceder"]),
    "polynomial": time_dependent("polynomial", 1.0),
    "exponential": time_dependent("exponential", 1.0),
    "tit_for_tat": tit_for_tat(relative=True),
    "tit_for_tat_absolute": tit_for_tat(relative=False),
    "zeuthen": zeuthen,
    "rubinstein": rubinstein,
    "random": random_baseline,
}

USES_BETA = ("polynomial", "exponential", "boulware", "linear", "conceder")


def build_negotiator(name: str, seat: Seat) -> Negotiator:
    """The negotiator of the strategy registered under `name` (checked by the caller)."""
    return STRATEGIES[name](seat)
