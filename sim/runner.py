"""Replications of one design point, split into batches that any executor can run.

A batch is run and tabulated where it runs (`tabulate_batch`): the process that gathers
results only appends Arrow batches.

Replication `rep` always draws from the streams of (seed, design_point, rep), so the
results are the same whatever the executor, the number of workers or the batching. A
replication that raises is recorded as a `Failure` with its seed and error; the others
go on.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

import pyarrow as pa

from sim.records import Failure, Layout, ReplicationResult, event_table, replication_table
from sim.scenario import Scenario
from sim.streams import streams_for
from sim.world.replication import run_replication

MAX_BATCH = 250  # replications per task sent to a worker


@dataclass(frozen=True, slots=True)
class Batch:
    """Replications [start, stop) of one design point; those below `trace_reps` traced."""

    seed: int
    design_point: int
    start: int
    stop: int
    trace_reps: int


Outcome = ReplicationResult | Failure


def run_one(sc: Scenario, seed: int, design_point: int, rep: int, trace: bool) -> Outcome:
    """One replication, or the `Failure` it raised."""
    try:
        return run_replication(sc, streams_for(seed, design_point, rep), trace=trace, rep=rep)
    except Exception as e:  # a model error must not take the other replications down
        where = traceback.extract_tb(e.__traceback__)[-1]
        return Failure(rep, seed, (design_point, rep),
                       f"{type(e).__name__}: {e} ({where.filename}:{where.lineno})")


def run_batch(sc: Scenario, b: Batch) -> list[Outcome]:
    """Run one batch in this process, in replication order."""
    return [
        run_one(sc, b.seed, b.design_point, rep, rep < b.trace_reps)
        for rep in range(b.start, b.stop)
    ]


def plan_batches(seed: int, design_point: int, start: int, stop: int, trace_reps: int,
                 workers: int, points: int = 1) -> list[Batch]:
    """Split [start, stop) into batches small enough to keep every worker busy: about four
    a worker across the `points` design points that share them. A point of a large sweep
    is one batch, since each batch costs the process that hands them out a task to send
    and a table to take."""
    n = stop - start
    size = max(1, min(MAX_BATCH, -(-n * points // (4 * max(workers, 1)))))
    return [
        Batch(seed, design_point, lo, min(lo + size, stop), trace_reps)
        for lo in range(start, stop, size)
    ]


def layout_of(sc: Scenario) -> Layout:
    """The parties, issues and summit date that name and fill a scenario's columns."""
    return Layout(tuple(p.name for p in sc.parties), tuple(sc.issues),
                  sc.date_of(sc.end_day).isoformat())


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
    traced = [r for r in ok if r.rep < b.trace_reps]
    events = event_table(traced, lambda t: sc.date_of(t).isoformat()) if traced else None
    return BatchTable(replication_table(layout_of(sc), ok), events,
                      tuple(r for r in outcomes if isinstance(r, Failure)),
                      len(outcomes), sum(r.summit_held for r in ok))

