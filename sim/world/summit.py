"""The summit: each leader decides to attend on what it can announce; if both do, the
leaders bargain over what is open and may leave with nothing.

What a summit can announce is the deliverables agreed so far plus what leader-level
bargaining would settle on the open issues of the leaders' channel (win-sets widened by
the leaders' latitude), weighted by the chance the talks last long enough. Each leader
weighs its party's expected gain from that package against the cost of an empty summit,
with trust and tension (`PartyAgent.attendance`).
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.model.preferences import gain
from sim.world.state import WorldState
from sim.world.talks import hold, prepare


def summit(w: WorldState, held: list[bool], deliverables: dict[int, float]) -> Generator[
    simpy.Event, object, None
]:
    """On the summit date: attendance decisions, then leader-level bargaining.

    Fills `held` with each leader's decision and `deliverables` with the issues agreed
    (those settled in earlier meetings plus those the leaders settle now).
    """
    sc = w.sc
    s = sc.summit
    yield w.env.timeout(s.day)
    ready = dict(w.pre_agreed)
    open_issues = [j for j in sc.channels[s.channel].issues if j not in ready]
    talks = prepare(w, open_issues, s.rounds, 0, s.leader_latitude)
    q = talks.survives()
    for agent in w.agents:
        stances, sq = agent.party.stances, sc.status_quo
        expected = gain(stances, ready, sq) + q * gain(stances, talks.deals, sq)
        pr = agent.attendance(expected)
        attends = w.attendance_draws[agent.me] < pr
        held.append(attends)
        if w.trace:  # the details are formatted only for a trace
            w.record("summit_attend" if attends else "summit_decline", agent.party.leader,
                     actor=agent.me, detail=f"p={pr:.2f} gain={expected:.3f}")
    if not all(held):
        w.record("summit_missed", sc.name)
        return
    deliverables.update(ready)
    settled = hold(w, talks, s.rounds) if talks.negotiable else {}
    for j, x in settled.items():
        deliverables[j] = x
        if w.trace:
            w.record("agreement", sc.issues[j], channel=s.channel, detail=f"{x:.3f}")
    if talks.negotiable:
        w.summit_quality = talks.quality(settled)
    if w.trace:
        w.record("summit_held", sc.name, actor=0, target=1, channel=s.channel,
                 detail=",".join(sc.issues[j] for j in sorted(deliverables)),
                 quality=w.summit_quality)
