"""Hypothesis strategies for valid scenarios, built as `ScenarioConf` dataclasses.

A drawn scenario has 1-6 issues, two parties (`a`, `b`) with random stances, win-sets,
domestic pressure, policies and every registered strategy, 1-5 channels (some
suspended at the start), a calendar of meetings, dated, hazard and reactive shocks with
retaliation chains, scheduled and triggered concessions, and a summit. Every scenario
drawn here passes `sim.config.validate.validate_scenario`; if one does not, the generator
(or the validator) is wrong, and the property tests say so.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from sim.config.schema import (
    AttendanceConf,
    BargainingConf,
    ChannelConf,
    ConcessionConf,
    IssueConf,
    MeetingConf,
    OutcomeConf,
    PartyConf,
    PolicyConf,
    PressureConf,
    RelationsConf,
    RetaliationConf,
    ScenarioConf,
    SeverityConf,
    ShockConf,
    StanceConf,
    StrategyConf,
    SummitConf,
    TriggerConf,
)
from sim.model.bargaining.strategies import STRATEGIES

PARTIES = ("a", "b")
unit = st.floats(0.0, 1.0, allow_nan=False)


def _day(start: dt.date, offset: int) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def _interval(draw: st.DrawFn, low: float, high: float) -> list[float]:
    x, y = draw(st.floats(low, high)), draw(st.floats(low, high))
    return [min(x, y), max(x, y)]


def _subset(draw: st.DrawFn, names: list[str], min_size: int = 0) -> list[str]:
    if not names:
        return []
    return draw(st.lists(st.sampled_from(names), min_size=min_size, max_size=len(names),
                         unique=True))


@st.composite
def stances(draw: st.DrawFn, issues: list[str]) -> dict[str, StanceConf]:
    out = {}
    for name in issues:
        low, ideal, high = sorted(draw(st.tuples(unit, unit, unit)))
        out[name] = StanceConf(ideal=ideal, weight=draw(unit), win_set=[low, high])
    if sum(s.weight for s in out.values()) <= 0:
        out[issues[0]].weight = 1.0
    return out


@st.composite
def strategies(draw: st.DrawFn) -> StrategyConf:
    name = draw(st.sampled_from(sorted(STRATEGIES)))
    spec = STRATEGIES[name]
    kappa = beta = None
    if spec.kappa is not None:
        kappa = draw(st.none() | (st.floats(0.01, 1.0) if name == "exponential" else unit))
    if spec.beta is not None and not spec.preset:
        beta = draw(st.none() | st.floats(0.05, 20.0))
    return StrategyConf(name=name, kappa=kappa, beta=beta)


@st.composite
def parties(draw: st.DrawFn, issues: list[str], start: dt.date, days: int
            ) -> dict[str, PartyConf]:
    out = {}
    coefficient = st.floats(-6.0, 6.0)
    for name in PARTIES:
        pressure = None
        if draw(st.booleans()):
            pressure = PressureConf(
                start=_day(start, draw(st.integers(-60, days + 30))),
                shrink_per_year=draw(st.floats(0.0, 4.0)),
                issues=_subset(draw, issues),
            )
        out[name] = PartyConf(
            trust=draw(unit), strategy=draw(strategies()), stances=draw(stances(issues)),
            discount=draw(st.floats(0.5, 0.99)), pressure=pressure,
            attendance=AttendanceConf(*(draw(coefficient) for _ in range(4))),
            policy=PolicyConf(
                heat_half_life_days=draw(st.floats(1.0, 300.0)),
                refuse_visit_above=draw(unit), suspend=draw(st.floats(0.0, 3.0)),
                review_days=draw(st.floats(1.0, 60.0)), resume_below=draw(unit)),
        )
    return out


@st.composite
def channels(draw: st.DrawFn, issues: list[str], start: dt.date, days: int
             ) -> dict[str, ChannelConf]:
    out = {}
    for i in range(draw(st.integers(1, 5))):
        suspended = draw(st.booleans())
        reopens = None
        if suspended and draw(st.booleans()):
            reopens = _day(start, draw(st.integers(1, days + 60)))
        out[f"c{i}"] = ChannelConf(
            level=draw(st.sampled_from(["leader", "cabinet", "working"])),
            issues=_subset(draw, issues, min_size=1),
            tension_threshold=draw(unit),
            status="suspended" if suspended else "open",
            reopens=reopens,
            rounds=draw(st.integers(1, 15)),
        )
    return out


@st.composite
def meetings(draw: st.DrawFn, chans: dict[str, ChannelConf], start: dt.date, days: int
             ) -> dict[str, MeetingConf]:
    out = {}
    for i in range(draw(st.integers(0, 8))):
        channel = draw(st.sampled_from(sorted(chans)))
        out[f"m{i}"] = MeetingConf(
            enabled=draw(st.booleans() | st.just(True)),
            channel=channel,
            date=_day(start, draw(st.integers(0, days))),
            duration_days=draw(st.floats(0.1, 10.0)),
            agenda=_subset(draw, chans[channel].issues),
            host=draw(st.sampled_from(["", *PARTIES])),
            tension_relief=draw(st.floats(0.0, 0.3)),
            trust_gain=draw(st.floats(0.0, 0.3)),
            retry_days=draw(st.floats(0.5, 60.0)),
            max_postponements=draw(st.integers(0, 6)),
        )
    return out


@st.composite
def shocks(draw: st.DrawFn, chans: list[str], meets: list[str], start: dt.date, days: int
           ) -> dict[str, ShockConf]:
    n = draw(st.integers(0, 5))
    names = [f"s{i}" for i in range(n)]
    out = {}
    for name in names:
        how = draw(st.sampled_from(["dated", "hazard", "reactive"]))
        retaliation = None
        if draw(st.booleans()):
            low = draw(st.floats(0.0, 30.0))
            retaliation = RetaliationConf(
                shock=draw(st.sampled_from(names)), probability=draw(unit),
                delay_days=[low, draw(st.floats(max(low, 1.0), low + 30.0))],
            )
        low, high = _interval(draw, 0.0, 1.0)
        out[name] = ShockConf(
            enabled=draw(st.booleans() | st.just(True)),
            actor=draw(st.sampled_from(["", *PARTIES])),
            target=draw(st.sampled_from(["", *PARTIES])),
            date=_day(start, draw(st.integers(0, days))) if how == "dated" else None,
            probability=draw(unit),
            rate_per_year=draw(st.floats(0.0, 12.0)) if how == "hazard" else 0.0,
            severity=SeverityConf(low, high),
            tension=draw(st.floats(0.0, 0.6)),
            trust=draw(st.floats(0.0, 0.5)),
            heat=draw(st.none() | unit),
            suspend=_subset(draw, chans),
            suspended_by=draw(st.sampled_from(PARTIES)),
            suspend_lifts=draw(st.sampled_from(["review", "concession"])),
            unravel=draw(unit),
            shrink_winsets=draw(unit),
            retaliation=retaliation,
        )
    return out


@st.composite
def concessions(draw: st.DrawFn, issues: list[str], chans: list[str], start: dt.date,
                days: int, moves: bool) -> dict[str, ConcessionConf]:
    out = {}
    for i in range(draw(st.integers(0, 4))):
        scheduled = draw(st.booleans())
        moved = _subset(draw, issues) if moves else []
        out[f"k{i}"] = ConcessionConf(
            enabled=draw(st.booleans() | st.just(True)),
            party=draw(st.sampled_from(PARTIES)),
            date=_day(start, draw(st.integers(0, days))) if scheduled else None,
            trigger=None if scheduled else TriggerConf(
                days_before_summit=draw(st.floats(0.0, days + 30.0)),
                tension_above=draw(unit)),
            probability=draw(unit),
            tension=draw(st.floats(0.0, 0.3)),
            trust=draw(st.floats(0.0, 0.3)),
            reopen=_subset(draw, chans),
            move={j: draw(unit) for j in moved},
            domestic_cost=draw(st.floats(0.0, 0.3)),
        )
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> ScenarioConf:
    """A valid scenario. About half are "exact": no win-set noise and no concession that
    moves a position, so every agreement must lie in the configured win-sets (widened by
    the leaders' latitude at the summit)."""
    exact = draw(st.booleans())
    start = dt.date(2030, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3650)))
    days = draw(st.integers(1, 400))
    issues = [f"i{j}" for j in range(draw(st.integers(1, 6)))]
    chans = draw(channels(issues, start, days))
    meets = draw(meetings(chans, start, days))
    partial = draw(st.integers(1, 3))
    return ScenarioConf(
        name="generated",
        start=start.isoformat(),
        parties=draw(parties(issues, start, days)),
        issues={j: IssueConf(status_quo=draw(unit), core=draw(st.booleans())) for j in issues},
        relations=RelationsConf(
            tension=draw(unit), tension_baseline=draw(unit),
            tension_half_life_days=draw(st.floats(0.5, 500.0)),
            trust_half_life_days=draw(st.floats(0.5, 500.0)),
            agreed={j: draw(unit) for j in _subset(draw, issues)} if not exact else {},
        ),
        bargaining=BargainingConf(
            winset_noise_sd=0.0 if exact else draw(st.floats(0.0, 0.3)),
            walk_away=draw(unit), failure_tension=draw(st.floats(0.0, 0.2)),
            failure_trust=draw(st.floats(0.0, 0.2)), consult_credit=draw(unit),
        ),
        channels=chans,
        meetings=meets,
        shocks=draw(shocks(sorted(chans), sorted(meets), start, days)),
        concessions=draw(concessions(issues, sorted(chans), start, days, moves=not exact)),
        summit=SummitConf(
            date=_day(start, days), channel=draw(st.sampled_from(sorted(chans))),
            rounds=draw(st.integers(1, 15)),
            leader_latitude=draw(st.floats(0.0, 0.3)),
        ),
        outcome=OutcomeConf(
            partial_min=partial, breakthrough_min=draw(st.integers(partial, 7)),
            breakthrough_needs_core=draw(st.booleans()),
        ),
    )
