"""The models a study can run: the simulator, or a test model with a known answer.

Both turn the sample matrix into design points that run through `sim.pool`'s one pool
(same batches, executors, per-job tables and `summary.json`, so a killed study resumes as
a sweep does), and both read back, per job, the replication values of the outcomes.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sim import results
from sim.analysis.io import ResultsError, is_whole, read_record, read_table
from sim.config.compose import (
    check_folders,
    compose,
    composition_error,
    item,
    number_at,
    overriding,
    without_hydra,
)
from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR, load_run
from sim.config.schema import RunConf
from sim.design_point import prepare_output, resolve
from sim.explore.sampling import FloatArray
from sim.explore.study import Factor, Study
from sim.explore.testmodels import ISHIGAMI_FACTORS, TestPoint, digest, tabulate_test_batch
from sim.model.outcome import OUTCOMES
from sim.provenance import git_commit, versions
from sim.results import REPLICATIONS
from sim.runner import BatchTable
from sim.saved import TestPointSummary

Data = dict[str, Any]


class StudyModel(Protocol):
    """What a study needs of a model: check, plan and run the points, read outcomes back."""

    def outcome_columns(self) -> list[str]: ...

    def plan(self, x: FloatArray, out_dir: Path) -> Any:
        """Every point as the model will run it, each checked: raises `ConfigError`."""
        ...

    def run(self, planned: Any, out_dir: Path, progress: bool) -> None: ...

    def read(self, job_dir: Path, outcomes: list[str]) -> pd.DataFrame: ...


def make_model(study: Study) -> StudyModel:
    """The study's model, its factor keys checked (raises `ConfigError`)."""
    if study.model == "summitsim":
        return Simulator(study)
    return TestModel(study)


# The run config's keys that a study sets for every point (after its `overrides`).
SET_BY_STUDY = ("scenario", "reps", "seed", "crn", "trace_reps", "plots", "job_plots",
                "progress", "workers", "executor")


class Simulator:
    """The simulator: each sample row is a scenario with the factors' values overridden."""

    def __init__(self, study: Study):
        self.study = study
        lost = overriding(study.overrides, SET_BY_STUDY)
        if lost is not None:
            i, key, _ = lost
            raise ConfigError(f"overrides[{i}]", study.overrides[i], f"the study sets {key} "
                              "itself" + (f"; set the study's own {key} instead"
                                          if key in Study.__dataclass_fields__
                                          else " (its points run untraced, without plots)"))
        self.base = [
            f"scenario={study.scenario}", *study.overrides, f"reps={study.reps}",
            f"seed={study.seed}", f"crn={str(study.crn).lower()}", "trace_reps=0",
            "plots=false", "job_plots=false", "progress=false", f"workers={study.workers}",
            f"executor={study.executor}",
        ]
        check_folders(self.base)  # a user's folder named in the study's overrides
        self.data = self.compose([])
        self.whole: set[str] = set()
        for f in study.factors:
            if not f.dummy:
                self._check_factor(f)
        self.run_conf: RunConf = load_run(resolve(copy.deepcopy(self.data)))
        for f in study.factors:
            if not (f.dummy or f.dist == "norm"):  # a range: the scenario must take both ends
                self._check_end(f, "low")
                self._check_end(f, "high")

    def compose(self, groups: list[str]) -> Data:
        """The config with the study's fixed overrides, not yet interpolated."""
        from omegaconf import OmegaConf

        overrides = [*self.base, *groups]
        without_hydra(overrides)
        try:
            cfg = compose(overrides)
        except Exception as e:  # Hydra raises many kinds; all mean bad input
            raise composition_error(e, overrides) from None
        data = OmegaConf.to_container(cfg, resolve=False)
        assert isinstance(data, dict)
        data.pop("hydra", None)
        return {str(k): v for k, v in data.items()}

    def _check_factor(self, f: Factor) -> None:
        if number_at(self.data, f.key, f"factors.{f.key}", "factor") is int:
            self.whole.add(f.key)

    def _check_end(self, f: Factor, end: str) -> None:
        """The scenario with the factor at one end of its range passes its checks: else the
        points near that end would fail, each under a sampled value."""
        value: float = getattr(f, end)
        data = copy.deepcopy(self.data)
        *path, last = f.key.split(".")
        node = data
        for part in path:
            node = item(node, part)
        node[int(last) if isinstance(node, list) else last] = (
            round(value) if f.key in self.whole else float(value))
        try:
            load_run(resolve(data))
        except ConfigError as err:
            raise ConfigError(f"factors.{f.key}.{end}", value,
                              f"the scenario refuses this end of the range ({err})") from None

    def job_overrides(self, x: FloatArray) -> list[list[str]]:
        """Each row of the sample as `key=value` overrides (dummy factors change nothing)."""
        out = []
        for row in x:
            items = []
            for f, v in zip(self.study.factors, row, strict=True):
                if f.dummy:
                    continue
                shown = str(round(float(v))) if f.key in self.whole else repr(float(v))
                items.append(f"{f.key}={shown}")
            out.append(items)
        return out

    def outcome_columns(self) -> list[str]:
        from sim.records import replication_schema
        from sim.runner import layout_of
        from sim.scenario import compile_scenario

        schema = replication_schema(layout_of(compile_scenario(self.run_conf.scenario)))
        numeric = [f.name for f in schema if f.name != "rep"
                   and (pa.types.is_boolean(f.type) or pa.types.is_integer(f.type)
                        or pa.types.is_floating(f.type))]
        return numeric + list(OUTCOMES)

    def plan(self, x: FloatArray, out_dir: Path) -> Any:
        from sim.design_point import design_points

        return design_points(self.job_overrides(x), 0, out_dir, self.compose,
                             lambda key: (CONF_DIR / key).is_dir())

    def run(self, planned: Any, out_dir: Path, progress: bool) -> None:
        from sim.pool import run_sweep

        run_sweep(planned, progress=progress)

    def read(self, job_dir: Path, outcomes: list[str]) -> pd.DataFrame:
        direct = [o for o in outcomes if o not in OUTCOMES]
        shares = [o for o in outcomes if o in OUTCOMES]
        table = read_table(job_dir / REPLICATIONS,
                           columns=direct + (["outcome"] if shares else []))
        for o in shares:
            table[o] = table["outcome"] == o
        return table[outcomes].astype(float)


class TestModel:
    """A test model (the Ishigami function) behind the same pool, tables and resume."""

    def __init__(self, study: Study):
        self.study = study
        for f in study.factors:
            if not f.dummy and f.key not in ISHIGAMI_FACTORS:
                raise unknown_name(f"factors.{f.key}", f.key, ISHIGAMI_FACTORS,
                                   f"factor of the {study.model} model")
        missing = [k for k in ISHIGAMI_FACTORS if k not in study.names]
        if missing:
            raise ConfigError("factors", ", ".join(study.names),
                              f"the {study.model} model needs factors {', '.join(missing)}")

    def outcome_columns(self) -> list[str]:
        return ["y"]

    def points(self, x: FloatArray) -> list[TestPoint]:
        keep = [i for i, f in enumerate(self.study.factors) if not f.dummy]
        names = self.study.names
        return [TestPoint(self.study.model, tuple((names[i], float(row[i])) for i in keep),
                          self.study.noise_sd) for row in x]

    def plan(self, x: FloatArray, out_dir: Path) -> Any:
        return self.points(x)

    def run(self, planned: Any, out_dir: Path, progress: bool) -> None:
        from sim.executors import TaskExecutor, make_executor
        from sim.pool import PoolJob, pipeline
        from sim.runner import plan_batches

        s = self.study
        executor = make_executor(s.executor, s.workers)
        assert isinstance(executor, TaskExecutor)
        todo = []
        for job, p in enumerate(planned):
            job_dir = out_dir / str(job)
            dp = 0 if s.crn else job
            if not _complete(job_dir, digest(p), s.seed, s.reps, dp):
                prepare_output(job_dir, "out")
                todo.append((job, p, job_dir, dp))
        jobs = [PoolJob(job, p, plan_batches(s.seed, dp, 0, s.reps, 0, executor.workers,
                                             len(todo)),
                        _writer(job_dir), _finisher(job_dir, p, digest(p), s, dp))
                for job, p, job_dir, dp in todo]
        if jobs:
            pipeline(jobs, executor, tabulate_test_batch, progress, desc=s.model)

    def read(self, job_dir: Path, outcomes: list[str]) -> pd.DataFrame:
        return read_table(job_dir / REPLICATIONS, columns=outcomes)


class _TableWriter:
    def __init__(self, out_dir: Path):
        from sim.explore.testmodels import SCHEMA

        self.table = results.TableWriter(out_dir / REPLICATIONS, SCHEMA)
        self.n = 0
        self.total = 0.0

    def add(self, table: BatchTable) -> None:
        self.table.write_batch(table.reps)
        self.n += table.n
        self.total += float(pc.sum(table.reps.column("y")).as_py() or 0.0)

    def close(self) -> None:
        self.table.close()

    def abort(self) -> None:
        self.table.abort()


def _writer(job_dir: Path) -> Any:
    return lambda: _TableWriter(job_dir)


def _finisher(job_dir: Path, p: TestPoint, key: str, s: Study, dp: int) -> Any:
    def finish(writer: _TableWriter, elapsed: float) -> TestPointSummary:
        summary = TestPointSummary(
            model=p.model, values=dict(p.values), noise_sd=p.noise_sd, reps=writer.n,
            requested_reps=s.reps, seed=s.seed, design_point=dp, config_hash=key,
            y_mean=writer.total / writer.n, git_commit=git_commit(), versions=versions(),
            perf={"wall_seconds": elapsed})
        results.write_json(summary, job_dir / results.SUMMARY)
        return summary
    return finish


def _complete(job_dir: Path, digest: str, seed: int, reps: int, dp: int) -> bool:
    path = job_dir / results.SUMMARY
    if not path.exists():
        return False
    try:
        old = read_record(path, TestPointSummary)
    except ResultsError:  # damaged (a field missing or of the wrong type): it runs again
        return False
    if not is_whole(job_dir / REPLICATIONS):  # cut short since it ran: it runs again
        return False
    return bool(old.get("config_hash") == digest and old.get("seed") == seed
                and old.get("requested_reps") == reps and old.get("design_point") == dp)

