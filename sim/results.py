"""Results as tidy tables on disk: Parquet and JSON, always written atomically.

A file is written to a temporary name in the same directory and renamed into place, so
a reader never sees half a file; `summary.json` is written last, so a run directory
that has it is complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.runner import Batch, Failure, run_batch
from sim.scenario import Scenario
from sim.world.state import ReplicationResult

EVENT_COLUMNS = (
    "time", "kind", "name", "actor", "target", "channel",
    "cameo", "goldstein", "tension_after", "detail", "nash_distance", "pareto_optimal",
)


def replication_rows(
    sc: Scenario, results: Sequence[ReplicationResult], reps: Sequence[int]
) -> dict[str, list[Any]]:
    """Column lists, one row per replication; `reps` numbers the results."""
    summit_date = sc.date_of(sc.end_day).isoformat()
    cols: dict[str, list[Any]] = {
        "rep": list(reps),
        "outcome": [r.outcome for r in results],
        "summit_held": [r.summit_held for r in results],
        "summit_date": [summit_date if r.summit_held else None for r in results],
        "final_tension": [r.final_tension for r in results],
        "n_meetings_held": [r.n_meetings_held for r in results],
        "n_meetings_postponed": [r.n_meetings_postponed for r in results],
        "n_meetings_cancelled": [r.n_meetings_cancelled for r in results],
        "n_shocks": [r.n_shocks for r in results],
        "n_talks_failed": [r.n_talks_failed for r in results],
        "n_unravelled": [r.n_unravelled for r in results],
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
    cols["nash_distance"] = [r.nash_distance for r in results]
    cols["pareto_optimal"] = [r.pareto_optimal for r in results]
    cols["postponed_meetings"] = [list(r.postponed_meetings) for r in results]
    cols["simpy_events"] = [r.simpy_events for r in results]
    return cols


def event_rows(sc: Scenario, results: Sequence[ReplicationResult], reps: Sequence[int]
               ) -> dict[str, list[Any]]:
    """Column lists of the traced replications' events; `reps` numbers the results."""
    cols: dict[str, list[Any]] = {"rep": [], "date": []}
    cols.update({c: [] for c in EVENT_COLUMNS})
    for rep, r in zip(reps, results, strict=True):
        for ev in r.events:
            cols["rep"].append(rep)
            cols["date"].append(sc.date_of(ev[0]).isoformat())
            for name, value in zip(EVENT_COLUMNS, ev, strict=True):
                cols[name].append(value)
    return cols


def replication_schema(sc: Scenario) -> pa.Schema:
    """Column types of `replications.parquet` for this scenario."""
    fields = [
        ("rep", pa.int64()), ("outcome", pa.string()), ("summit_held", pa.bool_()),
        ("summit_date", pa.string()), ("final_tension", pa.float64()),
        ("n_meetings_held", pa.int64()),
        ("n_meetings_postponed", pa.int64()), ("n_meetings_cancelled", pa.int64()),
        ("n_shocks", pa.int64()), ("n_talks_failed", pa.int64()), ("n_unravelled", pa.int64()),
        ("n_agreed", pa.int64()),
    ]
    fields += [(f"attended_{p.name}", pa.bool_()) for p in sc.parties]
    fields += [(f"agreed_{i}", pa.bool_()) for i in sc.issues]
    fields += [(f"deal_{i}", pa.float64()) for i in sc.issues]
    for p in sc.parties:
        fields += [(f"utility_{p.name}", pa.float64()), (f"trust_{p.name}", pa.float64())]
    fields += [("nash_distance", pa.float64()), ("pareto_optimal", pa.bool_())]
    fields += [("postponed_meetings", pa.list_(pa.string())), ("simpy_events", pa.int64())]
    return pa.schema(fields)


EVENT_SCHEMA = pa.schema([
    ("rep", pa.int64()), ("date", pa.string()), ("time", pa.float64()), ("kind", pa.string()),
    ("name", pa.string()), ("actor", pa.string()), ("target", pa.string()),
    ("channel", pa.string()), ("cameo", pa.string()), ("goldstein", pa.float64()),
    ("tension_after", pa.float64()), ("detail", pa.string()),
    ("nash_distance", pa.float64()), ("pareto_optimal", pa.bool_()),
])


class TableWriter:
    """A Parquet file written in row groups as results arrive, renamed into place on close.

    Batches are buffered up to `rows_per_group` rows, so memory stays flat however many
    replications a run has; until `close()` the file exists only under a temporary name.
    """

    def __init__(self, path: Path, schema: pa.Schema, rows_per_group: int = 20_000):
        self.path, self.schema, self.rows_per_group = path, schema, rows_per_group
        self.tmp = _tmp(path)
        self._writer = pq.ParquetWriter(self.tmp, schema, write_page_checksum=True)
        self._buffer: list[pa.RecordBatch] = []
        self._rows = 0

    def write(self, columns: dict[str, list[Any]]) -> None:
        """Append rows given as columns (names and types of the schema)."""
        self.write_batch(pa.RecordBatch.from_pydict(columns, schema=self.schema))

    def write_batch(self, batch: pa.RecordBatch) -> None:
        """Append an Arrow record batch with this writer's schema."""
        self._buffer.append(batch)
        self._rows += batch.num_rows
        if self._rows >= self.rows_per_group:
            self._flush()

    def write_table(self, table: pa.Table) -> None:
        """Write a ready Arrow table (with this writer's schema) as its own row group."""
        self._flush()
        self._writer.write_table(table)

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_batches(self._buffer, schema=self.schema))
            self._buffer, self._rows = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self._writer.close()
        self.tmp.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class BatchTable:
    """One batch of replications as Arrow record batches, made where the batch ran."""

    reps: pa.RecordBatch
    events: pa.RecordBatch | None  # the traced replications' events, if any
    failures: tuple[Failure, ...]
    n: int  # replications run, failed ones included
    summits: int


def tabulate_batch(sc: Scenario, b: Batch) -> BatchTable:
    """Run a batch and tabulate it, in the worker: the main process only appends tables."""
    outcomes = run_batch(sc, b)
    ok = [r for r in outcomes if isinstance(r, ReplicationResult)]
    reps = pa.RecordBatch.from_pydict(replication_rows(sc, ok, [r.rep for r in ok]),
                                      schema=replication_schema(sc))
    traced = [r for r in ok if r.rep < b.trace_reps]
    events = pa.RecordBatch.from_pydict(event_rows(sc, traced, [r.rep for r in traced]),
                                        schema=EVENT_SCHEMA) if traced else None
    return BatchTable(reps, events, tuple(r for r in outcomes if isinstance(r, Failure)),
                      len(outcomes), sum(r.summit_held for r in ok))


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table atomically."""
    tmp = _tmp(path)
    try:
        df.to_parquet(tmp, index=False, write_page_checksum=True)
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
