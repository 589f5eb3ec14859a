"""Relations between the parties: tension and trust that relax toward a baseline.

Between events a level relaxes exponentially toward its baseline, in closed form:
L(t) = b + (L(t0) - b) * exp(-ln 2 * (t - t0) / half_life), so no daily ticks are needed.
Events add jumps; levels stay in [0, 1].
"""

from __future__ import annotations

import math
from typing import NamedTuple

LN2 = math.log(2.0)


def clip01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


class Level(NamedTuple):
    """A quantity in [0, 1] known at `time` that relaxes toward `baseline`.

    An immutable record like the model's frozen dataclasses, but a named tuple: a level
    jumps about a hundred times a replication, and a tuple is built in C."""

    value: float
    time: float
    baseline: float
    half_life_days: float

    def at(self, t: float) -> float:
        """The level at time t >= self.time."""
        dt = t - self.time
        if dt <= 0.0 or self.value == self.baseline:
            return self.value
        return self.baseline + (self.value - self.baseline) * math.exp(
            -LN2 * dt / self.half_life_days
        )

    def jumped(self, t: float, delta: float) -> Level:
        """The level after an event at t moves it by delta (clipped to [0, 1])."""
        value, time, baseline, half_life = self  # self.at(t), inlined: ~100 jumps a run
        dt = t - time
        if not (dt <= 0.0 or value == baseline):
            value = baseline + (value - baseline) * math.exp(-LN2 * dt / half_life)
        x = value + delta
        return _new(Level, (0.0 if x < 0.0 else 1.0 if x > 1.0 else x, t, baseline, half_life))


_new = tuple.__new__  # builds a Level without the named tuple's Python-level __new__
