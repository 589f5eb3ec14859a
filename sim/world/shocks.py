"""Shocks: dated or random events that raise tension, cut trust, close channels."""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.scenario import Shock
from sim.world.calendar import push_back
from sim.world.state import WorldState


def strike(w: WorldState, s: Shock) -> None:
    """Apply one shock now: severity, tension, trust, channels, meetings, win-sets."""
    sev_rng = w.rng.severity
    lo, hi = s.severity
    sev = lo if lo == hi else lo + (hi - lo) * float(sev_rng.random())
    w.n_shocks += 1
    w.jump_tension(s.tension * sev)
    victims = range(len(w.sc.parties)) if s.target < 0 else (s.target,)
    if s.trust:
        for v in victims:
            w.jump_trust(v, -s.trust * sev)
    if s.shrink_winsets:
        for v in victims:
            row = w.shock_shrink[v]
            for j in range(len(row)):
                row[j] = 1.0 - (1.0 - row[j]) * (1.0 - s.shrink_winsets * sev)
    w.record("shock", s.name, actor=s.actor, target=s.target, code=s.code,
             detail=f"{s.kind} severity={sev:.2f}")
    now = w.env.now
    for c in s.suspend:
        days = _uniform(sev_rng, s.suspend_days)
        if w.channel_until[c] < now + days:
            w.channel_until[c] = now + days
        w.record("channel_suspended", w.sc.channels[c].name, actor=s.actor, channel=c,
                 detail=f"{days:.0f} days")
    for m in s.postpone:
        push_back(w, m, _uniform(sev_rng, s.postpone_days), s.name)


def chain(w: WorldState, s: Shock) -> Generator[simpy.Event, object, None]:
    """A shock and the retaliation it may trigger, and the counter-retaliation, ..."""
    current: Shock | None = s
    while current is not None:
        strike(w, current)
        r = current.retaliation
        if r is None or float(w.rng.decisions.random()) >= r[1]:
            return
        shock, _, low, high = r
        delay = low if low == high else low + (high - low) * float(w.rng.severity.random())
        if w.env.now + delay >= w.sc.end_day:
            return
        yield w.env.timeout(delay)
        current = w.sc.shocks[shock]


def dated(w: WorldState, s: Shock) -> Generator[simpy.Event, object, None]:
    """A shock on a fixed date, happening with its probability."""
    assert s.day is not None
    yield w.env.timeout(s.day)
    if s.probability >= 1.0 or float(w.rng.arrivals.random()) < s.probability:
        yield from chain(w, s)


def hazard(w: WorldState, s: Shock) -> Generator[simpy.Event, object, None]:
    """Shocks arriving as a Poisson process at `rate_per_day` until the summit."""
    env, end = w.env, w.sc.end_day
    mean_gap = 1.0 / s.rate_per_day
    while True:
        gap = float(w.rng.arrivals.exponential(mean_gap))
        if env.now + gap >= end:
            return
        yield env.timeout(gap)
        if s.retaliation is None:
            strike(w, s)
        else:
            env.process(chain(w, s))


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    low, high = bounds
    if low == high:
        return low
    return low + (high - low) * float(rng.random())
