"""The mutable state of one replication (its records are in `sim.records`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol

import simpy

from sim.model.preferences import Stance, pressure_share, shrink
from sim.model.relations import Level
from sim.records import EventRow
from sim.scenario import Code, Meeting, Party, Scenario, Shock
from sim.streams import Streams


class Agent(Protocol):
    """What the world asks of a party (`sim.world.party.PartyAgent`)."""

    me: int
    party: Party

    def tell(self, shock: Shock, severity: float) -> None: ...
    def refuses(self, m: Meeting, t: float) -> bool: ...
    def attendance(self, gain: float) -> float: ...


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
        self.stances = [list(_noisy(p.stances, sc.winset_noise_sd, streams)) for p in sc.parties]
        # Drawn first, so the leaders' decisions stay paired across scenarios that differ
        # in how many other decisions they draw (common random numbers).
        self.attendance_draws = streams.decisions.random(len(sc.parties)).tolist()
        self.shock_shrink = [[0.0] * len(sc.issues) for _ in sc.parties]
        self.pre_agreed: dict[int, float] = dict(sc.agreed)
        self.reopened: dict[int, simpy.Event] = {}  # channel -> fires when it reopens
        self.agents: list[Agent] = []  # the parties, set by the replication's wiring
        self.n_unravelled = 0
        self.last_talks = 0.0  # day a meeting last ended or was arranged (0: none yet)
        self.summit_quality: tuple[float, bool | None] = (math.nan, None)
        self.n_held = self.n_postponed = self.n_cancelled = self.n_shocks = self.n_failed = 0
        self.postponed: list[str] = []
        self.cost = [0.0] * len(sc.parties)

    # -- reading -----------------------------------------------------------------
    def stance(self, party: int, issue: int, t: float) -> Stance:
        """The party's stance now: concessions, domestic pressure and shocks applied."""
        return self.stances_now(party, (issue,), t)[0]

    def stances_now(self, party: int, issues: Sequence[int], t: float) -> list[Stance]:
        """`stance(party, j, t)` for each issue j, the domestic pressure worked out once."""
        p = self.sc.parties[party]
        pressured = p.pressure_issues
        pressure = pressure_share(t - p.pressure_start, p.shrink_per_year) if pressured else 0.0
        shocked, own = self.shock_shrink[party], self.stances[party]
        out = []
        for j in issues:
            share = shocked[j]
            if j in pressured:
                share = 1.0 - (1.0 - share) * (1.0 - pressure)
            out.append(shrink(own[j], share) if share > 0.0 else own[j])
        return out

    def channel_open(self, channel: int, t: float) -> bool:
        return self.channel_until[channel] <= t

    def reopening(self, channel: int) -> simpy.Event:
        """An event that fires when `channel` is reopened (by a concession or a review)."""
        event = self.reopened.get(channel)
        if event is None:
            event = self.reopened[channel] = self.env.event()
        return event

    # -- changing ----------------------------------------------------------------
    def suspend(self, channel: int, until: float, actor: int, why: str) -> None:
        """Close `channel` until day `until` (inf: until reopened)."""
        if self.channel_until[channel] < until:
            self.channel_until[channel] = until
        self.record("channel_suspended", self.sc.channels[channel].name, actor=actor,
                    channel=channel, detail=why)

    def reopen(self, channel: int, actor: int) -> None:
        """Open `channel` now and wake the meetings waiting on it."""
        now = self.env.now
        if self.channel_until[channel] <= now:
            return
        self.channel_until[channel] = now
        self.record("channel_reopened", self.sc.channels[channel].name, actor=actor,
                    channel=channel)
        event = self.reopened.pop(channel, None)
        if event is not None:
            event.succeed()

    def jump(self, tension: float, trust: float = 0.0, parties: Iterable[int] = ()) -> None:
        """Move tension by `tension` and the trust of each of `parties` by `trust`, now
        (an event moves several levels at one instant: the clock is read once)."""
        now = self.env.now
        self.tension = self.tension.jumped(now, tension)
        levels = self.trust
        for party in parties:
            levels[party] = levels[party].jumped(now, trust)

    def record(
        self, kind: str, name: str, actor: int = -1, target: int = -1, channel: int = -1,
        code: Code | None = None, detail: str = "",
        quality: tuple[float, bool | None] | None = None,
    ) -> None:
        """Append one event to the trace (only for traced replications).

        `quality`, for talks at a meeting or the summit, is the (Nash distance, Pareto
        optimality) of what they agreed on their own agenda.
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
            *(quality if quality is not None else (None, None)),
        ))


def _noisy(stances: tuple[Stance, ...], sd: float, streams: Streams) -> tuple[Stance, ...]:
    """Win-set edges with per-replication noise; the ideal point stays inside, and a
    win-set pinned to one position (a red line) stays pinned."""
    if sd <= 0.0:
        return stances
    noise = streams.bargaining.normal(0.0, sd, size=(len(stances), 2)).tolist()
    out = []
    for s, (dl, dh) in zip(stances, noise, strict=True):
        if s.low == s.high:
            out.append(s)
            continue
        low = min(s.ideal, max(0.0, s.low + dl))
        high = max(s.ideal, min(1.0, s.high + dh))
        out.append(Stance(s.ideal, s.weight, low, high))
    return tuple(out)
