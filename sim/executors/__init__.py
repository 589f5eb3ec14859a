"""Executors: where batches of replications run. All give identical results.

- `inline`: this process (workers=1);
- `local`: a pool of local worker processes (`sim.executors.local`);
- `dask`: a Dask distributed cluster (`sim.executors.dask`; optional extra).
"""

from __future__ import annotations

from sim.executors.base import BatchFn, Executor, Task, TaskExecutor, default_workers
from sim.executors.local import Inline, LocalProcesses, prestart


class ExecutorUnavailable(Exception):
    """The executor asked for cannot start (e.g. no Dask scheduler at the address)."""


def make_executor(name: str, workers: int, dask_address: str | None = None,
                  dask_workers: int = 0) -> Executor:
    """The executor registered under `name` (the validator has checked the name)."""
    workers = workers or default_workers()
    if name == "dask":
        from sim.executors.dask import DaskExecutor

        try:
            return DaskExecutor(dask_address, dask_workers or workers)
        except (ConnectionError, OSError, TimeoutError, ValueError) as e:
            raise ExecutorUnavailable(str(e).splitlines()[0] if str(e)
                                      else type(e).__name__) from None
    return Inline() if workers == 1 else LocalProcesses(workers)


__all__ = ["BatchFn", "Executor", "ExecutorUnavailable", "Inline", "LocalProcesses", "Task",
           "TaskExecutor", "default_workers", "make_executor", "prestart"]
