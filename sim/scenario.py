"""The compiled scenario: a validated config turned into indexed, frozen records.

Dates become days since the scenario start; names become indices; disabled meetings,
shocks and concessions are dropped. The world reads only this, never the YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.config.schema import (
    EVENT_KINDS,
    CallOffConf,
    EventCode,
    ProposalConf,
    ScenarioConf,
    StanceConf,
)
from sim.model.bargaining.strategies import StrategySpec, resolve
from sim.model.outcome import Thresholds
from sim.model.preferences import Stance, normalised_weights

FOREVER = float("inf")
Code = tuple[str, float]  # (CAMEO code, Goldstein weight)


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text))


@dataclass(frozen=True, slots=True)
class Proposal:
    """When a party proposes a meeting (see `sim.config.schema.ProposalConf`)."""

    channel: int
    lull_days: float
    below: float
    notice_days: float
    duration_days: float
    tension_relief: float
    trust_gain: float
    limit: int


@dataclass(frozen=True, slots=True)
class CallOff:
    """When a party calls the summit off and re-proposes it (see
    `sim.config.schema.CallOffConf`)."""

    above: float
    resume_below: float
    review_days: float


@dataclass(frozen=True, slots=True)
class Policy:
    """A party's reaction rules (see `sim.config.schema.PolicyConf`)."""

    heat_half_life_days: float
    refuse_visit_above: float
    suspend: float
    review_days: float
    resume_below: float
    propose: Proposal | None
    call_off: CallOff | None = None


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    label: str
    leader: str
    trust: float
    strategy: StrategySpec  # resolved: defaults filled in
    discount: float
    policy: Policy
    stances: tuple[Stance, ...]  # per issue, weights normalised
    links: tuple[tuple[int, int, float, float, float], ...]  # issue, on, at_least, low, high
    pressure_start: float  # day pressure starts (FOREVER: none)
    shrink_per_year: float
    pressure_issues: frozenset[int]
    attendance: tuple[float, float, float, float]  # empty_cost, value, trust, tension


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    level: str
    issues: tuple[int, ...]
    tension_threshold: float
    suspended_until: float  # 0: open; FOREVER: until a concession reopens it
    rounds: int


@dataclass(frozen=True, slots=True)
class Meeting:
    name: str
    channel: int
    day: float
    duration_days: float
    agenda: tuple[int, ...]
    host: int  # -1: third location
    tension_relief: float
    trust_gain: float
    retry_days: float
    max_postponements: int
    code: Code

    @property
    def talks_after(self) -> float:
        """Days from the start to the talks and their effects: on the meeting's last
        calendar day (the record dates a meeting's results by its last day)."""
        return self.duration_days - min(1.0, self.duration_days)


@dataclass(frozen=True, slots=True)
class Shock:
    name: str
    kind: str
    actor: int  # -1: nobody in particular
    target: int  # -1: both
    day: float | None
    probability: float
    rate_per_day: float
    excitation: float  # the hazard is multiplied by 1 + excitation * tension
    restraint_from: float  # and by `restraint` from this day on
    restraint: float
    severity: tuple[float, float]
    tension: float
    trust: float
    heat: float
    suspend: tuple[int, ...]
    suspended_by: int
    lifted_by_review: bool  # else only a concession reopens what it suspends
    unravel: float
    shrink_winsets: float
    retaliation: tuple[int, float, float, float] | None  # shock, probability, delay low/high
    code: Code


@dataclass(frozen=True, slots=True)
class Concession:
    name: str
    party: int
    day: float | None
    trigger_day: float | None
    tension_above: float
    probability: float
    tension: float
    trust: float
    reopen: tuple[int, ...]
    move: tuple[tuple[int, float], ...]
    allow: tuple[tuple[int, float, float], ...]  # issue, new win-set low, high
    domestic_cost: float
    code: Code


@dataclass(frozen=True, slots=True)
class Summit:
    day: float
    channel: int
    rounds: int
    leader_latitude: float


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    start: dt.date
    issues: tuple[str, ...]
    status_quo: tuple[float, ...]
    core: tuple[bool, ...]
    parties: tuple[Party, Party]
    tension: float
    tension_baseline: float
    tension_half_life_days: float
    trust_half_life_days: float
    agreed: tuple[tuple[int, float], ...]  # deliverables agreed before the start
    winset_noise_sd: float
    walk_away: float
    failure_tension: float
    failure_trust: float
    consult_credit: float
    channels: tuple[Channel, ...]
    meetings: tuple[Meeting, ...]
    shocks: tuple[Shock, ...]
    concessions: tuple[Concession, ...]
    summit: Summit
    thresholds: Thresholds
    codes: dict[str, Code]

    @property
    def end_day(self) -> float:
        return self.summit.day

    def date_of(self, day: float) -> dt.date:
        return self.start + dt.timedelta(days=int(day))


def _code(own: EventCode | None, default: Code) -> Code:
    return (own.cameo, float(own.goldstein)) if own is not None else default


def _proposal(conf: ProposalConf | None, cx: dict[str, int]) -> Proposal | None:
    if conf is None:
        return None
    return Proposal(cx[conf.channel], conf.lull_days, conf.below, conf.notice_days,
                    conf.duration_days, conf.tension_relief, conf.trust_gain, conf.limit)


def _call_off(conf: CallOffConf | None) -> CallOff | None:
    if conf is None:
        return None
    return CallOff(conf.above, conf.resume_below, conf.review_days)


def _links(stances: dict[str, StanceConf], issues: tuple[str, ...], ix: dict[str, int]
           ) -> tuple[tuple[int, int, float, float, float], ...]:
    out = []
    for i in issues:
        link = stances[i].linked
        if link is not None:
            out.append((ix[i], ix[link.needs], link.at_least, link.win_set[0], link.win_set[1]))
    return tuple(out)


def compile_scenario(conf: ScenarioConf) -> Scenario:
    """Turn a schema-checked, validated `ScenarioConf` into a `Scenario`."""
    start = parse_date(conf.start)

    def day(text: str) -> float:
        return float((parse_date(text) - start).days)

    issues = tuple(conf.issues)
    ix = {n: i for i, n in enumerate(issues)}
    party_names = tuple(conf.parties)
    px = {n: i for i, n in enumerate(party_names)}
    channel_names = tuple(conf.channels)
    cx = {n: i for i, n in enumerate(channel_names)}
    codes = {k: ("", 0.0) for k in EVENT_KINDS}
    codes.update({k: (v.cameo, float(v.goldstein)) for k, v in conf.event_codes.items()})

    parties = []
    for name, p in conf.parties.items():
        weights = normalised_weights([p.stances[i].weight for i in issues])
        stances = tuple(
            Stance(p.stances[i].ideal, w, p.stances[i].win_set[0], p.stances[i].win_set[1])
            for i, w in zip(issues, weights, strict=True)
        )
        pr = p.pressure
        parties.append(
            Party(
                name=name, label=p.label or name, leader=p.leader or name, trust=p.trust,
                strategy=resolve(StrategySpec(p.strategy.name, p.strategy.kappa,
                                              p.strategy.beta)),
                discount=p.discount,
                policy=Policy(p.policy.heat_half_life_days, p.policy.refuse_visit_above,
                              p.policy.suspend, p.policy.review_days, p.policy.resume_below,
                              _proposal(p.policy.propose, cx),
                              _call_off(p.policy.call_off)),
                stances=stances,
                links=_links(p.stances, issues, ix),
                pressure_start=day(pr.start) if pr and pr.start else FOREVER,
                shrink_per_year=pr.shrink_per_year if pr else 0.0,
                pressure_issues=frozenset(
                    ix[i] for i in (pr.issues if pr and pr.issues else issues)
                ),
                attendance=(
                    p.attendance.empty_cost, p.attendance.value,
                    p.attendance.trust, p.attendance.tension,
                ),
            )
        )

    channels = tuple(
        Channel(
            name=n, level=c.level, issues=tuple(ix[i] for i in c.issues),
            tension_threshold=c.tension_threshold,
            suspended_until=(
                0.0 if c.status == "open" else day(c.reopens) if c.reopens else FOREVER
            ),
            rounds=c.rounds,
        )
        for n, c in conf.channels.items()
    )
    live_meetings = {n: m for n, m in conf.meetings.items() if m.enabled}
    meetings = tuple(
        Meeting(
            name=n, channel=cx[m.channel], day=day(m.date), duration_days=m.duration_days,
            agenda=tuple(ix[i] for i in (m.agenda or conf.channels[m.channel].issues)),
            host=px[m.host] if m.host else -1, tension_relief=m.tension_relief,
            trust_gain=m.trust_gain, retry_days=m.retry_days,
            max_postponements=m.max_postponements, code=_code(m.code, codes["meeting_held"]),
        )
        for n, m in live_meetings.items()
    )
    live_shocks = {n: s for n, s in conf.shocks.items() if s.enabled}
    sx = {n: i for i, n in enumerate(live_shocks)}
    summit_day = day(conf.summit.date)
    shocks = []
    for n, s in live_shocks.items():
        r = s.retaliation
        retaliation = None
        if r is not None and r.shock in sx:
            retaliation = (sx[r.shock], r.probability, r.delay_days[0], r.delay_days[1])
        actor, target = px.get(s.actor, -1), px.get(s.target, -1)
        suspender = px[s.suspended_by] if s.suspended_by else target if target >= 0 else actor
        shocks.append(
            Shock(
                name=n, kind=s.kind, actor=actor, target=target,
                day=day(s.date) if s.date else None, probability=s.probability,
                rate_per_day=s.rate_per_year / 365.0, excitation=s.excitation,
                restraint_from=summit_day - s.restraint_days if s.restraint_days else FOREVER,
                restraint=s.restraint,
                severity=(s.severity.low, s.severity.high), tension=s.tension, trust=s.trust,
                heat=s.tension if s.heat is None else s.heat,
                suspend=tuple(cx[c] for c in s.suspend), suspended_by=suspender,
                lifted_by_review=s.suspend_lifts == "review", unravel=s.unravel,
                shrink_winsets=s.shrink_winsets, retaliation=retaliation,
                code=_code(s.code, codes["shock"]),
            )
        )
    concessions = tuple(
        Concession(
            name=n, party=px[c.party], day=day(c.date) if c.date else None,
            trigger_day=(
                max(0.0, summit_day - c.trigger.days_before_summit) if c.trigger else None
            ),
            tension_above=c.trigger.tension_above if c.trigger else 0.0,
            probability=c.probability, tension=c.tension, trust=c.trust,
            reopen=tuple(cx[ch] for ch in c.reopen),
            move=tuple((ix[i], share) for i, share in c.move.items()),
            allow=tuple((ix[i], b[0], b[1]) for i, b in c.allow.items()),
            domestic_cost=c.domestic_cost, code=_code(c.code, codes["concession"]),
        )
        for n, c in conf.concessions.items()
        if c.enabled
    )
    o = conf.outcome
    return Scenario(
        name=conf.name, start=start, issues=issues,
        status_quo=tuple(conf.issues[i].status_quo for i in issues),
        core=tuple(conf.issues[i].core for i in issues),
        parties=(parties[0], parties[1]),
        tension=conf.relations.tension, tension_baseline=conf.relations.tension_baseline,
        tension_half_life_days=conf.relations.tension_half_life_days,
        trust_half_life_days=conf.relations.trust_half_life_days,
        agreed=tuple((ix[i], x) for i, x in conf.relations.agreed.items()),
        winset_noise_sd=conf.bargaining.winset_noise_sd,
        walk_away=conf.bargaining.walk_away,
        failure_tension=conf.bargaining.failure_tension,
        failure_trust=conf.bargaining.failure_trust,
        consult_credit=conf.bargaining.consult_credit,
        channels=channels, meetings=meetings, shocks=tuple(shocks), concessions=concessions,
        summit=Summit(
            day=summit_day, channel=cx[conf.summit.channel], rounds=conf.summit.rounds,
            leader_latitude=conf.summit.leader_latitude,
        ),
        thresholds=Thresholds(o.partial_min, o.breakthrough_min, o.breakthrough_needs_core),
        codes=codes,
    )
