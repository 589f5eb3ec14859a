"""The observed record as of a date, and whether a replication's past agrees with it.

A forecast as of `origin` conditions on the past by **rejection with a tolerance** (ABC
rejection): a replication is kept only if (1) it reproduces the questions of the bank
that the record had settled before the origin (trace tests: a meeting held or postponed,
an agreement, a channel suspended or reopened; each window cut at the day before the
origin), all but at most `tolerance` of them, and (2) no random (hazard) shock struck
before the origin, since the record's shocks are the dated ones. Random shocks thus go
on at their hazards from the origin. Exact agreement (tolerance 0) keeps almost no
replication once the record holds a dozen facts; the tolerance is reported with each
forecast.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim.config.schema import ScenarioConf
from sim.forecast.questions import Question
from sim.forecast.resolve import answers


@dataclass(frozen=True)
class Record:
    """What was observed before `origin`: settled facts (as questions) and hazard shocks."""

    origin: str
    facts: tuple[Question, ...]  # trace questions settled before the origin, cut at it
    hazards: tuple[str, ...]  # undated shocks at a hazard rate: none struck before the origin


def day_before(origin: str) -> str:
    return (dt.date.fromisoformat(origin) - dt.timedelta(days=1)).isoformat()


def record_as_of(questions: Sequence[Question], sc: ScenarioConf, origin: str) -> Record:
    """The facts a replication's past must reproduce to be kept for a forecast at `origin`."""
    last = day_before(origin)
    facts = []
    for q in questions:
        p = q.predicate
        if not p.on_trace or q.settled >= origin or q.open > last:
            continue
        by = min(p.by or q.close, last)
        facts.append(replace(q, close=min(q.close, last), predicate=replace(p, by=by)))
    hazards = tuple(sorted(n for n, s in sc.shocks.items()
                           if s.enabled and s.date is None and s.rate_per_year > 0))
    return Record(origin, tuple(facts), hazards)


def allowed_wrong(record: Record, tolerance: float) -> int:
    """How many of the record's facts a kept replication may get wrong."""
    return math.floor(tolerance * len(record.facts) + 1e-9)


def agreement(record: Record, events: pd.DataFrame, reps: pd.DataFrame,
              traced: Sequence[int], tolerance: float) -> pd.DataFrame:
    """Per traced replication: facts it gets wrong, hazard shocks before the origin, kept."""
    ids = list(traced)
    if record.facts:
        got = answers(list(record.facts), events, reps, traced=ids)
        truth = np.array([q.answer for q in record.facts], dtype=bool)
        wrong = (got.to_numpy(dtype=bool) != truth).sum(axis=1)
    else:
        wrong = np.zeros(len(ids), dtype=int)
    early = events[(events["kind"] == "shock") & events["name"].isin(record.hazards)
                   & (events["date"] < record.origin)]
    struck = np.isin(ids, early["rep"].unique())
    return pd.DataFrame({"rep": ids, "wrong_facts": wrong, "early_shock": struck,
                         "kept": (wrong <= allowed_wrong(record, tolerance)) & ~struck})
