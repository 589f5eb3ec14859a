"""Concessions: unilateral gestures that ease tension or reopen channels, at a cost."""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.model.preferences import Stance, move_toward
from sim.scenario import Concession
from sim.world.state import WorldState


def concede(w: WorldState, c: Concession) -> None:
    """Apply concession c now."""
    other = 1 - c.party
    w.jump(-c.tension, c.trust, (other,) if c.trust else ())
    own = w.stances[c.party]
    for j, share in c.move:
        own[j] = move_toward(own[j], w.stances[other][j].ideal, share)
    for j, low, high in c.allow:  # what the party can now offer on issue j
        own[j] = Stance(own[j].ideal, own[j].weight, low, high)
    w.cost[c.party] += c.domestic_cost
    w.record("concession", c.name, actor=c.party, target=other, code=c.code)
    for ch in c.reopen:
        w.reopen(ch, c.party)


def concession(w: WorldState, c: Concession) -> Generator[simpy.Event, object, None]:
    """A party's scheduled concession, or one its policy triggers before the summit."""
    day = c.day if c.day is not None else c.trigger_day
    assert day is not None
    yield w.env.timeout(day)
    if c.day is None and w.tension.at(w.env.now) <= c.tension_above:
        return
    if c.probability >= 1.0 or float(w.rng.decisions.random()) < c.probability:
        concede(w, c)
