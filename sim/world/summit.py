"""The summit: each leader decides to attend; if both do, leaders settle what is open."""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.model.outcome import attendance_probability
from sim.world.calendar import negotiate
from sim.world.state import WorldState


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
    t = w.env.now
    tension = w.tension.at(t)
    prep = min(1.0, w.preparation / s.preparation_target)
    for i, p in enumerate(sc.parties):
        bias, a_trust, a_tension, a_prep = p.attendance
        pr = attendance_probability(
            bias, a_trust, a_tension, a_prep, w.trust[i].at(t), tension, prep
        )
        attends = w.attendance_draws[i] < pr
        held.append(attends)
        w.record("summit_attend" if attends else "summit_decline", p.leader, actor=i,
                 detail=f"p={pr:.2f}")
    if not all(held):
        w.record("summit_missed", sc.name)
        return
    deliverables.update(w.pre_agreed)
    open_issues = [j for j in sc.channels[s.channel].issues if j not in deliverables]
    for j, x in negotiate(w, open_issues, s.rounds, 0, s.leader_latitude):
        deliverables[j] = x
        w.record("agreement", sc.issues[j], channel=s.channel, detail=f"{x:.3f}")
    w.record("summit_held", sc.name, actor=0, target=1, channel=s.channel,
             detail=",".join(sc.issues[j] for j in sorted(deliverables)), deals=deliverables)
