"""Reading each question's answer off traced replications, and the forecast they make.

A run's `events.parquet` holds the traces of its first `trace_reps` replications in the
order things happened; `replications.parquet` holds one row per replication. Agreements
are attributed to the meeting whose `meeting_held` row precedes them at the same time on
the same channel, and otherwise to the summit (whose agreements precede `summit_held`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.io import read_table
from sim.analysis.summary import wilson
from sim.forecast.questions import SUMMIT, TESTS, Predicate, Question
from sim.results import EVENTS, REPLICATIONS

EVENT_COLUMNS = ("rep", "date", "kind", "name", "channel", "time")


def agreement_sites(events: pd.DataFrame) -> pd.Series:
    """For each row, the meeting (or `summit`) an `agreement` row was reached at; "" else."""
    at = [""] * len(events)
    last: dict[int, tuple[float, str, str]] = {}  # rep -> (time, channel, meeting) held last
    rows = zip(events["rep"], events["kind"], events["name"], events["channel"], events["time"],
               strict=True)
    for i, (rep, kind, name, channel, time) in enumerate(rows):
        if kind == "meeting_held":
            last[rep] = (time, channel, name)
        elif kind == "agreement":
            held = last.get(rep)
            at[i] = held[2] if held is not None and held[:2] == (time, channel) else SUMMIT
    return pd.Series(at, index=events.index, dtype=object)


def answers(questions: Sequence[Question], events: pd.DataFrame, reps: pd.DataFrame,
            traced: Iterable[int] | None = None) -> pd.DataFrame:
    """Each question's answer in each traced replication: a bool frame, rep x question id.

    `traced` lists the replications whose traces `events` holds (default: the reps it
    names); a traced replication may have an empty trace. Row tests read `reps`.
    """
    ids = sorted(set(events["rep"]) if traced is None else set(traced))
    rows = reps.set_index("rep").reindex(ids)
    if rows.isna().all(axis=1).any():
        missing = rows.index[rows.isna().all(axis=1)].tolist()[:5]
        raise ValueError(f"traced replications {missing} have no replication row")
    events = events[list(EVENT_COLUMNS)].reset_index(drop=True)
    events = events.assign(at=agreement_sites(events))
    out = {q.id: holds(q.predicate, q.close, events, rows) for q in questions}
    return pd.DataFrame(out, index=pd.Index(ids, name="rep"), dtype=bool)


def holds(p: Predicate, close: str, events: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """The predicate's truth in each replication of `rows` (indexed by rep)."""
    kind, _ = TESTS[p.test]
    if kind:
        hit = events[(events["kind"] == kind) & (events["name"] == p.entity)]
        hit = hit[(hit["date"] <= (p.by or close)) & (hit["date"] >= (p.after or ""))]
        if p.at:
            hit = hit[hit["at"] == p.at]
        truth = rows.index.isin(hit["rep"].unique())
    elif p.test == "summit_held":
        truth = rows["summit_held"].to_numpy(dtype=bool)
    elif p.test == "attended":
        truth = rows[f"attended_{p.party}"].to_numpy(dtype=bool)
    elif p.test == "deliverable":
        truth = rows[f"agreed_{p.issue}"].to_numpy(dtype=bool)
    else:  # outcome
        truth = rows["outcome"].isin(p.outcomes).to_numpy(dtype=bool)
    return np.asarray(truth, dtype=bool) ^ p.negate


def nothing_happens(questions: Sequence[Question], parties: Sequence[str],
                    issues: Sequence[str]) -> dict[str, bool]:
    """Each question's answer in a world where nothing more happens: no event, no summit.

    This is the persistence forecast for a question still open at an origin: an open
    question's event has not happened by then, so "nothing more happens" leaves a trace
    with no matching event and a replication with no summit.
    """
    row = {"rep": 0, "summit_held": False, "outcome": "no_summit"}
    row |= {f"attended_{p}": False for p in parties}
    row |= {f"agreed_{i}": False for i in issues}
    empty = pd.DataFrame({c: pd.Series([], dtype=object if c != "time" else float)
                          for c in EVENT_COLUMNS}).astype({"rep": int})
    a = answers(questions, empty, pd.DataFrame([row]), traced=[0])
    return {q: bool(a.iloc[0][q]) for q in a.columns}


def probabilities(table: pd.DataFrame) -> pd.DataFrame:
    """Per question: the share of replications answering yes, n and its Wilson 95 % interval."""
    n = len(table)
    out = []
    for q in table.columns:
        k = int(table[q].sum())
        p, low, high = wilson(k, n)
        out.append({"question": q, "p": p, "n": n, "ci_low": low, "ci_high": high})
    return pd.DataFrame(out, columns=["question", "p", "n", "ci_low", "ci_high"])


def resolve_run(run_dir: Path, questions: Sequence[Question], trace_reps: int) -> pd.DataFrame:
    """Answers of a run directory's traced replications (those with rep < `trace_reps`)."""
    events = read_table(run_dir / EVENTS)
    reps = read_table(run_dir / REPLICATIONS)
    traced = sorted(r for r in reps["rep"].tolist() if r < trace_reps)
    return answers(questions, events, reps, traced=traced)
