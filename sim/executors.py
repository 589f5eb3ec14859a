"""Executors: where batches of replications run. All give identical results.

- `inline`: this process (workers=1);
- `local`: a pool of local worker processes, kept alive across the jobs of a sweep so a
  Hydra job does not pay for starting processes;
- `dask`: a Dask distributed cluster (see `sim.dask_executor`; optional extra).
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, runtime_checkable

from sim.config.errors import ConfigError
from sim.runner import Batch, run_batch
from sim.scenario import Scenario

Task = tuple[Scenario, Batch]
BatchFn = Callable[[Scenario, Batch], Any]  # what a worker does with a batch: run_batch, ...


class Executor(Protocol):
    workers: int

    def map(self, sc: Scenario, batches: Sequence[Batch], fn: BatchFn = run_batch
            ) -> Iterator[Any]:
        """Yield `fn(sc, batch)` for each batch, in the order of `batches`."""
        ...


@runtime_checkable
class TaskExecutor(Executor, Protocol):
    def map_tasks(self, tasks: Sequence[Task], fn: BatchFn = run_batch) -> Iterator[Any]:
        """Yield `fn(sc, batch)` for each task, in order; tasks may mix scenarios."""
        ...


def default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Inline:
    """Run batches in this process."""

    workers = 1

    def map(self, sc: Scenario, batches: Sequence[Batch], fn: BatchFn = run_batch
            ) -> Iterator[Any]:
        return self.map_tasks([(sc, b) for b in batches], fn)

    def map_tasks(self, tasks: Sequence[Task], fn: BatchFn = run_batch) -> Iterator[Any]:
        for sc, b in tasks:
            yield fn(sc, b)


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    pool = _POOLS.get(workers)
    if pool is None:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
        _POOLS[workers] = pool
    return pool


def _ready() -> bool:
    return True


def prestart(workers: int) -> None:
    """Start the local pool now and let its workers import, while the caller goes on."""
    workers = workers or default_workers()
    if workers > 1:
        pool = _pool(workers)
        for _ in range(workers):
            pool.submit(_ready)


@atexit.register
def _shutdown_pools() -> None:
    for pool in _POOLS.values():
        pool.shutdown(cancel_futures=True)
    _POOLS.clear()


class LocalProcesses:
    """A pool of `workers` local processes, shared by every job of this process."""

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, sc: Scenario, batches: Sequence[Batch], fn: BatchFn = run_batch
            ) -> Iterator[Any]:
        return self.map_tasks([(sc, b) for b in batches], fn)

    def map_tasks(self, tasks: Sequence[Task], fn: BatchFn = run_batch) -> Iterator[Any]:
        if len(tasks) == 1:
            yield fn(*tasks[0])
            return
        pool = _pool(self.workers)
        try:
            yield from pool.map(fn, [sc for sc, _ in tasks], [b for _, b in tasks])
        except BrokenProcessPool:
            _POOLS.pop(self.workers, None)  # a worker died: start afresh next time
            raise


def make_executor(name: str, workers: int, dask_address: str | None = None,
                  dask_workers: int = 0) -> Executor:
    """The executor registered under `name` (the validator has checked the name)."""
    workers = workers or default_workers()
    if name == "dask":
        from sim.dask_executor import DaskExecutor

        try:
            return DaskExecutor(dask_address, dask_workers or workers)
        except (ConnectionError, OSError, TimeoutError, ValueError) as e:
            raise ConfigError("dask.address", dask_address,
                              str(e).splitlines()[0] if str(e) else type(e).__name__) from None
    return Inline() if workers == 1 else LocalProcesses(workers)
