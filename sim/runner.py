"""Run many replications of one design point, in this process or in local workers.

Replication `rep` always draws from the streams of (seed, design_point, rep), so the
results are the same whatever the number of workers or the chunking.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from sim.scenario import Scenario
from sim.streams import streams_for
from sim.world.replication import run_replication
from sim.world.state import ReplicationResult

MAX_CHUNK = 250  # replications per task sent to a worker


@dataclass(frozen=True, slots=True)
class Batch:
    """Replications [start, stop) of one design point; the first `trace_reps` traced."""

    seed: int
    design_point: int
    start: int
    stop: int
    trace_reps: int


def run_batch(sc: Scenario, b: Batch) -> list[ReplicationResult]:
    """Run one batch in this process."""
    return [
        run_replication(sc, streams_for(b.seed, b.design_point, rep), trace=rep < b.trace_reps)
        for rep in range(b.start, b.stop)
    ]


_WORKER_SCENARIO: Scenario | None = None


def _init_worker(sc: Scenario) -> None:
    global _WORKER_SCENARIO
    _WORKER_SCENARIO = sc


def _run_in_worker(b: Batch) -> list[ReplicationResult]:
    assert _WORKER_SCENARIO is not None
    return run_batch(_WORKER_SCENARIO, b)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def batches(seed: int, design_point: int, start: int, stop: int, trace_reps: int,
            workers: int) -> list[Batch]:
    """Split [start, stop) into chunks small enough to keep every worker busy."""
    n = stop - start
    size = max(1, min(MAX_CHUNK, -(-n // (4 * max(workers, 1)))))
    return [
        Batch(seed, design_point, lo, min(lo + size, stop), trace_reps)
        for lo in range(start, stop, size)
    ]


def run_replications(
    sc: Scenario, seed: int, reps: int, *, design_point: int = 0, trace_reps: int = 0,
    workers: int = 1, start: int = 0,
) -> Iterator[list[ReplicationResult]]:
    """Yield the results of replications start..start+reps-1 in order, batch by batch."""
    workers = workers or default_workers()
    plan = batches(seed, design_point, start, start + reps, trace_reps, workers)
    if workers == 1 or len(plan) == 1:
        for b in plan:
            yield run_batch(sc, b)
        return
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(plan)), mp_context=ctx,
        initializer=_init_worker, initargs=(sc,),
    ) as pool:
        yield from pool.map(_run_in_worker, plan)
