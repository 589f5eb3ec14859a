"""Meaning-level checks of a schema-typed run: each field's own checks, and the rules that
span fields (an ideal point inside its win-set, a date or a trigger, dates in order).

`validate_run` and `validate_scenario` walk the config (`sim.config.checks.walk`) and raise
`ConfigError` at the first violation, naming the full dotted key, the value and what is
allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.config.checks import Context, Rule, fail, interval, iso_date, names, one_of, walk
from sim.config.errors import unknown_name
from sim.config.schema import (
    CallOffConf,
    ChannelConf,
    ConcessionConf,
    MeetingConf,
    OutcomeConf,
    PartyConf,
    RetaliationConf,
    RunConf,
    ScenarioConf,
    SeverityConf,
    ShockConf,
    StanceConf,
    StrategyConf,
)
from sim.model.bargaining.strategies import StrategySpec, spec_problem


def validate_run(run: RunConf) -> None:
    """Check the top-level knobs, then the scenario."""
    walk(run, "", Context(run), {}, skip=("scenario",))
    validate_scenario(run.scenario)


def validate_scenario(sc: ScenarioConf, prefix: str = "scenario") -> None:
    """Check a scenario's meaning; raise `ConfigError` at the first violation."""
    if not sc.name:
        fail(f"{prefix}.name", sc.name, "must be a non-empty name")
    start = iso_date(f"{prefix}.start", sc.start)
    end = iso_date(f"{prefix}.summit.date", sc.summit.date)
    if end <= start:
        fail(f"{prefix}.summit.date", sc.summit.date, f"must be after start {sc.start}")
    if not sc.issues:
        fail(f"{prefix}.issues", {}, "the agenda is empty; define at least one issue")
    if len(sc.parties) != 2:
        fail(f"{prefix}.parties", list(sc.parties), "must name exactly two parties")
    for field, what, needs in (("shocks", "shock", ""), ("concessions", "concession", "party"),
                               ("meetings", "meeting", "channel")):
        _named_by_mistake(f"{prefix}.{field}", getattr(sc, field), what, needs)
    walk(sc, prefix, Context(sc, (start, end)), RULES)


def _named_by_mistake(key: str, entries: Mapping[str, Any], what: str, needs: str) -> None:
    """Refuse an entry of nothing but `enabled` (`ballon: {enabled: false}`), and one
    without the reference its kind `needs` (a concession's party) named like another: a name
    mistyped in a file, which adds an entry where the run meant to change one."""
    for name, entry in entries.items():
        alone = dataclasses.replace(entry, enabled=True) == type(entry)()
        if alone or (needs and not getattr(entry, needs)):
            others = [n for n in entries if n != name]
            unknown = unknown_name(f"{key}.{name}", name, others, what)
            if alone:
                fail(unknown.key, name, f"a {what} of enabled alone does nothing; "
                     f"{unknown.allowed}")
            if difflib.get_close_matches(name, others, n=1):
                fail(unknown.key, name, f"a new {what} needs a {needs}, and this one has "
                     f"none; {unknown.allowed}")


def check_strategy(key: str, name: str, kappa: float | None, beta: float | None) -> None:
    """A strategy (its name checked as a field) with parameters it takes and can honour."""
    for param, number in (("kappa", kappa), ("beta", beta)):
        if number is not None and not (isinstance(number, int | float) and math.isfinite(number)):
            fail(f"{key}.{param}", number, "must be a finite number or null")
    problem = spec_problem(StrategySpec(name, kappa, beta))
    if problem is not None:
        field, value, why = problem
        fail(f"{key}.{field}", value, why)


def check_stances(key: str, stances: Mapping[str, StanceConf], issues: Sequence[str]) -> None:
    """One party's stances at `key`: one per agenda issue, not all weightless."""
    missing = [i for i in issues if i not in stances]
    if missing:
        fail(key, missing, "every agenda issue needs a stance")
    weights = [st.weight for st in stances.values()]
    total = sum(weights)
    if total <= 0:
        fail(f"{key}.*.weight", weights, "the weights are all zero; at least one must be > 0")
    if total == math.inf:  # each is finite (its check)
        fail(f"{key}.*.weight", weights, "sum beyond a float's range; they are relative: "
             "scale them down")


def _strategy(key: str, s: StrategyConf, ctx: Context) -> None:
    check_strategy(key, s.name, s.kappa, s.beta)


def _party(key: str, p: PartyConf, ctx: Context) -> None:
    check_stances(f"{key}.stances", p.stances, ctx.names("issues"))


def _stance(key: str, st: StanceConf, ctx: Context) -> None:
    if not st.win_set[0] <= st.ideal <= st.win_set[1]:
        fail(f"{key}.ideal", st.ideal, f"must lie in win_set {st.win_set}")
    if st.linked is not None:
        issue = key.rpartition(".")[2]
        others = [i for i in ctx.names("issues") if i != issue]
        one_of(others, "issue (another one)")(f"{key}.linked.needs", st.linked.needs, ctx)
        if not st.linked.win_set[0] <= st.win_set[0] <= st.win_set[1] <= st.linked.win_set[1]:
            fail(f"{key}.linked.win_set", list(st.linked.win_set),
                 f"must contain the issue's own win_set {list(st.win_set)}")


def _call_off(key: str, c: CallOffConf, ctx: Context) -> None:
    if c.resume_below > c.above:
        fail(f"{key}.resume_below", c.resume_below, f"must be <= call_off.above ({c.above})")


def _channel(key: str, c: ChannelConf, ctx: Context) -> None:
    if c.reopens is None:
        return
    if c.status != "suspended":
        fail(f"{key}.reopens", c.reopens, "only a suspended channel reopens; set status: "
             "suspended or drop reopens")
    assert ctx.window is not None
    if iso_date(f"{key}.reopens", c.reopens) <= ctx.window[0]:
        fail(f"{key}.reopens", c.reopens, f"must be after start {ctx.window[0]}; a channel "
             "open from the start has status: open")


def _announced(key: str, value: str, date: str | None, ctx: Context) -> None:
    """An announcement date is a real date, not after the entry's own date."""
    if not value:
        return
    if date is None:
        fail(key, value, "only a dated concession is announced")
    if iso_date(key, value) > iso_date(key, date):  # the date is in the window (its check)
        fail(key, value, f"is after the date it announces ({date})")


def _meeting(key: str, m: MeetingConf, ctx: Context) -> None:
    channel = ctx.root.channels[m.channel]
    names(f"{key}.agenda", m.agenda, channel.issues, f"issue of channel {m.channel}")
    _announced(f"{key}.announced", m.announced, m.date, ctx)


def _severity(key: str, s: SeverityConf, ctx: Context) -> None:
    interval(0.0, 1.0)(key, [s.low, s.high], ctx)


MAX_SHOCKS_PER_YEAR = 10_000  # each is simulated on its own: 100,000 take a second a run


def _shock(key: str, s: ShockConf, ctx: Context) -> None:
    if s.date is not None and s.rate_per_year:
        fail(f"{key}.rate_per_year", s.rate_per_year,
             "a dated shock has no rate; give date or rate_per_year")
    if s.rate_per_year * (1 + s.excitation) > MAX_SHOCKS_PER_YEAR:  # at tension 1
        rate = s.rate_per_year > MAX_SHOCKS_PER_YEAR  # too high alone, or excited too much
        fail(f"{key}.{'rate_per_year' if rate else 'excitation'}",
             s.rate_per_year if rate else s.excitation, f"makes {s.rate_per_year:g} x (1 + "
             f"{s.excitation:g}) shocks a year at tension 1; at most {MAX_SHOCKS_PER_YEAR:,}")
    if s.suspend and not (s.suspended_by or s.target or s.actor):
        fail(f"{key}.suspended_by", s.suspended_by,
             "a shock with no actor or target must name who suspends")


def _retaliation(key: str, r: RetaliationConf, ctx: Context) -> None:
    if r.delay_days[1] <= 0:
        fail(f"{key}.delay_days", r.delay_days, "must be > 0")


def _concession(key: str, c: ConcessionConf, ctx: Context) -> None:
    if (c.date is None) == (c.trigger is None):
        fail(f"{key}.date", c.date, "give exactly one of date or trigger")
    _announced(f"{key}.announced", c.announced, c.date, ctx)
    for iname, bounds in c.allow.items():
        ideal = ctx.root.parties[c.party].stances[iname].ideal
        if not bounds[0] <= ideal <= bounds[1]:
            fail(f"{key}.allow.{iname}", list(bounds),
                 f"must contain the party's ideal point {ideal:g}")


def _outcome(key: str, o: OutcomeConf, ctx: Context) -> None:
    if o.breakthrough_min < o.partial_min:
        fail(f"{key}.breakthrough_min", o.breakthrough_min,
             f"must be >= outcome.partial_min ({o.partial_min})")


RULES: dict[type, Rule] = {
    StrategyConf: _strategy, PartyConf: _party, StanceConf: _stance, CallOffConf: _call_off,
    ChannelConf: _channel, MeetingConf: _meeting, SeverityConf: _severity, ShockConf: _shock,
    RetaliationConf: _retaliation, ConcessionConf: _concession, OutcomeConf: _outcome,
}
