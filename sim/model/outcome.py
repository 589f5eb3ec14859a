"""Outcome classification of one replication, and the leaders' attendance rule."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

OUTCOMES = ("no_summit", "summit_no_deal", "summit_partial", "summit_breakthrough")


@dataclass(frozen=True, slots=True)
class Thresholds:
    partial_min: int
    breakthrough_min: int
    breakthrough_needs_core: bool


def classify(
    summit_held: bool, agreed: Sequence[bool], core: Sequence[bool], th: Thresholds
) -> str:
    """`no_summit`, `summit_no_deal`, `summit_partial` or `summit_breakthrough`.

    Counted are the deliverables of a held summit: fewer than `partial_min` is no deal;
    at least `breakthrough_min` (with a core issue among them, if required) is a
    breakthrough; anything between is partial.
    """
    if not summit_held:
        return "no_summit"
    n = sum(agreed)
    if n < th.partial_min:
        return "summit_no_deal"
    has_core = any(a and c for a, c in zip(agreed, core, strict=True))
    if n >= th.breakthrough_min and (has_core or not th.breakthrough_needs_core):
        return "summit_breakthrough"
    return "summit_partial"


def attendance_probability(
    empty_cost: float, w_value: float, gain: float, w_trust: float, trust: float,
    w_tension: float, tension: float,
) -> float:
    """Logistic attendance rule: logit p = -empty_cost + w_value G + w_trust T_r - w_tension T.

    G is the party's expected gain over the status quo from what the summit can announce:
    a summit with nothing to show costs `empty_cost` in audience costs (Fearon 1994)."""
    z = -empty_cost + w_value * gain + w_trust * trust - w_tension * tension
    if z >= 0.0:  # the two branches keep exp() from overflowing
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
