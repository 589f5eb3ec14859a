"""Every meaning-level check of a config, each with a value it refuses and one it accepts.

README, "Bad input": an out-of-range value, an unknown name, a bad date is one line naming
the key and the value. Each case below breaks one rule of `sim.config.validate` in the
composed `historical_2023` config and expects exactly that line; the accepted cases sit
on the edge of each rule, so a check made stricter fails too.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sim.config.convert import build
from sim.config.errors import ConfigError
from sim.config.schema import RunConf
from sim.config.validate import validate_run
from tests.promises_helpers import compose_groups

DELETE = object()
S = "scenario"
INF = float("inf")
NAN = float("nan")
ISSUES = ("ai_risk, climate, economic, entity_list, exchanges, export_controls, fentanyl, "
          "mil_mil, taiwan")
CHANNELS = ("climate, commerce, counternarcotics, defense, economic, foreign, leaders, "
            "military, nsa, working_groups")
STRATEGIES = ("boulware, conceder, exponential, linear, polynomial, random, rubinstein, "
              "tit_for_tat, tit_for_tat_absolute, zeuthen")
WINDOW = "must lie in the scenario window 2022-11-14..2023-11-15"
NOT_DATE = "not a date; write YYYY-MM-DD, a real calendar day"


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return compose_groups([])


def _set(data: dict[str, Any], key: str, value: object) -> None:
    *parents, leaf = key.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    if value is DELETE:
        node.pop(leaf, None)
    else:
        node[leaf] = value


def check(base: dict[str, Any], *changes: tuple[str, object]) -> str | None:
    """The one-line error for the config with these changes, or None if it is accepted."""
    data = copy.deepcopy(base)
    for key, value in changes:
        _set(data, key, value)
    try:
        validate_run(build(RunConf, data, ""))
    except ConfigError as e:
        assert "\n" not in str(e)
        return str(e)
    return None


INT64 = "must be a whole number in [-2**63, 2**63 - 1], as a results table stores it"
P = f"{S}.parties.us"
T = f"{P}.stances.taiwan"
CH = f"{S}.channels.foreign"
M = f"{S}.meetings.blinken_beijing"
B = f"{S}.shocks.balloon"
C = f"{S}.concessions.china_goodwill"

REFUSED: list[tuple[tuple[tuple[str, object], ...], str]] = [
    # -- the run's knobs
    ((("reps", 0),), "reps=0: must be a whole number in [1, 2**63 - 1], or 'auto'"),
    ((("reps", True),), "reps=True: must be a whole number in [1, 2**63 - 1], or 'auto'"),
    ((("reps", 2.5),), "reps=2.5: must be a whole number in [1, 2**63 - 1], or 'auto'"),
    ((("reps", "many"),), "reps='many': must be a whole number in [1, 2**63 - 1], or 'auto'"),
    ((("precision", 0.0),), "precision=0.0: must be in (0, 0.5)"),
    ((("precision", 0.5),), "precision=0.5: must be in (0, 0.5)"),
    ((("max_reps", 0),), "max_reps=0: must be >= 1"),
    ((("executor", "daks"),), "executor='daks': unknown executor (did you mean 'dask'?); "
                              "known: dask, local"),
    ((("dask.workers", -1),), "dask.workers=-1: must be >= 0"),
    ((("dask.address", "host:8786"),),
     "dask.address='host:8786': must be a scheduler address like tcp://host:8786"),
    ((("seed", -1),), "seed=-1: must be >= 0"),
    ((("seed", 2**63),), f"seed={2**63}: {INT64}"),  # a results table's int64 columns
    ((("design_point", 10**30),), f"design_point={10**30}: {INT64}"),
    ((("reps", 2**63),), f"reps={2**63}: must be a whole number in [1, 2**63 - 1], or 'auto'"),
    ((("workers", -1),), "workers=-1: must be >= 0 (0: one per core)"),
    ((("trace_reps", -1),), "trace_reps=-1: must be >= 0"),
    ((("design_point", -1),), "design_point=-1: must be >= 0"),
    # -- name, window, agenda
    (((f"{S}.name", ""),), "scenario.name='': must be a non-empty name"),
    (((f"{S}.start", "2022-13-01"),), f"scenario.start='2022-13-01': {NOT_DATE}"),
    (((f"{S}.start", "2022-11-14T00:00"),), f"scenario.start='2022-11-14T00:00': {NOT_DATE}"),
    (((f"{S}.start", "20221114"),), f"scenario.start='20221114': {NOT_DATE}"),
    (((f"{S}.summit.date", "2022-11-14"),),
     "scenario.summit.date='2022-11-14': must be after start 2022-11-14"),
    (((f"{S}.issues", {}),),
     "scenario.issues={}: the agenda is empty; define at least one issue"),
    (((f"{S}.issues.taiwan.status_quo", 1.01),),
     "scenario.issues.taiwan.status_quo=1.01: must be in [0, 1]"),
    (((f"{S}.issues.taiwan.status_quo", -0.01),),
     "scenario.issues.taiwan.status_quo=-0.01: must be in [0, 1]"),
    (((f"{S}.issues.taiwan.status_quo", NAN),),
     "scenario.issues.taiwan.status_quo=nan: must be in [0, 1]"),
    # -- parties
    (((f"{S}.parties.cn", DELETE),), "scenario.parties=['us']: must name exactly two parties"),
    (((f"{P}.trust", 1.5),), "scenario.parties.us.trust=1.5: must be in [0, 1]"),
    (((f"{P}.trust", 10**400),), "scenario.parties.us.trust=inf: must be in [0, 1]"),
    (((f"{P}.strategy.name", "bolware"),),
     f"scenario.parties.us.strategy.name='bolware': unknown strategy (did you mean "
     f"'boulware'?); known: {STRATEGIES}"),
    (((f"{P}.strategy.kappa", 1.5),),
     "scenario.parties.us.strategy.kappa=1.5: must be in [0, 1]"),
    (((f"{P}.strategy.name", "exponential"), (f"{P}.strategy.kappa", 0.0)),
     "scenario.parties.us.strategy.kappa=0.0: must be > 0 for exponential"),
    (((f"{P}.strategy.beta", 0.0),), "scenario.parties.us.strategy.beta=0.0: must be > 0"),
    (((f"{P}.strategy.beta", INF),),
     "scenario.parties.us.strategy.beta=inf: must be a finite number or null"),
    (((f"{P}.strategy.name", "boulware"),),
     "scenario.parties.us.strategy.beta=0.9: preset 'boulware' means beta=0.2; name "
     "'polynomial' to set beta, or leave beta unset"),
    (((f"{P}.strategy.name", "zeuthen"), (f"{P}.strategy.beta", None),
      (f"{P}.strategy.kappa", 0.1)),
     "scenario.parties.us.strategy.kappa=0.1: strategy 'zeuthen' takes no kappa"),
    (((f"{P}.discount", 1.0),), "scenario.parties.us.discount=1.0: must be in (0, 1)"),
    (((f"{P}.policy.heat_half_life_days", 0),),
     "scenario.parties.us.policy.heat_half_life_days=0.0: must be > 0"),
    (((f"{P}.policy.refuse_visit_above", 1.1),),
     "scenario.parties.us.policy.refuse_visit_above=1.1: must be in [0, 1]"),
    (((f"{P}.policy.suspend", -0.1),), "scenario.parties.us.policy.suspend=-0.1: must be >= 0"),
    (((f"{P}.policy.review_days", 0),),
     "scenario.parties.us.policy.review_days=0.0: must be > 0"),
    (((f"{P}.policy.resume_below", -0.1),),
     "scenario.parties.us.policy.resume_below=-0.1: must be in [0, 1]"),
    (((f"{P}.policy.propose.channel", "phone"),),
     "scenario.parties.us.policy.propose.channel='phone': unknown channel; known: "
     f"{CHANNELS}"),
    (((f"{P}.policy.propose.lull_days", 0),),
     "scenario.parties.us.policy.propose.lull_days=0.0: must be > 0"),
    (((f"{P}.policy.propose.below", 2.0),),
     "scenario.parties.us.policy.propose.below=2.0: must be in [0, 1]"),
    (((f"{P}.policy.propose.notice_days", -1),),
     "scenario.parties.us.policy.propose.notice_days=-1.0: must be >= 0"),
    (((f"{P}.policy.propose.duration_days", 0),),
     "scenario.parties.us.policy.propose.duration_days=0.0: must be > 0"),
    (((f"{P}.policy.propose.tension_relief", 2.0),),
     "scenario.parties.us.policy.propose.tension_relief=2.0: must be in [0, 1]"),
    (((f"{P}.policy.propose.trust_gain", -1.0),),
     "scenario.parties.us.policy.propose.trust_gain=-1.0: must be in [0, 1]"),
    (((f"{P}.policy.propose.limit", -1),),
     "scenario.parties.us.policy.propose.limit=-1: must be >= 0"),
    (((f"{P}.attendance.value", NAN),),
     "scenario.parties.us.attendance.value=nan: must be a finite number"),
    (((f"{S}.parties.cn.stances.fentanyl.linked.needs", "fentanyl"),),
     "scenario.parties.cn.stances.fentanyl.linked.needs='fentanyl': unknown issue (another "
     "one); known: ai_risk, climate, economic, entity_list, exchanges, export_controls, "
     "mil_mil, taiwan"),
    (((f"{S}.parties.cn.stances.fentanyl.linked.at_least", 1.5),),
     "scenario.parties.cn.stances.fentanyl.linked.at_least=1.5: must be in [0, 1]"),
    (((f"{S}.parties.cn.stances.fentanyl.linked.win_set", [0.1, 0.8]),),
     "scenario.parties.cn.stances.fentanyl.linked.win_set=[0.1, 0.8]: must contain the "
     "issue's own win_set [0.0, 0.2]"),
    (((f"{P}.stances.mars", {"ideal": 0.5, "weight": 0.1, "win_set": [0.0, 1.0]}),),
     f"scenario.parties.us.stances.mars='mars': unknown issue; known: {ISSUES}"),
    (((f"{P}.stances.taiwan", DELETE),),
     "scenario.parties.us.stances=['taiwan']: every agenda issue needs a stance"),
    (((f"{T}.ideal", 1.2),), "scenario.parties.us.stances.taiwan.ideal=1.2: must be in [0, 1]"),
    (((f"{T}.weight", -0.1),), "scenario.parties.us.stances.taiwan.weight=-0.1: must be >= 0"),
    (((f"{T}.weight", NAN),),
     "scenario.parties.us.stances.taiwan.weight=nan: must be a finite number >= 0"),
    (((f"{T}.win_set", [0.5]),),
     "scenario.parties.us.stances.taiwan.win_set=[0.5]: must be two numbers [low, high]"),
    (((f"{T}.win_set", [0.95, 0.9]),),
     "scenario.parties.us.stances.taiwan.win_set=[0.95, 0.9]: is an empty interval: low must "
     "be <= high"),
    (((f"{T}.win_set", [-0.1, 1.0]),),
     "scenario.parties.us.stances.taiwan.win_set[0]=-0.1: must be in [0, 1]"),
    (((f"{T}.win_set", [0.6, 1.1]),),
     "scenario.parties.us.stances.taiwan.win_set[1]=1.1: must be in [0, 1]"),
    (((f"{T}.win_set", [0.95, 1.0]),),
     "scenario.parties.us.stances.taiwan.ideal=0.9: must lie in win_set [0.95, 1.0]"),
    (((f"{T}.win_set", [0.6, 0.85]),),
     "scenario.parties.us.stances.taiwan.ideal=0.9: must lie in win_set [0.6, 0.85]"),
    (((f"{P}.pressure.start", "2023-9-1"),),
     f"scenario.parties.us.pressure.start='2023-9-1': {NOT_DATE}"),
    (((f"{P}.pressure.shrink_per_year", -0.1),),
     "scenario.parties.us.pressure.shrink_per_year=-0.1: must be >= 0"),
    (((f"{P}.pressure.issues", ["taiwan", "taiwan"]),),
     "scenario.parties.us.pressure.issues[1]='taiwan': duplicate issue"),
    (((f"{P}.pressure.issues", ["taiwan", "mars"]),),
     f"scenario.parties.us.pressure.issues[1]='mars': unknown issue; known: {ISSUES}"),
    # -- relations and bargaining
    (((f"{S}.relations.tension", 1.5),), "scenario.relations.tension=1.5: must be in [0, 1]"),
    (((f"{S}.relations.tension_baseline", -0.1),),
     "scenario.relations.tension_baseline=-0.1: must be in [0, 1]"),
    (((f"{S}.relations.tension_half_life_days", 0),),
     "scenario.relations.tension_half_life_days=0.0: must be > 0"),
    (((f"{S}.relations.trust_half_life_days", -1),),
     "scenario.relations.trust_half_life_days=-1.0: must be > 0"),
    (((f"{S}.relations.agreed", {"mars": 0.5}),),
     f"scenario.relations.agreed.mars='mars': unknown issue; known: {ISSUES}"),
    (((f"{S}.relations.agreed", {"taiwan": 1.5}),),
     "scenario.relations.agreed.taiwan=1.5: must be in [0, 1]"),
    (((f"{S}.bargaining.failure_tension", 1.5),),
     "scenario.bargaining.failure_tension=1.5: must be in [0, 1]"),
    (((f"{S}.bargaining.failure_trust", -0.5),),
     "scenario.bargaining.failure_trust=-0.5: must be in [0, 1]"),
    (((f"{S}.bargaining.consult_credit", 2.0),),
     "scenario.bargaining.consult_credit=2.0: must be in [0, 1]"),
    (((f"{S}.bargaining.winset_noise_sd", -0.01),),
     "scenario.bargaining.winset_noise_sd=-0.01: must be >= 0"),
    (((f"{S}.bargaining.walk_away", 1.1),), "scenario.bargaining.walk_away=1.1: must be in [0, 1]"),
    # -- channels
    (((f"{CH}.level", "ministerial"),),
     "scenario.channels.foreign.level='ministerial': unknown level; known: cabinet, leader, "
     "working"),
    (((f"{CH}.issues", []),),
     "scenario.channels.foreign.issues=[]: the channel's agenda is empty; list at least one "
     "issue"),
    (((f"{CH}.issues", ["taiwan", "mars"]),),
     f"scenario.channels.foreign.issues[1]='mars': unknown issue; known: {ISSUES}"),
    (((f"{CH}.tension_threshold", 1.1),),
     "scenario.channels.foreign.tension_threshold=1.1: must be in [0, 1]"),
    (((f"{CH}.status", "closed"),),
     "scenario.channels.foreign.status='closed': unknown status; known: open, suspended"),
    (((f"{CH}.reopens", "2023-01-01"),),
     "scenario.channels.foreign.reopens='2023-01-01': only a suspended channel reopens; set "
     "status: suspended or drop reopens"),
    (((f"{CH}.status", "suspended"), (f"{CH}.reopens", "2022-11-14")),
     "scenario.channels.foreign.reopens='2022-11-14': must be after start 2022-11-14; a "
     "channel open from the start has status: open"),
    (((f"{CH}.status", "suspended"), (f"{CH}.reopens", "2023-02-30")),
     f"scenario.channels.foreign.reopens='2023-02-30': {NOT_DATE}"),
    (((f"{CH}.rounds", 0),), "scenario.channels.foreign.rounds=0: must be in [1, 10000]"),
    # -- meetings
    (((f"{M}.channel", "clmate"),),
     f"scenario.meetings.blinken_beijing.channel='clmate': unknown channel (did you mean "
     f"'climate'?); known: {CHANNELS}"),
    (((f"{M}.date", "2023-11-16"),), f"scenario.meetings.blinken_beijing.date='2023-11-16': "
                                     f"{WINDOW}"),
    (((f"{M}.date", "2022-11-13"),), f"scenario.meetings.blinken_beijing.date='2022-11-13': "
                                     f"{WINDOW}"),
    (((f"{M}.duration_days", 0),), "scenario.meetings.blinken_beijing.duration_days=0.0: must "
                                   "be > 0"),
    (((f"{M}.agenda", ["mil_mil"]),),
     "scenario.meetings.blinken_beijing.agenda[0]='mil_mil': unknown issue of channel "
     "foreign; known: ai_risk, exchanges, fentanyl, taiwan"),
    (((f"{M}.host", "eu"),),
     "scenario.meetings.blinken_beijing.host='eu': unknown party; known: cn, us"),
    (((f"{M}.tension_relief", 1.1),),
     "scenario.meetings.blinken_beijing.tension_relief=1.1: must be in [0, 1]"),
    (((f"{M}.trust_gain", -0.1),),
     "scenario.meetings.blinken_beijing.trust_gain=-0.1: must be in [0, 1]"),
    (((f"{M}.retry_days", 0),), "scenario.meetings.blinken_beijing.retry_days=0.0: must be > 0"),
    (((f"{M}.max_postponements", -1),),
     "scenario.meetings.blinken_beijing.max_postponements=-1: must be >= 0"),
    # -- shocks
    (((f"{B}.actor", "eu"),), "scenario.shocks.balloon.actor='eu': unknown party; known: cn, us"),
    (((f"{B}.target", "eu"),), "scenario.shocks.balloon.target='eu': unknown party; known: cn, "
                               "us"),
    (((f"{B}.date", "2024-02-02"),), f"scenario.shocks.balloon.date='2024-02-02': {WINDOW}"),
    (((f"{B}.rate_per_year", 1.0),),
     "scenario.shocks.balloon.rate_per_year=1.0: a dated shock has no rate; give date or "
     "rate_per_year"),
    (((f"{B}.probability", 1.1),), "scenario.shocks.balloon.probability=1.1: must be in [0, 1]"),
    (((f"{S}.shocks.unplanned_crisis.rate_per_year", -0.5),),
     "scenario.shocks.unplanned_crisis.rate_per_year=-0.5: must be >= 0"),
    (((f"{B}.severity", {"low": 0.9, "high": 0.5}),),
     "scenario.shocks.balloon.severity=[0.9, 0.5]: is an empty interval: low must be <= high"),
    (((f"{B}.severity", {"low": 0.5, "high": 1.5}),),
     "scenario.shocks.balloon.severity[1]=1.5: must be in [0, 1]"),
    (((f"{B}.tension", 1.1),), "scenario.shocks.balloon.tension=1.1: must be in [0, 1]"),
    (((f"{B}.trust", -0.1),), "scenario.shocks.balloon.trust=-0.1: must be in [0, 1]"),
    (((f"{B}.suspend", ["nowhere"]),),
     f"scenario.shocks.balloon.suspend[0]='nowhere': unknown channel; known: {CHANNELS}"),
    (((f"{B}.heat", 1.5),), "scenario.shocks.balloon.heat=1.5: must be in [0, 1]"),
    (((f"{B}.suspended_by", "eu"),),
     "scenario.shocks.balloon.suspended_by='eu': unknown party; known: cn, us"),
    (((f"{B}.suspend_lifts", "never"),),
     "scenario.shocks.balloon.suspend_lifts='never': unknown way a suspension lifts; known: "
     "concession, review"),
    (((f"{B}.unravel", 1.5),), "scenario.shocks.balloon.unravel=1.5: must be in [0, 1]"),
    (((f"{B}.excitation", -1),), "scenario.shocks.balloon.excitation=-1.0: must be >= 0"),
    (((f"{B}.restraint_days", -1),),
     "scenario.shocks.balloon.restraint_days=-1.0: must be >= 0"),
    (((f"{B}.restraint", 1.5),), "scenario.shocks.balloon.restraint=1.5: must be in [0, 1]"),
    (((f"{S}.shocks.unplanned_incident.suspend", ["foreign"]),),
     "scenario.shocks.unplanned_incident.suspended_by='': a shock with no actor or target "
     "must name who suspends"),
    (((f"{S}.concessions.forensic_institute_delisting.allow", {"mars": [0.0, 1.0]}),),
     f"scenario.concessions.forensic_institute_delisting.allow.mars='mars': unknown issue; "
     f"known: {ISSUES}"),
    (((f"{S}.concessions.forensic_institute_delisting.allow", {"entity_list": [0.5, 1.0]}),),
     "scenario.concessions.forensic_institute_delisting.allow.entity_list=[0.5, 1.0]: must "
     "contain the party's ideal point 0"),
    (((f"{B}.shrink_winsets", 1.5),),
     "scenario.shocks.balloon.shrink_winsets=1.5: must be in [0, 1]"),
    (((f"{B}.retaliation.shock", "nothing"),),
     "scenario.shocks.balloon.retaliation.shock='nothing': unknown shock; known: "),
    (((f"{B}.retaliation.probability", 2),),
     "scenario.shocks.balloon.retaliation.probability=2.0: must be in [0, 1]"),
    (((f"{B}.retaliation.delay_days", [0, 0]),),
     "scenario.shocks.balloon.retaliation.delay_days=[0.0, 0.0]: must be > 0"),
    (((f"{B}.retaliation.delay_days", [3, 1]),),
     "scenario.shocks.balloon.retaliation.delay_days=[3.0, 1.0]: is an empty interval: low "
     "must be <= high"),
    # -- concessions
    (((f"{C}.party", "eu"),), "scenario.concessions.china_goodwill.party='eu': unknown party; "
                              "known: cn, us"),
    (((f"{C}.date", "2023-10-01"),),
     "scenario.concessions.china_goodwill.date='2023-10-01': give exactly one of date or "
     "trigger"),
    (((f"{S}.concessions.commercial_working_group.date", None),),
     "scenario.concessions.commercial_working_group.date=None: give exactly one of date or "
     "trigger"),
    (((f"{S}.concessions.commercial_working_group.date", "2023-12-01"),),
     f"scenario.concessions.commercial_working_group.date='2023-12-01': {WINDOW}"),
    (((f"{C}.announced", "2023-09-01"),),  # a policy's concession has no date to announce
     "scenario.concessions.china_goodwill.announced='2023-09-01': only a dated concession is "
     "announced"),
    (((f"{C}.trigger.days_before_summit", -1),),
     "scenario.concessions.china_goodwill.trigger.days_before_summit=-1.0: must be >= 0"),
    (((f"{C}.trigger.tension_above", 1.5),),
     "scenario.concessions.china_goodwill.trigger.tension_above=1.5: must be in [0, 1]"),
    (((f"{C}.probability", 1.5),),
     "scenario.concessions.china_goodwill.probability=1.5: must be in [0, 1]"),
    (((f"{C}.tension", 1.5),), "scenario.concessions.china_goodwill.tension=1.5: must be in "
                               "[0, 1]"),
    (((f"{C}.trust", 1.5),), "scenario.concessions.china_goodwill.trust=1.5: must be in [0, 1]"),
    (((f"{C}.reopen", ["nowhere"]),),
     f"scenario.concessions.china_goodwill.reopen[0]='nowhere': unknown channel; known: "
     f"{CHANNELS}"),
    (((f"{C}.move", {"mars": 0.3}),),
     f"scenario.concessions.china_goodwill.move.mars='mars': unknown issue; known: {ISSUES}"),
    (((f"{C}.move", {"taiwan": 1.3}),),
     "scenario.concessions.china_goodwill.move.taiwan=1.3: must be in [0, 1]"),
    (((f"{C}.domestic_cost", 1.1),),
     "scenario.concessions.china_goodwill.domestic_cost=1.1: must be in [0, 1]"),
    # -- summit, outcome, event codes
    (((f"{S}.summit.channel", "nowhere"),),
     f"scenario.summit.channel='nowhere': unknown channel; known: {CHANNELS}"),
    (((f"{S}.summit.rounds", 0),), "scenario.summit.rounds=0: must be in [1, 10000]"),
    (((f"{S}.summit.rounds", 10_001),), "scenario.summit.rounds=10001: must be in [1, 10000]"),
    (((f"{S}.summit.leader_latitude", 1.1),),
     "scenario.summit.leader_latitude=1.1: must be in [0, 1]"),
    (((f"{S}.outcome.partial_min", 0),), "scenario.outcome.partial_min=0: must be >= 1"),
    (((f"{S}.outcome.breakthrough_min", 2), (f"{S}.outcome.partial_min", 3)),
     "scenario.outcome.breakthrough_min=2: must be >= outcome.partial_min (3)"),
    (((f"{S}.event_codes.summit_cancelled", {"cameo": "125", "goldstein": -5.0}),),
     "scenario.event_codes.summit_cancelled='summit_cancelled': unknown event kind (did you "
     "mean 'summit_held'?); known: agreement, agreement_unravelled, channel_reopened, "
     "channel_suspended, concession, meeting_cancelled, meeting_held, meeting_postponed, "
     "meeting_proposed, shock, summit_attend, summit_decline, summit_held, summit_missed"),
]


@pytest.mark.parametrize(("changes", "message"), REFUSED,
                         ids=[m.split(":")[0][:70] for _, m in REFUSED])
def test_each_rule_refuses_with_one_line_naming_key_and_value(
        base: dict[str, Any], changes: tuple[tuple[str, object], ...], message: str) -> None:
    got = check(base, *changes)
    assert got is not None, "accepted"
    assert got.startswith(message), got


ACCEPTED: list[tuple[tuple[str, object], ...]] = [
    (("reps", 1),), (("reps", "auto"),), (("precision", 0.499),), (("precision", 1e-6),),
    (("max_reps", 1),), (("dask.workers", 0),), (("dask.address", "tls://h:1"),),
    (("dask.address", "inproc://x"),), (("dask.address", "ucx://h:1"),),
    (("dask.address", "tcp://h:8786"),), (("executor", "dask"),),
    (("seed", 0),), (("workers", 0),), (("trace_reps", 0),), (("design_point", 0),),
    (("seed", 2**63 - 1),), (("max_reps", 2**63 - 1),), (("reps", 2**63 - 1),),
    ((f"{S}.issues.taiwan.status_quo", 0.0),), ((f"{S}.issues.taiwan.status_quo", 1.0),),
    ((f"{S}.issues.taiwan.status_quo", 1),),
    ((f"{P}.trust", 0.0),), ((f"{P}.trust", 1.0),), ((f"{P}.strategy.kappa", 0.0),),
    ((f"{P}.strategy.kappa", 1.0),), ((f"{P}.strategy.beta", 1e-9),),
    ((f"{P}.strategy.name", "exponential"), (f"{P}.strategy.kappa", 0.01)),
    ((f"{P}.strategy.name", "boulware"), (f"{P}.strategy.beta", 0.2)),
    ((f"{P}.strategy.name", "zeuthen"), (f"{P}.strategy.beta", None)),
    ((f"{P}.discount", 0.01),), ((f"{P}.discount", 0.99),),
    ((f"{P}.policy.refuse_visit_above", 1.0),), ((f"{P}.policy.suspend", 0.0),),
    ((f"{P}.policy.resume_below", 0.0),), ((f"{P}.policy.propose", None),),
    ((f"{P}.policy.propose.notice_days", 0.0),), ((f"{P}.policy.propose.limit", 0),),
    ((f"{S}.parties.cn.stances.fentanyl.linked.win_set", [0.0, 0.2]),),
    ((f"{S}.parties.cn.stances.fentanyl.linked", None),),
    ((f"{T}.weight", 0.0),), ((f"{T}.win_set", [0.9, 0.9]),), ((f"{T}.win_set", [0.0, 1.0]),),
    ((f"{T}.ideal", 0.6),), ((f"{T}.ideal", 1.0),),
    ((f"{P}.pressure.shrink_per_year", 0.0),), ((f"{P}.pressure", None),),
    ((f"{P}.pressure.start", ""),),
    ((f"{S}.relations.tension", 0.0),), ((f"{S}.relations.tension", 1.0),),
    ((f"{S}.relations.tension_half_life_days", 1e-3),),
    ((f"{S}.relations.agreed", {"taiwan": 1.0}),),
    ((f"{S}.bargaining.winset_noise_sd", 0.0),), ((f"{S}.bargaining.walk_away", 1.0),),
    ((f"{CH}.tension_threshold", 1.0),), ((f"{CH}.rounds", 1),),
    ((f"{CH}.status", "suspended"), (f"{CH}.reopens", "2022-11-15")),
    ((f"{CH}.status", "suspended"),),
    ((f"{M}.date", "2022-11-14"),), ((f"{M}.date", "2023-11-15"),),
    ((f"{M}.duration_days", 0.01),), ((f"{M}.host", ""),), ((f"{M}.host", "us"),),
    ((f"{M}.tension_relief", 1.0),), ((f"{M}.trust_gain", 0.0),),
    ((f"{M}.retry_days", 0.5),), ((f"{M}.max_postponements", 0),),
    ((f"{B}.actor", ""),), ((f"{B}.target", "us"),), ((f"{B}.rate_per_year", 0.0),),
    ((f"{B}.probability", 1.0),), ((f"{B}.probability", 0.0),),
    ((f"{B}.severity", {"low": 0.6, "high": 0.6}),),
    ((f"{B}.date", None), (f"{B}.rate_per_year", 0.5)),
    ((f"{B}.tension", 1.0),), ((f"{B}.trust", 0.0),), ((f"{B}.shrink_winsets", 1.0),),
    ((f"{B}.suspend", ["foreign", "nsa"]),), ((f"{B}.heat", 0.0),), ((f"{B}.unravel", 1.0),),
    ((f"{B}.suspended_by", "us"),), ((f"{B}.suspend_lifts", "concession"),),
    ((f"{B}.excitation", 0.0),), ((f"{B}.restraint", 0.0),), ((f"{B}.restraint_days", 0.0),),
    ((f"{S}.concessions.forensic_institute_delisting.allow", {"entity_list": [0.0, 0.0]}),),
    ((f"{B}.retaliation.probability", 1.0),), ((f"{B}.retaliation.delay_days", [0, 0.5]),),
    ((f"{B}.retaliation", None),),
    ((f"{C}.trigger.days_before_summit", 0),), ((f"{C}.trigger.tension_above", 1.0),),
    ((f"{C}.probability", 0.0),), ((f"{C}.move", {"taiwan": 1.0}),), ((f"{C}.domestic_cost", 1.0),),
    ((f"{C}.reopen", ["foreign"]),),
    ((f"{S}.concessions.commercial_working_group.date", "2023-11-15"),),
    ((f"{S}.summit.rounds", 1),), ((f"{S}.summit.rounds", 10_000),),
    ((f"{S}.summit.leader_latitude", 1.0),), ((f"{S}.outcome.partial_min", 1),),
    ((f"{S}.outcome.breakthrough_min", 1),),
    ((f"{S}.event_codes.summit_held", {"cameo": "044", "goldstein": 2.5}),),
]


@pytest.mark.parametrize("changes", ACCEPTED, ids=[",".join(f"{k}={v}" for k, v in c)[-70:]
                                                   for c in ACCEPTED])
def test_values_on_the_edge_of_each_rule_are_accepted(
        base: dict[str, Any], changes: tuple[tuple[str, object], ...]) -> None:
    assert check(base, *changes) is None


def test_the_composed_scenarios_are_accepted(base: dict[str, Any]) -> None:
    for name in ("historical_2023", "no_balloon", "from_malta"):
        assert check(compose_groups([f"scenario={name}"])) is None
    assert check(base) is None
