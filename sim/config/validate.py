"""Meaning-level checks of a schema-typed scenario: ranges, dates, names that exist.

Each check raises `ConfigError` naming the full dotted key, the value and what is
allowed. The first violation found is reported.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence

from sim.config.errors import ConfigError, unknown_name
from sim.config.schema import EVENT_KINDS, EXECUTORS, RunConf, ScenarioConf, StanceConf
from sim.model.bargaining.strategies import STRATEGIES, StrategySpec, spec_problem

LEVELS = ("leader", "cabinet", "working")
STATUSES = ("open", "suspended")
LIFTS = ("review", "concession")


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(key: str, value: str | None) -> dt.date:
    """A "YYYY-MM-DD" date (only this form, though Python would parse others), or a
    `ConfigError` naming `key`."""
    try:
        if DATE.fullmatch(str(value)):
            return dt.date.fromisoformat(str(value))
    except ValueError:
        pass
    raise ConfigError(key, value, "not a date; write YYYY-MM-DD, a real calendar day")


def _within(key: str, value: float, low: float, high: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
        raise ConfigError(key, value, f"must be in [{low:g}, {high:g}]")


def _positive(key: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(key, value, "must be > 0")


def _non_negative(key: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ConfigError(key, value, "must be >= 0")


def _known(key: str, value: str, known: Iterable[str], what: str) -> None:
    names = list(known)
    if value not in names:
        raise unknown_name(key, value, names, what)


def _names(key: str, values: Sequence[str], known: Iterable[str], what: str) -> None:
    names = list(known)
    seen: set[str] = set()
    for i, v in enumerate(values):
        _known(f"{key}[{i}]", v, names, what)
        if v in seen:
            raise ConfigError(f"{key}[{i}]", v, f"duplicate {what}")
        seen.add(v)


def _interval(key: str, value: Sequence[float], low: float, high: float) -> None:
    if len(value) != 2:
        raise ConfigError(key, list(value), "must be two numbers [low, high]")
    _within(f"{key}[0]", value[0], low, high)
    _within(f"{key}[1]", value[1], low, high)
    if value[0] > value[1]:
        raise ConfigError(key, list(value), "is an empty interval: low must be <= high")


def validate_run(run: RunConf) -> None:
    """Check the top-level knobs, then the scenario."""
    if run.reps != "auto" and (
        isinstance(run.reps, bool) or not isinstance(run.reps, int) or run.reps < 1
    ):
        raise ConfigError("reps", run.reps, "must be a whole number >= 1, or 'auto'")
    if not 0.0 < run.precision < 0.5:
        raise ConfigError("precision", run.precision, "must be in (0, 0.5)")
    if run.max_reps < 1:
        raise ConfigError("max_reps", run.max_reps, "must be >= 1")
    _known("executor", run.executor, EXECUTORS, "executor")
    if run.dask.workers < 0:
        raise ConfigError("dask.workers", run.dask.workers, "must be >= 0")
    if run.dask.address is not None and not str(run.dask.address).startswith(
        ("tcp://", "tls://", "inproc://", "ucx://")
    ):
        raise ConfigError("dask.address", run.dask.address,
                          "must be a scheduler address like tcp://host:8786")
    if run.seed < 0:
        raise ConfigError("seed", run.seed, "must be >= 0")
    if run.workers < 0:
        raise ConfigError("workers", run.workers, "must be >= 0 (0: one per core)")
    if run.trace_reps < 0:
        raise ConfigError("trace_reps", run.trace_reps, "must be >= 0")
    if run.design_point < 0:
        raise ConfigError("design_point", run.design_point, "must be >= 0")
    validate_scenario(run.scenario)


def validate_scenario(sc: ScenarioConf, prefix: str = "scenario") -> None:
    """Check a scenario's meaning; raise `ConfigError` at the first violation."""
    k = prefix
    if not sc.name:
        raise ConfigError(f"{k}.name", sc.name, "must be a non-empty name")
    window = _window(sc, k)
    if not sc.issues:
        raise ConfigError(f"{k}.issues", {}, "the agenda is empty; define at least one issue")
    for name, issue in sc.issues.items():
        _within(f"{k}.issues.{name}.status_quo", issue.status_quo, 0.0, 1.0)
    _check_parties(sc, k)
    _check_relations(sc, k)
    _check_channels(sc, k, window)
    _check_meetings(sc, k, window)
    _check_shocks(sc, k, window)
    _check_concessions(sc, k, window)
    _check_summit_and_outcome(sc, k)


Window = tuple[dt.date, dt.date]


def _window(sc: ScenarioConf, k: str) -> Window:
    start = iso_date(f"{k}.start", sc.start)
    end = iso_date(f"{k}.summit.date", sc.summit.date)
    if end <= start:
        raise ConfigError(f"{k}.summit.date", sc.summit.date, f"must be after start {sc.start}")
    return start, end


def _in_window(key: str, value: str, window: Window) -> None:
    d = iso_date(key, value)
    if not window[0] <= d <= window[1]:
        raise ConfigError(key, value, f"must lie in the scenario window {window[0]}..{window[1]}")


def _announced(key: str, value: str, date: str, window: Window) -> None:
    """An announcement date is a real date, not after the entry's own date."""
    if not value:
        return
    if iso_date(key, value) > iso_date(key, date):
        raise ConfigError(key, value, f"is after the date it announces ({date})")
    if iso_date(key, value) > window[1]:
        raise ConfigError(key, value, f"is after the scenario window ends ({window[1]})")


def _check_parties(sc: ScenarioConf, k: str) -> None:
    issues = list(sc.issues)
    if len(sc.parties) != 2:
        raise ConfigError(f"{k}.parties", list(sc.parties), "must name exactly two parties")
    for pname, p in sc.parties.items():
        pk = f"{k}.parties.{pname}"
        _within(f"{pk}.trust", p.trust, 0.0, 1.0)
        check_strategy(f"{pk}.strategy", p.strategy.name, p.strategy.kappa, p.strategy.beta)
        _within(f"{pk}.discount", p.discount, 0.0, 1.0)
        if not 0.0 < p.discount < 1.0:
            raise ConfigError(f"{pk}.discount", p.discount, "must be in (0, 1)")
        pol = p.policy
        _positive(f"{pk}.policy.heat_half_life_days", pol.heat_half_life_days)
        _within(f"{pk}.policy.refuse_visit_above", pol.refuse_visit_above, 0.0, 1.0)
        _non_negative(f"{pk}.policy.suspend", pol.suspend)
        _positive(f"{pk}.policy.review_days", pol.review_days)
        _within(f"{pk}.policy.resume_below", pol.resume_below, 0.0, 1.0)
        if pol.propose is not None:
            qk = f"{pk}.policy.propose"
            _known(f"{qk}.channel", pol.propose.channel, sc.channels, "channel")
            _positive(f"{qk}.lull_days", pol.propose.lull_days)
            _within(f"{qk}.below", pol.propose.below, 0.0, 1.0)
            _non_negative(f"{qk}.notice_days", pol.propose.notice_days)
            _positive(f"{qk}.duration_days", pol.propose.duration_days)
            _within(f"{qk}.tension_relief", pol.propose.tension_relief, 0.0, 1.0)
            _within(f"{qk}.trust_gain", pol.propose.trust_gain, 0.0, 1.0)
            if pol.propose.limit < 0:
                raise ConfigError(f"{qk}.limit", pol.propose.limit, "must be >= 0")
        if pol.call_off is not None:
            ck = f"{pk}.policy.call_off"
            _within(f"{ck}.above", pol.call_off.above, 0.0, 1.0)
            _within(f"{ck}.resume_below", pol.call_off.resume_below, 0.0, 1.0)
            if pol.call_off.resume_below > pol.call_off.above:
                raise ConfigError(f"{ck}.resume_below", pol.call_off.resume_below,
                                  f"must be <= call_off.above ({pol.call_off.above})")
            _positive(f"{ck}.review_days", pol.call_off.review_days)
        a = p.attendance
        for name in ("empty_cost", "value", "trust", "tension"):
            value = getattr(a, name)
            if not math.isfinite(value):
                raise ConfigError(f"{pk}.attendance.{name}", value, "must be a finite number")
        check_stances(f"{pk}.stances", p.stances, issues)
        if p.pressure is not None:
            if p.pressure.start:
                iso_date(f"{pk}.pressure.start", p.pressure.start)
            _non_negative(f"{pk}.pressure.shrink_per_year", p.pressure.shrink_per_year)
            _names(f"{pk}.pressure.issues", p.pressure.issues, issues, "issue")


def check_strategy(key: str, name: str, kappa: float | None, beta: float | None,
                   name_key: str = "name") -> None:
    """A strategy the registry knows, with parameters it takes and can honour."""
    _known(f"{key}.{name_key}", name, STRATEGIES, "strategy")
    for param, number in (("kappa", kappa), ("beta", beta)):
        if number is not None and not (isinstance(number, int | float) and math.isfinite(number)):
            raise ConfigError(f"{key}.{param}", number, "must be a finite number or null")
    problem = spec_problem(StrategySpec(name, kappa, beta))
    if problem is not None:
        field, value, why = problem
        raise ConfigError(f"{key}.{field}", value, why)


def check_stances(key: str, stances: Mapping[str, StanceConf], issues: Sequence[str]) -> None:
    """One party's stances at `key`: one per agenda issue, in range, ideal in its win-set."""
    for iname in stances:
        _known(f"{key}.{iname}", iname, issues, "issue")
    missing = [i for i in issues if i not in stances]
    if missing:
        raise ConfigError(key, missing, "every agenda issue needs a stance")
    for iname, st in stances.items():
        sk = f"{key}.{iname}"
        _within(f"{sk}.ideal", st.ideal, 0.0, 1.0)
        _non_negative(f"{sk}.weight", st.weight)
        _interval(f"{sk}.win_set", st.win_set, 0.0, 1.0)
        if not st.win_set[0] <= st.ideal <= st.win_set[1]:
            raise ConfigError(f"{sk}.ideal", st.ideal, f"must lie in win_set {st.win_set}")
        if st.linked is not None:
            lk = f"{sk}.linked"
            _known(f"{lk}.needs", st.linked.needs, [i for i in issues if i != iname],
                   "issue (another one)")
            _within(f"{lk}.at_least", st.linked.at_least, 0.0, 1.0)
            _interval(f"{lk}.win_set", st.linked.win_set, 0.0, 1.0)
            if not (st.linked.win_set[0] <= st.win_set[0] and
                    st.win_set[1] <= st.linked.win_set[1]):
                raise ConfigError(f"{lk}.win_set", list(st.linked.win_set),
                                  f"must contain the issue's own win_set {list(st.win_set)}")
    if sum(st.weight for st in stances.values()) <= 0:
        raise ConfigError(f"{key}.*.weight", [st.weight for st in stances.values()],
                          "the weights are all zero; at least one must be > 0")


def _check_relations(sc: ScenarioConf, k: str) -> None:
    r = sc.relations
    _within(f"{k}.relations.tension", r.tension, 0.0, 1.0)
    _within(f"{k}.relations.tension_baseline", r.tension_baseline, 0.0, 1.0)
    _positive(f"{k}.relations.tension_half_life_days", r.tension_half_life_days)
    _positive(f"{k}.relations.trust_half_life_days", r.trust_half_life_days)
    for iname, x in r.agreed.items():
        _known(f"{k}.relations.agreed.{iname}", iname, sc.issues, "issue")
        _within(f"{k}.relations.agreed.{iname}", x, 0.0, 1.0)
    _non_negative(f"{k}.bargaining.winset_noise_sd", sc.bargaining.winset_noise_sd)
    _within(f"{k}.bargaining.walk_away", sc.bargaining.walk_away, 0.0, 1.0)
    _within(f"{k}.bargaining.failure_tension", sc.bargaining.failure_tension, 0.0, 1.0)
    _within(f"{k}.bargaining.failure_trust", sc.bargaining.failure_trust, 0.0, 1.0)
    _within(f"{k}.bargaining.consult_credit", sc.bargaining.consult_credit, 0.0, 1.0)


def _check_channels(sc: ScenarioConf, k: str, window: Window) -> None:
    for cname, c in sc.channels.items():
        ck = f"{k}.channels.{cname}"
        _known(f"{ck}.level", c.level, LEVELS, "level")
        if not c.issues:
            raise ConfigError(f"{ck}.issues", list(c.issues),
                              "the channel's agenda is empty; list at least one issue")
        _names(f"{ck}.issues", c.issues, sc.issues, "issue")
        _within(f"{ck}.tension_threshold", c.tension_threshold, 0.0, 1.0)
        _known(f"{ck}.status", c.status, STATUSES, "status")
        if c.reopens is not None:
            if c.status != "suspended":
                raise ConfigError(f"{ck}.reopens", c.reopens,
                                  "only a suspended channel reopens; set status: suspended "
                                  "or drop reopens")
            if iso_date(f"{ck}.reopens", c.reopens) <= window[0]:
                raise ConfigError(f"{ck}.reopens", c.reopens,
                                  f"must be after start {window[0]}; a channel open from the "
                                  "start has status: open")
        if c.rounds < 1:
            raise ConfigError(f"{ck}.rounds", c.rounds, "must be >= 1")


def _check_meetings(sc: ScenarioConf, k: str, window: Window) -> None:
    for mname, m in sc.meetings.items():
        mk = f"{k}.meetings.{mname}"
        _known(f"{mk}.channel", m.channel, sc.channels, "channel")
        _in_window(f"{mk}.date", m.date, window)
        _positive(f"{mk}.duration_days", m.duration_days)
        _names(f"{mk}.agenda", m.agenda, sc.channels[m.channel].issues,
               f"issue of channel {m.channel}")
        if m.host:
            _known(f"{mk}.host", m.host, sc.parties, "party")
        _within(f"{mk}.tension_relief", m.tension_relief, 0.0, 1.0)
        _within(f"{mk}.trust_gain", m.trust_gain, 0.0, 1.0)
        _positive(f"{mk}.retry_days", m.retry_days)
        if m.max_postponements < 0:
            raise ConfigError(f"{mk}.max_postponements", m.max_postponements, "must be >= 0")
        _announced(f"{mk}.announced", m.announced, m.date, window)


def _check_shocks(sc: ScenarioConf, k: str, window: Window) -> None:
    for sname, s in sc.shocks.items():
        sk = f"{k}.shocks.{sname}"
        if s.actor:
            _known(f"{sk}.actor", s.actor, sc.parties, "party")
        if s.target:
            _known(f"{sk}.target", s.target, sc.parties, "party")
        if s.date is not None:
            _in_window(f"{sk}.date", s.date, window)
            if s.rate_per_year:
                raise ConfigError(f"{sk}.rate_per_year", s.rate_per_year,
                                  "a dated shock has no rate; give date or rate_per_year")
        _within(f"{sk}.probability", s.probability, 0.0, 1.0)
        _non_negative(f"{sk}.rate_per_year", s.rate_per_year)
        _non_negative(f"{sk}.excitation", s.excitation)
        _non_negative(f"{sk}.restraint_days", s.restraint_days)
        _within(f"{sk}.restraint", s.restraint, 0.0, 1.0)
        _interval(f"{sk}.severity", [s.severity.low, s.severity.high], 0.0, 1.0)
        _within(f"{sk}.tension", s.tension, 0.0, 1.0)
        _within(f"{sk}.trust", s.trust, 0.0, 1.0)
        if s.heat is not None:
            _within(f"{sk}.heat", s.heat, 0.0, 1.0)
        _names(f"{sk}.suspend", s.suspend, sc.channels, "channel")
        if s.suspended_by:
            _known(f"{sk}.suspended_by", s.suspended_by, sc.parties, "party")
        elif s.suspend and not (s.target or s.actor):
            raise ConfigError(f"{sk}.suspended_by", s.suspended_by,
                              "a shock with no actor or target must name who suspends")
        _known(f"{sk}.suspend_lifts", s.suspend_lifts, LIFTS, "way a suspension lifts")
        _within(f"{sk}.unravel", s.unravel, 0.0, 1.0)
        _within(f"{sk}.shrink_winsets", s.shrink_winsets, 0.0, 1.0)
        r = s.retaliation
        if r is not None:
            rk = f"{sk}.retaliation"
            _known(f"{rk}.shock", r.shock, sc.shocks, "shock")
            _within(f"{rk}.probability", r.probability, 0.0, 1.0)
            _interval(f"{rk}.delay_days", r.delay_days, 0.0, math.inf)
            if r.delay_days[1] <= 0:
                raise ConfigError(f"{rk}.delay_days", r.delay_days, "must be > 0")


def _check_concessions(sc: ScenarioConf, k: str, window: Window) -> None:
    for cname, c in sc.concessions.items():
        ck = f"{k}.concessions.{cname}"
        _known(f"{ck}.party", c.party, sc.parties, "party")
        if (c.date is None) == (c.trigger is None):
            raise ConfigError(f"{ck}.date", c.date, "give exactly one of date or trigger")
        if c.date is not None:
            _in_window(f"{ck}.date", c.date, window)
        if c.announced:
            if c.date is None:
                raise ConfigError(f"{ck}.announced", c.announced, "only a dated concession "
                                  "is announced")
            _announced(f"{ck}.announced", c.announced, c.date, window)
        if c.trigger is not None:
            _non_negative(f"{ck}.trigger.days_before_summit", c.trigger.days_before_summit)
            _within(f"{ck}.trigger.tension_above", c.trigger.tension_above, 0.0, 1.0)
        _within(f"{ck}.probability", c.probability, 0.0, 1.0)
        _within(f"{ck}.tension", c.tension, 0.0, 1.0)
        _within(f"{ck}.trust", c.trust, 0.0, 1.0)
        _names(f"{ck}.reopen", c.reopen, sc.channels, "channel")
        for iname, share in c.move.items():
            _known(f"{ck}.move.{iname}", iname, sc.issues, "issue")
            _within(f"{ck}.move.{iname}", share, 0.0, 1.0)
        for iname, bounds in c.allow.items():
            _known(f"{ck}.allow.{iname}", iname, sc.issues, "issue")
            _interval(f"{ck}.allow.{iname}", bounds, 0.0, 1.0)
            ideal = sc.parties[c.party].stances[iname].ideal
            if not bounds[0] <= ideal <= bounds[1]:
                raise ConfigError(f"{ck}.allow.{iname}", list(bounds),
                                  f"must contain the party's ideal point {ideal:g}")
        _within(f"{ck}.domestic_cost", c.domestic_cost, 0.0, 1.0)


def _check_summit_and_outcome(sc: ScenarioConf, k: str) -> None:
    s = sc.summit
    _known(f"{k}.summit.channel", s.channel, sc.channels, "channel")
    if s.rounds < 1:
        raise ConfigError(f"{k}.summit.rounds", s.rounds, "must be >= 1")
    _within(f"{k}.summit.leader_latitude", s.leader_latitude, 0.0, 1.0)
    o = sc.outcome
    if o.partial_min < 1:
        raise ConfigError(f"{k}.outcome.partial_min", o.partial_min, "must be >= 1")
    if o.breakthrough_min < o.partial_min:
        raise ConfigError(f"{k}.outcome.breakthrough_min", o.breakthrough_min,
                          f"must be >= outcome.partial_min ({o.partial_min})")
    for kind in sc.event_codes:
        _known(f"{k}.event_codes.{kind}", kind, EVENT_KINDS, "event kind")
