"""What every executor is: it runs batches of replications and yields them in order.

All executors give identical results, since each replication seeds itself from
(seed, design_point, rep).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from sim.runner import Batch, run_batch
from sim.scenario import Scenario

Task = tuple[Scenario, Batch]
BatchFn = Callable[[Scenario, Batch], Any]  # what a worker does with a batch: run_batch, ...


class Executor(Protocol):
    """Where batches run; `workers` sets how finely a design point is split."""

    workers: int

    def map(self, sc: Scenario, batches: Sequence[Batch], fn: BatchFn = run_batch
            ) -> Iterator[Any]:
        """Yield `fn(sc, batch)` for each batch, in the order of `batches`."""
        ...


@runtime_checkable
class TaskExecutor(Executor, Protocol):
    """An executor that takes the batches of several design points in one stream."""

    def map_tasks(self, tasks: Sequence[Task], fn: BatchFn = run_batch) -> Iterator[Any]:
        """Yield `fn(sc, batch)` for each task, in order; tasks may mix scenarios."""
        ...


class WorkerLost(RuntimeError):
    """A worker process ended before its batch was done: killed by a signal, or by the
    system when memory ran out. Not bad input, and not a replication's own error (those are
    recorded and the others go on): the command stops, and says so in one line."""

    def __init__(self) -> None:
        super().__init__("a worker process ended before its batch was done (killed, or out "
                         "of memory); what was being written is incomplete and does not look "
                         "complete: run it again (a sweep or study goes on from its complete "
                         "jobs)")


def default_workers() -> int:
    """The CPUs this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def processes_for(workers: int) -> int:
    """The processes that run `workers` on this machine: at most one per CPU, as more only
    share them, each started at a cost (the batches are still those of `workers`)."""
    return min(workers, default_workers())
