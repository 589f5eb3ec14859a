"""One replication: wire the processes into a SimPy environment, run to the summit."""

from __future__ import annotations

import math

import simpy

from sim.model.outcome import classify
from sim.model.preferences import utility
from sim.records import ReplicationResult
from sim.scenario import Scenario
from sim.streams import Streams
from sim.world import calendar, shocks
from sim.world.party import PartyAgent
from sim.world.state import WorldState
from sim.world.summit import summit


def run_replication(
    sc: Scenario, streams: Streams, trace: bool = False, rep: int = 0
) -> ReplicationResult:
    """Simulate the road to the summit once and measure the result (numbered `rep`)."""
    env = simpy.Environment()
    w = WorldState(sc, streams, env, trace)
    agents = [PartyAgent(w, i) for i in range(len(sc.parties))]
    w.agents = list(agents)
    for agent in agents:
        agent.start()
    for m in sc.meetings:
        env.process(calendar.meeting(w, m))
    for s in sc.shocks:
        if s.day is not None:
            env.process(shocks.dated(w, s))
        elif s.rate_per_day > 0.0:
            env.process(shocks.hazard(w, s))
    attended: list[bool] = []
    deliverables: dict[int, float] = {}
    env.run(until=env.process(summit(w, attended, deliverables)))

    held = bool(attended) and all(attended)
    agreed = tuple(j in deliverables for j in range(len(sc.issues)))
    utilities = tuple(
        min(1.0, max(0.0, utility(p.stances, deliverables, sc.status_quo) - w.cost[i]))
        for i, p in enumerate(sc.parties)
    )
    nash_distance, pareto_optimal = w.summit_quality
    return ReplicationResult(
        rep=rep,
        outcome=classify(held, agreed, sc.core, sc.thresholds),
        summit_held=held,
        final_tension=w.tension.at(env.now),
        final_trust=tuple(level.at(env.now) for level in w.trust),
        n_meetings_held=w.n_held,
        n_meetings_postponed=w.n_postponed,
        n_meetings_cancelled=w.n_cancelled,
        n_shocks=w.n_shocks,
        n_talks_failed=w.n_failed,
        n_unravelled=w.n_unravelled,
        attended=tuple(attended),
        agreed=agreed,
        deals=tuple(deliverables.get(j, math.nan) for j in range(len(sc.issues))),
        utilities=utilities,
        nash_distance=nash_distance,
        pareto_optimal=pareto_optimal,
        postponed_meetings=tuple(w.postponed),
        simpy_events=next(env._eid),  # events scheduled in this environment
        events=tuple(w.events),
    )
