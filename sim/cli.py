"""`python -m sim`: one job is one design point of many replications.

A run is composed and checked once, then run as Hydra runs a job; a sweep (`-m`) runs
through Hydra's multirun and the summitsim launcher; Hydra's other flags go to Hydra. Any
bad input (unknown scenario, a typo'd key, a malformed YAML file, an out-of-range value)
is one line on stderr naming the key and value, with exit code 2 and no traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.command import (
    EXIT_FAILED_REPS,
    asks_for_a_sweep,
    before_hydra,
    fail,
    named_by_job_folder,
    precheck,
    run_as_job,
    run_overrides,
    user_folders,
    with_mode,
    worker_lost,
)
from sim.config.compose import check_groups, composition_error, override_value
from sim.config.errors import ConfigError
from sim.config.load import CONF_DIR, check_hydra, load_run
from sim.config.schema import RunConf
from sim.config.validate import validate_run

if TYPE_CHECKING:
    from sim.design_point import DesignPoint
    from sim.saved import Summary


def scenario_path_pointer(args: list[str]) -> None:
    """A path given as a scenario or an experiment (`scenario=`, `+experiment=`): one line
    on the documented way to run a file of one's own."""
    for given, _, values in (a.partition("=") for a in args):
        group = given.lstrip("+")
        for value in values.split(",") if group in ("scenario", "experiment") else ():
            if "/" in value or value.endswith((".yaml", ".yml")):
                path = Path(value)
                folder = path.parent.parent if path.parent.name == group else Path("DIR")
                sweep = "-m " if {"-m", "--multirun"} & set(args) else ""
                chosen = f"{'+' if group == 'experiment' else ''}{group}={path.stem}"
                fail(ConfigError(group, value, f"{'an' if group == 'experiment' else 'a'} "
                                 f"{group} is named, not given as a path; put "
                                 f"the file in a folder as {group}/{path.stem}.yaml and run "
                                 f"python -m sim {sweep}--config-dir {folder} {chosen} (see "
                                 "README, Running scenarios)"))


def sweep(overrides: list[str]) -> int:
    """Run a sweep with Hydra's multirun (its sweeper, then the launcher of `hydra/launcher`:
    summitsim's checks every design point before any runs), composed by Hydra once; bad
    input is one line and exit 2. Returns the exit status (`finish_sweep`)."""
    from hydra._internal.hydra import Hydra
    from hydra._internal.utils import create_config_search_path
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from sim.executors.base import WorkerLost

    app = Hydra.create_main_hydra2("sim", create_config_search_path(str(CONF_DIR)))
    try:
        check_groups(overrides)
        # Hydra's settings as given, before Hydra builds its callbacks from them, ahead of
        # summitsim's sweeper checking them as composed (a user's files: `user_folders`)
        for o in OverridesParser.create().parse_overrides(overrides):
            if o.key_or_group.startswith("hydra.") and not o.is_sweep_override():
                setting: Any = o.value()
                for part in reversed(o.key_or_group.split(".")[1:]):
                    setting = {part: setting}
                check_hydra(setting)
        swept = app.multirun("config", task, [*overrides, "hydra.mode=MULTIRUN"],
                             with_log_configuration=False)  # by the launcher, once checked
    except ConfigError as e:
        fail(e)
    except WorkerLost as e:  # raised by a job: not bad input
        worker_lost(e)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        if isinstance(e, OSError) and e.filename:  # the sweep's folder, made before launching
            fail(ConfigError("hydra.sweep.dir", override_value(overrides, "hydra.sweep.dir")
                             or str(e.filename), f"{e.filename} cannot be made ({e.strerror})"))
        GlobalHydra.instance().clear()  # so that the error table may compose
        fail(composition_error(e, overrides, sweeping=True))  # a missing config: OSError too
    finally:
        GlobalHydra.instance().clear()
    if not hasattr(swept, "sweep_dir"):  # another sweeper than summitsim's: not gathered here
        folder = ran_in(swept)
        if folder is not None:  # the last line of the output says where, as a gathered one's
            print(f"sweep: {folder}")
        print(f"not gathered: python -m sim.report {folder or 'on its folder'} gathers it",
              file=sys.stderr)
        return 0
    from sim.results import named_by

    try:  # its table or plots cannot be written: one line
        with named_by("hydra.sweep.dir", swept.sweep_dir, swept.given):
            return finish_sweep(swept.sweep_dir, swept.plots, sum(len(b) for b in swept.jobs))
    except ConfigError as e:
        fail(e)
    finally:  # gathered: the folder, held since the sweep began, is another command's now
        swept.release()


def ran_in(swept: Any) -> Path | None:
    """The folder of the jobs another sweeper ran, as their returns (Hydra's `JobReturn`s,
    in batches) say: Hydra's launcher sets each job's folder in its config, summitsim's
    returns it as the job's working folder; None if they do not say."""
    from omegaconf import OmegaConf

    batches = swept if isinstance(swept, list) else []
    jobs = [job for batch in batches if isinstance(batch, list) for job in batch]
    if not jobs:
        return None
    ran = OmegaConf.select(jobs[0].hydra_cfg, "hydra.runtime.output_dir", default=None)
    return Path(str(ran or jobs[0].working_dir)).parent


def task(cfg: DictConfig) -> None:
    """One Hydra job: one design point, many replications (a sweep's job under Hydra's own
    launchers; the summitsim launcher runs a sweep's jobs itself, with `run_sweep`)."""
    from hydra.types import RunMode

    from sim.design_point import DesignPoint, completed

    hc = HydraConfig.get()
    sweep = hc.mode == RunMode.MULTIRUN
    try:  # bad input found as it runs (a file it cannot write): before Hydra logs the failure
        point = DesignPoint.of(load_run(cfg), Path(hc.runtime.output_dir),
                               int(hc.job.num) if sweep else 0, list(hc.overrides.task), sweep)
        if sweep and completed(point.out_dir, point.run, point.design_point) is not None:
            print(f"{point.out_dir}: complete, skipped", file=sys.stderr)
            return
        with named_by_job_folder():
            run_point(point)
    except ConfigError as e:
        fail(e)


job = hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")(task)


def run_point(point: DesignPoint) -> None:
    """Run one design point; print its table and where it is, and any failed replications."""
    from sim.analysis.summary import format_table
    from sim.pool import run_sweep

    summary = run_sweep([point], progress=point.run.progress)[0]
    print(format_table(summary))
    print(f"results: {point.out_dir}")
    if summary["failures"]:
        report_failures(summary)
        if not point.sweep:
            sys.exit(EXIT_FAILED_REPS)


def report_failures(summary: Summary) -> None:
    """Each failed replication, with what reruns it alone, on stderr."""
    failed = summary["failed"]
    print(f"{len(failed)} replication(s) of {summary['scenario']} failed:", file=sys.stderr)
    for f in failed:
        print(f"  rep {f['rep']} (seed {f['seed']}, spawn_key {tuple(f['spawn_key'])}): "
              f"{f['error']}", file=sys.stderr)


def finish_sweep(sweep_dir: Path, plots: bool, jobs: int | None = None) -> int:
    """Gather a sweep that ran (its `jobs` jobs); return the exit status (failed or missing
    jobs: non-zero)."""
    import json

    from sim.analysis.io import read_table
    from sim.analysis.summary import format_sweep
    from sim.results import SUMMARY
    from sim.sweep import finalize_sweep, job_dirs

    if not sweep_dir.is_dir():
        return 0  # nothing ran (e.g. --cfg or --help)
    earlier = job_dirs(sweep_dir)[len(job_dirs(sweep_dir, jobs)):]
    if earlier:
        print(f"note: {sweep_dir} also holds jobs {', '.join(p.name for p in earlier)} of an "
              "earlier sweep, left out of this one's tables", file=sys.stderr)
    table = finalize_sweep(sweep_dir, jobs)
    print(format_sweep(read_table(table)))
    print(f"sweep: {sweep_dir}")
    if plots:
        from sim.analysis.sweep_plots import draw_sweep_plots

        draw_sweep_plots(sweep_dir)
    status = 0
    for job_dir in job_dirs(sweep_dir, jobs):
        path = job_dir / SUMMARY
        if not path.exists():
            print(f"job {job_dir.name}: incomplete", file=sys.stderr)
            status = EXIT_FAILED_REPS
            continue
        summary: Summary = json.loads(path.read_text())
        if summary.get("failures"):
            print(f"job {job_dir.name}:", end=" ", file=sys.stderr)
            report_failures(summary)
            status = EXIT_FAILED_REPS
    return status


def run_once(run: RunConf, cfg: DictConfig, out_dir: Path, overrides: list[str]) -> None:
    """A run of one design point, its config composed and checked, as Hydra runs a job."""
    from sim.design_point import DesignPoint, workers_of  # after the checks: bad input
    from sim.results import check_holds  # is told without the run's imports

    try:  # before its workers start; again once the folder is held
        check_holds(out_dir, "hydra.run.dir", str(cfg.hydra.run.dir), "run")
    except ConfigError as e:
        fail(e)
    if run.executor == "local":
        from sim.executors import prestart

        prestart(workers_of(run))  # workers start while the job is set up
    point = DesignPoint.of(run, out_dir, 0, overrides)
    run_as_job(cfg, out_dir, lambda: run_point(point), "run")


def main() -> None:
    args = with_mode(user_folders(sys.argv[1:]))
    scenario_path_pointer(args)
    overrides = run_overrides(args)
    if overrides is not None:  # a run: composed and checked once, then run as Hydra runs a job
        run, cfg, out_dir = precheck(overrides, "config", RunConf, validate_run)
        if not asks_for_a_sweep(cfg):
            run_once(run, cfg, out_dir, overrides)
            return
        args = ["-m", *overrides]
    flags = [a for a in args if a.startswith("-")]
    # every job is checked before any runs: by the summitsim launcher, or here, before Hydra,
    # when another launcher runs them (or another sweeper composes them first: before_hydra)
    other = any(a.startswith("hydra/launcher=") and a != "hydra/launcher=summitsim" for a in args)
    args = before_hydra(args, "python -m sim", "config", RunConf, validate_run,
                        launcher_checks=not other)
    if set(flags) <= {"-m", "--multirun"}:
        sys.exit(sweep([a for a in args if a not in flags]))
    sys.argv[1:] = args  # Hydra's own flags (--help, --cfg, ...): Hydra's command line
    job()
