"""The config schema: what a scenario YAML may say, as typed dataclasses.

These dataclasses are registered as Hydra structured configs (see `register`), and every
scenario is merged onto them before it runs, so a wrong type or an unknown key is caught
with its full dotted path. Meaning-level checks (dates in order, names that exist,
ranges) live in `sim.config.validate`.

Named collections (parties, issues, channels, meetings, shocks, concessions) are maps
keyed by name, so that a variant scenario or a command-line override can change one
entry (`scenario.shocks.NAME.enabled=false`) without restating the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class EventCode:
    """CAMEO code and Goldstein weight that an event of this kind carries."""

    cameo: str = ""
    goldstein: float = 0.0


@dataclass
class IssueConf:
    """One issue of the agenda: a position in [0, 1]."""

    label: str = ""
    status_quo: float = 0.0  # the position if nothing is agreed (the disagreement point)
    core: bool = False  # a core security/technology issue (see OutcomeConf)


@dataclass
class LinkConf:
    """Linkage: the party ratifies this issue in `win_set` (wider than its own) only in a
    package that puts issue `needs` at `at_least` or more (a price paid on another issue)."""

    needs: str = ""
    at_least: float = 1.0
    win_set: list[float] = field(default_factory=lambda: [0.0, 1.0])


@dataclass
class StanceConf:
    """A party's preferences on one issue: ideal point, salience and domestic win-set."""

    ideal: float = 0.5
    weight: float = 1.0
    win_set: list[float] = field(default_factory=lambda: [0.0, 1.0])
    linked: LinkConf | None = None


@dataclass
class PressureConf:
    """Domestic pressure: from `start`, the win-sets shrink toward the ideal point.

    After d days the part of each win-set beyond the ideal point has lost
    min(1, shrink_per_year * d / 365) of its width (Putnam's Level II tightening, e.g.
    an approaching election). An empty `issues` list means every issue.
    """

    start: str = ""
    shrink_per_year: float = 0.0
    issues: list[str] = field(default_factory=list)


@dataclass
class StrategyConf:
    """A bargaining strategy by registered name (`sim.model.bargaining.strategies`)."""

    name: str = "linear"
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

    empty_cost: float = 0.0  # the audience cost of a summit with nothing to announce
    value: float = 0.0
    trust: float = 0.0
    tension: float = 0.0


@dataclass
class ProposalConf:
    """A party proposes a meeting on `channel` when none has been held for `lull_days`
    and tension is under `below`: it is held `notice_days` later, hosted by the proposer."""

    channel: str = ""
    lull_days: float = 60.0
    below: float = 1.0
    notice_days: float = 14.0
    duration_days: float = 1.0
    tension_relief: float = 0.03  # as a planned meeting's
    trust_gain: float = 0.02
    limit: int = 1  # proposals at most


@dataclass
class CallOffConf:
    """A party calls off the planned summit when, on observing a shock, tension is at or
    above `above`; it looks again every `review_days` and re-proposes the summit once
    tension is under `resume_below` (and calls it off again if tension rises anew)."""

    above: float = 1.0
    resume_below: float = 0.0
    review_days: float = 7.0


@dataclass
class PolicyConf:
    """How a party decides its reactions to what it observes.

    Shocks by the other party raise its domestic heat (relaxing with a half-life); while
    heat is above `refuse_visit_above` it refuses to send or host a visit (a meeting with
    a host). It suspends the channels a shock names with probability
    min(1, suspend * severity), reviews each suspension every `review_days` and lifts it
    once tension is under the channel's threshold and its heat under `resume_below`.
    """

    heat_half_life_days: float = 60.0
    refuse_visit_above: float = 1.0  # 1: never refuses
    suspend: float = 1.0
    review_days: float = 14.0
    resume_below: float = 1.0
    propose: ProposalConf | None = None  # None: it proposes no meeting
    call_off: CallOffConf | None = None  # None: it never calls the summit off


@dataclass
class PartyConf:
    label: str = ""
    leader: str = ""
    trust: float = 0.5  # initial trust in the other party, [0, 1]
    strategy: StrategyConf = field(default_factory=StrategyConf)
    discount: float = 0.95  # patience: a deal one round later is worth this much
    policy: PolicyConf = field(default_factory=PolicyConf)
    stances: dict[str, StanceConf] = field(default_factory=dict)
    pressure: PressureConf | None = None
    attendance: AttendanceConf = field(default_factory=AttendanceConf)


@dataclass
class RelationsConf:
    """Initial tension and how it and trust relax between events (closed form)."""

    tension: float = 0.3
    tension_baseline: float = 0.3
    tension_half_life_days: float = 60.0
    trust_half_life_days: float = 180.0  # trust relaxes toward its initial value
    agreed: dict[str, float] = field(default_factory=dict)  # deliverables agreed before start


@dataclass
class BargainingConf:
    """Scenario-wide bargaining settings."""

    winset_noise_sd: float = 0.0  # per-replication noise on win-set edges
    walk_away: float = 0.1  # chance per round that talks break off, at tension 1
    failure_tension: float = 0.0  # tension added when talks with something to settle fail
    failure_trust: float = 0.0  # trust each party loses then
    consult_credit: float = 0.5  # share of a meeting's relief and trust gain with nothing to settle


@dataclass
class ChannelConf:
    label: str = ""
    level: str = "working"  # leader, cabinet or working
    issues: list[str] = field(default_factory=list)
    tension_threshold: float = 1.0  # meetings postponed while tension is above this
    status: str = "open"  # open or suspended
    reopens: str | None = None  # date a suspended channel reopens; None: until a concession
    rounds: int = 10  # bargaining deadline of a meeting on this channel


@dataclass
class MeetingConf:
    enabled: bool = True
    label: str = ""
    channel: str = ""
    date: str = ""
    duration_days: float = 1.0
    agenda: list[str] = field(default_factory=list)  # empty: the channel's issues
    host: str = ""  # hosting party; empty: third location
    tension_relief: float = 0.03
    trust_gain: float = 0.02
    retry_days: float = 30.0
    max_postponements: int = 6
    announced: str = ""  # date it was made public; empty: not known before its date
    code: EventCode | None = None


@dataclass
class SeverityConf:
    """Severity distribution of a shock, in [0, 1]: uniform on [low, high]."""

    low: float = 1.0
    high: float = 1.0


@dataclass
class RetaliationConf:
    shock: str = ""
    probability: float = 1.0
    delay_days: list[float] = field(default_factory=lambda: [1.0, 1.0])


@dataclass
class ShockConf:
    enabled: bool = True
    label: str = ""
    kind: str = "shock"  # a category for reporting: military_incident, sanction, ...
    actor: str = ""
    target: str = ""
    date: str | None = None  # fixed date ...
    probability: float = 1.0  # ... happening with this probability
    rate_per_year: float = 0.0  # or a Poisson hazard over the scenario window ...
    excitation: float = 0.0  # ... whose rate is multiplied by 1 + excitation * tension ...
    restraint_days: float = 0.0  # ... and by restraint in the last restraint_days
    restraint: float = 1.0
    severity: SeverityConf = field(default_factory=SeverityConf)
    tension: float = 0.0  # tension added at severity 1
    trust: float = 0.0  # trust the target loses in the actor at severity 1
    heat: float | None = None  # the target's domestic heat added at severity 1; None: = tension
    suspend: list[str] = field(default_factory=list)  # channels the suspending party may close
    suspended_by: str = ""  # the party that decides; empty: the target, else the actor
    suspend_lifts: str = "review"  # review (by the policy) or concession (only a reopening)
    unravel: float = 0.0  # chance at severity 1 that each pre-agreed deliverable is reopened
    shrink_winsets: float = 0.0  # share of the target's win-set slack lost at severity 1
    retaliation: RetaliationConf | None = None
    code: EventCode | None = None


@dataclass
class TriggerConf:
    """A concession made by policy: `days_before_summit` days out, if tension > threshold."""

    days_before_summit: float = 30.0
    tension_above: float = 0.0


@dataclass
class ConcessionConf:
    enabled: bool = True
    label: str = ""
    party: str = ""
    date: str | None = None  # scheduled ...
    trigger: TriggerConf | None = None  # ... or by policy
    probability: float = 1.0
    tension: float = 0.0  # tension removed
    trust: float = 0.0  # trust the other party gains
    reopen: list[str] = field(default_factory=list)  # channels reopened
    move: dict[str, float] = field(default_factory=dict)  # issue -> share of the gap closed
    allow: dict[str, list[float]] = field(default_factory=dict)  # issue -> new win-set
    domestic_cost: float = 0.0  # subtracted from the conceding party's utility
    announced: str = ""  # date a dated concession was made public; empty: on its date
    code: EventCode | None = None


@dataclass
class SummitConf:
    date: str = ""
    channel: str = "leaders"
    rounds: int = 12
    leader_latitude: float = 0.0  # leaders may widen their win-sets by this much


@dataclass
class OutcomeConf:
    """Outcome classes: deliverables counted at a held summit."""

    partial_min: int = 1  # fewer agreed issues: summit_no_deal
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
    event_codes: dict[str, EventCode] = field(default_factory=dict)


@dataclass
class DaskConf:
    address: str | None = None  # tcp://host:port of a running scheduler; None: a LocalCluster
    workers: int = 0  # LocalCluster workers; 0: the `workers` knob


@dataclass
class RunConf:
    """The top-level knobs of `python -m sim`."""

    scenario: ScenarioConf = field(default_factory=ScenarioConf)
    reps: Any = 1000  # a whole number >= 1, or "auto": until p_summit is known to `precision`
    precision: float = 0.01  # reps=auto: target 95 % half-width of p_summit
    max_reps: int = 100_000  # reps=auto: stop here at the latest
    seed: int = 0
    workers: int = 0  # 0: one per core
    executor: str = "local"  # local or dask
    dask: DaskConf = field(default_factory=DaskConf)
    crn: bool = True  # common random numbers: every job of a sweep draws the same streams
    trace_reps: int = 20
    design_point: int = 0
    progress: bool = True
    plots: bool = True
    job_plots: bool = False  # sweeps: also draw each job's run plots (sim.report can, later)
    vars: dict[str, Any] = field(default_factory=dict)  # free values for configs to interpolate


EXECUTORS = ("local", "dask")

EVENT_KINDS = (
    "meeting_held",
    "meeting_postponed",
    "meeting_cancelled",
    "agreement",
    "shock",
    "concession",
    "channel_suspended",
    "channel_reopened",
    "summit_attend",
    "summit_decline",
    "summit_held",
    "summit_missed",
    "agreement_unravelled",
    "meeting_proposed",
)


def register() -> None:
    """Register the schema with Hydra's ConfigStore (group `schema`)."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(group="schema", name="scenario", node=ScenarioConf)
    cs.store(group="schema", name="run", node=RunConf)
