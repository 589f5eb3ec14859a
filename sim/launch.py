"""Run a sweep's design points back to back through one pool of workers.

Hydra's basic launcher runs one job after another, each composing its config from
scratch and paying its own start-up, so the workers idle between jobs. Here each
distinct composition (the choice of config groups, e.g. `scenario=`) is composed once
and the value overrides of each job are applied to a copy of its plain data; every
design point is checked before any runs; and the batches of all jobs are fed to one
pool in order, so the workers never wait. Each job still gets its own directory with
the same files as a single run, and a job that is already complete is skipped.
"""

from __future__ import annotations

import copy
import functools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException
from tqdm import tqdm

from sim.app import RunWriter, completed, prepare_output, simulate, write_summary
from sim.config.convert import build
from sim.config.errors import ConfigError
from sim.config.load import reject_code
from sim.config.schema import RunConf
from sim.config.validate import validate_run
from sim.executors import BatchFn, Task, TaskExecutor, make_executor
from sim.results import BatchTable, tabulate_batch
from sim.runner import Batch, plan_batches
from sim.scenario import Scenario, compile_scenario
from sim.sweep import parse_overrides

Data = dict[str, Any]


@dataclass(frozen=True)
class DesignPoint:
    """One job of a sweep: its overrides, checked config and directory."""

    job: int
    overrides: tuple[str, ...]
    run: RunConf
    out_dir: Path
    design_point: int


def set_value(data: Data, o: Override) -> None:
    """Apply one value override (`key=v`, `+key=v`, `++key=v`, `~key`) to plain data."""
    key = o.key_or_group
    *parents, leaf = key.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            if o.is_add() or o.is_force_add():
                child = node.setdefault(part, {})
            else:
                raise ConfigError(key, o.get_value_element_as_str(), "unknown key")
        node = child
    if o.is_delete():
        node.pop(leaf, None)
    elif leaf in node or o.is_add() or o.is_force_add():
        node[leaf] = o.value()
    else:
        raise ConfigError(key, o.get_value_element_as_str(),
                          "unknown key; see `python -m sim --help` for the knobs")


def resolve(data: Data) -> Data:
    """Resolve `${...}` interpolations, after the job's overrides are in place."""
    if "${" not in repr(data):
        return data
    try:
        resolved = OmegaConf.to_container(OmegaConf.create(data), resolve=True)
    except OmegaConfBaseException as e:
        raise ConfigError(str(getattr(e, "full_key", "") or "<config>"), "",
                          str(e).splitlines()[0]) from None
    assert isinstance(resolved, dict)
    return {str(k): v for k, v in resolved.items()}


def design_points(
    job_overrides: Sequence[Sequence[str]], first_job: int, sweep_dir: Path,
    compose: Callable[[list[str]], Data], is_group: Callable[[str], bool],
) -> list[DesignPoint]:
    """Compose (once per group choice) and check every job of a sweep."""
    parser = OverridesParser.create()
    composed: dict[tuple[str, ...], Data] = {}
    points = []
    for k, overrides in enumerate(job_overrides):
        parsed = parser.parse_overrides(list(overrides))
        groups = tuple(o.input_line or "" for o in parsed if is_group(o.key_or_group))
        if groups not in composed:
            composed[groups] = compose(list(groups))
        data = copy.deepcopy(composed[groups])
        for o in parsed:
            if not is_group(o.key_or_group):
                set_value(data, o)
        data = resolve(data)
        reject_code(data)
        run = build(RunConf, data, "")
        validate_run(run)
        job = first_job + k
        dp = run.design_point if run.crn else run.design_point + job
        points.append(DesignPoint(job, tuple(overrides), run, sweep_dir / str(job), dp))
    return points


def _save_overrides(point: DesignPoint) -> None:
    hydra_dir = point.out_dir / ".hydra"
    hydra_dir.mkdir(parents=True, exist_ok=True)
    (hydra_dir / "overrides.yaml").write_text(yaml.safe_dump(list(point.overrides)))


def run_design_points(points: list[DesignPoint], progress: bool = True) -> list[dict[str, Any]]:
    """Run every incomplete design point, all batches through one executor, in order."""
    todo = []
    for p in points:
        if completed(p.out_dir, p.run, p.design_point) is None:
            prepare_output(p.out_dir)
            _save_overrides(p)
            todo.append(p)
        else:
            print(f"{p.out_dir}: complete, skipped", file=sys.stderr)
    if not todo:
        return []
    first = todo[0].run
    executor = make_executor(first.executor, first.workers, first.dask.address,
                             first.dask.workers)
    same = all(p.run.executor == first.executor and p.run.workers == first.workers
               and p.run.dask == first.dask for p in todo)
    if isinstance(executor, TaskExecutor) and same and not any(p.run.reps == "auto"
                                                               for p in todo):
        return _pipelined(todo, executor, progress)
    out = []  # reps=auto or another executor: one design point at a time
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


@dataclass(frozen=True)
class PoolJob:
    """One design point as the pool sees it: what its workers get, and how its tables end.

    `payload` goes to the workers with each of `batches` (a compiled scenario, or a test
    model's parameters); `finish(writer, seconds)` writes the summary once all are in.
    """

    key: int
    payload: Any
    batches: list[Batch]
    writer: Callable[[], Writer]
    finish: Callable[[Any, float], dict[str, Any]]


def pipeline(jobs: Sequence[PoolJob], executor: TaskExecutor, fn: Callable[[Any, Batch], Any],
             progress: bool = True, desc: str = "sweep") -> list[dict[str, Any]]:
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
               ) -> list[dict[str, Any]]:
    jobs = []
    for p in todo:
        sc = compile_scenario(p.run.scenario)
        batches = plan_batches(p.run.seed, p.design_point, 0, int(p.run.reps),
                               p.run.trace_reps, executor.workers)
        jobs.append(PoolJob(
            p.job, sc, batches,
            functools.partial(RunWriter, sc, p.run, p.out_dir),
            functools.partial(_finish, p, sc)))
    return pipeline(jobs, executor, tabulate_batch, progress)


def _finish(p: DesignPoint, sc: Scenario, writer: RunWriter, elapsed: float) -> dict[str, Any]:
    return write_summary(p.run, sc, p.out_dir, writer, elapsed,
                         parse_overrides(list(p.overrides)), p.design_point,
                         p.run.plots and p.run.job_plots)
