"""Planned meetings: wait for the date, get postponed or held, bargain, move relations."""

from __future__ import annotations

import math
from collections.abc import Generator

import simpy

from sim.model.preferences import widen
from sim.model.protocol import Side, alternating_offers
from sim.scenario import Meeting
from sim.world.state import WorldState


def talk_rounds(deadline: int, tension: float, walk_away: float, u: float) -> int:
    """Rounds the talks last: each round they break off with chance walk_away * tension.

    The number of rounds is geometric, drawn by inversion from one uniform u in [0, 1).
    """
    p = walk_away * tension
    if p <= 0.0:
        return deadline
    if p >= 1.0:
        return 1
    n = math.log1p(-u) / math.log1p(-p)  # inf when p is so small that log1p(-p) underflows
    return max(1, math.ceil(n)) if n < deadline else deadline


def negotiate(
    w: WorldState, issues: list[int], deadline: int, first: int, latitude: float = 0.0
) -> list[tuple[int, float]]:
    """One bargaining session now on `issues`; returns the (issue, position) agreed."""
    t = w.env.now
    sides = []
    for party in (first, 1 - first):
        stances = {j: w.stance(party, j, t) for j in issues}
        if latitude > 0.0:
            stances = {j: widen(s, latitude) for j, s in stances.items()}
        sides.append(Side(stances, w.sc.parties[party].tactic))
    rounds = talk_rounds(
        deadline, w.tension.at(t), w.sc.walk_away, float(w.rng.bargaining.random())
    )
    deals = alternating_offers(issues, sides[0], sides[1], deadline, rounds)
    return [(d.issue, d.position) for d in deals]


def meeting(w: WorldState, i: int) -> Generator[simpy.Event, object, None]:
    """Planned meeting i: postponed while blocked, then held; cancelled if it runs out."""
    env, sc = w.env, w.sc
    m = sc.meetings[i]
    channel = sc.channels[m.channel]
    yield env.timeout(m.day)
    postponements = 0
    while True:
        t = env.now
        if w.not_before[i] > t:  # a shock has pushed it back (already recorded)
            retry = w.not_before[i]
        elif not w.channel_open(m.channel, t):
            retry = max(t + m.retry_days, min(w.channel_until[m.channel], sc.end_day))
            _postpone(w, m, i, "channel suspended")
            postponements += 1
        elif w.tension.at(t) > channel.tension_threshold:
            retry = t + m.retry_days
            _postpone(w, m, i, "tension over threshold")
            postponements += 1
        elif t + m.duration_days >= sc.end_day:  # it could not end before the summit
            retry = t
        else:
            break
        if retry + m.duration_days >= sc.end_day or postponements > m.max_postponements:
            w.done[i] = True
            w.n_cancelled += 1
            w.record("meeting_cancelled", m.name, channel=m.channel)
            return
        yield env.timeout(retry - t)
    yield env.timeout(m.duration_days)
    w.done[i] = True
    open_issues = [j for j in m.agenda if j not in w.pre_agreed]
    guest = 1 - m.host if m.host >= 0 else 0
    deals = negotiate(w, open_issues, channel.rounds, guest) if open_issues else []
    w.n_held += 1
    w.preparation += m.preparation
    w.jump_tension(-m.tension_relief)
    for party in range(len(sc.parties)):
        w.jump_trust(party, m.trust_gain)
    w.record("meeting_held", m.name, actor=guest, target=1 - guest, channel=m.channel,
             code=m.code, detail=",".join(sc.issues[j] for j, _ in deals), deals=dict(deals))
    for j, x in deals:
        w.pre_agreed[j] = x
        w.record("agreement", sc.issues[j], channel=m.channel, detail=f"{x:.3f}")


def _postpone(w: WorldState, m: Meeting, i: int, why: str) -> None:
    w.n_postponed += 1
    w.postponed.append(m.name)
    w.record("meeting_postponed", m.name, channel=m.channel, detail=why)


def push_back(w: WorldState, i: int, days: float, why: str) -> None:
    """A shock postpones meeting i by `days` (if it is still to come)."""
    if w.done[i]:
        return
    w.not_before[i] = max(w.not_before[i], w.env.now + days)
    _postpone(w, w.sc.meetings[i], i, why)
