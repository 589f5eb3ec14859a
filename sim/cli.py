"""The `python -m sim` Hydra app. One job is one design point of many replications.

Before Hydra takes over, a plain run is composed and checked once here, so that any bad
input (unknown scenario, a typo'd key, a malformed YAML file, an out-of-range value) is
one line on stderr naming the key and value, with exit code 2 and no traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config.compose import check_writable, composition_error, fail
from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR, load_run
from sim.config.schema import RunConf

EXIT_FAILED_REPS = 3


def precheck(overrides: list[str], sweep: bool = False) -> RunConf | None:
    """Compose and check the config of a single run; exit 2 with one line if it is bad."""
    from hydra import compose, initialize_config_dir

    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = compose("config", overrides=overrides, return_hydra_config=True)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input here
        fail(composition_error(e, overrides))
    try:
        run = load_run(cfg)
        key = "hydra.sweep.dir" if sweep else "hydra.run.dir"
        check_writable(key, Path(str(cfg.hydra.sweep.dir if sweep else cfg.hydra.run.dir)))
    except ConfigError as e:
        fail(e)
    return run


def precheck_sweep(args: list[str]) -> RunConf | None:
    """Check a sweep's command line and its first design point before Hydra starts.

    The launcher checks every design point before running any (see `sim.launch`).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    if any(a.startswith("-") for a in args):
        return None  # other Hydra flags: leave the command to Hydra
    try:
        parsed = OverridesParser.create().parse_overrides(args)
    except Exception as e:
        fail(composition_error(e, args))
    first = []
    for o in parsed:
        values = list(o.sweep_string_iterator()) if o.is_sweep_override() else [
            o.get_value_element_as_str()]
        group = CONF_DIR / o.key_or_group
        if group.is_dir():  # a config group: every value must name one of its configs
            known = [p.stem for p in group.glob("*.yaml")]
            for v in values:
                if v not in known:
                    fail(unknown_name(o.key_or_group, v, known, o.key_or_group))
        first.append(f"{o.get_key_element()}={values[0]}")
    return precheck(first, sweep=True)


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def app(cfg: DictConfig) -> None:
    """One Hydra job: one design point, many replications."""
    from hydra.types import RunMode

    from sim.analysis.summary import format_table
    from sim.app import completed, run_design_point
    from sim.sweep import SWEEP_DIRS, parse_overrides

    hc = HydraConfig.get()
    try:
        run = load_run(cfg)
        out_dir = Path(hc.runtime.output_dir)
        design_point = run.design_point
        overrides = {}
        if hc.mode == RunMode.MULTIRUN:
            sweep_dir = Path(hc.sweep.dir)
            if sweep_dir not in SWEEP_DIRS:
                SWEEP_DIRS[sweep_dir] = run.plots
            overrides = parse_overrides(list(hc.overrides.task))
            if not run.crn:  # independent streams per job
                design_point += int(hc.job.num)
        done = completed(out_dir, run, design_point)
        if done is not None:
            print(f"{out_dir}: complete, skipped", file=sys.stderr)
            return
        summary = run_design_point(run, out_dir, overrides, design_point)
    except ConfigError as e:
        fail(e)
    print(format_table(summary))
    print(f"results: {out_dir}")
    if summary["failures"]:
        report_failures(summary)
        if hc.mode != RunMode.MULTIRUN:
            sys.exit(EXIT_FAILED_REPS)


def report_failures(summary: dict[str, object]) -> None:
    failed = summary["failed"]
    assert isinstance(failed, list)
    print(f"{len(failed)} replication(s) of {summary['scenario']} failed:", file=sys.stderr)
    for f in failed:
        print(f"  rep {f['rep']} (seed {f['seed']}, spawn_key {tuple(f['spawn_key'])}): "
              f"{f['error']}", file=sys.stderr)


def finish_sweeps() -> int:
    """Gather each sweep this process ran; return the exit status (failures: non-zero)."""
    import json

    import pandas as pd

    from sim.analysis.summary import format_sweep
    from sim.sweep import SWEEP_DIRS, finalize_sweep, job_dirs

    status = 0
    for sweep_dir, plots in SWEEP_DIRS.items():
        table = finalize_sweep(sweep_dir)
        print(format_sweep(pd.read_parquet(table)))
        print(f"sweep: {sweep_dir}")
        if plots:
            from sim.analysis.sweep_plots import draw_sweep_plots

            draw_sweep_plots(sweep_dir)
        for job in job_dirs(sweep_dir):
            path = job / "summary.json"
            if not path.exists():
                print(f"job {job.name}: incomplete", file=sys.stderr)
                status = EXIT_FAILED_REPS
                continue
            summary = json.loads(path.read_text())
            if summary.get("failures"):
                print(f"job {job.name}:", end=" ", file=sys.stderr)
                report_failures(summary)
                status = EXIT_FAILED_REPS
    return status


def main() -> None:
    args = sys.argv[1:]
    multirun = any(a in ("-m", "--multirun") for a in args)
    run = None
    if not any(a.startswith("-") for a in args):
        run = precheck(args)
    elif multirun:
        run = precheck_sweep([a for a in args if a not in ("-m", "--multirun")])
    if run is not None and run.executor == "local":
        from sim.executors import prestart

        prestart(run.workers)  # workers start while Hydra composes
    app()
    if multirun:
        sys.exit(finish_sweeps())
