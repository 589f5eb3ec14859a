"""The mutable state of one replication and the records it leaves behind."""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from sim.model.preferences import Stance, pressure_share, shrink
from sim.model.relations import Level
from sim.negotiation.solutions import agreement_quality
from sim.scenario import Code, Scenario
from sim.streams import Streams

# One event of the trace: time (days), kind, name, actor, target, channel, CAMEO code,
# Goldstein weight, tension after, detail, and for agreements reached at a meeting or the
# summit: the package's distance to the Nash point and whether it is Pareto-optimal.
EventRow = tuple[float, str, str, str, str, str, str, float, float, str, float | None,
                 bool | None]


@dataclass(frozen=True, slots=True)
class ReplicationResult:
    """One replication as a flat, immutable record."""

    rep: int
    outcome: str
    summit_held: bool
    final_tension: float
    final_trust: tuple[float, ...]
    preparation: float
    n_meetings_held: int
    n_meetings_postponed: int
    n_meetings_cancelled: int
    n_shocks: int
    attended: tuple[bool, ...]
    agreed: tuple[bool, ...]
    deals: tuple[float, ...]  # agreed position per issue, NaN where none
    utilities: tuple[float, ...]
    nash_distance: float  # of the summit's package (the status quo if none), utility space
    pareto_optimal: bool
    postponed_meetings: tuple[str, ...]
    simpy_events: int
    events: tuple[EventRow, ...]


class WorldState:
    """Relations, channel status, win-sets and counters, changed by the processes."""

    def __init__(self, sc: Scenario, streams: Streams, env: simpy.Environment, trace: bool):
        self.sc = sc
        self.env = env
        self.rng = streams
        self.trace = trace
        self.events: list[EventRow] = []
        self.tension = Level(sc.tension, 0.0, sc.tension_baseline, sc.tension_half_life_days)
        self.trust = [Level(p.trust, 0.0, p.trust, sc.trust_half_life_days) for p in sc.parties]
        self.channel_until = [c.suspended_until for c in sc.channels]
        self.not_before = [0.0] * len(sc.meetings)
        self.done = [False] * len(sc.meetings)
        self.stances = [list(_noisy(p.stances, sc.winset_noise_sd, streams)) for p in sc.parties]
        # Drawn first, so the leaders' decisions stay paired across scenarios that differ
        # in how many other decisions they draw (common random numbers).
        self.attendance_draws = streams.decisions.random(len(sc.parties)).tolist()
        self.shock_shrink = [[0.0] * len(sc.issues) for _ in sc.parties]
        self.pre_agreed: dict[int, float] = {}
        self.preparation = sc.preparation
        self.n_held = self.n_postponed = self.n_cancelled = self.n_shocks = 0
        self.postponed: list[str] = []
        self.cost = [0.0] * len(sc.parties)

    # -- reading -----------------------------------------------------------------
    def stance(self, party: int, issue: int, t: float) -> Stance:
        """The party's stance now: concessions, domestic pressure and shocks applied."""
        p = self.sc.parties[party]
        share = self.shock_shrink[party][issue]
        if issue in p.pressure_issues:
            pressure = pressure_share(t - p.pressure_start, p.shrink_per_year)
            share = 1.0 - (1.0 - share) * (1.0 - pressure)
        return shrink(self.stances[party][issue], share)

    def channel_open(self, channel: int, t: float) -> bool:
        return self.channel_until[channel] <= t

    # -- changing ----------------------------------------------------------------
    def jump_tension(self, delta: float) -> None:
        self.tension = self.tension.jumped(self.env.now, delta)

    def jump_trust(self, party: int, delta: float) -> None:
        self.trust[party] = self.trust[party].jumped(self.env.now, delta)

    def record(
        self, kind: str, name: str, actor: int = -1, target: int = -1, channel: int = -1,
        code: Code | None = None, detail: str = "", deals: dict[int, float] | None = None,
    ) -> None:
        """Append one event to the trace (only for traced replications).

        `deals`, for a meeting or the summit, is the package agreed there; the trace
        records its Nash distance and Pareto optimality.
        """
        if not self.trace:
            return
        sc = self.sc
        cameo, goldstein = code if code is not None else sc.codes[kind]
        self.events.append((
            self.env.now, kind, name,
            sc.parties[actor].name if actor >= 0 else "",
            sc.parties[target].name if target >= 0 else "",
            sc.channels[channel].name if channel >= 0 else "",
            cameo, goldstein, self.tension.at(self.env.now), detail,
            *(self.quality(deals) if deals is not None else (None, None)),
        ))

    def quality(self, deals: dict[int, float]) -> tuple[float, bool]:
        """Nash distance and Pareto optimality of a package, by the parties' preferences."""
        a, b = self.sc.parties
        return agreement_quality(a.stances, b.stances, self.sc.status_quo, deals)


def _noisy(stances: tuple[Stance, ...], sd: float, streams: Streams) -> tuple[Stance, ...]:
    """Win-set edges with per-replication noise; the ideal point stays inside."""
    if sd <= 0.0:
        return stances
    noise = streams.bargaining.normal(0.0, sd, size=(len(stances), 2)).tolist()
    out = []
    for s, (dl, dh) in zip(stances, noise, strict=True):
        low = min(s.ideal, max(0.0, s.low + dl))
        high = max(s.ideal, min(1.0, s.high + dh))
        out.append(Stance(s.ideal, s.weight, low, high))
    return tuple(out)
