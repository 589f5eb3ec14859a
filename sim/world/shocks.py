"""Shocks: dated or random events that raise tension, cut trust and may unravel deals.

A shock's severity scales every effect: tension, trust, the parties' domestic heat,
whether a pre-agreed deliverable is reopened, and the parties' decisions to suspend
channels or retaliate, which each party takes on observing it (`sim.world.party`).
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.scenario import Shock
from sim.world.state import WorldState


def strike(w: WorldState, s: Shock) -> None:
    """Apply one shock now and report it to both parties."""
    lo, hi = s.severity
    sev = lo if lo == hi else lo + (hi - lo) * float(w.rng.severity.random())
    w.n_shocks += 1
    victims = range(len(w.sc.parties)) if s.target < 0 else (s.target,)
    w.jump(s.tension * sev, -s.trust * sev, victims if s.trust else ())
    if s.shrink_winsets:
        for v in victims:
            row = w.shock_shrink[v]
            for j in range(len(row)):
                row[j] = 1.0 - (1.0 - row[j]) * (1.0 - s.shrink_winsets * sev)
    if w.trace:  # the detail is formatted only for a trace
        w.record("shock", s.name, actor=s.actor, target=s.target, code=s.code,
                 detail=f"{s.kind} severity={sev:.2f}")
    if s.unravel and w.pre_agreed:
        draws = w.rng.decisions
        for j in sorted(w.pre_agreed):
            if float(draws.random()) < s.unravel * sev:
                del w.pre_agreed[j]
                w.n_unravelled += 1
                w.record("agreement_unravelled", w.sc.issues[j], detail=s.name)
    for agent in w.agents:
        agent.tell(s, sev)


def dated(w: WorldState, s: Shock) -> Generator[simpy.Event, object, None]:
    """A shock on a fixed date, happening with its probability."""
    assert s.day is not None
    yield w.env.timeout(s.day)
    if s.probability >= 1.0 or float(w.rng.arrivals.random()) < s.probability:
        strike(w, s)


def hazard(w: WorldState, s: Shock) -> Generator[simpy.Event, object, None]:
    """Shocks arriving as a Poisson process until the summit, at `rate_per_day` times
    1 + excitation * tension (incidents come more often when relations are tense) and
    times `restraint` near the summit: drawn by thinning a process at the highest rate."""
    env, end = w.env, w.sc.end_day
    stateful = s.excitation > 0.0 or s.restraint_from < end
    top = s.rate_per_day * (1.0 + s.excitation)
    mean_gap = 1.0 / top
    draws = w.rng.arrivals
    while True:
        gap = float(draws.exponential(mean_gap))
        if env.now + gap >= end:
            return
        yield env.timeout(gap)
        if stateful:
            rate = s.rate_per_day * (1.0 + s.excitation * w.tension.at(env.now))
            if env.now >= s.restraint_from:
                rate *= s.restraint
            if float(draws.random()) * top >= rate:
                continue
        strike(w, s)
