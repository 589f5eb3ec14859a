"""One design point end to end: run the replications, stream the tables, summarise, plot.

Tables are written as results arrive (bounded memory), under temporary names until
complete; `summary.json` is written last, so a directory that has it is complete. A
directory whose `summary.json` matches the same config, seed and replications is not
run again (that is how an interrupted sweep resumes).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException
from tqdm import tqdm

from sim import results
from sim.analysis.io import ResultsError, is_whole, read_record, read_table
from sim.analysis.summary import wilson
from sim.config.compose import ALREADY_SET, MERGES, check_deletions, item, unknown_at
from sim.config.convert import INT64
from sim.config.errors import ConfigError
from sim.config.load import load_run, unresolved
from sim.config.schema import RunConf, ScenarioConf
from sim.executors import Executor, ExecutorUnavailable, default_workers, make_executor
from sim.provenance import config_hash, git_commit, versions
from sim.records import EVENT_SCHEMA, Failure, replication_schema
from sim.results import EVENTS, REPLICATIONS, SUMMARY
from sim.runner import BatchTable, layout_of, plan_batches, tabulate_batch
from sim.saved import Perf, Summary
from sim.scenario import Scenario, compile_scenario
from sim.sweep import override_values, parse_overrides

PARTIAL = "summary.partial.json"  # the summary the plots read, before `summary.json`
AUTO_BATCH = 1000  # reps=auto: replications added per round


Data = dict[str, Any]
DESIGN_POINTS = INT64[1] + 1  # numbered 0 to 2**63 - 1, as a config and a results table take


@dataclass(frozen=True)
class DesignPoint:
    """One job (of a sweep, or a run alone): its overrides, checked config and directory."""

    job: int
    overrides: tuple[str, ...]
    run: RunConf
    out_dir: Path
    design_point: int
    sweep: bool = True  # a job of a sweep: resumed if complete, its plots only if job_plots
    values: dict[str, Any] = field(default_factory=dict)  # a job's overrides, for its summary

    @classmethod
    def of(cls, run: RunConf, out_dir: Path, job: int = 0, overrides: Sequence[str] = (),
           sweep: bool = False, parsed: Sequence[Override] | None = None) -> DesignPoint:
        """Number the design point: with `crn` every job draws the same streams; without,
        job n adds n, modulo 2**63, so that a job run alone with the number its summary
        records is allowed. A job's overrides are read once, here (`parsed`: as the builder
        has read them)."""
        dp = (run.design_point + job) % DESIGN_POINTS if sweep and not run.crn else (
            run.design_point)
        values: dict[str, Any] = {}  # a run alone: none, as ever
        if sweep:
            values = override_values(parsed) if parsed is not None else parse_overrides(
                list(overrides))
        return cls(job, tuple(overrides), run, out_dir, dp, sweep, values)

    @property
    def plots(self) -> bool:
        """Draw this design point's own plots?"""
        return self.run.plots and (self.run.job_plots or not self.sweep)


@dataclass(frozen=True)
class Reps:
    """What `reps` means: a fixed count, or (`auto`) rounds until precise enough."""

    auto: bool
    stop: int  # the most replications
    round: int  # replications added per round

    @classmethod
    def of(cls, run: RunConf) -> Reps:
        if run.reps == "auto":
            return cls(True, run.max_reps, AUTO_BATCH)
        return cls(False, int(run.reps), int(run.reps))


def workers_of(run: RunConf) -> int:
    """The worker processes a run asks for (0: one per core)."""
    return run.workers or default_workers()


def set_value(data: Data, o: Override) -> None:
    """Apply one value override (`key=v`, `+key=v`, `++key=v`, `~key`) to plain data."""
    key, given = o.key_or_group, o.get_value_element_as_str()
    *parents, leaf = key.split(".")
    node: Any = data
    for part in parents:
        try:
            child = item(node, part)
        except KeyError:
            child = None
        if not isinstance(child, dict | list):
            if not ((o.is_add() or o.is_force_add()) and isinstance(node, dict)):
                raise unknown_at(data, key, given)
            child = node.setdefault(part, {})
        node = child
    if isinstance(node, list):  # an item of a list, by its number, as Hydra sets it
        if o.is_delete() or not (leaf.isdigit() and int(leaf) < len(node)):
            raise unknown_at(data, key, given, deleting=o.is_delete())
        node[int(leaf)] = merged(node[int(leaf)], o.value())
    elif o.is_delete():
        node.pop(leaf, None)
    elif leaf in node or o.is_add() or o.is_force_add():
        value = o.value()
        if o.is_add() and node.get(leaf) not in (None, value) and not isinstance(
                value, dict | list):  # (the same value: the sweep's own config, set again)
            raise ConfigError(key, given, ALREADY_SET.format(key=key))
        if not (o.is_add() or o.is_force_add()) and _adds(node.get(leaf), value):
            raise ConfigError(key, given, MERGES.format(key=key))
        node[leaf] = merged(node.get(leaf), value)
    else:
        raise unknown_at(data, key, given)


def _adds(old: Any, new: Any) -> bool:
    """Does merging `new` into `old` add a key (which a run, in Hydra's struct mode, refuses
    without + or ++)?"""
    return isinstance(old, dict) and isinstance(new, dict) and any(
        k not in old or _adds(old[k], v) for k, v in new.items())


def merged(old: Any, new: Any) -> Any:
    """`new` over `old` as Hydra applies an override: a mapping merged key by key into the
    one there, anything else in its place (a list too)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {**old, **{k: merged(old.get(k), v) for k, v in new.items()}}
    return new


def resolve(data: Data) -> Data:
    """Resolve `${...}` interpolations, after the job's overrides are in place."""
    if "${" not in repr(data):
        return data
    node = OmegaConf.create(data)
    try:
        resolved = OmegaConf.to_container(node, resolve=True)
    except OmegaConfBaseException as e:  # named by its key, with the value as written
        raise unresolved(node, e) from None
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
        data = _copied(composed[groups])
        check_deletions(overrides)  # as a run's are checked
        for o in parsed:
            if not is_group(o.key_or_group):
                set_value(data, o)
        run = load_run(resolve(data))
        job = first_job + k
        points.append(DesignPoint.of(run, sweep_dir / str(job), job, overrides, True, parsed))
    return points


def _copied(data: Any) -> Any:
    """A copy of plain config data (mappings, lists, values) that a job's overrides may
    change: `copy.deepcopy` without its bookkeeping, which no such data needs."""
    if isinstance(data, dict):
        return {k: _copied(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copied(v) for v in data]
    return data


def prepare_output(out_dir: Path, key: str = "hydra.run.dir") -> None:
    """`sim.results.prepare` for a design point's folder; `key` is the setting that gave
    it (a sweep's job: `hydra.sweep.dir`)."""
    results.prepare(out_dir, SUMMARY, key, [PARTIAL])


def completed(out_dir: Path, run: RunConf, design_point: int) -> Summary | None:
    """The summary of an earlier, complete run of exactly this design point, if any."""
    path = out_dir / SUMMARY
    if not path.exists():
        return None
    try:
        old = read_record(path, Summary)
    except ResultsError:  # damaged (a field missing or of the wrong type): it runs again
        return None
    if not all(is_whole(out_dir / table) for table in (REPLICATIONS, EVENTS)):
        return None  # a table cut short since: it runs again
    same = (old.get("config_hash") == config_hash(run.scenario) and old.get("seed") == run.seed
            and old.get("requested_reps") == run.reps and old.get("design_point") == design_point
            and old.get("trace_reps") == run.trace_reps)
    if Reps.of(run).auto:  # the stopping rule decides how many replications there are
        same = same and (old.get("precision"), old.get("max_reps")) == (run.precision,
                                                                         run.max_reps)
    return old if same else None


def scheduled(conf: ScenarioConf) -> list[dict[str, str]]:
    """The scenario's dated events, for marking on the timeline."""
    out = [{"date": m.date, "name": n, "kind": "meeting"}
           for n, m in conf.meetings.items() if m.enabled]
    out += [{"date": s.date, "name": n, "kind": "shock"}
            for n, s in conf.shocks.items() if s.enabled and s.date]
    out += [{"date": c.date, "name": n, "kind": "concession"}
            for n, c in conf.concessions.items() if c.enabled and c.date]
    return sorted(out, key=lambda e: e["date"])


def executor_for(run: RunConf) -> Executor:
    """The executor a run asks for; a Dask scheduler that cannot be reached is bad input."""
    try:
        return make_executor(run.executor, workers_of(run), run.dask.address,
                             run.dask.workers)
    except ExecutorUnavailable as e:
        raise ConfigError("dask.address", run.dask.address, str(e)) from None


class RunWriter:
    """Streams the tabulated batches of one design point into its run directory."""

    def __init__(self, sc: Scenario, run: RunConf, out_dir: Path):
        self.run = run
        for name in (REPLICATIONS, EVENTS):  # both, before either is opened and half-made
            results.check_file(out_dir / name)
        self.reps = results.TableWriter(out_dir / REPLICATIONS,
                                        replication_schema(layout_of(sc)))
        self.events = results.TableWriter(out_dir / EVENTS, EVENT_SCHEMA)
        self.failures: list[Failure] = []
        self.n = self.summits = 0

    def add(self, table: BatchTable) -> None:
        self.reps.write_batch(table.reps)
        if table.events is not None:
            self.events.write_batch(table.events)
        self.failures += table.failures
        self.n += table.n
        self.summits += table.summits

    def precise_enough(self) -> bool:
        """reps=auto: is the half-width of p_summit's Wilson 95 % interval at most `precision`?

        The interval is the one `summary.json` reports, over the replications that ran.
        """
        ok = self.n - len(self.failures)  # the rows of replications.parquet
        _, low, high = wilson(self.summits, ok)
        return ok > 0 and (high - low) / 2 <= self.run.precision

    def close(self) -> None:
        self.reps.close()
        self.events.close()

    def abort(self) -> None:
        self.reps.abort()
        self.events.abort()


def simulate(sc: Scenario, run: RunConf, design_point: int, out_dir: Path,
             executor: Executor | None = None) -> tuple[RunWriter, float]:
    """Run one design point's replications, streaming them to disk."""
    executor = executor or executor_for(run)
    writer = RunWriter(sc, run, out_dir)
    reps = Reps.of(run)
    auto, stop_at, round_size = reps.auto, reps.stop, reps.round
    began = time.perf_counter()
    try:
        with tqdm(total=None if auto else stop_at, disable=not run.progress, unit="rep",
                  file=sys.stderr, desc=sc.name) as bar:
            done = 0
            while done < stop_at and not (auto and done and writer.precise_enough()):
                upto = min(done + round_size, stop_at)
                batches = plan_batches(run.seed, design_point, done, upto, run.trace_reps,
                                       executor.workers)
                for table in executor.map(sc, batches, tabulate_batch):
                    writer.add(table)
                    bar.update(table.n)
                done = upto
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return writer, time.perf_counter() - began


def run_design_point(run: RunConf, out_dir: Path, overrides: dict[str, Any] | None = None,
                     design_point: int | None = None) -> Summary:
    """Run one design point into `out_dir` and return its summary."""
    dp = run.design_point if design_point is None else design_point
    prepare_output(out_dir)
    sc = compile_scenario(run.scenario)
    writer, elapsed = simulate(sc, run, dp, out_dir)
    return write_summary(run, sc, out_dir, writer, elapsed, overrides or {}, dp, run.plots)


def write_summary(run: RunConf, sc: Scenario, out_dir: Path, writer: RunWriter, elapsed: float,
                  overrides: dict[str, Any], design_point: int, plots: bool) -> Summary:
    """Summarise the saved tables, draw the plots, and write `summary.json` last."""
    from sim.analysis.summary import summarize

    table = read_table(out_dir / REPLICATIONS,
                       columns=["outcome", "summit_held", "simpy_events"]
                       + [f"agreed_{i}" for i in sc.issues])
    shares = summarize(table, list(sc.issues))
    summary = Summary(
        scenario=sc.name, reps=len(table), requested_reps=run.reps, seed=run.seed,
        design_point=design_point, crn=run.crn, trace_reps=run.trace_reps,
        precision=run.precision, max_reps=run.max_reps, overrides=overrides,
        p_summit=shares["p_summit"], outcome_shares=shares["outcome_shares"],
        p_agreed=shares["p_agreed"],
        failures=len(writer.failures),
        failed=[dataclasses.asdict(f) for f in writer.failures],
        config_hash=config_hash(run.scenario), git_commit=git_commit(), versions=versions(),
        perf=Perf(
            replications_per_second=writer.n / elapsed if elapsed > 0 else float("inf"),
            simpy_events_per_replication=float(table["simpy_events"].mean())
            if len(table) else 0.0,
            executor=run.executor, wall_seconds=elapsed),
        start=sc.start.isoformat(), end=sc.date_of(sc.end_day).isoformat(),
        issues=list(sc.issues), parties=[p.name for p in sc.parties],
        relations={"tension": sc.tension, "tension_baseline": sc.tension_baseline,
                   "tension_half_life_days": sc.tension_half_life_days},
        scheduled=scheduled(run.scenario),
    )
    if plots and len(table):
        from sim.analysis.plots import draw_run_plots  # matplotlib: only where it draws

        # The plots read the saved tables and the summary's metadata: the summary goes
        # under a temporary name first, and to `summary.json` last.
        partial = out_dir / PARTIAL
        results.write_json(summary, partial)
        draw_run_plots(out_dir, summary_name=partial.name)
        partial.unlink()
    results.write_json(summary, out_dir / SUMMARY)
    return summary
