"""The config schema: what a scenario YAML may say, as typed dataclasses.

These dataclasses are registered as Hydra structured configs (see `register`), and every
scenario is merged onto them before it runs, so a wrong type or an unknown key is caught
with its full dotted path. Each field carries its checks (ranges, the collection its
names come from: `sim.config.checks`); checks that span fields are `sim.config.validate`'s.

Named collections (parties, issues, channels, meetings, shocks, concessions) are maps
keyed by name, so that a variant scenario or a command-line override can change one
entry (`scenario.shocks.NAME.enabled=false`) without restating the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.config.checks import (
    NON_NEGATIVE,
    OPEN_UNIT,
    POSITIVE,
    ROUNDS,
    UNIT,
    Context,
    at_least,
    cameo_code,
    checked,
    date,
    fail,
    finite,
    in_window,
    interval,
    keys_in,
    one_of,
    refs,
    within,
)
from sim.config.convert import INT64
from sim.model.bargaining.strategies import STRATEGIES

LEVELS = ("leader", "cabinet", "working")
STATUSES = ("open", "suspended")
LIFTS = ("review", "concession")
EXECUTORS = ("local", "dask")
EVENT_KINDS = (
    "meeting_held", "meeting_postponed", "meeting_cancelled", "agreement", "shock",
    "concession", "channel_suspended", "channel_reopened", "summit_attend", "summit_decline",
    "summit_held", "summit_missed", "agreement_unravelled", "meeting_proposed",
)
PARTY = one_of("parties", "party", optional=True)
STRATEGY = one_of(list(STRATEGIES), "strategy")
EMPTY_AGENDA = "the channel's agenda is empty; list at least one issue"


def scheduler(key: str, value: Any, ctx: Context) -> None:
    if value is not None and not str(value).startswith(("tcp://", "tls://", "inproc://",
                                                         "ucx://")):
        fail(key, value, "must be a scheduler address like tcp://host:8786")


def reps(key: str, value: Any, ctx: Context) -> None:
    if value != "auto" and (isinstance(value, bool) or not isinstance(value, int)
                            or not 1 <= value <= INT64[1]):
        fail(key, value, "must be a whole number in [1, 2**63 - 1], or 'auto'")


@dataclass
class EventCode:
    """CAMEO code and Goldstein weight that an event of this kind carries."""

    cameo: str = checked("", cameo_code)
    goldstein: float = checked(0.0, within(-10.0, 10.0))  # the Goldstein scale


@dataclass
class IssueConf:
    """One issue of the agenda: a position in [0, 1]."""

    label: str = ""
    status_quo: float = checked(0.0, UNIT)  # the position if nothing is agreed
    core: bool = False  # a core security/technology issue (see OutcomeConf)


@dataclass
class LinkConf:
    """Linkage: the party ratifies this issue in `win_set` (wider than its own) only in a
    package that puts issue `needs` at `at_least` or more (a price paid on another issue)."""

    needs: str = ""
    at_least: float = checked(1.0, UNIT)
    win_set: list[float] = checked(lambda: [0.0, 1.0], interval(0, 1))


@dataclass
class StanceConf:
    """A party's preferences on one issue: ideal point, salience and domestic win-set."""

    ideal: float = checked(0.5, UNIT)
    weight: float = checked(1.0, NON_NEGATIVE)
    win_set: list[float] = checked(lambda: [0.0, 1.0], interval(0, 1))
    linked: LinkConf | None = None


@dataclass
class PressureConf:
    """Domestic pressure: from `start`, the win-sets shrink toward the ideal point.

    After d days the part of each win-set beyond the ideal point has lost
    min(1, shrink_per_year * d / 365) of its width (Putnam's Level II tightening, e.g.
    an approaching election). An empty `issues` list means every issue.
    """

    start: str = checked("", date)
    shrink_per_year: float = checked(0.0, NON_NEGATIVE)
    issues: list[str] = checked(list, refs("issues", "issue"))


@dataclass
class StrategyConf:
    """A bargaining strategy by registered name (`sim.model.bargaining.strategies`)."""

    name: str = checked("linear", STRATEGY)
    kappa: float | None = None  # None: the strategy's default
    beta: float | None = None  # None: the strategy's default; a preset fixes it


@dataclass
class AttendanceConf:
    """Logistic rule for a leader's decision to attend the summit.

    logit P(attend) = -empty_cost + value * G_i + trust * trust_i - tension * T, with G_i
    the party's expected gain over the status quo from the package the summit can
    announce (deliverables agreed so far plus what leader-level bargaining can settle),
    trust_i its trust in the other and T the tension.
    """

    empty_cost: float = checked(0.0, finite)  # audience cost of a summit with nothing to announce
    value: float = checked(0.0, finite)
    trust: float = checked(0.0, finite)
    tension: float = checked(0.0, finite)


@dataclass
class ProposalConf:
    """A party proposes a meeting on `channel` when none has been held for `lull_days`
    and tension is under `below`: it is held `notice_days` later, hosted by the proposer."""

    channel: str = checked("", one_of("channels", "channel"))
    lull_days: float = checked(60.0, POSITIVE)
    below: float = checked(1.0, UNIT)
    notice_days: float = checked(14.0, NON_NEGATIVE)
    duration_days: float = checked(1.0, POSITIVE)
    tension_relief: float = checked(0.03, UNIT)  # as a planned meeting's
    trust_gain: float = checked(0.02, UNIT)
    limit: int = checked(1, at_least(0))  # proposals at most


@dataclass
class CallOffConf:
    """A party calls off the planned summit when, on observing a shock, tension is at or
    above `above`; it looks again every `review_days` and re-proposes the summit once
    tension is under `resume_below` (and calls it off again if tension rises anew)."""

    above: float = checked(1.0, UNIT)
    resume_below: float = checked(0.0, UNIT)
    review_days: float = checked(7.0, POSITIVE)


@dataclass
class PolicyConf:
    """How a party decides its reactions to what it observes.

    Shocks by the other party raise its domestic heat (relaxing with a half-life); while
    heat is above `refuse_visit_above` it refuses to send or host a visit (a meeting with
    a host). It suspends the channels a shock names with probability
    min(1, suspend * severity), reviews each suspension every `review_days` and lifts it
    once tension is under the channel's threshold and its heat under `resume_below`.
    """

    heat_half_life_days: float = checked(60.0, POSITIVE)
    refuse_visit_above: float = checked(1.0, UNIT)  # 1: never refuses
    suspend: float = checked(1.0, NON_NEGATIVE)
    review_days: float = checked(14.0, POSITIVE)
    resume_below: float = checked(1.0, UNIT)
    propose: ProposalConf | None = None  # None: it proposes no meeting
    call_off: CallOffConf | None = None  # None: it never calls the summit off


@dataclass
class PartyConf:
    label: str = ""
    leader: str = ""
    trust: float = checked(0.5, UNIT)  # initial trust in the other party
    strategy: StrategyConf = field(default_factory=StrategyConf)
    discount: float = checked(0.95, OPEN_UNIT)  # patience: a deal one round later is worth this
    policy: PolicyConf = field(default_factory=PolicyConf)
    stances: dict[str, StanceConf] = checked(dict, keys_in("issues", "issue"))
    pressure: PressureConf | None = None
    attendance: AttendanceConf = field(default_factory=AttendanceConf)


@dataclass
class RelationsConf:
    """Initial tension and how it and trust relax between events (closed form)."""

    tension: float = checked(0.3, UNIT)
    tension_baseline: float = checked(0.3, UNIT)
    tension_half_life_days: float = checked(60.0, POSITIVE)
    trust_half_life_days: float = checked(180.0, POSITIVE)  # relaxes toward its initial value
    agreed: dict[str, float] = checked(dict, keys_in("issues", "issue", UNIT))


@dataclass
class BargainingConf:
    """Scenario-wide bargaining settings."""

    winset_noise_sd: float = checked(0.0, NON_NEGATIVE)  # per-replication noise on win-set edges
    walk_away: float = checked(0.1, UNIT)  # chance per round that talks break off, at tension 1
    failure_tension: float = checked(0.0, UNIT)  # added when talks with something to settle fail
    failure_trust: float = checked(0.0, UNIT)  # trust each party loses then
    consult_credit: float = checked(0.5, UNIT)  # share of relief and trust, nothing to settle


@dataclass
class ChannelConf:
    label: str = ""
    level: str = checked("working", one_of(LEVELS, "level"))
    issues: list[str] = checked(list, refs("issues", "issue", EMPTY_AGENDA))
    tension_threshold: float = checked(1.0, UNIT)  # meetings postponed while tension is above
    status: str = checked("open", one_of(STATUSES, "status"))
    reopens: str | None = None  # date a suspended channel reopens; None: until a concession
    rounds: int = checked(10, ROUNDS)  # bargaining deadline of a meeting on this channel


@dataclass
class MeetingConf:
    enabled: bool = True
    label: str = ""
    channel: str = checked("", one_of("channels", "channel"))
    date: str = checked("", in_window)
    duration_days: float = checked(1.0, POSITIVE)
    agenda: list[str] = field(default_factory=list)  # empty: the channel's issues
    host: str = checked("", PARTY)  # empty: third location
    tension_relief: float = checked(0.03, UNIT)
    trust_gain: float = checked(0.02, UNIT)
    retry_days: float = checked(30.0, POSITIVE)
    max_postponements: int = checked(6, at_least(0))
    announced: str = ""  # date it was made public; empty: not known before its date
    code: EventCode | None = None


@dataclass
class SeverityConf:
    """Severity distribution of a shock, in [0, 1]: uniform on [low, high]."""

    low: float = 1.0
    high: float = 1.0


@dataclass
class RetaliationConf:
    shock: str = checked("", one_of("shocks", "shock"))
    probability: float = checked(1.0, UNIT)
    delay_days: list[float] = checked(lambda: [1.0, 1.0], interval(0, math.inf))


@dataclass
class ShockConf:
    enabled: bool = True
    label: str = ""
    kind: str = "shock"  # a category for reporting: military_incident, sanction, ...
    actor: str = checked("", PARTY)
    target: str = checked("", PARTY)
    date: str | None = checked(None, in_window)  # fixed date ...
    probability: float = checked(1.0, UNIT)  # ... happening with this probability
    rate_per_year: float = checked(0.0, NON_NEGATIVE)  # or a Poisson hazard over the window ...
    excitation: float = checked(0.0, NON_NEGATIVE)  # ... times 1 + excitation * tension ...
    restraint_days: float = checked(0.0, NON_NEGATIVE)  # ... and restraint in the last days
    restraint: float = checked(1.0, UNIT)
    severity: SeverityConf = field(default_factory=SeverityConf)
    tension: float = checked(0.0, UNIT)  # tension added at severity 1
    trust: float = checked(0.0, UNIT)  # trust the target loses in the actor at severity 1
    heat: float | None = checked(None, UNIT)  # target's domestic heat at severity 1; None: tension
    suspend: list[str] = checked(list, refs("channels", "channel"))  # it may close
    suspended_by: str = checked("", PARTY)  # the party that decides; empty: target, else actor
    suspend_lifts: str = checked("review", one_of(LIFTS, "way a suspension lifts"))
    unravel: float = checked(0.0, UNIT)  # chance at severity 1 each pre-agreed deal is reopened
    shrink_winsets: float = checked(0.0, UNIT)  # target's win-set slack lost at severity 1
    retaliation: RetaliationConf | None = None
    code: EventCode | None = None


@dataclass
class TriggerConf:
    """A concession made by policy: `days_before_summit` days out, if tension > threshold."""

    days_before_summit: float = checked(30.0, NON_NEGATIVE)
    tension_above: float = checked(0.0, UNIT)


@dataclass
class ConcessionConf:
    enabled: bool = True
    label: str = ""
    party: str = checked("", one_of("parties", "party"))
    date: str | None = checked(None, in_window)  # scheduled ...
    trigger: TriggerConf | None = None  # ... or by policy
    probability: float = checked(1.0, UNIT)
    tension: float = checked(0.0, UNIT)  # tension removed
    trust: float = checked(0.0, UNIT)  # trust the other party gains
    reopen: list[str] = checked(list, refs("channels", "channel"))  # channels reopened
    move: dict[str, float] = checked(dict, keys_in("issues", "issue", UNIT))  # gap closed
    allow: dict[str, list[Any]] = checked(dict, keys_in("issues", "issue", interval(0, 1)),
                                          exact=dict[str, list[float]])  # see `checked`
    domestic_cost: float = checked(0.0, UNIT)  # subtracted from the conceding party's utility
    announced: str = ""  # date a dated concession was made public; empty: on its date
    code: EventCode | None = None


@dataclass
class SummitConf:
    date: str = ""
    channel: str = checked("leaders", one_of("channels", "channel"))
    rounds: int = checked(12, ROUNDS)
    leader_latitude: float = checked(0.0, UNIT)  # leaders may widen their win-sets by this much


@dataclass
class OutcomeConf:
    """Outcome classes: deliverables counted at a held summit."""

    partial_min: int = checked(1, at_least(1))  # fewer agreed issues: summit_no_deal
    breakthrough_min: int = 6  # at least this many: summit_breakthrough ...
    breakthrough_needs_core: bool = True  # ... and at least one core issue among them


@dataclass
class ScenarioConf:
    name: str = ""
    description: str = ""
    start: str = ""
    parties: dict[str, PartyConf] = field(default_factory=dict)
    issues: dict[str, IssueConf] = field(default_factory=dict)
    relations: RelationsConf = field(default_factory=RelationsConf)
    bargaining: BargainingConf = field(default_factory=BargainingConf)
    channels: dict[str, ChannelConf] = field(default_factory=dict)
    meetings: dict[str, MeetingConf] = field(default_factory=dict)
    shocks: dict[str, ShockConf] = field(default_factory=dict)
    concessions: dict[str, ConcessionConf] = field(default_factory=dict)
    summit: SummitConf = field(default_factory=SummitConf)
    outcome: OutcomeConf = field(default_factory=OutcomeConf)
    event_codes: dict[str, EventCode] = checked(dict, keys_in(EVENT_KINDS, "event kind"))


@dataclass
class DaskConf:
    address: str | None = checked(None, scheduler)  # tcp://host:port; None: a LocalCluster
    workers: int = checked(0, at_least(0))  # LocalCluster workers; 0: the `workers` knob


@dataclass
class RunConf:
    """The top-level knobs of `python -m sim`."""

    scenario: ScenarioConf = field(default_factory=ScenarioConf)
    reps: Any = checked(1000, reps)  # >= 1, or "auto": until p_summit is known to `precision`
    precision: float = checked(0.01, within(0, 0.5, True))  # reps=auto: 95 % half-width
    max_reps: int = checked(100_000, at_least(1))  # reps=auto: stop here at the latest
    seed: int = checked(0, at_least(0))
    workers: int = checked(0, at_least(0, note=" (0: one per core)"))  # 0: one per core
    executor: str = checked("local", one_of(EXECUTORS, "executor"))  # local or dask
    dask: DaskConf = field(default_factory=DaskConf)
    crn: bool = True  # common random numbers: every job of a sweep draws the same streams
    trace_reps: int = checked(20, at_least(0))
    design_point: int = checked(0, at_least(0))
    progress: bool = True
    plots: bool = True
    job_plots: bool = False  # sweeps: also draw each job's run plots (sim.report can, later)
    vars: dict[str, Any] = field(default_factory=dict)  # free values for configs to interpolate


def register() -> None:
    """Register the schema in Hydra's ConfigStore as `schema: run`, first in the defaults."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(group="schema", name="run", node=RunConf, package="_global_")
