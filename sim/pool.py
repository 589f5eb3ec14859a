"""Run design points back to back through one pool of workers: `run_sweep`.

Hydra's basic launcher runs one job after another, each composing its config from
scratch and paying its own start-up, so the workers idle between jobs. Here each
distinct composition (the choice of config groups, e.g. `scenario=`) is composed once
and the value overrides of each job are applied to a copy of its plain data; every
design point is checked before any runs; and the batches of all jobs are fed to one
pool in order, so the workers never wait. Each job still gets its own directory with
the same files as a single run, and a job that is already complete is skipped.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import yaml
from tqdm import tqdm

from sim.design_point import (
    DesignPoint,
    Reps,
    RunWriter,
    completed,
    executor_for,
    prepare_output,
    simulate,
    write_summary,
)
from sim.executors import BatchFn, Task, TaskExecutor
from sim.runner import Batch, BatchTable, plan_batches, tabulate_batch
from sim.saved import Summary
from sim.scenario import Scenario, compile_scenario


def _save_overrides(point: DesignPoint) -> None:
    hydra_dir = point.out_dir / ".hydra"
    hydra_dir.mkdir(parents=True, exist_ok=True)
    (hydra_dir / "overrides.yaml").write_text(yaml.safe_dump(list(point.overrides)))


def run_sweep(points: list[DesignPoint], progress: bool = True) -> list[Summary]:
    """Run every incomplete design point, all batches through one executor, in order."""
    todo = []
    for p in points:
        if not p.sweep or completed(p.out_dir, p.run, p.design_point) is None:
            prepare_output(p.out_dir, "hydra.sweep.dir" if p.sweep else "hydra.run.dir")
            if p.sweep:  # Hydra saves a run's own
                _save_overrides(p)
            todo.append(p)
        else:
            print(f"{p.out_dir}: complete, skipped", file=sys.stderr)
    if not todo:
        return []
    first = todo[0].run
    executor = executor_for(first)
    same = all(p.run.executor == first.executor and p.run.workers == first.workers
               and p.run.dask == first.dask and p.sweep for p in todo)
    if isinstance(executor, TaskExecutor) and same and not any(Reps.of(p.run).auto
                                                               for p in todo):
        return _pipelined(todo, executor, progress)
    out = []  # a run alone, reps=auto or another executor: one design point at a time
    for p in todo:
        sc = compile_scenario(p.run.scenario)
        writer, elapsed = simulate(sc, p.run, p.design_point, p.out_dir, executor)
        out.append(_finish(p, sc, writer, elapsed))
    return out


class Writer(Protocol):
    """Where one design point's tabulated batches go: appended, then closed or aborted."""

    def add(self, table: BatchTable) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


R = TypeVar("R")


@dataclass(frozen=True)
class PoolJob(Generic[R]):
    """One design point as the pool sees it: what its workers get, and how its tables end.

    `payload` goes to the workers with each of `batches` (a compiled scenario, or a test
    model's parameters); `finish(writer, seconds)` writes the summary once all are in.
    """

    key: int
    payload: Any
    batches: list[Batch]
    writer: Callable[[], Writer]
    finish: Callable[[Any, float], R]


def pipeline(jobs: Sequence[PoolJob[R]], executor: TaskExecutor,
             fn: Callable[[Any, Batch], Any], progress: bool = True, desc: str = "sweep"
             ) -> list[R]:
    """Feed every batch of every job to one executor, in order; finish each job as it ends."""
    tasks: list[Task] = []
    owner: list[PoolJob] = []
    for job in jobs:
        for b in job.batches:
            tasks.append((job.payload, b))
            owner.append(job)
    remaining = {job.key: len(job.batches) for job in jobs}
    writers: dict[int, Writer] = {}  # opened at a job's first result: few are open at once
    out = []
    began = last = time.perf_counter()
    try:
        with tqdm(total=sum(b.stop - b.start for b in (t[1] for t in tasks)),
                  disable=not progress, unit="rep", file=sys.stderr, desc=desc) as bar:
            for job, table in zip(owner, executor.map_tasks(tasks, cast(BatchFn, fn)), strict=True):
                if job.key not in writers:
                    writers[job.key] = job.writer()
                writers[job.key].add(table)
                bar.update(table.n)
                remaining[job.key] -= 1
                if remaining[job.key] == 0:
                    writer = writers.pop(job.key)
                    writer.close()
                    now = time.perf_counter()
                    out.append(job.finish(writer, now - last))
                    last = now
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    print(f"{desc}: {len(jobs)} design points in {time.perf_counter() - began:.1f} s",
          file=sys.stderr)
    return out


def _pipelined(todo: list[DesignPoint], executor: TaskExecutor, progress: bool
               ) -> list[Summary]:
    jobs = []
    for p in todo:
        sc = compile_scenario(p.run.scenario)
        batches = plan_batches(p.run.seed, p.design_point, 0, Reps.of(p.run).stop,
                               p.run.trace_reps, executor.workers, len(todo))
        jobs.append(PoolJob(
            p.job, sc, batches,
            functools.partial(RunWriter, sc, p.run, p.out_dir),
            functools.partial(_finish, p, sc)))
    return pipeline(jobs, executor, tabulate_batch, progress)


def _finish(p: DesignPoint, sc: Scenario, writer: RunWriter, elapsed: float) -> Summary:
    return write_summary(p.run, sc, p.out_dir, writer, elapsed, p.values, p.design_point,
                         p.plots)
