"""Replications of one design point, split into batches that any executor can run.

Replication `rep` always draws from the streams of (seed, design_point, rep), so the
results are the same whatever the executor, the number of workers or the batching. A
replication that raises is recorded as a `Failure` with its seed and error; the others
go on.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from sim.scenario import Scenario
from sim.streams import streams_for
from sim.world.replication import run_replication
from sim.world.state import ReplicationResult

MAX_BATCH = 250  # replications per task sent to a worker


@dataclass(frozen=True, slots=True)
class Batch:
    """Replications [start, stop) of one design point; those below `trace_reps` traced."""

    seed: int
    design_point: int
    start: int
    stop: int
    trace_reps: int


@dataclass(frozen=True, slots=True)
class Failure:
    """A replication that raised: enough to rerun it alone, and what went wrong."""

    rep: int
    seed: int
    spawn_key: tuple[int, int]
    error: str

    def describe(self) -> str:
        return f"rep {self.rep} (seed {self.seed}, spawn_key {self.spawn_key}): {self.error}"


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
                 workers: int) -> list[Batch]:
    """Split [start, stop) into batches small enough to keep every worker busy."""
    n = stop - start
    size = max(1, min(MAX_BATCH, -(-n // (4 * max(workers, 1)))))
    return [
        Batch(seed, design_point, lo, min(lo + size, stop), trace_reps)
        for lo in range(start, stop, size)
    ]
