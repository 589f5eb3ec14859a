"""Planned meetings: wait for the date, get postponed or held, bargain, move relations.

A meeting is postponed while its channel is closed (it wakes when the channel reopens,
or retries after `retry_days`), while tension is over the channel's threshold, or while
a party refuses it (`sim.world.party`). Held, the parties bargain over packages on its
open agenda (`sim.world.talks`); what they achieve moves relations: an agreement brings
the meeting's full tension relief and trust gain, talks with nothing to settle a share
`consult_credit` of them, and failed talks on something that could have been settled
raise tension and cut trust.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.scenario import Meeting
from sim.world.state import WorldState
from sim.world.talks import hold, prepare


def meeting(w: WorldState, m: Meeting) -> Generator[simpy.Event, object, None]:
    """Meeting m: postponed while blocked, then held; cancelled if it runs out."""
    env, sc = w.env, w.sc
    channel = sc.channels[m.channel]
    yield env.timeout(m.day - env.now)
    postponements = 0
    last_chance = sc.end_day - m.duration_days  # a meeting must end before the summit
    while True:
        t = env.now
        wake: simpy.Event | None = None
        actor = -1
        if not w.channel_open(m.channel, t):
            retry, why = max(t + m.retry_days, w.channel_until[m.channel]), "channel suspended"
            wake = w.reopening(m.channel)
        elif w.tension.at(t) > channel.tension_threshold:
            retry, why = t + m.retry_days, "tension over threshold"
        elif (actor := _refused_by(w, m, t)) >= 0:
            retry, why = t + m.retry_days, "refused"
        elif t < last_chance:
            break
        else:
            retry, why = t, "too late"
        postponements += 1
        if t >= last_chance or postponements > m.max_postponements:
            w.n_cancelled += 1
            w.record("meeting_cancelled", m.name, actor=actor, channel=m.channel, detail=why)
            return
        _postpone(w, m, why, actor)
        timeout = env.timeout(min(retry, last_chance) - t)
        yield timeout if wake is None else env.any_of((timeout, wake))
    yield env.timeout(m.talks_after)
    open_issues = [j for j in m.agenda if j not in w.pre_agreed]
    guest = 1 - m.host if m.host >= 0 else 0
    deals: dict[int, float] = {}
    achieved = sc.consult_credit
    quality = None
    if open_issues:
        talks = prepare(w, open_issues, channel.rounds, guest)
        if talks.negotiable:
            deals = hold(w, talks, channel.rounds)
            achieved = 1.0 if deals else -1.0
            if w.trace:
                quality = talks.quality(deals)
    w.n_held += 1
    w.last_talks = env.now
    if achieved >= 0.0:
        w.jump(-m.tension_relief * achieved, m.trust_gain * achieved, range(len(sc.parties)))
    else:  # the talks failed on something they could have settled
        w.n_failed += 1
        w.jump(sc.failure_tension, -sc.failure_trust, range(len(sc.parties)))
    if w.trace:  # the details are formatted only for a trace
        w.record("meeting_held", m.name, actor=guest, target=1 - guest, channel=m.channel,
                 code=m.code, detail=",".join(sc.issues[j] for j in deals) if achieved >= 0.0
                 else "talks failed", quality=quality)
    for j, x in deals.items():
        w.pre_agreed[j] = x
        if w.trace:
            w.record("agreement", sc.issues[j], channel=m.channel, detail=f"{x:.3f}")


def _refused_by(w: WorldState, m: Meeting, t: float) -> int:
    """The first party that refuses the meeting at time t, now (-1: none does)."""
    for agent in w.agents:
        if agent.refuses(m, t):
            return agent.me
    return -1


def _postpone(w: WorldState, m: Meeting, why: str, actor: int = -1) -> None:
    w.n_postponed += 1
    w.postponed.append(m.name)
    if w.trace:
        w.record("meeting_postponed", m.name, actor=actor, channel=m.channel, detail=why)
