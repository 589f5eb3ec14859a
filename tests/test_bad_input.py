"""The bad-input catalogue: every malformed input is one line, exit code 2, and no results.

Each case is a command line (and, for malformed scenario files, the files it reads through
`hydra.searchpath`). The answer must be exactly one line on stderr,
`error: KEY=VALUE: what is allowed`, naming the offending key by its full dotted path and
the value given; no traceback; and nothing in the run directory that looks complete.

Most cases run `python -m sim` inside this process (`runpy`, about 0.3 s each); a few
also run as real processes, as a user runs them. Discount factors, which only the
negotiation lab has, are checked through `python -m sim.negotiate`, and the tournament's
strategies and discounts through `python -m sim.tournament`.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import os
import runpy
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hydra.core.hydra_config import HydraConfig

from sim.config.load import NO_JOB

ROOT = Path(__file__).resolve().parents[1]
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Case:
    """One bad input and the one line it must produce.

    `shown` is the value exactly as the line shows it after `KEY=`; `allowed` a fragment of
    what the line says is allowed. `{conf}` and `{tmp}` in args, files and expectations
    stand for the test's config directory and temporary directory.
    """

    id: str
    args: tuple[str, ...]
    key: str
    shown: str
    allowed: str
    files: dict[str, str] = field(default_factory=dict)  # scenario name -> YAML text
    module: str = "sim"  # `python -m MODULE`; sim.negotiate is the negotiation lab


def variant(body: str) -> str:
    """A scenario file: historical_2023 with the given YAML on top."""
    head = "defaults:\n  - historical_2023\n  - _self_\nname: bad\n"
    return head + textwrap.dedent(body).lstrip("\n")


HYDRA_IN_FILE = ("# @package _global_\n"
                 "defaults:\n  - /scenario/historical_2023@scenario\n  - _self_\n")


RECORD_IN_RUN = ("Hydra's record of a run (.hydra) is kept in the run's folder: a folder "
                 "there, or null for none")
ENV_FROM_FILE = ("a config file sets the jobs' threads (OMP_NUM_THREADS, ...), locale and "
                 "time zone only: another variable may make their processes run code")
STEP_ZERO = "a range's step cannot be 0: range(start,stop,step) counts from start by step"
TOO_MANY_JOBS = ("makes a sweep of 100,000,000 jobs, each checked before any runs; a sweep may "
                 "have 100,000")


DEEP = "[" * 51 + "1" + "]" * 51  # a list in a list ... 51 deep


def file_case(id: str, yaml_text: str, key: str, shown: str, allowed: str,
              *flags: str) -> Case:
    return Case(id, (*flags, "hydra.searchpath=[file://{conf}]", "scenario=bad"), key, shown,
                allowed, {"bad": yaml_text})


SMALL = """
name: bad
start: "2030-01-01"
parties:
  a: {stances: {x: {ideal: 0.2}}}
  b: {stances: {x: {ideal: 0.8}}}
issues:
  x: {status_quo: 0.5}
channels:
  leaders: {level: leader, issues: [x]}
summit: {date: "2030-06-01"}
"""

US_WEIGHTS_ZERO = variant("""
parties:
  us:
    stances:
      mil_mil: {weight: 0}
      fentanyl: {weight: 0}
      ai_risk: {weight: 0}
      exchanges: {weight: 0}
      climate: {weight: 0}
      economic: {weight: 0}
      export_controls: {weight: 0}
      taiwan: {weight: 0}
      entity_list: {weight: 0}
""")

HYDRA_CALLBACK_FILE = textwrap.dedent("""\
    # @package _global_
    defaults:
      - /scenario/historical_2023@scenario
      - _self_
    hydra:
      callbacks:
        x:
          _target_: os.makedirs
          name: "{tmp}/pwned"
    """)

S = "scenario"
M = "scenario.meetings.blinken_beijing"
B = "scenario.shocks.balloon"
UNIT = "must be in [0, 1]"
L = "scenario.channels.leaders.issues"
HUGE = 10**400  # beyond a float's range
HUGE_SHOWN = f"'{str(HUGE)[:156]}..."  # as a line shows a long value

CASES = [
    # -- wrong types ------------------------------------------------------------------
    Case("reps-not-a-number", ("reps=abc",), "reps", "'abc'", "whole number in [1, 2**63 - 1]"),
    Case("number-beyond-a-float", (f"precision={HUGE}",), "precision", HUGE_SHOWN,
         "must be in (0, 0.5)"),  # OmegaConf cannot take it as a float; told by its range
    Case("number-beyond-a-float-unranged", (f"{S}.parties.us.strategy.kappa={HUGE}",),
         f"{S}.parties.us.strategy.kappa", HUGE_SHOWN, "must be a finite number"),
    Case("lab-number-beyond-a-float", (f"power={HUGE}",), "power", HUGE_SHOWN,
         "must be in (0, 1)", module="sim.negotiate"),
    Case("number-beyond-a-float-in-a-mapping", (f"++{S}.relations.agreed={{taiwan:{HUGE}}}",),
         f"{S}.relations.agreed.taiwan", repr(f"{{taiwan:{HUGE}}}")[:157] + "...",
         "must be a finite number"),  # named by its key, with the mapping given above it
    file_case("number-beyond-a-float-in-a-file", variant(f"relations: {{tension: {HUGE}}}"),
              f"{S}.relations.tension", f"{str(HUGE)[:157]}...",
              "must be in [0, 1] (in {conf}/scenario/bad.yaml)"),  # OmegaConf names no key
    file_case("number-beyond-a-float-in-a-files-list",
              variant(f"parties: {{us: {{stances: {{mil_mil: {{win_set: [0, {HUGE}]}}}}}}}}"),
              f"{S}.parties.us.stances.mil_mil.win_set[1]", f"{str(HUGE)[:157]}...",
              "must be a finite number (in {conf}/scenario/bad.yaml)"),
    Case("number-beyond-a-float-in-the-chosen-file",  # not in another file of the folder
         ("hydra.searchpath=[file://{conf}]", "scenario=bad"), f"{S}.relations.tension",
         f"{str(HUGE)[:157]}...", "must be in [0, 1] (in {conf}/scenario/bad.yaml)",
         {"bad": variant(f"relations: {{tension: {HUGE}}}"),
          "a_bad": variant(f"relations: {{tension_half_life_days: {HUGE}}}").replace(
              "name: bad", "name: a_bad")}),
    Case("reps-beyond-64-bits", (f"reps={2**63}",), "reps", str(2**63), "[1, 2**63 - 1]"),
    Case("seed-beyond-64-bits-in-a-sweep", ("-m", "reps=2", f"seed=1,{2**63}"), "seed",
         str(2**63), "[-2**63, 2**63 - 1], as a results table stores it"),
    Case("shock-rate-beyond-what-runs", (f"{S}.shocks.unplanned_incident.rate_per_year=1e9",),
         f"{S}.shocks.unplanned_incident.rate_per_year", "1000000000.0",
         "makes 1e+09 x (1 + 2) shocks a year at tension 1; at most 10,000"),  # hung
    Case("shock-excitation-beyond-what-runs", (f"{S}.shocks.unplanned_incident.excitation=1e308",),
         f"{S}.shocks.unplanned_incident.excitation", "1e+308", "at most 10,000"),
    Case("retaliation-delay-infinite", (f"{B}.retaliation.delay_days=[5,inf]",),
         f"{B}.retaliation.delay_days[1]", "inf", "must be in [0, inf)"),
    Case("goldstein-off-its-scale", (f"{S}.event_codes.meeting_held.goldstein=nan",),
         f"{S}.event_codes.meeting_held.goldstein", "nan", "must be in [-10, 10]"),
    Case("seed-not-whole", ("seed=1.5",), "seed", "1.5", "must be a whole number"),
    Case("progress-not-bool", ("progress=maybe",), "progress", "'maybe'", "true or false"),
    Case("tension-not-a-number", (f"{S}.relations.tension=high",), f"{S}.relations.tension",
         "'high'", "must be a number"),
    Case("rounds-not-whole", (f"{S}.channels.foreign.rounds=2.5",),
         f"{S}.channels.foreign.rounds", "2.5", "must be a whole number"),
    Case("win-set-item-not-a-number", (f"{S}.parties.us.stances.taiwan.win_set=[low,1]",),
         f"{S}.parties.us.stances.taiwan.win_set[0]", "'low'", "must be a number"),
    Case("issues-a-list", (f"{S}.issues=[a,b]",), f"{S}.issues", "'[a,b]'",
         "must be a mapping"),
    file_case("relations-a-number", variant("relations: 0.5"), f"{S}.relations", "0.5",
              "must be a mapping with keys among agreed, tension, tension_baseline"),
    file_case("channel-issues-a-string", variant("channels:\n  foreign: {issues: taiwan}"),
              f"{S}.channels.foreign.issues", "'taiwan'", "must be a list"),
    # -- probabilities and tension outside [0, 1] -------------------------------------
    Case("tension-above-1", (f"{S}.relations.tension=1.4",), f"{S}.relations.tension", "1.4",
         UNIT),
    Case("tension-below-0", (f"{S}.relations.tension=-0.1",), f"{S}.relations.tension",
         "-0.1", UNIT),
    Case("baseline-nan", (f"{S}.relations.tension_baseline=nan",),
         f"{S}.relations.tension_baseline", "nan", UNIT),
    Case("shock-probability", (f"{B}.probability=1.2",), f"{B}.probability", "1.2", UNIT),
    Case("retaliation-probability", (f"{B}.retaliation.probability=-0.5",),
         f"{B}.retaliation.probability", "-0.5", UNIT),
    Case("concession-probability",
         (f"{S}.concessions.forensic_institute_delisting.probability=2",),
         f"{S}.concessions.forensic_institute_delisting.probability", "2.0", UNIT),
    Case("trust-above-1", (f"{S}.parties.us.trust=1.01",), f"{S}.parties.us.trust", "1.01",
         UNIT),
    Case("walk-away", (f"{S}.bargaining.walk_away=3",), f"{S}.bargaining.walk_away", "3.0",
         UNIT),
    # -- zero or negative durations, rates, deadlines, counts -------------------------
    Case("duration-zero", (f"{M}.duration_days=0",), f"{M}.duration_days", "0.0",
         "must be > 0"),
    Case("duration-negative", (f"{M}.duration_days=-2",), f"{M}.duration_days", "-2.0",
         "must be > 0"),
    Case("half-life-zero", (f"{S}.relations.tension_half_life_days=0",),
         f"{S}.relations.tension_half_life_days", "0.0", "must be > 0"),
    Case("rate-negative", (f"{S}.shocks.unplanned_crisis.rate_per_year=-1",),
         f"{S}.shocks.unplanned_crisis.rate_per_year", "-1.0", "must be >= 0"),
    Case("channel-rounds-zero", (f"{S}.channels.foreign.rounds=0",),
         f"{S}.channels.foreign.rounds", "0", "must be in [1, 10000]"),
    Case("summit-rounds-beyond-a-table", (f"{S}.summit.rounds=100000000000",),  # not built
         f"{S}.summit.rounds", "100000000000", "must be in [1, 10000]"),
    Case("summit-rounds-negative", (f"{S}.summit.rounds=-3",), f"{S}.summit.rounds", "-3",
         "must be in [1, 10000]"),
    Case("retry-zero", (f"{M}.retry_days=0",), f"{M}.retry_days", "0.0", "must be > 0"),
    Case("retaliation-delay-zero", (f"{B}.retaliation.delay_days=[0,0]",),
         f"{B}.retaliation.delay_days", "[0.0, 0.0]", "must be > 0"),
    Case("reps-zero", ("reps=0",), "reps", "0", "whole number in [1, 2**63 - 1]"),
    Case("reps-negative", ("reps=-5",), "reps", "-5", "whole number in [1, 2**63 - 1]"),
    Case("workers-negative", ("workers=-1",), "workers", "-1", "must be >= 0"),
    Case("trace-reps-negative", ("trace_reps=-1",), "trace_reps", "-1", "must be >= 0"),
    # -- dates --------------------------------------------------------------------------
    Case("date-not-a-day", (f"{S}.start=2023-02-30",), f"{S}.start", "'2023-02-30'",
         "not a date; write YYYY-MM-DD"),
    Case("date-other-format", (f"{M}.date=05/02/2023",), f"{M}.date", "'05/02/2023'",
         "not a date; write YYYY-MM-DD"),
    Case("date-compact", (f"{M}.date=20230205",), f"{M}.date", "'20230205'",
         "not a date; write YYYY-MM-DD"),
    Case("summit-before-start", (f"{S}.summit.date=2022-11-01",), f"{S}.summit.date",
         "'2022-11-01'", "must be after start 2022-11-14"),
    Case("shock-after-summit", (f"{B}.date=2024-03-01",), f"{B}.date", "'2024-03-01'",
         "must lie in the scenario window 2022-11-14..2023-11-15"),
    Case("meeting-before-start", (f"{M}.date=2022-01-01",), f"{M}.date", "'2022-01-01'",
         "must lie in the scenario window"),
    Case("concession-outside-window",
         (f"{S}.concessions.climate_talks_resume.date=2023-12-01",),
         f"{S}.concessions.climate_talks_resume.date", "'2023-12-01'",
         "must lie in the scenario window"),
    Case("reopens-before-start", (f"{S}.channels.military.reopens=2022-10-01",),
         f"{S}.channels.military.reopens", "'2022-10-01'", "must be after start 2022-11-14"),
    # -- names that do not exist ------------------------------------------------------
    Case("meeting-unknown-channel", (f"{M}.channel=nowhere",), f"{M}.channel", "'nowhere'",
         "unknown channel; known: climate, commerce"),
    Case("meeting-channel-typo", (f"{M}.channel=foriegn",), f"{M}.channel", "'foriegn'",
         "unknown channel (did you mean 'foreign'?)"),
    Case("tactic-typo", (f"{S}.parties.us.strategy.name=bolware",),
         f"{S}.parties.us.strategy.name", "'bolware'",
         "unknown strategy (did you mean 'boulware'?); known: boulware"),
    Case("retaliation-shock-typo", (f"{B}.retaliation.shock=ballon",),
         f"{B}.retaliation.shock", "'ballon'", "unknown shock (did you mean 'balloon'?)"),
    Case("shock-typo", (f"{S}.shocks.baloon.enabled=false",), f"{S}.shocks.baloon",
         "'baloon'", "unknown shock (did you mean 'balloon'?)"),
    Case("concession-typo", (f"{S}.concessions.climate_talks_resum.enabled=false",),
         f"{S}.concessions.climate_talks_resum", "'climate_talks_resum'",
         "unknown concession (did you mean 'climate_talks_resume'?)"),
    Case("suspended-by-unknown-party", (f"{S}.shocks.li_shangfu_appointed.suspended_by=cm",),
         f"{S}.shocks.li_shangfu_appointed.suspended_by", "'cm'",
         "unknown party; known: cn, us"),
    Case("suspend-lifts-unknown", (f"{S}.shocks.li_shangfu_appointed.suspend_lifts=never",),
         f"{S}.shocks.li_shangfu_appointed.suspend_lifts", "'never'",
         "unknown way a suspension lifts; known: concession, review"),
    Case("preset-contradicted", (f"{S}.parties.us.strategy.name=conceder",),
         f"{S}.parties.us.strategy.beta", "0.9",
         "preset 'conceder' means beta=5; name 'polynomial' to set beta"),
    Case("strategy-takes-no-kappa", (f"{S}.parties.cn.strategy.name=zeuthen",
                                     f"{S}.parties.cn.strategy.beta=null",
                                     f"{S}.parties.cn.strategy.kappa=0.2"),
         f"{S}.parties.cn.strategy.kappa", "0.2", "strategy 'zeuthen' takes no kappa"),
    Case("policy-out-of-range", (f"{S}.parties.us.policy.refuse_visit_above=1.5",),
         f"{S}.parties.us.policy.refuse_visit_above", "1.5", "must be in [0, 1]"),
    Case("reopen-unknown-channel",
         (f"{S}.concessions.climate_talks_resume.reopen=[climte]",),
         f"{S}.concessions.climate_talks_resume.reopen[0]", "'climte'",
         "unknown channel (did you mean 'climate'?)"),
    Case("summit-channel-typo", (f"{S}.summit.channel=leader",), f"{S}.summit.channel",
         "'leader'", "unknown channel (did you mean 'leaders'?)"),
    # -- issues off the agenda ----------------------------------------------------------
    file_case("stance-off-agenda", variant("""
        parties:
          us:
            stances:
              mars: {ideal: 0.5}
        """), f"{S}.parties.us.stances.mars", "'mars'", "unknown issue; known: ai_risk"),
    Case("meeting-agenda-off-channel", (f"{M}.agenda=[exchanges,climate]",),
         f"{M}.agenda[1]", "'climate'", "unknown issue of channel foreign"),
    Case("channel-issue-typo", (f"{S}.channels.foreign.issues=[taiwn]",),
         f"{S}.channels.foreign.issues[0]", "'taiwn'", "unknown issue (did you mean 'taiwan'?)"),
    Case("pressure-issue-unknown", (f"{S}.parties.us.pressure.issues=[mars]",),
         f"{S}.parties.us.pressure.issues[0]", "'mars'", "unknown issue"),
    Case("concession-moves-unknown-issue",
         (f"++{S}.concessions.climate_talks_resume.move={{fentanil: 0.2}}",),
         f"{S}.concessions.climate_talks_resume.move.fentanil", "'fentanil'",
         "unknown issue (did you mean 'fentanyl'?)"),
    Case("mapping-without-force", (f"{S}.concessions.climate_talks_resume.move={{fentanyl: 1}}",),
         f"{S}.concessions.climate_talks_resume.move", "'{fentanyl: 1}'",
         f"a new entry in it needs ++: write ++{S}.concessions.climate_talks_resume.move={{...}} "
         "(the entries given are added or changed, the others kept)"),
    Case("new-entry-on-the-command-line", (f"+{S}.shocks.flood.tension=0.2",),
         f"{S}.shocks.flood.tension", "'0.2'",
         f"a new shock is added with its collection: ++{S}.shocks={{flood: {{tension: 0.2}}}}"),
    Case("new-entry-given-whole", (f"++{S}.parties.eu={{label: EU}}",), f"{S}.parties.eu",
         "'{label: EU}'", f"a new party is added with its collection: ++{S}.parties={{eu: "
         "{label: EU}}"),
    Case("new-entry-without-plus", (f"{S}.shocks.baloon={{tension: 0.5}}",), f"{S}.shocks.baloon",
         "'{tension: 0.5}'", "unknown shock (did you mean 'balloon'?); known: ai_chip_controls, "
         "balloon, "),
    Case("new-entry-without-plus-ends-with-the-form", (f"{S}.shocks.flood={{tension: 0.5}}",),
         f"{S}.shocks.flood", "'{tension: 0.5}'", "unreliable_entity_listing, xi_skips_g20; a "
         f"new shock is added with its collection: ++{S}.shocks={{flood: {{tension: 0.5}}}}"),
    Case("lab-new-issue", ("issues.x={status_quo: 0.1}",), "issues.x", "'{status_quo: 0.1}'",
         "unknown issue; known: climate, economic, fentanyl, mil_mil; a new issue is added with "
         "its collection: ++issues={x: {status_quo: 0.1}}", module="sim.negotiate"),
    # -- empty agendas, zero weights, empty win-sets ------------------------------------
    file_case("agenda-empty", SMALL.replace("issues:\n  x: {status_quo: 0.5}\n", ""),
              f"{S}.issues", "{}", "the agenda is empty"),
    Case("channel-agenda-empty", (f"{S}.channels.foreign.issues=[]",),
         f"{S}.channels.foreign.issues", "[]", "the channel's agenda is empty"),
    file_case("weights-all-zero", US_WEIGHTS_ZERO, f"{S}.parties.us.stances.*.weight",
              "[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]", "the weights are all zero"),
    Case("win-set-empty", (f"{S}.parties.us.stances.taiwan.win_set=[0.8,0.2]",),
         f"{S}.parties.us.stances.taiwan.win_set", "[0.8, 0.2]", "is an empty interval"),
    Case("win-set-one-number", (f"{S}.parties.us.stances.taiwan.win_set=[0.8]",),
         f"{S}.parties.us.stances.taiwan.win_set", "[0.8]", "must be two numbers [low, high]"),
    Case("severity-empty", (f"{B}.severity.low=0.9", f"{B}.severity.high=0.1"),
         f"{B}.severity", "[0.9, 0.1]", "is an empty interval"),
    Case("ideal-outside-win-set", (f"{S}.parties.us.stances.taiwan.ideal=0.1",),
         f"{S}.parties.us.stances.taiwan.ideal", "0.1", "must lie in win_set [0.6, 1.0]"),
    # -- duplicate names ------------------------------------------------------------------
    file_case("yaml-duplicate-key", variant("""
        relations:
          tension: 0.2
          tension: 0.3
        """), f"{S}.relations.tension", "'0.3'", "duplicate key: already set on line 6"),
    file_case("yaml-duplicate-meeting", variant("""
        meetings:
          blinken_beijing: {date: "2023-03-01"}
          blinken_beijing: {date: "2023-04-01"}
        """), f"{S}.meetings.blinken_beijing", "'{date: \"2023-04-01\"}'",
              "duplicate key: already set on line 6"),
    file_case("yaml-duplicate-key-in-a-list", variant("""
        steps:
          - {p: 1, p: 2}
        """), f"{S}.steps[0].p", "'2'", "duplicate key: already set on line 6"),
    Case("channel-issue-twice", (f"{S}.channels.foreign.issues=[exchanges,exchanges]",),
         f"{S}.channels.foreign.issues[1]", "'exchanges'", "duplicate issue"),
    Case("suspend-channel-twice", (f"{B}.suspend=[foreign,foreign]",), f"{B}.suspend[1]",
         "'foreign'", "duplicate channel"),
    # -- malformed YAML -------------------------------------------------------------------
    file_case("yaml-unclosed-brace", variant("""
        relations: {tension: 0.2
        summit:
          date: "2023-11-15"
        """), "{conf}/scenario/bad.yaml:6", "'summit:'",
              "malformed YAML at column 7: while parsing a flow mapping, expected ',' or '}', "
              "but got ':' (opened on line 5)"),
    file_case("yaml-tab-indent", variant("relations:\n\ttension: 0.2\n"),
              "{conf}/scenario/bad.yaml:6", "'tension: 0.2'",
              "malformed YAML at column 1: while scanning for the next token, found "
              "character '\\t' that cannot start any token"),
    file_case("yaml-a-list", "- a\n- b\n", S, "['a', 'b']",
              "must be a mapping with keys among bargaining, channels"),
    # -- unknown keys and scenarios -------------------------------------------------------
    Case("top-level-typo", ("rep=10",), "rep", "'10'",
         "unknown key (did you mean 'reps'?); known: "),
    Case("scenario-key-unknown", (f"+{S}.colour=red",), f"{S}.colour", "'red'",
         "unknown key; known: bargaining, channels"),
    file_case("file-key-typo", variant("relations: {tenshun: 0.2}"),
              f"{S}.relations.tenshun", "0.2", "unknown key (did you mean 'tension'?)"),
    Case("scenario-empty", ("scenario=",), "scenario", "''",
         "unknown scenario; known: bali_2022, fentanyl_linkage"),
    Case("scenario-unknown", ("scenario=histrical_2023",), "scenario", "'histrical_2023'",
         "unknown scenario (did you mean 'historical_2023'?); known: bali_2022, fentanyl_linkage"),
    Case("scenario-null", ("scenario=null",), "scenario", "'null'",
         "must be a name, or a list of names to merge; known: bali_2022, fentanyl_linkage"),
    Case("scenario-null-after-a-number", ("reps=5", "scenario=null"), "scenario", "'null'",
         "must be a name, or a list of names to merge; known: bali_2022"),
    Case("scenario-list-of-numbers", ("scenario=[1]",), "scenario", "'[1]'",
         "must be a name, or a list of names to merge; known: bali_2022"),
    Case("sweep-scenario-null", ("-m", "scenario=null,historical_2023"), "scenario", "'null'",
         "must be a name, or a list of names to merge; known: bali_2022"),
    Case("mapping-with-a-typo", (f"{S}.relations={{tenshun: 0.2}}",), f"{S}.relations.tenshun",
         "0.2", "unknown key (did you mean 'tension'?); known: agreed, tension"),
    Case("forced-mapping-with-a-typo", ("++dask={adress: tcp://h:8786}",), "dask.adress",
         "'tcp://h:8786'", "unknown key (did you mean 'address'?); known: address, workers"),
    Case("entry-given-a-number", (f"{S}.parties={{us: 1}}",), f"{S}.parties.us", "1",
         "must be a mapping with keys among attendance, discount, label, leader, policy, "
         "pressure, stances, strategy, trust"),
    Case("bank-as-a-group", ("questions=us_china_2023",), "questions", "'us_china_2023'",
         "not a key of this command's config; conf/questions/ holds question banks: "
         "python -m sim.forecast questions=NAME, or a backtest's file"),
    Case("sweep-study-added-as-a-group", ("-m", "+explore=summit_levers", "reps=2,3"),
         "explore", "'summit_levers'", "not a key of this command's config; conf/explore/ "
         "holds studies: python -m sim.explore NAME"),
    Case("lab-base-as-a-group", ("+base=us_china",), "base", "'us_china'",
         "conf/base/ holds a scenario's parts", module="sim.negotiate"),
    Case("experiment-without-plus", ("experiment=balloon",), "experiment", "'balloon'",
         "no experiment is chosen by default; add one with +experiment=balloon"),
    Case("set-under-a-null-key", (f"{S}.parties.us.policy.call_off={{above: 0.9}}",),
         f"{S}.parties.us.policy.call_off", "'{above: 0.9}'", "is null (none by default), which "
         "cannot be merged into; give the setting to the key above: "
         f"{S}.parties.us.policy={{call_off: {{above: 0.9}}}}"),
    Case("set-a-key-under-a-null-key", (f"{S}.parties.us.policy.call_off.above=0.9",),
         f"{S}.parties.us.policy.call_off.above", "'0.9'", "give the setting to the key above: "
         f"{S}.parties.us.policy={{call_off: {{above: 0.9}}}}"),
    Case("set-a-key-under-a-null-key-beside-a-bad-value",  # was "Unexpected type for root"
         (f"{S}.parties.us.policy.call_off.above=0.9", f"{S}.relations.tension=abc"),
         f"{S}.parties.us.policy.call_off.above", "'0.9'", "give the setting to the key above: "
         f"{S}.parties.us.policy={{call_off: {{above: 0.9}}}}"),
    Case("lab-set-a-key-under-a-null-key-beside-a-bad-value",
         ("a.stances.economic.linked.needs=climate", "a.stances.fentanyl.win_set=inf"),
         "a.stances.economic.linked.needs", "'climate'", "a.stances.economic.linked is null",
         module="sim.negotiate"),
    Case("unknown-entry-beside-a-bad-value",  # was "unknown key; see --help for the knobs"
         (f"{S}.shocks.balon.tension=0.1", f"{S}.relations.tension=abc"), f"{S}.shocks.balon",
         "'balon'", "unknown shock (did you mean 'balloon'?)"),
    Case("lab-unknown-entry-beside-a-bad-value", ("issues.new.status_quo=2",
                                                   "b.stances.mil_mil.ideal={low: 0}"),
         "issues.new", "'new'", "unknown issue; known: climate, economic, fentanyl, mil_mil",
         module="sim.negotiate"),
    Case("key-under-a-list", (f"{S}.channels.nsa.issues.x=1",), f"{S}.channels.nsa.issues.x",
         "'1'", "is a list; it has no key 'x': give the whole list"),  # was int()'s message
    Case("lab-key-under-a-null-list", ("disagreement.x=1",), "disagreement.x", "'1'",
         "disagreement is a list; it has no key 'x'", module="sim.negotiate"),
    Case("delete-a-key-an-entry-leaves-null", (f"~{S}.shocks.micron_review.retaliation",),
         f"{S}.shocks.micron_review.retaliation", "''", "cannot be deleted: a key of the "
         f"schema always has a value; write {S}.shocks.micron_review.retaliation=null for none"),
    Case("sweep-set-under-a-null-key", ("-m", "reps=2,3",
                                        f"{S}.parties.cn.pressure={{shrink_per_year: 0.1}}"),
         f"{S}.parties.cn.pressure", "'{shrink_per_year: 0.1}'", "give the setting to the key "
         f"above: {S}.parties.cn={{pressure: {{shrink_per_year: 0.1}}}}"),
    *(Case(f"plus-on-a-set-key{suffix}", (*flags, "+reps=5"), "reps", "'5'",
           "already set: change it with reps=VALUE (+ adds a key the config does not have)")
      for suffix, flags in (("", ()), ("-sweep", ("-m", "seed=1,2")))),
    Case("bare-scenario-name", ("historical_2023",), "historical_2023", "''",
         "a name alone is not an override; write scenario=historical_2023"),
    Case("bare-experiment-name", ("-m", "balloon"), "balloon", "''",
         "a name alone is not an override; write +experiment=balloon"),
    Case("lab-bare-name", ("historical_2023",), "historical_2023", "''",
         "cannot parse this override (missing EQUAL", module="sim.negotiate"),
    Case("sweep-a-key-under-a-null-key", ("-m", f"{S}.parties.cn.pressure.shrink_per_year=0.1,0.2"),
         f"{S}.parties.cn.pressure.shrink_per_year", "'0.1'", f"{S}.parties.cn.pressure is null "
         "(none by default), so it has no 'shrink_per_year': give it a value first"),
    Case("delete-a-key-under-a-null-key", (f"~{S}.parties.us.policy.call_off.above",),
         f"{S}.parties.us.policy.call_off.above", "''", f"{S}.parties.us.policy.call_off is "
         "null (none by default), so it has no 'above'"),
    Case("hydra-set-under-a-null-key", ("hydra.sweeper.params={reps: 5}",),
         "hydra.sweeper.params", "'{reps: 5}'", "hydra.sweeper.params is null, and Hydra cannot "
         "set a key under a null one on the command line; set it in an experiment file"),
    Case("unknown-experiment-without-plus", ("experiment=ballon",), "experiment", "'ballon'",
         "unknown experiment (did you mean 'balloon'?); known: balloon, election_pressure, "
         "strategy_matrix; none is chosen by default: add one with +experiment=NAME"),
    Case("delete-unknown-shock", (f"~{S}.shocks.nope",), f"{S}.shocks.nope", "'nope'",
         "unknown shock; known: ai_chip_controls, balloon"),
    Case("hydra-group-null", ("hydra/launcher=null",), "hydra/launcher", "'null'",
         "must be a name, or a list of names to merge"),
    Case("group-given-a-mapping", ("scenario={nme: x}",), f"{S}.nme", "'x'",
         "unknown key (did you mean 'name'?); known: bargaining"),
    Case("override-without-value", (f"{S}.concessions",), f"{S}.concessions", "''",
         "cannot parse this override"),
    Case("sweep-without-m", ("scenario=historical_2023,from_malta",), S,
         "'historical_2023,from_malta'", "several values are a sweep: add -m"),
    Case("sweep-unknown-experiment", ("-m", "+experiment=nope"), "experiment", "'nope'",
         "unknown experiment; known: balloon"),
    Case("hydra-launcher-unknown", ("-m", "hydra/launcher=nope", "reps=2,3"), "hydra/launcher",
         "'nope'", "unknown hydra/launcher; known: basic, summitsim"),
    Case("hydra-modes-together", ("-m", "--cfg", "job"), "flags", "'-m --cfg'",
         "Hydra takes one of -m (a sweep), --run, --cfg"),
    Case("lab-hydra-modes-together", ("--info", "-m", "deadline=5,6"), "flags", "'--info -m'",
         "Hydra takes one of -m (a sweep), --run, --cfg", module="sim.negotiate"),
    Case("vars-new-entry", ("vars.x=1",), "vars.x", "'1'", "add one with +vars.x=VALUE"),
    Case("vars-new-entry-beside-others", ("+experiment=balloon", "vars.severty=0.5"),
         "vars.severty", "'0.5'", "unknown entry (did you mean 'severity'?); known: severity; "
         "add a new one with +vars.severty=VALUE"),
    Case("override-unparsable", ("seed={a:",), "seed", "'{a:'", "cannot parse this override"),
    Case("run-dir-in-home-unquoted", ("hydra.run.dir=~/x",), "hydra.run.dir", "'~/x'",
         "Hydra's grammar does not read ~; for the home folder, write ${oc.env:HOME}/..."),
    Case("sweep-dir-in-home-unquoted", ("-m", "hydra.sweep.dir=~/x", "reps=2,3"),
         "hydra.sweep.dir", "'~/x'", "Hydra's grammar does not read ~"),
    Case("sweep-override-unparsable", ("-m", "seed={a:", "reps=2,3"), "seed", "'{a:'",
         "cannot parse this override"),
    Case("tournament-override-unparsable", ("strategies={a:",), "strategies", "'{a:'",
         "cannot parse this override", module="sim.tournament"),
    Case("interpolation-unknown", (f"{S}.start=${{{S}.strat}}",), f"{S}.start",
         "'${scenario.strat}'", "an interpolation ${...} must name a key of the config"),
    Case("interpolation-to-a-word-for-a-number", (f"{S}.channels.nsa.rounds=${{{S}.name}}",),
         f"{S}.channels.nsa.rounds", "'${scenario.name}'",  # was OmegaConf's "While ..."
         "resolves to 'historical_2023', which is not a whole number"),
    Case("lab-interpolation-to-a-word-for-a-number", ("power=${a.label}",), "power",
         "'${a.label}'", "resolves to 'United States', which is not a number",
         module="sim.negotiate"),
    Case("interpolation-unknown-in-a-list", (f"{S}.channels.nsa.issues=[mil_mil,${{nope}}]",),
         f"{S}.channels.nsa.issues[1]", "'${nope}'",  # shown as None
         "Interpolation key 'nope' not found"),
    Case("lab-interpolation-unknown-in-a-list", ("strategies=[linear,${nope}]",),
         "strategies[1]", "'${nope}'", "Interpolation key 'nope' not found",
         module="sim.tournament"),
    # -- output paths ---------------------------------------------------------------------
    Case("run-dir-under-a-file", ("hydra.run.dir={tmp}/file/run",), "hydra.run.dir",
         "'{tmp}/file/run'", "{tmp}/file is not a directory"),
    Case("run-dir-in-proc", ("hydra.run.dir=/proc/summitsim/run",), "hydra.run.dir",
         "'/proc/summitsim/run'", "/proc is not writable"),  # root may write, but not there
    Case("run-dir-is-a-file", ("hydra.run.dir={tmp}/file",), "hydra.run.dir",
         "'{tmp}/file'", "{tmp}/file is not a directory"),
    # -- no code from configs -------------------------------------------------------------
    Case("target-override", (f"+{B}._target_=os.system",), f"{B}._target_", "'os.system'",
         "_target_ keys are not allowed"),
    Case("target-in-a-list", ("+vars.x=[1,{_target_:os.system}]",), "vars.x[1]._target_",
         "'os.system'", "_target_ keys are not allowed"),  # a free value: no type refuses it
    file_case("target-in-file", variant("""
        _target_: os.system
        _args_: ["touch {tmp}/pwned"]
        """), f"{S}._target_", "'os.system'", "_target_ keys are not allowed"),
    file_case("args-deep-in-file", variant("""
        shocks:
          balloon:
            retaliation: {_args_: ["touch {tmp}/pwned"]}
        """), f"{B}.retaliation._args_", "['touch {tmp}/pwned']",
              "_args_ keys are not allowed"),
    Case("hydra-callback", ("+hydra.callbacks.x._target_=os.system",),
         "hydra.callbacks.x._target_", "'os.system'", "configs cannot name code"),
    file_case("hydra-callback-in-file", HYDRA_CALLBACK_FILE, "hydra.callbacks.x._target_",
              "'os.makedirs'", "configs cannot name code"),
    Case("hydra-logging-class", ("hydra.job_logging.handlers.console.class=subprocess.Popen",),
         "hydra.job_logging.handlers.console.class", "'subprocess.Popen'",
         "configs cannot name code"),
    Case("hydra-verbose-mapping", ("hydra.verbose={a: 1}",), "hydra.verbose", "{'a': 1}",
         "a logger's name"),
    Case("hydra-env-set-a-list", ("+hydra.job.env_set={A: [1]}",), "hydra.job.env_set.A", "[1]",
         "must be a string: an environment variable's value"),
    Case("hydra-env-set-merges", ("hydra.job.env_set={A: 1}",), "hydra.job.env_set", "'{A: 1}'",
         "a mapping merges into the one composed, and a new entry in it needs ++: write "
         "++hydra.job.env_set={...}"),
    Case("sweep-hydra-callback", ("-m", "+hydra.callbacks.x={_target_: os.makedirs, "
                                  "name: '{tmp}/pwned'}", "reps=2,3"),
         "hydra.callbacks.x._target_", "'os.makedirs'", "configs cannot name code"),
    Case("sweep-hydra-callback-in-file", ("-m", "hydra.searchpath=[file://{conf}]",
                                          "scenario=bad", "reps=2,3"),
         "hydra.callbacks.x._target_", "'os.makedirs'", "configs cannot name code",
         {"bad": HYDRA_CALLBACK_FILE}),
    Case("sweep-over-a-hydra-callback-in-file", ("-m", "hydra/launcher=basic",
                                                 "hydra.searchpath=[file://{conf}]",
                                                 "scenario=historical_2023,bad"),
         "hydra.callbacks.x._target_", "'os.makedirs'", "configs cannot name code",
         {"bad": HYDRA_CALLBACK_FILE}),
    Case("log-stream-imports-a-module", ("hydra.job_logging.handlers.console.stream=ext://this.s",),
         "hydra.job_logging.handlers.console.stream", "'ext://this.s'",
         "configs cannot name code; an ext:// value imports it"),
    Case("log-level-lower-case", ("hydra.job_logging.root.level=debug",),
         "hydra.job_logging.root.level", "'debug'", "not a logging level; known: CRITICAL"),
    Case("sweep-log-level-lower-case", ("-m", "hydra.hydra_logging.root.level=debug",
                                        "reps=2,3"),
         "hydra.hydra_logging.root.level", "'debug'", "not a logging level; known: CRITICAL"),
    Case("log-handler-unknown-formatter", ("hydra.job_logging.handlers.console.formatter=nope",),
         "hydra.job_logging", "''", "Hydra cannot set up the job: Unable to configure handler "
         "'console'"),
    Case("sweep-subdir-by-overrides", ("-m", "hydra.sweep.subdir=${hydra.job.override_dirname}",
                                       "reps=2,3"),
         "hydra.sweep.subdir", "'${hydra.job.override_dirname}'",
         "a sweep's jobs are in folders named by number"),
    Case("basic-sweep-subdir-by-overrides", ("-m", "hydra/launcher=basic", "reps=2,3",
                                             "hydra.sweep.subdir=${hydra.job.override_dirname}"),
         "hydra.sweep.subdir", "'${hydra.job.override_dirname}'",
         "a sweep's jobs are in folders named by number"),
    Case("sweep-subdir-in-file", ("-m", "hydra.searchpath=[file://{conf}]", "scenario=bad",
                                  "reps=2,3"),
         "hydra.sweep.subdir", "'job_${hydra.job.num}'",
         "a sweep's jobs are in folders named by number",
         {"bad": HYDRA_IN_FILE + "hydra:\n  sweep:\n    subdir: job_${hydra.job.num}\n"}),
    Case("run-dir-empty", ("hydra.run.dir=''",), "hydra.run.dir", "''",
         "must name a folder ('.' for the current one)"),
    Case("sweep-dir-empty", ("-m", "hydra.sweep.dir=''", "reps=2,3"), "hydra.sweep.dir", "''",
         "must name a folder ('.' for the current one)"),
    Case("lab-run-dir-empty", ("hydra.run.dir=''",), "hydra.run.dir", "''",
         "must name a folder ('.' for the current one)", module="sim.negotiate"),
    Case("run-dir-by-job-number", ("hydra.run.dir=${hydra.job.num}",), "hydra.run.dir",
         "'${hydra.job.num}'", "hydra.job.num is not set here: a run has none"),
    Case("sweep-dir-by-job-id", ("-m", "hydra.sweep.dir=out/${hydra.job.id}", "reps=2,3"),
         "hydra.sweep.dir", "'out/${hydra.job.id}'", "hydra.job.id is not set here: a run has "
         "none, and a sweep's folder holds all its jobs, each in a folder of its number"),
    Case("basic-sweeper-sweep-dir-by-job-number",
         ("-m", "hydra/sweeper=basic", "hydra.sweep.dir=out/${hydra.job.num}", "reps=2,3"),
         "hydra.sweep.dir", "'out/${hydra.job.num}'", "a sweep's folder holds all its jobs"),
    Case("lab-sweep-dir-by-job-number", ("-m", "hydra.sweep.dir=out/${hydra.job.num}",
                                         "deadline=5,6"),
         "hydra.sweep.dir", "'out/${hydra.job.num}'", "a sweep's folder holds all its jobs",
         module="sim.negotiate"),
    Case("run-dir-in-home", ("hydra.run.dir='~/x'",), "hydra.run.dir", "'~/x'",
         "Hydra would make a folder named ~ here; for the home folder, write ${oc.env:HOME}/..."),
    Case("sweep-dir-in-home", ("-m", "hydra.sweep.dir='~/x'", "reps=2,3"), "hydra.sweep.dir",
         "'~/x'", "Hydra would make a folder named ~ here"),
    Case("basic-launcher-sweep-dir-in-home", ("-m", "hydra/launcher=basic",
                                              "hydra.sweep.dir='~/x'", "reps=2,3"),
         "hydra.sweep.dir", "'~/x'", "Hydra would make a folder named ~ here"),
    Case("lab-sweep-dir-in-home", ("-m", "hydra.sweep.dir='~/x'", "deadline=5,6"),
         "hydra.sweep.dir", "'~/x'", "Hydra would make a folder named ~ here",
         module="sim.negotiate"),
    Case("sweep-env-set-unresolved", ("-m", "+hydra.job.env_set.X=${nope}", "reps=2,3"),
         "hydra.job.env_set.X", "'${nope}'", "Interpolation key 'nope' not found"),
    Case("log-file-outside-the-run", ("hydra.job_logging.handlers.file.filename={tmp}/pwned",),
         "hydra.job_logging.handlers.file.filename", "'{tmp}/pwned'",
         "a log file is written in the run's folder"),
    Case("sweep-log-file-in-file", ("-m", "hydra.searchpath=[file://{conf}]", "scenario=bad",
                                    "reps=2,3"),
         "hydra.job_logging.handlers.file.filename", "'${hydra.runtime.output_dir}/../../pwned'",
         "a log file is written in the run's folder",
         {"bad": HYDRA_IN_FILE + "hydra:\n  job_logging:\n    handlers:\n      file:\n"
          "        filename: ${hydra.runtime.output_dir}/../../pwned\n        mode: w\n"}),
    Case("job-name-a-path", ("hydra.job.name=../pwned",), "hydra.job.name", "'../pwned'",
         "names the log file NAME.log in the run's folder: a name without /"),
    # Hydra's record (config.yaml, hydra.yaml, overrides.yaml) was written over what was
    # there, wherever the setting pointed
    Case("record-folder-absolute", ("hydra.output_subdir={tmp}/pwned",), "hydra.output_subdir",
         "'{tmp}/pwned'", RECORD_IN_RUN),
    Case("sweep-record-folder-above", ("-m", "hydra.output_subdir=../../pwned", "reps=2,3"),
         "hydra.output_subdir", "'../../pwned'", RECORD_IN_RUN),
    file_case("record-folder-in-file", HYDRA_IN_FILE + "hydra: {output_subdir: "
              "'${oc.env:HOME}/pwned'}\n", "hydra.output_subdir", "'${oc.env:HOME}/pwned'",
              RECORD_IN_RUN),
    # the jobs' environment from a file: PYTHONPATH to a folder holding sitecustomize.py
    # ran that file's code in the jobs' new processes (a sweep's, a Dask cluster's)
    *(file_case(f"{how}-environment-that-loads-code-in-file", HYDRA_IN_FILE + "hydra: {job: "
                "{env_set: {PYTHONPATH: /tmp/lib}}}\n", "hydra.job.env_set.PYTHONPATH",
                "'/tmp/lib'", ENV_FROM_FILE, *flags) for how, flags in (
        ("run", ()), ("sweep", ("-m", "seed=1,2")),
        ("basic-launcher", ("-m", "seed=1,2", "hydra/launcher=basic")))),
    Case("sweep-environment-that-loads-code-from-a-file-moved-by-defaults",  # past the file's
         ("-m", "hydra.searchpath=[file://{conf}]", "scenario=bad", "seed=1,2"),  # own check
         "hydra.job.env_set.LD_PRELOAD", "'/tmp/lib.so'", ENV_FROM_FILE,
         {"bad": "# @package _global_\ndefaults:\n  - /scenario/historical_2023@scenario\n"
          "  - /scenario/env@hydra.job.env_set\n  - _self_\n", "env": "LD_PRELOAD: /tmp/lib.so\n"}),
    # Hydra's settings from a file that a defaults list moves into Hydra's node, past the
    # check of the file as written: summitsim's sweeper now checks them as composed (a log
    # file was written, a record put, wherever they said)
    *(Case(f"sweep-{what}-from-a-file-moved-by-defaults",
           ("-m", "hydra.searchpath=[file://{conf}]", "scenario=bad", "seed=1,2"), key,
           "'{tmp}/pwned'", allowed,
           {"bad": "# @package _global_\ndefaults:\n  - /scenario/historical_2023@scenario\n"
            f"  - /scenario/part@{into}\n  - _self_\n", "part": part})
      for what, into, part, key, allowed in (
          ("log-file", "hydra.hydra_logging", "version: 1\nhandlers: {file: {class: "
           "logging.FileHandler, filename: '{tmp}/pwned'}}\nroot: {handlers: [file]}\n",
           "hydra.hydra_logging.handlers.file.filename", "a log file is written in the run's "
           "folder"),
          ("record", "hydra", "output_subdir: '{tmp}/pwned'\n", "hydra.output_subdir",
           RECORD_IN_RUN))),
    Case("lab-record-folder-absolute", ("hydra.output_subdir={tmp}/pwned",),
         "hydra.output_subdir", "'{tmp}/pwned'", RECORD_IN_RUN, module="sim.negotiate"),
    Case("sweep-env-set-per-job", ("-m", "+hydra.job.env_set.X=${hydra.job.num}", "reps=2,3"),
         "hydra.job.env_set.X", "'${hydra.job.num}'", "the summitsim launcher sets one value "
         "for all its jobs; a value per job needs hydra/launcher=basic"),
    Case("run-dir-unresolved", ("hydra.run.dir=${nope}",), "hydra.run.dir", "'${nope}'",
         "Interpolation key 'nope' not found"),
    Case("sweep-dir-unresolved", ("-m", "hydra.sweep.dir=${nope}", "reps=2,3"),
         "hydra.sweep.dir", "'${nope}'", "Interpolation key 'nope' not found; an "
         "interpolation ${...} must name a key of the config"),
    Case("lab-sweep-dir-unresolved", ("-m", "hydra.sweep.dir=${nope}", "deadline=5,6"),
         "hydra.sweep.dir", "'${nope}'", "Interpolation key 'nope' not found; an "
         "interpolation ${...} must name a key of the config, like ${seed}",
         module="sim.negotiate"),
    Case("lab-sweep-summitsim-launcher", ("-m", "hydra/launcher=summitsim", "deadline=5,6"),
         "hydra/launcher", "'summitsim'", "runs the design points of python -m sim; leave it "
         "out: the lab's sweeps run under Hydra's basic launcher", module="sim.negotiate"),
    Case("sweep-dir-cannot-be-made", ("-m", "reps=2,3", "hydra.sweep.dir=/proc/summitsim/x"),
         "hydra.sweep.dir", "'/proc/summitsim/x'", "/proc/summitsim cannot be made (No such "
         "file or directory)"),
    Case("sweep-job-name-unresolved", ("-m", "hydra.job.name=${nope}", "reps=2,3"),
         "hydra.job.name", "'${nope}'", "Interpolation key 'nope' not found; an "
         "interpolation ${...} must name a key of the config"),
    Case("sweep-logging-level-unresolved", ("-m", "hydra.job_logging.root.level=${nope}",
                                            "reps=2,3"), "hydra.job_logging.root.level",
         "'${nope}'", "Interpolation key 'nope' not found"),
    Case("sweep-over-a-hydra-setting", ("-m", "hydra.job.name=a,b", "reps=2,3"),
         "hydra.job.name", "'a,b'", "a Hydra setting has one value for the whole sweep"),
    Case("lab-sweep-over-a-hydra-setting", ("-m", "hydra.job.name=a,b", "deadline=5,6"),
         "hydra.job.name", "'a,b'", "a Hydra setting has one value for the whole sweep",
         module="sim.negotiate"),
    Case("job-name-unresolved", ("hydra.job.name=${oc.env:SUMMITSIM_NOPE}",), "hydra.job.name",
         "'${oc.env:SUMMITSIM_NOPE}'", "the environment variable SUMMITSIM_NOPE is not set; "
         "set it, or give a default: ${oc.env:SUMMITSIM_NOPE,DEFAULT}"),
    Case("env-set-env-unset", ("+hydra.job.env_set.X=${oc.env:SUMMITSIM_NOPE}",),
         "hydra.job.env_set.X", "'${oc.env:SUMMITSIM_NOPE}'",
         "the environment variable SUMMITSIM_NOPE is not set"),
    Case("logging-level-env-unset", ("hydra.job_logging.root.level=${oc.env:SUMMITSIM_NOPE}",),
         "hydra.job_logging.root.level", "'${oc.env:SUMMITSIM_NOPE}'",
         "the environment variable SUMMITSIM_NOPE is not set"),
    Case("seed-env-unset", ("seed=${oc.env:SUMMITSIM_NOPE}",), "seed",
         "'${oc.env:SUMMITSIM_NOPE}'", "the environment variable SUMMITSIM_NOPE is not set"),
    Case("sweep-hydra-verbose-mapping", ("-m", "hydra.verbose={a: 1}", "reps=2,3"),
         "hydra.verbose", "{'a': 1}", "a logger's name"),
    Case("hydra-sweeper-params-unset", ("hydra.sweeper.params.x=1",), "hydra.sweeper.params.x",
         "'1'", "hydra.sweeper.params is null, and Hydra cannot set a key under a null one"),
    file_case("hydra-key-in-file", textwrap.dedent("""\
        # @package _global_
        defaults:
          - /scenario/historical_2023@scenario
          - _self_
        hydra:
          job:
            chdir: maybe
        """), "hydra.job.chdir", "'maybe'", "must be true or false"),  # was "not a valid bool"
    Case("hydra-key-a-word-for-a-bool", ("hydra.job.chdir=maybe",), "hydra.job.chdir",
         "'maybe'", "must be true or false"),  # as in a file; was "cannot set this value (...)"
    file_case("hydra-typo-in-file", HYDRA_IN_FILE + "hydra:\n  nope: 1\n", "hydra.nope", "1",
              "unknown key; known: callbacks, defaults, help"),
    Case("hydra-key-typo", ("hydra.job.chdri=true",), "hydra.job.chdri", "'true'",
         "unknown key (did you mean 'chdir'?); known: chdir, config"),
    Case("hydra-mapping-new-entry", ("hydra.job.env_set.X=1",), "hydra.job.env_set.X", "'1'",
         "no such entry; add one with +hydra.job.env_set.X=VALUE"),
    # the file's value, not the run folder given on the command line
    file_case("hydra-run-dir-list-in-file", HYDRA_IN_FILE + "hydra:\n  run:\n    dir: [1]\n",
              "hydra.run.dir", "[1]", "must be a string"),  # was OmegaConf's "Cannot convert"
    # -- a list for a mapping, or the reverse: on the command line and in a file --------
    Case("mapping-for-list", (f"{S}.channels.leaders.issues={{a: 1}}",),
         f"{S}.channels.leaders.issues", "'{a: 1}'", "must be a list ([a, b, ...]), not a mapping"),
    Case("list-for-mapping", (f"{S}.relations.agreed=[1,2]",), f"{S}.relations.agreed",
         "'[1,2]'", "must be a mapping (KEY={name: value, ...}), not a list"),
    file_case("file-list-for-mapping", variant("relations: [1]\n"), f"{S}.relations", "[1]",
              "must be a mapping with keys among agreed, tension"),
    file_case("file-list-for-collection", variant("shocks: [1]\n"), f"{S}.shocks", "[1]",
              "must be a mapping (name: value, ...), not a list"),
    file_case("file-value-for-mapping", variant("issues:\n  economic: 5\n"),
              f"{S}.issues.economic", "5",
              "must be a mapping with keys among core, label, status_quo"),
    file_case("file-mapping-for-list", variant("channels:\n  leaders:\n    issues: {a: 1}\n"),
              f"{S}.channels.leaders.issues", "{'a': 1}", "must be a list"),
    # -- discount factors outside (0, 1) and strategies: the negotiation lab ------------
    Case("discount-one", ("a.discount=1.0",), "a.discount", "1.0", "must be in (0, 1)",
         module="sim.negotiate"),
    Case("discount-zero", ("b.discount=0",), "b.discount", "0.0", "must be in (0, 1)",
         module="sim.negotiate"),
    Case("discount-above-one", ("a.discount=1.5",), "a.discount", "1.5", "must be in (0, 1)",
         module="sim.negotiate"),
    Case("lab-new-issue-not-a-mapping", ("issues={x: 1}",), "issues.x", "1",
         "must be a mapping with keys among label, status_quo", module="sim.negotiate"),
    Case("tournament-discount-zero", ("discounts=[0,0.5]",), "discounts[0]", "0.0",
         "must be in (0, 1)", module="sim.tournament"),
    Case("tournament-discounts-reversed", ("discounts=[0.9,0.5]",), "discounts",
         "[0.9, 0.5]", "is an empty interval", module="sim.tournament"),
    Case("lab-weights-summing-beyond-a-float",  # a utility of 0 on every deal
         ("a.stances.mil_mil.weight=1e308", "a.stances.fentanyl.weight=1e308"),
         "a.stances.*.weight", "[1e+308, 1e+308, 0.1, 0.12]", "sum beyond a float's range",
         module="sim.negotiate"),
    Case("tournament-issues-beyond-what-runs", ("issues=100000",), "issues", "100000",
         "must be in [1, 100]", module="sim.tournament"),  # it ran for hours
    Case("tournament-strategy-twice", ("strategies=[linear,linear]",), "strategies[1]",
         "'linear'", "duplicate strategy", module="sim.tournament"),
    Case("tournament-no-strategy", ("strategies=[]",), "strategies", "[]",
         "list at least one strategy", module="sim.tournament"),
    # -- a user's scenario folder (--config-dir), checked exactly as the shipped ones ----
    Case("folder-tab", ("--config-dir", "{conf}", "scenario=bad"), "{conf}/scenario/bad.yaml:6",
         "'tension: 0.3'", "malformed YAML", {"bad": variant("relations:\n\ttension: 0.3\n")}),
    Case("folder-missing-base", ("--config-dir", "{conf}", "scenario=bad"),
         "scenario/bad.yaml: defaults", "'base/nowhere'",
         "no such config; known in base/: engine_2023, us_china, us_china_2023, "
         "us_china_risks_2023, us_dprk",
         {"bad": "defaults:\n  - /base/nowhere@_here_\n  - _self_\nname: bad\n"}),
    Case("folder-typo", ("--config-dir", "{conf}", "scenario=bad"), f"{S}.relatons",
         "{'tension': 0.3}", "unknown key (did you mean 'relations'?)",
         {"bad": variant("relatons:\n  tension: 0.3\n")}),
    # a mistyped entry, meant to turn one off: was a run with the balloon, and a shock that
    # does nothing; a concession or meeting was told at its party or channel ''
    *(Case(f"folder-typo-{what}", ("--config-dir", "{conf}", "scenario=bad"),
           f"{S}.{what}s.{typo}", f"'{typo}'", f"a {what} of enabled alone does nothing; "
           f"unknown {what} (did you mean {meant!r}?)",
           {"bad": variant(f"{what}s:\n  {typo}: {{enabled: false}}\n")})
      for what, typo, meant in (("shock", "ballon", "balloon"),
                                ("concession", "china_goodwil", "china_goodwill"),
                                ("meeting", "kerry_beijin", "kerry_beijing"))),
    # one that sets more than enabled was told at its party='' or channel='', unwritten
    *(Case(f"folder-typo-{what}-with-a-setting", ("--config-dir", "{conf}", "scenario=bad"),
           f"{S}.{what}s.{typo}", f"'{typo}'", f"a new {what} needs a {needs}, and this one "
           f"has none; unknown {what} (did you mean {meant!r}?)",
           {"bad": variant(f"{what}s:\n  {typo}: {setting}\n")})
      for what, typo, meant, needs, setting in (
          ("concession", "china_goodwil", "china_goodwill", "party", "{tension: 0.1}"),
          ("meeting", "kerry_beijin", "kerry_beijing", "channel", "{date: '2023-07-17'}"))),
    Case("typo-entry-added-on-the-command-line", (f"++{S}.shocks={{ballon: {{}}}}",),
         f"{S}.shocks.ballon", "'ballon'", "a shock of enabled alone does nothing; unknown "
         "shock (did you mean 'balloon'?)"),
    Case("sweep-folder-typo", ("-m", "--config-dir", "{conf}", "scenario=bad,historical_2023"),
         f"{S}.relatons", "{'tension': 0.3}", "unknown key (did you mean 'relations'?)",
         {"bad": variant("relatons:\n  tension: 0.3\n")}),
    Case("sweep-folder-wrong-type", ("-m", "--config-dir", "{conf}",
                                      "scenario=historical_2023,bad"),
         f"{S}.relations.tension", "'abc'", "must be a number",
         {"bad": variant("relations: {tension: abc}\n")}),
    Case("folder-list-for-a-string", ("--config-dir", "{conf}", "scenario=bad"),
         f"{M}.host", "['us']", "must be a string",  # was OmegaConf's "Cannot convert ..."
         {"bad": variant("meetings: {blinken_beijing: {host: [us]}}\n")}),
    Case("folder-new-concession-allows-beyond-the-unit", ("--config-dir", "{conf}",
                                                          "scenario=bad"),
         f"{S}.concessions.offer.allow.entity_list[1]", "10.0", UNIT,  # was "must be a list"
         {"bad": variant("concessions: {offer: {party: us, allow: {entity_list: [0, 10]}}}\n")}),
    Case("folder-cameo-code-unquoted", ("--config-dir", "{conf}", "scenario=bad"),
         f"{B}.code.cameo", "'35'", 'write it quoted ("043"), as YAML reads 043 as a number',
         {"bad": variant("shocks: {balloon: {code: {cameo: 043, goldstein: -2}}}\n")}),
    Case("cameo-code-not-one", (f"{B}.code.cameo=balloon",), f"{B}.code.cameo", "'balloon'",
         "not a CAMEO code: two to four digits, the first two 01 to 20"),
    file_case("sweep-param-in-a-file-unreadable",  # was "<overrides>=...: None"
              HYDRA_IN_FILE + "hydra: {sweeper: {params: {seed: '1,{2'}}}\n",
              "hydra.sweeper.params.seed", "'1,{2'", "cannot be read as a sweep (", "-m"),
    file_case("sweep-params-in-a-file-not-a-mapping",  # was "Cannot assign str to Dict[...]"
              HYDRA_IN_FILE + "hydra: {sweeper: {params: '0,1'}}\n", "hydra.sweeper.params",
              "'0,1'", "must be a mapping", "-m"),
    file_case("sweeper-in-a-file-a-single-value",  # was "str is not a subclass of ..."
              HYDRA_IN_FILE + "hydra: {sweeper: 'range(0,3)'}\n", "hydra.sweeper",
              "'range(0,3)'", "must be a mapping with keys among max_batch_size, params", "-m"),
    file_case("sweep-folder-in-a-file-a-mapping",  # was "Cannot convert 'DictConfig' to ..."
              HYDRA_IN_FILE + "hydra: {sweep: {dir: {a: 1}}}\n", "hydra.sweep.dir",
              "{'a': 1}", "must be a string", "-m"),
    file_case("sweep-params-in-a-file-interpolated-from-nowhere",
              HYDRA_IN_FILE + "hydra: {sweeper: {params: '${vars.nope}'}}\n",
              "hydra.sweeper.params", "'${vars.nope}'", "Interpolation key 'vars.nope' not "
              "found; an interpolation ${...} must name a key", "-m"),
    file_case("sweep-params-in-a-file-a-list",  # was "cannot be merged: Cannot merge ..."
              HYDRA_IN_FILE + "hydra: {sweeper: {params: []}}\n", "hydra.sweeper.params", "[]",
              "must be a mapping (name: value, ...), not a list", "-m"),
    file_case("sweep-param-in-a-file-a-glob",  # was "<overrides>=...: the sweep has no jobs"
              HYDRA_IN_FILE + "hydra: {sweeper: {params: {seed: 'glob(*)'}}}\n",
              "hydra.sweeper.params.seed", "'glob(*)'", "glob(...) chooses among a config "
              "group's options", "-m"),
    # told against the glob's first scenario, the user's: was against the default one
    Case("sweep-of-a-glob-of-a-users-scenarios-typo",
         ("-m", "hydra.searchpath=[file://{conf}]", "scenario=glob(bad*)",
          f"{S}.shocks.my_shok.enabled=false"), f"{S}.shocks.my_shok", "'my_shok'",
         "unknown shock (did you mean 'my_shock'?)", {"bad": variant("""
         shocks:
           my_shock: {actor: us, target: cn, date: "2023-06-01", tension: 0.1}
         """)}),
    file_case("basic-launcher-sweep-param-in-a-file-bad-value",  # job 0 ran, then this line
              HYDRA_IN_FILE + "hydra: {sweeper: {params: {scenario.relations.tension: "
              "'0.5,1.5'}}}\n", f"{S}.relations.tension", "1.5", UNIT, "-m",
              "hydra/launcher=basic"),
    file_case("basic-launcher-sweep-param-in-a-file-an-empty-range", HYDRA_IN_FILE + "hydra: "
              "{sweeper: {params: {reps: 'range(1,1)'}}}\n", "hydra.sweeper.params.reps",
              "'range(1,1)'", "a sweep of no values", "-m", "hydra/launcher=basic"),
    file_case("sweep-param-in-a-file-an-empty-range", HYDRA_IN_FILE + "hydra: {sweeper: "
              "{params: {reps: 'range(1,1)'}}}\n", "hydra.sweeper.params.reps", "'range(1,1)'",
              "a sweep of no values", "-m"),
    file_case("launcher-setting-in-a-file",  # was "...got an unexpected keyword argument"
              HYDRA_IN_FILE + "hydra: {launcher: {workers: 3}}\n", "hydra.launcher.workers",
              "3", "unknown key; known: none defined", "-m"),
    file_case("launcher-in-a-file-a-single-value",  # was "argument of type 'int' is not ..."
              HYDRA_IN_FILE + "hydra: {launcher: 5}\n", "hydra.launcher", "5",
              "must be a mapping (it takes no settings)", "-m"),
    Case("hydra-sweeper-unknown-setting", ("hydra.sweeper.nope=1",), "hydra.sweeper.nope",
         "'1'", "unknown key; known: max_batch_size, params"),  # was "see --help for the knobs"
    Case("hydra-sweeper-setting-added", ("-m", "+hydra.sweeper.nope=1", "reps=2,3"),
         "hydra.sweeper.nope", "1", "unknown key; known: max_batch_size, params"),
    Case("hydra-sweeper-batch-size-not-a-number", ("hydra.sweeper.max_batch_size=abc",),
         "hydra.sweeper.max_batch_size", "'abc'", "must be a whole number"),
    Case("hydra-sweeper-a-single-value", ("-m", "hydra.sweeper=5", "reps=2,3"),
         "hydra.sweeper", "5", "must be a mapping with keys among max_batch_size, params"),
    # was "list index out of range", and in a sweep "unknown key"
    Case("list-item-past-the-end", (f"{L}.9=taiwan",), f"{L}.9", "'taiwan'",
         f"no item 9: {L} has 9 items, numbered from 0; give the whole list, {L}=[...]"),
    Case("list-item-past-the-end-in-a-sweep", ("-m", f"{L}.9=taiwan", "reps=2,3"), f"{L}.9",
         "'taiwan'", f"no item 9: {L} has 9 items"),
    Case("list-item-of-an-unknown-entry", ("scenario.channels.nope.issues.0=x",),
         "scenario.channels.nope", "'nope'", "unknown channel; known: climate, commerce"),
    # with -m, the help of a sweep of no job was "several values are a sweep: add -m"
    Case("help-of-a-sweep-of-no-values", ("-m", "--help", "reps=range(1,1)"), "reps",
         "'range(1,1)'", "a sweep of no values"),
    Case("help-of-a-sweep-of-a-glob-of-nothing", ("-m", "--help", "scenario=glob(nope*)"),
         "scenario", "'glob(nope*)'", "matches none of the group's options"),
    Case("list-item-deleted", (f"~{L}.0",), f"{L}.0", "''",  # was "list indices must be ..."
         "an item of a list cannot be deleted; give the whole list"),
    Case("hydra-mode-not-a-mode", ("hydra.mode=x",), "hydra.mode", "'x'",  # was a traceback
         "must be one of RUN, MULTIRUN"),
    Case("hydra-sweeper-a-string-in-a-sweep", ("-m", "hydra.sweeper='1,2'", "reps=2,3"),
         "hydra.sweeper", "'1,2'", "must be a mapping with keys among"),  # was "_target_"
    Case("hydra-setting-of-the-schema-deleted", ("~hydra.sweep.subdir",), "hydra.sweep.subdir",
         "''", "cannot be deleted: a key of the schema always has a value"),
    file_case("launcher-in-a-file-an-interpolation",  # was "Input config does not have ..."
              HYDRA_IN_FILE + "vars: {s: {}}\nhydra: {launcher: '${vars.s}'}\n",
              "hydra.launcher", "'${vars.s}'", "must be a mapping of its settings, written "
              "out", "-m"),
    Case("hydra-sweeper-null-in-a-sweep", ("-m", "hydra.sweeper=null", "reps=2,3"),
         "hydra.sweeper", "None", "must be a mapping of its settings"),  # was "not configured"
    Case("hydra-launcher-setting-in-a-run", ("++hydra.launcher.x=true",), "hydra.launcher.x",
         "True", "unknown key; known: none defined"),  # was run, the setting ignored
    # Hydra's composing took 1 or -1 for true and '5' for 5, where a sweep's job refused them
    Case("true-or-false-given-a-number", ("crn=1",), "crn", "1", "must be true or false"),
    Case("true-or-false-of-an-entry-given-a-number", (f"{B}.enabled=-1",), f"{B}.enabled", "-1",
         "must be true or false"),
    Case("whole-number-given-quoted", ("seed='5'",), "seed", "'5'", "must be a whole number"),
    Case("true-or-false-given-a-number-basic-launcher", ("-m", "hydra/launcher=basic", "crn=1",
                                                         "reps=2,3"), "crn", "1",
         "must be true or false"),
    Case("lab-true-or-false-given-a-number", ("plot=1",), "plot", "1", "must be true or false",
         module="sim.negotiate"),
    Case("hydra-setting-added-whose-value-does-not-resolve", ("+hydra.sweep.subdir=x",),
         "hydra.sweep.subdir", "'x'", "already set: change it with hydra.sweep.subdir=VALUE"),
    # was run with the schema's default, where a nested key of the schema is refused
    Case("top-level-key-deleted", ("~seed",), "seed", "''", "cannot be deleted: a key of the "
         "schema always has a value; set it with seed=VALUE"),
    Case("top-level-key-deleted-in-a-sweep", ("-m", "~crn", "reps=2,3"), "crn", "''",
         "cannot be deleted: a key of the schema always has a value"),
    Case("lab-top-level-key-deleted", ("~deadline",), "deadline", "''", "cannot be deleted: "
         "a key of the schema always has a value", module="sim.negotiate"),
    Case("folder-impossible-date", ("--config-dir", "{conf}", "scenario=bad"), f"{S}.start",
         "'2023-02-30'", "not a date; write YYYY-MM-DD", {"bad": variant("start: 2023-02-30\n")}),
    # ??? merged over a base's value or a default leaves it: it ran as if never written
    Case("folder-value-left-to-be-given", ("--config-dir", "{conf}", "scenario=bad"),
         f"{S}.relations.tension", "'???'", "a value left to be given is never asked for: the "
         "key keeps the value it has without it (the file's base or the default)",
         {"bad": variant("relations:\n  tension: ???\n")}),
    # a file of the folder that the run does not choose is checked too: it is named
    Case("folder-code-in-a-file-not-chosen", ("--config-dir", "{conf}", "scenario=calm"),
         f"{B}._target_", "'os.system'", "_target_ keys are not allowed (only Hydra's own "
         "launcher, sweeper and standard logging classes); in {conf}/scenario/other.yaml",
         {"calm": variant(""), "other": variant("shocks: {balloon: {_target_: os.system}}\n")}),
    Case("folder-default-key", ("--config-dir", "{conf}", "scenario=bad",
                                f"{S}.shocks.balloon.enabled=maybe"),
         f"{S}.shocks.balloon.enabled", "'maybe'", "must be true or false",
         {"bad": variant("")}),
    Case("folder-unknown-scenario", ("--config-dir", "{conf}", "scenario=clam"), S, "'clam'",
         "unknown scenario (did you mean 'calm'?)", {"calm": variant("")}),
    Case("folder-defaults-circle", ("--config-dir", "{conf}", "scenario=bad", f"{S}.name=x"),
         S, "'bad'", "cannot be composed: a defaults list builds on itself",
         {"bad": "defaults:\n  - loop\n  - _self_\nname: bad\n",
          "loop": "defaults:\n  - bad\n  - _self_\nname: loop\n"}),
    Case("folder-defaults-circle-with-an-experiment", ("--config-dir", "{conf}", "scenario=bad",
                                                        "+experiment=balloon"),
         S, "'bad'", "cannot be composed: a defaults list builds on itself",
         {"bad": "defaults:\n  - bad\n  - _self_\n"}),  # two chosen: the first that fails
    Case("sweep-folder-defaults-circle", ("-m", "--config-dir", "{conf}",
                                           "scenario=historical_2023,bad"),
         S, "'bad'", "cannot be composed: a defaults list builds on itself",
         {"bad": "defaults:\n  - bad\n  - _self_\n"}),
    # a variant filed under another scenario's name: left to its base, or written in
    Case("folder-name-of-its-base", ("--config-dir", "{conf}", "scenario=bad"), f"{S}.name",
         "'historical_2023'", "is scenario historical_2023's: bad.yaml builds on it and sets "
         "no name, and its results would be filed as that one's; give it its own (name: bad)",
         {"bad": "defaults:\n  - historical_2023\n  - _self_\n"}),
    Case("folder-self-before-its-base", ("--config-dir", "{conf}", "scenario=bad"),
         f"{S}.name", "'historical_2023'", "is scenario historical_2023's: bad.yaml lists it "
         "after _self_ in its defaults, so its keys, the name among them, win over the file's "
         "own, and its results would be filed as that one's; list _self_ after it (defaults: "
         "[historical_2023, _self_])", {"bad": "defaults:\n  - _self_\n  - historical_2023\n"
                                        "name: bad\nsummit: {date: '2023-12-01'}\n"}),
    Case("sweep-folder-name-of-another", ("-m", "--config-dir", "{conf}",
                                          "scenario=historical_2023,bad"), f"{S}.name",
         "'no_balloon'", "is scenario no_balloon's: bad.yaml names itself so",
         {"bad": variant("").replace("name: bad", "name: no_balloon")}),
    Case("folder-name-of-another-in-a-file-not-chosen", ("--config-dir", "{conf}",
                                                          "scenario=bad"), f"{S}.name",
         "'bad'", "is scenario bad's: copy.yaml names itself so, and its results would be "
         "filed as that one's; give it its own (name: copy); in {conf}/scenario/copy.yaml",
         {"bad": variant(""), "copy": variant("")}),
    Case("folder-name-of-another-file", ("--config-dir", "{conf}", "scenario=bad"),
         f"{S}.name", "'trial'", "is taken by {conf}/scenario/a_bad.yaml too, and the two "
         "files' results would be filed together; give each its own; in "
         "{conf}/scenario/bad.yaml", {"bad": variant("").replace("name: bad", "name: trial"),
                                      "a_bad": variant("").replace("name: bad", "name: trial")}),
    Case("folder-defaults-not-a-list", ("--config-dir", "{conf}", "scenario=bad"), S, "'bad'",
         "cannot be composed: Invalid defaults list in 'scenario/bad', defaults must be a list "
         "(got int)", {"bad": "defaults: 5\nname: bad\n"}),  # a traceback as names were read
    Case("folder-missing", ("--config-dir", "{tmp}/nowhere", "scenario=bad"), "--config-dir",
         "'{tmp}/nowhere'", "no such folder"),
    Case("folder-a-file", ("--config-dir", "{conf}/scenario/bad.yaml", "scenario=bad"),
         "--config-dir", "'{conf}/scenario/bad.yaml'", "a file, not a folder; give a folder",
         {"bad": variant("")}),
    # a few lines of aliases that OmegaConf would expand to billions of values (it hung,
    # the folder read even for a run of a shipped scenario), an alias inside its own anchor
    # and nesting deeper than OmegaConf merges (a RecursionError's traceback, or a defaults
    # list said to build on itself)
    Case("folder-alias-bomb", ("--config-dir", "{conf}"), "{conf}/scenario/bad.yaml", "''",
         "holds 490,329,059 values once its aliases (*name) are expanded; a config file may "
         "hold 100,000", {"bad": variant("a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
             f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)))}),
    Case("folder-alias-in-itself", ("--config-dir", "{conf}", "scenario=bad"),
         "{conf}/scenario/bad.yaml", "''", "holds itself through an alias (*name)",
         {"bad": variant("vars: &a\n  x: *a\n")}),
    Case("folder-nested-deep", ("--config-dir", "{conf}", "scenario=bad"),
         "{conf}/scenario/bad.yaml", "''", "nests mappings or lists 152 deep; a config file "
         "may nest them 50 deep", {"bad": variant(f"vars:\n  x: {'[' * 150}{']' * 150}\n")}),
    *(Case(f"value-nested-deep{'-sweep' * bool(flags)}", (*flags, f"+vars.x={DEEP}"),
           "vars.x", f"'{DEEP}'", "nests lists or mappings 51 deep; a value may nest them 50 "
           "deep") for flags in ((), ("-m", "seed=1,2"))),  # from 150 deep: "a defaults list
    # builds on itself", OmegaConf's recursion taken for a circle of configs
    *(Case(f"folder-of-nothing-to-choose-{name}", ("--config-dir", folder), "--config-dir",
           f"'{folder}'", "holds none of conf/'s folders (backtest, base, calibrate, "
           "experiment, explore, hydra, questions, scenario), so it has nothing to choose")
      for name, folder in (("/", "/"), ("tmp", "{tmp}"))),  # / read /proc: a traceback
    Case("folder-shadows-shipped", ("--config-dir", "{conf}", "scenario=historical_2023"),
         "--config-dir", "'{conf}'", "scenario/historical_2023.yaml is never read, as the "
         "shipped conf/scenario/historical_2023.yaml is found first; rename it",
         {"historical_2023": "relations: {tension: 0.9}\n"}),
    Case("searchpath-shadows-shipped", ("hydra.searchpath=[file://{conf}]", "scenario=calm"),
         "hydra.searchpath", "'{conf}'", "scenario/no_balloon.yaml is never read",
         {"calm": variant(""), "no_balloon": variant("")}),
    Case("scenario-as-path", ("scenario={conf}/scenario/bad.yaml",), S,
         "'{conf}/scenario/bad.yaml'", "python -m sim --config-dir {conf} scenario=bad",
         {"bad": variant("")}),
    # with + or ++, or an experiment: was "scenario//tmp='bad.yaml': unknown scenario//tmp"
    Case("scenario-as-path-added", ("+scenario={conf}/scenario/bad.yaml",), S,
         "'{conf}/scenario/bad.yaml'", "python -m sim --config-dir {conf} scenario=bad",
         {"bad": variant("")}),
    Case("experiment-as-path", ("-m", "+experiment={conf}/experiment/mine.yaml"), "experiment",
         "'{conf}/experiment/mine.yaml'", "an experiment is named, not given as a path; put the "
         "file in a folder as experiment/mine.yaml and run python -m sim -m --config-dir {conf} "
         "+experiment=mine"),
    # -- Hydra's own flags: the config they show is composed first ----------------------
    Case("cfg-unknown-scenario", ("--cfg", "job", "scenario=calm"), S, "'calm'",
         "unknown scenario; known: bali_2022"),
    Case("cfg-unknown-package", ("--cfg", "job", "-p", "scenario.relatons"), "--package",
         "'scenario.relatons'", "unknown key of --cfg job (did you mean 'relations'?)"),
    Case("cfg-hydra-package-of-its-help", ("--cfg", "hydra", "-p", "hydra.help"), "--package",
         "'hydra.help'", "unknown key of --cfg hydra; known: callbacks, env, hydra_logging"),
    Case("cfg-hydra-package-of-its-help-text", ("--cfg", "hydra", "-p", "hydra.help.template"),
         "--package", "'hydra.help.template'", "; Hydra's help is shown by --cfg all"),
    Case("cfg-hydra-package-into-the-job", ("--cfg", "hydra", "-p", "hydra.run.dir",
                                             "hydra.run.dir={tmp}/${scenario.name}"),
         "--package", "'hydra.run.dir'", "cannot be shown by --cfg hydra alone (Interpolation "
         "key 'scenario.name' not found); show it with --cfg all"),
    Case("cfg-all-resolve-nowhere", ("--cfg", "all", "--resolve", "hydra.run.dir=${nope}"),
         "hydra.run.dir", "'${nope}'", "Interpolation key 'nope' not found; an interpolation"
         ),  # named by its key, as a run names it; not "show it with --cfg all": it is so
    # past Hydra's record of the command line and a job's number (missing in a run)
    Case("cfg-all-resolve-nowhere-after-the-job", ("--cfg", "all", "--resolve",
                                                    "hydra.verbose=${nope}"),
         "hydra.verbose", "'${nope}'", "Interpolation key 'nope' not found"),
    Case("cfg-all-package-resolve-unset-variable", (
        "--cfg", "all", "-p", "hydra.job", "--resolve", "hydra.job.name=${oc.env:SIM_UNSET}"),
         "hydra.job.name", "'${oc.env:SIM_UNSET}'", "the environment variable SIM_UNSET is not"),
    Case("cfg-hydra-resolve-into-the-job", ("--cfg", "hydra", "--resolve",
                                             "hydra.run.dir={tmp}/${scenario.name}"),
         "--cfg", "'hydra'", "cannot be shown by --cfg hydra alone (Interpolation key "
         "'scenario.name' not found); show it with --cfg all"),
    Case("cfg-resolve-unknown-interpolation", ("--cfg", "job", "--resolve",
                                                f"{S}.description=${{nope}}"),
         f"{S}.description", "'${nope}'", "Interpolation key 'nope' not found"),
    Case("cfg-value-out-of-range", ("--cfg", "job", "reps=0"), "reps", "0",
         "must be a whole number in [1, 2**63 - 1]"),  # what --cfg shows would run
    Case("info-value-out-of-range", ("--info", "config", "scenario.bargaining.walk_away=5"),
         "scenario.bargaining.walk_away", "5.0", "must be in [0, 1]"),
    Case("negotiate-cfg-out-of-range", ("--cfg", "job", "deadline=0"), "deadline", "0",
         "must be in [1, 10000]", module="sim.negotiate"),
    Case("run-reads-hydra-setting", (f"{S}.description=${{hydra:job.name}}",),
         f"{S}.description", "'${hydra:job.name}'", "cannot read Hydra's settings"),
    Case("cfg-reads-hydra-setting", ("--cfg", "job", f"{S}.description=${{hydra:job.name}}"),
         f"{S}.description", "'${hydra:job.name}'", "cannot read Hydra's settings"),
    Case("sweep-reads-hydra-setting", ("-m", f"{S}.description=${{hydra:job.name}}",
                                       "reps=2,3"),
         f"{S}.description", "'${hydra:job.name}'", "cannot read Hydra's settings"),
    Case("sweep-value-unresolved", ("-m", "seed=${nope}", "reps=2,3"), "seed", "'${nope}'",
         "Interpolation key 'nope' not found; an interpolation ${...} must name a key"),
    Case("negotiate-cfg-unknown-package", ("--cfg", "job", "--package", "a.nope"), "--package",
         "'a.nope'", "unknown key of --cfg job; known: beta", module="sim.negotiate"),
    Case("help-typo", ("--help", "sedd=1"), "sedd", "'1'", "unknown key (did you mean 'seed'?)"),
    Case("negotiate-cfg-typo", ("--cfg", "job", "a.nope=1"), "a.nope", "'1'",
         "unknown key; known: beta", module="sim.negotiate"),
    Case("another-config", ("-cn", "negotiate"), "--config-name", "'negotiate'",
         "python -m sim runs conf/config.yaml, changed with KEY=VALUE (a folder of your own "
         "scenarios: --config-dir DIR)"),
    Case("lab-config-dir", ("--config-dir", "{tmp}"), "--config-dir", "'{tmp}'",
         "python -m sim.tournament runs conf/tournament.yaml", module="sim.tournament"),
    Case("rerun", ("--experimental-rerun", "{tmp}/config.pickle"), "--experimental-rerun",
         "'{tmp}/config.pickle'", "not supported"),
    Case("delete-a-schema-key", ("~scenario.relations.tension",), f"{S}.relations.tension",
         "''", "cannot be deleted: a key of the schema always has a value; set it with"),
    Case("delete-an-optional-key", ("~scenario.parties.us.pressure",),
         f"{S}.parties.us.pressure", "''", "cannot be deleted: a key of the schema always has "
         "a value; write scenario.parties.us.pressure=null for none"),
    Case("delete-from-an-empty-mapping", ("~vars.x",), "vars.x", "''",
         "no such entry to delete; vars is empty"),
    Case("delete-from-hydra-env", ("~hydra.job.env_set.X",), "hydra.job.env_set.X", "''",
         "no such entry to delete; hydra.job.env_set is empty"),
    Case("key-under-a-value", ("seed.x=1",), "seed.x", "'1'",
         "seed is a single value, not a mapping; it has no key 'x'"),
    Case("sweep-key-under-a-value", ("-m", "scenario.name.x=1,2"), f"{S}.name.x", "'1'",
         "scenario.name is a single value, not a mapping; it has no key 'x'"),
    Case("delete-under-a-value", ("~seed.x",), "seed.x", "''",
         "seed is a single value, not a mapping; it has no key 'x'"),
    Case("lab-key-under-a-value", ("a.strategy.name=linear",), "a.strategy.name", "'linear'",
         "a.strategy is a single value, not a mapping; it has no key 'name'",
         module="sim.negotiate"),
    Case("sweep-delete-unknown-shock", ("-m", "reps=2,3", "~scenario.shocks.nope"),
         f"{S}.shocks.nope", "'nope'", "unknown shock; known: ai_chip_controls"),
    Case("sweep-unknown-shock", ("-m", "reps=2,3", "scenario.shocks.nope.enabled=false"),
         f"{S}.shocks.nope", "'nope'", "unknown shock; known: ai_chip_controls"),
    Case("delete-then-set", ("~seed", "seed=2"), "seed", "'2'",
         "deleted earlier on the command line (~seed); drop that to set it"),
    # -- a sweep with no job, or of a kind the sweeper cannot run -------------------------
    Case("sweep-glob-not-a-group", ("-m", "seed=glob(*)"), "seed", "'glob(*)'",
         "glob(...) chooses among a config group's options"),
    # the glob that chooses nothing is named, not the first glob (was "scenario=...: matches
    # none of the group's options", where it chooses singapore_2018)
    Case("sweep-glob-not-a-group-after-one-that-chooses", ("-m", f"{S}=glob(sing*)",
                                                           "seed=glob(*)"), "seed", "'glob(*)'",
         "glob(...) chooses among a config group's options"),
    Case("basic-launcher-glob-not-a-group-after-one-that-chooses", (
        "-m", "hydra/launcher=basic", f"{S}=glob(sing*)", "seed=glob(*)"), "seed", "'glob(*)'",
         "glob(...) chooses among a config group's options"),
    Case("sweep-glob-not-a-group-after-one-of-a-users-scenarios", (
        "-m", "hydra.searchpath=[file://{conf}]", f"{S}=glob(bad*)", "seed=glob(*)"), "seed",
         "'glob(*)'", "glob(...) chooses among a config group's options",
         {"bad": variant("")}),
    Case("sweep-glob-matches-none", ("-m", "scenario=glob(zzz*)"), S, "'glob(zzz*)'",
         "matches none of the group's options"),
    # a glob among a list's values, which Hydra takes as a mapping: was "scenario.include=
    # ['sing*']: unknown key" (and a traceback for the help)
    *(Case(f"{where}-glob-among-a-lists-values", ("-m", *flags, f"{S}=glob(sing*),bali_2022"),
           S, "'glob(sing*),bali_2022'", "a glob is a sweep of its own, not one of a list's "
           "values; give it every pattern and name, as scenario=glob([no_*,historical_2023])")
      for where, flags in (("sweep", ()), ("basic-launcher", ("hydra/launcher=basic",)),
                           ("basic-sweeper", ("hydra/sweeper=basic",)), ("help", ("--help",)))),
    file_case("sweep-param-in-a-file-a-glob-among-a-lists-values",
              HYDRA_IN_FILE + "hydra: {sweeper: {params: {scenario: 'glob(sing*),bali_2022'}}}\n",
              "hydra.sweeper.params.scenario", "'glob(sing*),bali_2022'", "a glob is a sweep of "
              "its own, not one of a list's values", "-m"),
    Case("sweep-empty-range", ("-m", "reps=3,4", "seed=range(5,1)"), "seed", "'range(5,1)'",
         "a sweep of no values"),
    Case("sweep-interval", ("-m", "reps=interval(1,2)"), "reps", "'interval(1,2)'",
         "an interval is searched by an optimising sweeper"),
    # a range by a step of 0: "<overrides>='the whole command line': range() arg 3 must not
    # be zero" (or "Invalid range values" for a float), on every path a sweep takes
    Case("sweep-range-step-zero", ("-m", "seed=range(0,3,0)"), "seed", "'range(0,3,0)'",
         STEP_ZERO),
    Case("basic-sweeper-range-float-step-zero", ("-m", "hydra/sweeper=basic",
                                                 f"{S}.relations.tension=range(0,1,0.0)"),
         f"{S}.relations.tension", "'range(0,1,0.0)'", STEP_ZERO),
    Case("basic-launcher-range-step-zero", ("-m", "hydra/launcher=basic", "seed=range(0,3,0)"),
         "seed", "'range(0,3,0)'", STEP_ZERO),
    Case("help-of-a-sweep-by-a-step-of-zero", ("-m", "--help", "seed=range(0,3,0)"), "seed",
         "'range(0,3,0)'", STEP_ZERO),  # was a traceback
    file_case("sweep-param-in-a-file-a-step-of-zero", HYDRA_IN_FILE + "hydra: {sweeper: "
              "{params: {seed: 'range(0,3,0)'}}}\n", "hydra.sweeper.params.seed",
              "'range(0,3,0)'", STEP_ZERO, "-m"),
    Case("sweep-range-to-infinity", ("-m", "seed=range(0,inf)"), "seed", "'range(0,inf)'",
         "a range counts between finite numbers: range(start,stop,step)"),  # was a hang
    Case("sweep-range-to-nan", ("-m", "hydra/sweeper=basic", "seed=range(0,nan)"), "seed",
         "'range(0,nan)'", "a range counts between finite numbers"),  # was "[<class 'decimal..."
    Case("lab-sweep-range-step-zero", ("-m", "deadline=range(10,50,0)"), "deadline",
         "'range(10,50,0)'", STEP_ZERO, module="sim.negotiate"),
    # a sweep too large to list: its jobs filled the memory (or "<overrides>=...: MemoryError()")
    Case("sweep-of-too-many-jobs", ("-m", "seed=range(0,100000000)"), "seed",
         "'range(0,100000000)'", TOO_MANY_JOBS),
    Case("sweep-of-too-many-jobs-together", ("-m", "hydra/sweeper=basic", "seed=range(0,1000)",
                                             "reps=range(1,1000)"), "seed", "'range(0,1000)'",
         "makes a sweep of 999,000 jobs"),
    Case("basic-launcher-sweep-of-too-many-jobs", ("-m", "hydra/launcher=basic",
                                                   "seed=range(0,100000000)"), "seed",
         "'range(0,100000000)'", TOO_MANY_JOBS),
    Case("help-of-a-sweep-of-too-many-jobs", ("-m", "--help", "seed=range(0,100000000)"),
         "seed", "'range(0,100000000)'", TOO_MANY_JOBS),
    file_case("sweep-param-in-a-file-of-too-many-jobs", HYDRA_IN_FILE + "hydra: {sweeper: "
              "{params: {seed: 'range(0,100000000)'}}}\n", "hydra.sweeper.params.seed",
              "'range(0,100000000)'", TOO_MANY_JOBS, "-m"),
    Case("lab-sweep-of-too-many-jobs", ("-m", "deadline=range(10,100000010)"), "deadline",
         "'range(10,100000010)'", TOO_MANY_JOBS, module="sim.negotiate"),
    # -- the lab's sweeps: every job checked before any runs ------------------------------
    Case("basic-launcher-bad-last-job", ("-m", "hydra/launcher=basic", "reps=2,0"), "reps", "0",
         "must be a whole number in [1, 2**63 - 1]"),  # every job checked first, as by summitsim's
    Case("basic-sweeper-bad-last-job", ("-m", "hydra/sweeper=basic", "reps=2,0"), "reps", "0",
         "must be a whole number in [1, 2**63 - 1]"),  # summitsim's launcher checks; no folder left
    Case("basic-launcher-glob-with-a-bad-users-scenario",  # was "glob(...) chooses among
         ("-m", "hydra/launcher=basic", "hydra.searchpath=[file://{conf}]",  # a group's ..."
          f"{S}=glob([historical*,bad])"), f"{S}.relations.tension", "1.5", UNIT,
         {"bad": variant("relations: {tension: 1.5}\n")}),
    Case("basic-sweeper-glob-of-a-users-scenarios", ("-m", "hydra/sweeper=basic",  # was "matches
         "hydra.searchpath=[file://{conf}]", f"{S}=glob(bad*)"), S, "'glob(bad*)'",  # none ..."
         "matches none of conf/'s options: Hydra's own sweeper (hydra/sweeper=basic) chooses "
         "among conf/ alone, not among your bad; leave hydra/sweeper out to sweep them",
         {"bad": variant("")}),
    Case("basic-sweeper-bad-last-choice", ("-m", "hydra/sweeper=basic",
                                           f"{S}=historical_2023,nope"), S, "'nope'",
         "unknown scenario"),  # Hydra's sweeper composes each job after saving its config
    Case("lab-sweep-bad-last-job", ("-m", "a.strategy=boulware,nope"), "a.strategy", "'nope'",
         "unknown strategy", module="sim.negotiate"),
    Case("lab-sweep-bad-type", ("-m", "deadline=5,abc"), "deadline", "'abc'",
         "must be a whole number", module="sim.negotiate"),
    Case("lab-sweep-unparsable", ("-m", "deadline=5,[6"), "deadline", "'5,[6'",
         "cannot parse this override", module="sim.negotiate"),
    Case("lab-sweep-glob", ("-m", "deadline=glob(*)"), "deadline", "'glob(*)'",
         "glob(...) chooses among a config group's options", module="sim.negotiate"),
    Case("tournament-sweep-out-of-range", ("-m", "agendas=2,0"), "agendas", "0",
         "must be >= 1", module="sim.tournament"),
    # -- the lab's own checks of meaning ---------------------------------------------------
    Case("lab-seed-negative", ("a.strategy=random", "seed=-1"), "seed", "-1", "must be >= 0",
         module="sim.negotiate"),
    Case("tournament-seed-negative", ("seed=-1",), "seed", "-1", "must be >= 0",
         module="sim.tournament"),
    Case("lab-levels-one", ("levels=1",), "levels", "1",
         "must be 0 (continuous) or in [2, 101]", module="sim.negotiate"),
    Case("lab-agenda-emptied", tuple(f"~issues.{i}" for i in (
        "fentanyl", "climate", "economic", "mil_mil")), "issues", "{}",
         "the agenda is empty; define at least one issue", module="sim.negotiate"),
    Case("lab-disagreement-one-value", ("disagreement=[0.1]",), "disagreement", "[0.1]",
         "must be [u_a, u_b] or null", module="sim.negotiate"),
    Case("tournament-exponential-kappa-zero", ("kappa=0", "strategies=[exponential,linear]"),
         "kappa", "0.0", "must be > 0 when exponential plays", module="sim.tournament"),
    # -- values of the wrong kind, a long value, code keys where the config has none -------
    Case("collection-a-number", (f"{S}.parties=1",), f"{S}.parties", "1", "must be a mapping"),
    Case("number-a-word", (f"{S}.relations.tension=abc",), f"{S}.relations.tension", "'abc'",
         "must be a number"),
    Case("text-a-list", (f"{S}.name=[1]",), f"{S}.name", "[1]", "must be a string"),
    Case("number-a-truth-value", (f"{S}.relations.tension=true",), f"{S}.relations.tension",
         "True", "must be a number"),
    Case("long-value-cut", (f"{S}.relations.tension={'a' * 200}",), f"{S}.relations.tension",
         "'" + "a" * 156 + "...", "must be a number"),
    Case("code-key-without-plus", (f"{S}._target_=os.system",), f"{S}._target_",
         "'os.system'", "configs cannot name code"),
    Case("code-key-deleted", (f"~{B}._target_",), f"{B}._target_", "''",
         "configs cannot name code"),
    # -- how the folders and what --cfg shows are given ------------------------------------
    Case("folder-given-with-equals", ("--config-dir={tmp}/nowhere", "reps=2"), "--config-dir",
         "'{tmp}/nowhere'", "no such folder"),
    Case("folder-given-twice-over", ("--config-dir", "{tmp}", "hydra.searchpath=[file:///tmp]"),
         "--config-dir", "'{tmp}'", "give the folders either with --config-dir or with "
         "hydra.searchpath, not both"),
    Case("cfg-package-null", ("--cfg", "job", "-p", f"{S}.concessions.climate_talks_resume."
                              "trigger"), "--package",
         f"'{S}.concessions.climate_talks_resume.trigger'", "is null: nothing to show"),
]

# A handful also run as real processes, as a user runs them.
IN_SUBPROCESS = ("reps-zero", "tactic-typo", "yaml-unclosed-brace", "target-in-file",
                 "run-dir-under-a-file", "top-level-typo", "hydra-callback-in-file",
                 "discount-one", "folder-tab", "folder-missing-base", "scenario-as-path",
                 "cfg-unknown-scenario", "lab-sweep-bad-last-job", "lab-sweep-dir-unresolved")


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{conf}", str(tmp / "conf")).replace("{tmp}", str(tmp))


def _prepare(case: Case, tmp: Path) -> tuple[list[str], Path]:
    """Write the case's files; return its command-line arguments and run directory."""
    (tmp / "file").write_text("a file, not a directory\n")
    for name, text in case.files.items():
        path = tmp / "conf" / "scenario" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_fill(text, tmp))
    run_dir = tmp / "run"
    args = [_fill(a, tmp) for a in case.args]
    if not any(a.startswith("hydra.run.dir=") for a in args):
        args.append(f"hydra.run.dir={run_dir}")
    if "-m" in args and not any(a.startswith("hydra.sweep.dir=") for a in args):
        args.append(f"hydra.sweep.dir={tmp / 'sweep'}")
    return args, run_dir


def _check(case: Case, code: object, stderr: str, tmp: Path, run_dir: Path) -> None:
    lines = stderr.strip().splitlines()
    where = f"{case.id}: stderr was {stderr!r}"
    assert code == EXIT_BAD_INPUT, where
    assert "Traceback" not in stderr, where
    assert len(lines) == 1, where
    head = f"error: {_fill(case.key, tmp)}={_fill(case.shown, tmp)}: "
    assert lines[0].startswith(head), f"{where}\nexpected start: {head!r}"
    assert _fill(case.allowed, tmp) in lines[0][len(head):], where
    assert not (run_dir / "summary.json").exists(), where
    assert not list(run_dir.glob("*.parquet")), where
    assert not (tmp / "sweep").exists(), f"{where}: a refused sweep left its folder"
    assert not (tmp / "pwned").exists(), f"{case.id}: a config ran a command"


def test_the_catalogue_is_large_and_distinct() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    assert set(IN_SUBPROCESS) <= {c.id for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_in_process(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    args, run_dir = _prepare(case, tmp_path)
    code = run_in_process(args, monkeypatch, case.module)
    _check(case, code, capsys.readouterr().err, tmp_path, run_dir)


def _must_not_run(*args: object, **kwargs: object) -> None:
    raise SystemExit("the checks let this input through to the app")


def run_in_process(args: list[str], monkeypatch: pytest.MonkeyPatch,
                   module: str = "sim") -> object:
    """`python -m MODULE ARGS` in this process; returns the exit code.

    Should the checks let a bad input through, the app is not started (it would run a
    thousand replications here): the case fails at once.
    """
    monkeypatch.setattr(sys, "argv", [module, *args])
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    app_module = "sim.cli" if module == "sim" else module
    for name in ("job", "run_point", "run", "app"):  # what runs a checked config
        with contextlib.suppress(ImportError, AttributeError):  # elsewhere: no net
            monkeypatch.setattr(importlib.import_module(app_module), name, _must_not_run)
    monkeypatch.delitem(sys.modules, "sim.__main__", raising=False)
    monkeypatch.setattr(HydraConfig.instance(), "cfg", None)  # as a new process starts
    with pytest.raises(SystemExit) as stop:
        if module == "sim":
            runpy.run_module("sim", run_name="__main__")
        else:
            importlib.import_module(module).main()
    return stop.value.code


@pytest.mark.parametrize("case", [c for c in CASES if c.id in IN_SUBPROCESS],
                         ids=[c.id for c in CASES if c.id in IN_SUBPROCESS])
def test_bad_input_in_a_real_process(case: Case, tmp_path: Path) -> None:
    args, run_dir = _prepare(case, tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    done = subprocess.run([sys.executable, "-m", case.module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    _check(case, done.returncode, done.stderr, tmp_path, run_dir)
    assert done.stdout == "", done.stdout


# A bad flag or argument of any command: argparse's message on one line, not its usage block.
ARGUMENTS = [  # module, its arguments, the whole line after "error: "
    ("sim", ("--nope",), "unrecognized arguments: --nope; see python -m sim --help"),
    ("sim", ("-m", "--nope", "reps=1,2"),
     "unrecognized arguments: --nope; see python -m sim --help"),
    ("sim", ("--cfg=all_of_it",), "argument --cfg/-c: invalid choice: 'all_of_it' (choose from "
     "'job', 'hydra', 'all'); see python -m sim --help"),
    ("sim", ("reps=7", "-sc"), "flags='--shell-completion': not offered: Hydra completes "
     "`python FILE.py` command lines, not `python -m MODULE`"),
    ("sim.negotiate", ("-sc", "install=bash"), "flags='--shell-completion': not offered: "
     "Hydra completes `python FILE.py` command lines, not `python -m MODULE`"),
    ("sim", ("--resolve",), "flags='--resolve': --package and --resolve change what --cfg "
     "shows: give --cfg job (or hydra, all) with them"),
    ("sim.tournament", ("-p", "agendas"), "flags='-p agendas': --package and --resolve change "
     "what --cfg shows: give --cfg job (or hydra, all) with them"),
    ("sim.negotiate", ("--nope",),
     "unrecognized arguments: --nope; see python -m sim.negotiate --help"),
    ("sim.tournament", ("--rounds=3",),
     "unrecognized arguments: --rounds=3; see python -m sim.tournament --help"),
    ("sim.backtest", ("us_china_2023", "--reps", "abc"),
     "argument --reps: invalid int value: 'abc'; see python -m sim.backtest --help"),
    ("sim.backtest", ("library", "--reps", "x"),
     "argument --reps: invalid int value: 'x'; see python -m sim.backtest library --help"),
    ("sim.calibrate.cli", ("--nope",),
     "unrecognized arguments: --nope; see python -m sim.calibrate --help"),
    ("sim.explore.cli", ("summit_levers", "--progress"),
     "unrecognized arguments: --progress; see python -m sim.explore --help"),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-02-30"),
     "as_of='2023-02-30': not a date; write YYYY-MM-DD, a real calendar day"),
    *((module, args, f"{args[-1].partition('=')[0]}='{args[-1].partition('=')[2]}': +, ++ "
       "and ~ are Hydra's; a setting here is KEY=VALUE, which sets a key or adds one")
      for module, args in (
          ("sim.explore.cli", ("ishigami", "+factors.x1.low=0.1")),
          ("sim.explore.cli", ("ishigami", "~outcomes")),
          ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-06-01", "+reps=3")),
          ("sim.calibrate.cli", ("us_china_2023", "--check", "++cutoff=2023-05-01")))),
    *((module, (*args, "seed=2147483648"), "seed=2147483648: must be in [0, 2147483647]: a "
       "32-bit seed, as NumPy's global generator and scikit-learn take")
      for module, args in (("sim.explore.cli", ("ishigami", "out=/proc/summitsim")),
                           ("sim.calibrate.cli", ("us_china_2023", "--check")))),
    ("sim.negotiate", ("deadline=100000000000",), "deadline=100000000000: must be in [1, 10000]"),
    ("sim.tournament", ("deadline=10001",), "deadline=10001: must be in [1, 10000]"),
    ("sim.explore.cli", ("ishigami", "seed=1,2", "out=/proc/summitsim"),  # kept as written
     "seed='1,2': must be a whole number"),
    ("sim.explore.cli", ("summit_levers", "scenario.x=1", "out=/proc/summitsim"),
     "scenario.x='1': scenario is a single value, not a mapping; it has no key 'x'"),
    ("sim.explore.cli", ("summit_levers", "hydra.run.dir=/tmp/x", "out=/proc/summitsim"),
     f"hydra.run.dir='/tmp/x': {NO_JOB}"),
    ("sim.calibrate.cli", ("us_china_2023", "hydra.run.dir=/tmp/x", "--check"),
     f"hydra.run.dir='/tmp/x': {NO_JOB}"),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01", "hydra.run.dir=/tmp/x",
                          "out=/proc/summitsim"), f"hydra.run.dir='/tmp/x': {NO_JOB}"),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01", "hydra=1",
                          "out=/proc/summitsim"), f"hydra=1: {NO_JOB}"),
    *((module, (*args, "--config-dir", "/nowhere/folder"), "--config-dir='/nowhere/folder': no "
       "such folder; give a folder that holds scenario/NAME.yaml") for module, args in (
        ("sim.forecast.cli", ("scenario=calm", "as_of=2023-05-01")),
        ("sim.backtest", ("us_china_2023", "--check")), ("sim.backtest", ("library", "--check")),
        ("sim.explore.cli", ("summit_levers",)), ("sim.calibrate.cli", ("--check",)))),
    # several values, where a config is composed alone: the advice was "add -m", which
    # these commands do not take
    *((module, (*args, f"{S}.relations.tension=0.1,0.2"), f"{S}.relations.tension='0.1,0.2': "
       "several values are a sweep, and this command runs one config: give one value (or "
       "write a list as [a, b])") for module, args in (
        ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01",
                              "out=/proc/summitsim")),
        ("sim.backtest", ("library", "--check", "--out", "/proc/summitsim")))),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01", "draws=5",
                          "out=/proc/summitsim"),
     "draws=5: parameter sets are drawn from a posterior, and none is given: give the "
     "posterior too, or leave draws out"),
    ("sim.forecast.cli", ("historical_2023", "as_of=2023-05-01"), "historical_2023='': a name "
     "alone is not a setting; write scenario=historical_2023"),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01", "--reps", "5"),
     "--reps='': this command takes settings as KEY=VALUE: write reps=VALUE"),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01",
                          "questions=us_china_2032"), "questions='us_china_2032': unknown bank "
     "(did you mean 'us_china_2023'?); known: bali_2022, lima_2024, singapore_2018, "
     "us_china_2023"),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01", "questions=lima_2024"),
     "questions[0].close='2024-01-31': outside the scenario's span [2022-11-14, 2023-11-15]; the "
     "bank lima_2024 is written for scenario lima_2024, not historical_2023"),
    *((module, (*args, override, "--check"), f"{key}='{value}': set by the forecast for every "
       "round: give --reps, --seed or --workers, and the scenario in the backtest's file")
      for module, args in (("sim.backtest", ("us_china_2023",)), ("sim.backtest", ("library",)))
      for override, key, value in (("reps=5", "reps", "5"), ("scenario=no_balloon", "scenario",
                                                              "no_balloon"))),
    ("sim.calibrate.cli", ("us_china", "--check"), "calibrate='us_china': unknown calibration "
     "(did you mean 'us_china_2023'?); known: us_china_2023"),
    ("sim.calibrate.cli", ("us_china_2023", "sbc.n=1", "--check"), "sbc.n=1: unknown key "
     "'sbc'; known: cutoff, executor, generations, kernel_scaling, min_acceptance, min_epsilon, "
     "population, ppc_draws, priors, questions, sbc_bins, sbc_generations, sbc_population, "
     "sbc_runs, scenario, seed, workers"),
    ("sim.explore.cli", ("summit_levers", "factor.x.low=1"), "factor.x.low=1: unknown key "
     "'factor' (did you mean 'factors'?); known: base_samples, bootstrap, crn, discovery, "
     "emulator, executor, factors, model, morris_levels, name, noise_sd, out, outcomes, "
     "overrides, reps, sampler, scenario, seed, workers"),
    ("sim.explore.cli", ("summit_levers", "factors.scenario.parties.cn.pressure.start.low=0",
                         "factors.scenario.parties.cn.pressure.start.high=1"),
     "factors.scenario.parties.cn.pressure.start='scenario.parties.cn.pressure.start': "
     "scenario.parties.cn.pressure is null (none by default), so it has no 'start': give it a "
     "value first (docs/scenarios.md)"),
    ("sim.explore.cli", ("summit_levers", "factors.scenario.bargaining.walk_awy.low=0.1"),
     "factors.scenario.bargaining.walk_awy.high=None: a unif factor needs low and high (did "
     "you mean the factor 'scenario.bargaining.walk_away'?)"),
    ("sim.explore.cli", ("ishigami", "factors.scenario.bargaining.walk_away={low: 0, high: 1}"),
     "factors.scenario.bargaining.walk_away='scenario.bargaining.walk_away': unknown factor of "
     "the ishigami model; known: x1, x2, x3"),
    ("sim.backtest", ("us_china_2023", "--posterior", "/nowhere/post.parquet", "--check"),
     "--posterior='/nowhere/post.parquet': cannot read a posterior table "
     "(/nowhere/post.parquet)"),
    ("sim.backtest", ("us_china", "--check"), "backtest='us_china': unknown backtest "
     "(did you mean 'us_china_2023'?); known: us_china_2023"),
    ("sim.report", (), "the following arguments are required: DIR; see python -m sim.report "
     "--help"),
    ("sim.explore.cli", (), "the following arguments are required: study; see "
     "python -m sim.explore --help"),
    ("sim.backtest", (), "the following arguments are required: config; see "
     "python -m sim.backtest --help"),
    ("sim.compare", ("a",), "the following arguments are required: DIR_B; see "
     "python -m sim.compare --help"),
    ("sim.explore.cli", ("summit_levers", "outcomes=[]"),
     "outcomes=[]: name the outcome columns to analyse"),
    *((module, (*args, "--check", "--out", f"{ROOT}/README.md/out"),  # --check: as a run would
       f"--out='{ROOT}/README.md/out': {ROOT}/README.md is not a directory")
      for module, args in (("sim.backtest", ("us_china_2023",)), ("sim.backtest", ("library",)),
                           ("sim.calibrate.cli", ()))),
    ("sim.calibrate.cli", ("population=1", "--check"),  # no file named: the default's setting
     "population=1: must be >= 2"),
    ("sim.calibrate.cli", ("population=[1", "--check"),  # not YAML: taken as the text given
     "population='[1': must be a whole number"),
    *((module, (*args, "out=runs/${nope}"), "out='runs/${nope}': Interpolation key 'nope' not "
       "found; an interpolation ${...} must name a key of the config, like ${seed}")
      for module, args in (  # not a folder named ${nope}: resolved as a composed config is
          ("sim.explore.cli", ("ishigami",)),
          ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-06-01")))),
    ("sim.calibrate.cli", ("--check", "cutoff=${oc.env:SIM_UNSET}"), "cutoff='${oc.env:SIM_UNSET}'"
     ": the environment variable SIM_UNSET is not set; set it, or give a default: "
     "${oc.env:SIM_UNSET,DEFAULT}"),
]


@pytest.mark.parametrize(("module", "args", "line"), ARGUMENTS,
                         ids=[f"{m}:{' '.join(a)}" for m, a, _ in ARGUMENTS])
def test_a_bad_argument_is_one_line(module: str, args: tuple[str, ...], line: str,
                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # should a command run after all, its results are put here
    code = run_in_process(list(args), monkeypatch, module)
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT, err
    assert err.splitlines() == [f"error: {line}"], err


LONG = "a" * 300  # a name no file system of Linux takes: the longest is 255 bytes
TOO_LONG = "a name in it is 300 bytes long; the file system of {tmp} takes 255"
NAMES_TOO_LONG = [  # (command, arguments, the key the line names, what it says is allowed)
    ("sim", ("hydra.run.dir={tmp}/" + LONG,), "hydra.run.dir", TOO_LONG),
    ("sim.explore.cli", ("ishigami", "out={tmp}/" + LONG), "out", TOO_LONG),
    ("sim.calibrate.cli", ("--check", "--out", "{tmp}/" + LONG), "--out", TOO_LONG),
    ("sim", (f"{LONG}=1",), LONG, "unknown key; none is 300 bytes long"),
    ("sim", ("-m", f"scenario.{LONG}=1,2"), f"scenario.{LONG}",
     "unknown key; none is 309 bytes long"),
    ("sim.negotiate", (f"+{LONG}=1",), LONG, "unknown key; none is 300 bytes long"),
    ("sim", (f"hydra.job.name={LONG}",), "hydra.job.name", "a name without /, of at most 251 "
     "bytes"),
    ("sim", (f"hydra.output_subdir={LONG}",), "hydra.output_subdir", "a folder named with at "
     "most 255 bytes"),
    ("sim", ("hydra.searchpath=[file://{tmp}/" + LONG + "]",), "hydra.searchpath",
     "no such folder"),
    ("sim", ("--config-dir", "{tmp}/" + LONG), "--config-dir", "no such folder"),
    ("sim.explore.cli", (LONG,), "explore", "unknown study"),
    ("sim.backtest", (LONG, "--check"), "backtest", "unknown backtest"),
    ("sim.calibrate.cli", (LONG, "--check"), "calibrate", "unknown calibration"),
    ("sim.forecast.cli", ("scenario=historical_2023", "as_of=2023-05-01", f"questions={LONG}"),
     "questions", "unknown bank"),
]


@pytest.mark.parametrize(("module", "args", "key", "allowed"), NAMES_TOO_LONG,
                         ids=[f"{m}:{' '.join(a)[:40]}" for m, a, _, _ in NAMES_TOO_LONG])
def test_a_name_too_long_for_a_file_is_one_line(module: str, args: tuple[str, ...], key: str,
                                                allowed: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A name longer than a file system takes, where a command looks for a file or makes a
    folder: Python raises for it where it says "not there" of a name that could be."""
    monkeypatch.chdir(tmp_path)  # should a command run after all, its results are put here
    code = run_in_process([_fill(a, tmp_path) for a in args], monkeypatch, module)
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"error: {key}="), err
    assert _fill(allowed, tmp_path) in err, err


def test_a_folder_name_too_long_after_a_folder_of_scenarios_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The names the first folder's scenarios may not take were listed from every folder
    on the search path before the second was known to be there: Python's `File name too
    long`, a traceback."""
    mine = tmp_path / "mine" / "scenario"
    mine.mkdir(parents=True)
    (mine / "calm.yaml").write_text("defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    monkeypatch.chdir(tmp_path)
    code = run_in_process([f"hydra.searchpath=[file://{mine.parent},file://{tmp_path}/{LONG}]",
                           "scenario=calm"], monkeypatch, "sim")
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"error: hydra.searchpath='{tmp_path}/aaa"), err
    assert err.endswith(": no such folder; give a folder that holds scenario/NAME.yaml\n"), err


@pytest.mark.parametrize("module", ["sim.compare", "sim.report"])
def test_a_folder_to_read_named_too_long_is_not_there(module: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    far = tmp_path / LONG
    code = importlib.import_module(module).main([str(far)] * (2 if module == "sim.compare"
                                                              else 1))
    assert (code, capsys.readouterr().err) == (
        EXIT_BAD_INPUT, f"error: {far}: no such directory\n")


def test_a_search_path_folder_that_is_not_there_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Hydra passes it over, and the user's scenarios are then \"unknown\"; --config-dir
    refused it already."""
    code = run_in_process([f"hydra.searchpath=[file://{tmp_path}/mine]"], monkeypatch)
    assert (code, capsys.readouterr().err) == (EXIT_BAD_INPUT, (
        f"error: hydra.searchpath='{tmp_path}/mine': no such folder; give a folder that holds "
        "scenario/NAME.yaml\n"))


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc, which nobody may write")
def test_unwritable_output_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # root may write anywhere on disk, but not under /proc
    target = locked / "run" if not os.access(locked, os.W_OK) else Path("/proc/1/run")
    code = run_in_process([f"hydra.run.dir={target}"], monkeypatch)
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert err.startswith(f"error: hydra.run.dir='{target}': ")
    assert "is not writable (" in err and len(err.splitlines()) == 1, err
    assert not target.exists()


def test_a_scenario_file_cannot_run_a_command(tmp_path: Path) -> None:
    """`_target_: os.system` in a scenario file is refused before any code runs."""
    marker = tmp_path / "pwned"
    (tmp_path / "conf" / "scenario").mkdir(parents=True)
    (tmp_path / "conf" / "scenario" / "evil.yaml").write_text(variant(f"""
        _target_: os.system
        _args_: ["touch {marker}"]
        """))
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    done = subprocess.run(
        [sys.executable, "-m", "sim", f"hydra.searchpath=[file://{tmp_path / 'conf'}]",
         "scenario=evil", "reps=2", "workers=1", f"hydra.run.dir={tmp_path / 'run'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert done.stderr.startswith("error: scenario._target_='os.system': "), done.stderr
    assert not marker.exists()
    assert not (tmp_path / "run").exists()


# -- no code from configs: nothing in the package instantiates config nodes ---------------

CODE_BY_NAME = {"instantiate", "call", "get_class", "get_method", "get_object",
                "get_static_method"}  # hydra.utils: turn a config string into code


def code_by_name(source: str) -> list[str]:
    """Places in Python source that could turn config data into code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hydra.utils"):
            names = {a.name for a in node.names}
            if names & (CODE_BY_NAME | {"*"}):
                found.append(f"line {line}: from {node.module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Attribute) and node.attr in CODE_BY_NAME - {"call"}:
            found.append(f"line {line}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id == "instantiate":
            found.append(f"line {line}: instantiate")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("eval", "exec"):
                found.append(f"line {line}: {name}()")
            if name in ("import_module", "__import__"):
                arg = node.args[0] if node.args else None
                fixed = isinstance(arg, ast.Constant) and str(arg.value).startswith("sim.")
                if not fixed:
                    found.append(f"line {line}: {name}() of a name not fixed in the code")
    return found


def test_no_config_is_turned_into_code() -> None:
    offenders = {}
    for folder in ("sim", "hydra_plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found = code_by_name(path.read_text())
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, offenders


def test_the_scan_finds_instantiation() -> None:
    assert code_by_name("from hydra.utils import instantiate\nx = instantiate(cfg)\n")
    assert code_by_name("import hydra\nhydra.utils.instantiate(cfg.shock)\n")
    assert code_by_name("import importlib\nimportlib.import_module(cfg.module)\n")
    assert code_by_name("eval(cfg.formula)\n")
    assert not code_by_name("import importlib\nimportlib.import_module('sim.sweep')\n")


def test_cfg_resolve_shows_what_hydra_can_show() -> None:
    """--cfg refuses what a run refuses, and no more: a Hydra value that waits for a job's
    number still shows."""
    done = subprocess.run([sys.executable, "-m", "sim", "--cfg", "all", "--resolve", "-p",
                           "hydra.run.dir", "hydra.run.dir=/tmp/${scenario.name}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "/tmp/historical_2023\n", "")


def test_cfg_of_the_global_package_shows_the_whole_job() -> None:
    """`-p _global_` is Hydra's name for the whole config, not a key: it shows the job."""
    done = subprocess.run([sys.executable, "-m", "sim", "--cfg", "job", "-p", "_global_"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert {"scenario:", "seed: 0"} <= set(done.stdout.splitlines())


def test_the_last_resort_tells_a_sweep_without_m_but_not_one_run_with_it() -> None:
    """When nothing in the table explains a failure, the config is composed again: several
    values there mean a sweep run without -m, unless the command was a sweep (-m)."""
    from sim.config.compose import composition_error

    overrides = ["reps=10,20", "seed=3"]
    alone = composition_error(RuntimeError("unexplained"), overrides)
    assert (alone.key, alone.value) == ("reps", "10,20")
    assert "several values are a sweep: add -m" in str(alone)
    swept = composition_error(RuntimeError("unexplained"), overrides, sweeping=True)
    assert "add -m" not in str(swept)
    assert swept.key == "<overrides>" and "unexplained" in str(swept)


def test_report_names_a_damaged_sweep_manifest(tmp_path: Path) -> None:
    """A sweep's manifest.json that is not JSON: one line naming the file, exit 2."""
    sweep = tmp_path / "sweep"
    done = subprocess.run([sys.executable, "-m", "sim", "-m", "reps=4,6", "workers=1",
                           "trace_reps=2", "progress=false", "plots=false",
                           f"hydra.sweep.dir={sweep}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (sweep / "manifest.json").write_text("{not json")
    report = subprocess.run([sys.executable, "-m", "sim.report", str(sweep)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert report.returncode == EXIT_BAD_INPUT, report.stderr
    assert len(report.stderr.strip().splitlines()) == 1, report.stderr
    assert f"{sweep / 'manifest.json'}: not valid JSON" in report.stderr
