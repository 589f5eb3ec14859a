"""Results as tidy tables on disk: Parquet and JSON, always written atomically.

A file is written to a temporary name in the same directory and renamed into place, so
a reader never sees half a file; `summary.json` is written last, so a run directory
that has it is complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.scenario import Scenario
from sim.world.state import ReplicationResult

EVENT_COLUMNS = (
    "time", "kind", "name", "actor", "target", "channel",
    "cameo", "goldstein", "tension_after", "detail",
)


def replication_rows(
    sc: Scenario, results: Sequence[ReplicationResult], first_rep: int
) -> dict[str, list[Any]]:
    """Column lists, one row per replication."""
    summit_date = sc.date_of(sc.end_day).isoformat()
    cols: dict[str, list[Any]] = {
        "rep": list(range(first_rep, first_rep + len(results))),
        "outcome": [r.outcome for r in results],
        "summit_held": [r.summit_held for r in results],
        "summit_date": [summit_date if r.summit_held else None for r in results],
        "final_tension": [r.final_tension for r in results],
        "preparation": [r.preparation for r in results],
        "n_meetings_held": [r.n_meetings_held for r in results],
        "n_meetings_postponed": [r.n_meetings_postponed for r in results],
        "n_meetings_cancelled": [r.n_meetings_cancelled for r in results],
        "n_shocks": [r.n_shocks for r in results],
        "n_agreed": [sum(r.agreed) for r in results],
    }
    for i, p in enumerate(sc.parties):
        cols[f"attended_{p.name}"] = [bool(r.attended[i]) if r.attended else False
                                      for r in results]
    for j, issue in enumerate(sc.issues):
        cols[f"agreed_{issue}"] = [r.agreed[j] for r in results]
    for j, issue in enumerate(sc.issues):
        cols[f"deal_{issue}"] = [r.deals[j] for r in results]
    for i, p in enumerate(sc.parties):
        cols[f"utility_{p.name}"] = [r.utilities[i] for r in results]
        cols[f"trust_{p.name}"] = [r.final_trust[i] for r in results]
    cols["postponed_meetings"] = [list(r.postponed_meetings) for r in results]
    cols["simpy_events"] = [r.simpy_events for r in results]
    return cols


def event_rows(sc: Scenario, results: Sequence[ReplicationResult], first_rep: int
               ) -> dict[str, list[Any]]:
    """Column lists of the traced replications' events."""
    cols: dict[str, list[Any]] = {"rep": [], "date": []}
    cols.update({c: [] for c in EVENT_COLUMNS})
    for k, r in enumerate(results):
        for ev in r.events:
            cols["rep"].append(first_rep + k)
            cols["date"].append(sc.date_of(ev[0]).isoformat())
            for name, value in zip(EVENT_COLUMNS, ev, strict=True):
                cols[name].append(value)
    return cols


def frame(columns: dict[str, list[Any]]) -> pd.DataFrame:
    return pd.DataFrame(columns)


def concat_columns(parts: Iterable[dict[str, list[Any]]]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for part in parts:
        for k, v in part.items():
            out.setdefault(k, []).extend(v)
    return out


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table atomically."""
    tmp = _tmp(path)
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(obj: Any, path: Path) -> None:
    """Write JSON atomically."""
    tmp = _tmp(path)
    try:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
