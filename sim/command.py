"""What every command does with bad input: one line on stderr, and its exit code.

Composing is imported where a command composes, so that a command without a config of
its own (`sim.compare`) starts without Hydra.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from sim.config.errors import ConfigError, one_line
from sim.interrupts import from_ctrl_c

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from omegaconf import DictConfig
    from omegaconf.errors import OmegaConfBaseException

EXIT_BAD_INPUT = 2
EXIT_FAILED_REPS = 3  # replications raised (they are listed); the others are saved
EXIT_WORKER_LOST = 1  # a worker process was killed: as Python ends on an error, in one line
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (| head): 128 + SIGPIPE
T = TypeVar("T")


def run_command(main: Callable[[], int | None]) -> NoReturn:
    """Run a command's `main` and exit with its status. Ctrl-C, or an error raised as it
    unwound the command, ends it as Python ends on Ctrl-C, with the one line of
    `sim.interrupts` (what it was writing does not look complete); a reader of its output
    that goes away (`| head`) ends it quietly, exit code 141."""
    logging.raiseExceptions = False  # as in production: a log line that cannot be written goes
    for name in ("stdout", "stderr"):  # None if the command was started with it closed (>&-):
        if getattr(sys, name) is None:  # what it would say there is dropped, not an error
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 - open until the end
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        output_closed()
    except Exception as e:
        if from_ctrl_c(e):
            raise KeyboardInterrupt from e
        from sim.executors.base import WorkerLost  # on the way out only: a light start

        if isinstance(e, WorkerLost):
            worker_lost(e)
        raise
    sys.exit(status)


def worker_lost(error: Exception) -> NoReturn:
    """End with one line, not a traceback, when a worker process was killed (`WorkerLost`)."""
    print(f"error: {error}", file=sys.stderr)
    sys.exit(EXIT_WORKER_LOST)


def output_closed() -> NoReturn:
    """End quietly, as `yes | head` ends, when the reader of stdout went away: the rest of
    the output is not wanted (and nothing is left for Python to flush at exit)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(EXIT_BROKEN_PIPE)


def fail(error: ConfigError) -> NoReturn:
    """Report bad input as one line on stderr and exit with code 2; an error that Ctrl-C
    caused is told as Ctrl-C is (its own causes, or those of the exception being handled as
    it is told: a library stopped halfway leaves a config that makes no sense)."""
    if from_ctrl_c(error) or from_ctrl_c(sys.exception()):
        raise KeyboardInterrupt
    print(f"error: {error}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose bad arguments are told as all bad input is: one line and exit 2,
    without argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        required = "the following arguments are required: "
        if message.startswith(required):  # argparse lists the optional positionals too
            optional = {a.metavar if isinstance(a.metavar, str) else a.dest for a in
                        self._actions if not a.option_strings and a.nargs in ("*", "?")}
            message = required + ", ".join(
                n for n in message.removeprefix(required).split(", ") if n not in optional)
        print(f"error: {one_line(message)}; see {self.prog} --help", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def user_folders(args: Sequence[str]) -> list[str]:
    """`--config-dir DIR` (a user's scenario folder; may be given again) as Hydra's search
    path, `hydra.searchpath=[file://DIR, ...]`, last on the command line returned, every
    folder checked like `conf/` (`check_folders`); bad input is one line and exit 2.

    DIR has the layout of `conf/`: `DIR/scenario/NAME.yaml` (and `DIR/base/` if it has
    bases); it is searched after `conf/`, so its scenarios may build on the shipped ones."""
    from sim.config.compose import check_folders
    from sim.config.load import SEARCHPATH, searching

    out, dirs, given = [], [], iter(args)
    for a in given:
        if a in ("--config-dir", "-cd"):
            dirs.append(next(given, ""))
        elif a.startswith("--config-dir="):
            dirs.append(a.partition("=")[2])
        else:
            out.append(a)
    try:
        for d in dirs:
            if not (d and os.path.isdir(user_path(d))):  # False for a name too long
                what = "a file, not a folder" if d and os.path.exists(user_path(d)) else (
                    "no such folder")
                raise ConfigError("--config-dir", d, f"{what}; give a folder that holds "
                                  "scenario/NAME.yaml")
        if dirs and any(a.startswith(SEARCHPATH) for a in out):
            raise ConfigError("--config-dir", dirs[0], "give the folders either with "
                              "--config-dir or with hydra.searchpath, not both")
        if dirs:
            out.append(searching(f"file://{user_path(d).resolve()}" for d in dirs))
        check_folders(out, "--config-dir" if dirs else SEARCHPATH)
    except ConfigError as e:
        fail(e)
    return out


def user_path(text: str) -> Path:
    """A path given on the command line, `~` as the home folder, where a shell leaves it
    (`--out=~/x`, `out=~/x` in zsh, or quoted)."""
    return Path(text).expanduser()


FOLDER_HELP = "a folder of your own scenarios, DIR/scenario/NAME.yaml (see README)"


def folders_apart(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """`user_folders`, with the search path it makes apart from the other arguments, for a
    command whose own arguments are not Hydra overrides: (the others, [the search path])."""
    from sim.config.load import SEARCHPATH

    given = user_folders(args)
    folders = [a for a in given if a.startswith(SEARCHPATH + "=")]
    return [a for a in given if a not in folders], folders


def before_hydra(args: Sequence[str], prog: str, config_name: str, schema: type[T],
                 check: Callable[[T], None], launcher_checks: bool = False) -> list[str]:
    """Read a command line with Hydra's own flags (--help, --cfg, -m, ...) as Hydra will,
    and compose its config, so that an unknown flag, a bad value of one, or an override the
    config does not take is one line and exit 2, not Hydra's usage block or message.
    Overrides may come on either side of a flag, as in summitsim's other commands; the
    command line is returned as Hydra reads it, the overrides first (so that none is read
    as the value of a flag such as --info).

    A config shown (--cfg, --info) is checked by `check` as a run's is: what it shows would
    run. A sweep (-m) has each of its jobs composed and checked first, unless its launcher
    checks them itself (`launcher_checks`: `python -m sim`'s summitsim launcher) and no
    other sweeper than summitsim's composes them before it. The flags
    that would make Hydra compose another config, or none, are refused: a command runs its
    own config; so is shell completion, which Hydra offers only to `python FILE.py`."""
    from hydra import __version__ as hydra_version
    from hydra._internal.utils import get_args_parser

    from sim import __version__
    from sim.config.compose import compose, composition_error, first_job, no_jobs, parses
    from sim.config.load import load

    parser = ArgumentParser(prog=prog, parents=[get_args_parser()], add_help=False,
                            conflict_handler="resolve")
    parser.add_argument("--version", action="version",  # Hydra's says only Hydra's version
                        version=f"summitsim {__version__} (Hydra {hydra_version})")
    ns = parser.parse_intermixed_args(args)
    flags = list(args)
    for override in ns.overrides:
        flags.remove(override)
    own = f"{prog} runs conf/{config_name}.yaml, changed with KEY=VALUE" + (
        " (a folder of your own scenarios: --config-dir DIR)" if config_name == "config" else "")
    for flag, value in (("--config-name", ns.config_name), ("--config-path", ns.config_path),
                        ("--config-dir", ns.config_dir)):
        if value is not None:
            fail(ConfigError(flag, value, own))
    if ns.experimental_rerun is not None:
        fail(ConfigError("--experimental-rerun", ns.experimental_rerun, "not supported: a run "
                         "saves its overrides in .hydra/overrides.yaml; run them again"))
    if ns.shell_completion:
        fail(ConfigError("flags", "--shell-completion", "not offered: Hydra completes "
                         "`python FILE.py` command lines, not `python -m MODULE`"))
    if sum(map(bool, (ns.multirun, ns.run, ns.cfg, ns.info))) > 1:
        fail(ConfigError("flags", " ".join(f for f in flags if f.startswith("-")), "Hydra takes "
                         "one of -m (a sweep), --run, --cfg and --info at a time; give one"))
    if (ns.package is not None and not ns.cfg) or (ns.resolve and not (ns.cfg or ns.help)):
        fail(ConfigError("flags", " ".join(flags), "--package and --resolve change what --cfg "
                         "shows: give --cfg job (or hydra, all) with them"))
    if ns.multirun and not (ns.help or ns.hydra_help):
        other_sweeper = any(o.startswith("hydra/sweeper=") and o != "hydra/sweeper=summitsim"
                            for o in ns.overrides)
        if other_sweeper or not launcher_checks:
            first = check_jobs(ns.overrides, config_name, schema, check, other_sweeper)
            if other_sweeper:  # it saves the sweep's config before a launcher checks a job
                sweep_folder(first, config_name)
        return [*ns.overrides, *flags]
    if (ns.help or ns.hydra_help) and not ns.overrides:  # nothing of the user's to check
        return flags
    if ns.multirun:  # Hydra's help shows one config, not a sweep's: its first job's
        firsts = [first_job(o, ns.overrides) for o in ns.overrides]
        if not all(firsts) and all(map(parses, ns.overrides)):  # a sweep of no values
            fail(no_jobs(ns.overrides, ns.overrides))
        ns.overrides = [first or o for first, o in zip(firsts, ns.overrides, strict=True)]
    try:
        cfg = compose(ns.overrides, config_name, hydra=True)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        fail(composition_error(e, ns.overrides, config_name, schema))
    if ns.cfg or ns.info:
        try:
            load(cfg, schema, check)
        except ConfigError as e:
            fail(e)
    package = None if ns.package == "_global_" else ns.package
    if ns.cfg and (package or ns.resolve):
        shown_config(cfg, ns.cfg, package, ns.resolve)
    if ns.hydra_help:  # Hydra composes its own node alone for it: the command's keys are not there
        return [*(o for o in ns.overrides if o.lstrip("+~").startswith("hydra")), *flags]
    return [*ns.overrides, *flags]


def shown_config(cfg: DictConfig, shown: str, package: str | None, resolve: bool) -> None:
    """Exit 2 with one line unless Hydra can show `--cfg SHOWN` (with `--package PACKAGE`,
    `--resolve`): a key that is there, values that resolve, in the part it shows. The job's
    values have been checked already (`load`, which resolves them all)."""
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    from sim.config.errors import unknown_name
    from sim.config.load import unresolved

    HydraConfig.instance().set_config(cfg)  # for ${hydra:...}, as Hydra shows it
    data: Any = OmegaConf.to_container(cfg, resolve=False)
    hidden = ("help", "hydra_help") if shown == "hydra" else ()  # Hydra leaves its help out
    if shown != "all":  # job: all but Hydra's node; hydra: only that
        data = {k: v for k, v in data.items() if (k == "hydra") == (shown == "hydra")}
        for key in hidden:
            data["hydra"].pop(key, None)
    node = data
    for part in package.split(".") if package else ():
        if not isinstance(node, dict) or part not in node:
            known = [str(k) for k in node] if isinstance(node, dict) else []
            told = "; Hydra's help is shown by --cfg all" if part in hidden else ""
            fail(ConfigError("--package", package, unknown_name(
                "", part, known, f"key of --cfg {shown}").allowed + told))
        node = node[part]
    key, value = ("--package", package) if package else ("--cfg", shown)
    try:  # as Hydra will select and resolve it, in what --cfg SHOWN keeps
        node = OmegaConf.create(data)
        node = OmegaConf.select(node, package) if package else node
        if resolve and OmegaConf.is_config(node):
            OmegaConf.resolve(node)
    except Exception as e:  # an interpolation into what it leaves out; OmegaConf raises many
        bad = unresolvable(node, package or "") if shown == "all" else None  # all is there
        if bad is not None:
            fail(unresolved(cfg, bad))
        reason = one_line(str(e).splitlines()[0])
        fail(ConfigError(key, value, f"a value there resolves nowhere ({reason})" if shown ==
                         "all" else f"cannot be shown by --cfg {shown} alone ({reason}); show "
                         "it with --cfg all"))
    if node is None:
        fail(ConfigError(key, value, "is null: nothing to show"))


def unresolvable(node: Any, at: str = "") -> OmegaConfBaseException | None:
    """OmegaConf's error for the first value under `node` (at key `at`) that does not
    resolve, which names its key (`OmegaConf.resolve` names none). One that is, or points
    at, a missing value (???) is left missing, as `OmegaConf.resolve` leaves it; Hydra's
    record of the command line (`hydra.overrides`) is passed over: it repeats values given
    to keys."""
    from omegaconf import OmegaConf
    from omegaconf.errors import (
        InterpolationToMissingValueError,
        MissingMandatoryValue,
        OmegaConfBaseException,
    )

    for key in node if OmegaConf.is_dict(node) else range(len(node)):
        inner = f"{at}.{key}" if at else str(key)
        if inner == "hydra.overrides":
            continue
        try:
            child = node[key]  # resolved
        except (MissingMandatoryValue, InterpolationToMissingValueError):
            continue
        except OmegaConfBaseException as e:
            return e
        found = unresolvable(child, inner) if OmegaConf.is_config(child) else None
        if found is not None:
            return found
    return None


def check_jobs(overrides: Sequence[str], config_name: str, schema: type[T],
               check: Callable[[T], None], hydras_sweeper: bool = False) -> DictConfig:
    """Compose and check every job of a sweep, split as Hydra's basic sweeper splits it (the
    sweep a file gives its sweeper, `hydra.sweeper.params`, first), before any runs; exit 2
    with one line at the first bad one. Returns the first job's composed config. A glob
    chooses among the user's folders too, but under Hydra's own sweeper (`hydras_sweeper`),
    which chooses among conf/'s configs alone."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import ValueType
    from omegaconf import OmegaConf

    from sim.config.compose import (
        HYDRA_SWEPT,
        as_swept,
        compose,
        composition_error,
        no_jobs,
    )

    parse = OverridesParser.create().parse_overrides
    try:
        given = parse(list(overrides))
        for o in given:  # Hydra's sweeper refuses it as the sweep starts: here, one line
            if o.is_sweep_override() and o.is_hydra_override():
                raise ConfigError(o.key_or_group, str(o.input_line).partition("=")[2],
                                  HYDRA_SWEPT)
        swept = compose([str(o.input_line) for o in given if not o.is_sweep_override()],
                        config_name, hydra=True)  # the sweep's config, as Hydra's sweeper has it
        params = {str(k): v for k, v in (OmegaConf.select(swept, "hydra.sweeper.params")
                                         or {}).items()}
        parsed = as_swept(parse([*(f"{k}={v}" for k, v in params.items()), *overrides]),
                          [] if hydras_sweeper else overrides, overrides)
        globbed = any(o.value_type == ValueType.GLOB_CHOICE_SWEEP for o in parsed)  # of none
        jobs = [] if globbed else BasicSweeper.split_arguments(parsed, None)[0]
    except Exception as e:  # Hydra's parser and sweeper raise several kinds
        fail(composition_error(e, overrides, config_name, schema, sweeping=True))
    if not jobs:  # a glob chooses nothing, or a sweep has no values
        fail(no_jobs(overrides, [] if hydras_sweeper else overrides, params))
    first = composed(jobs[0], config_name, schema, check)[1]
    for job in jobs[1:]:
        composed(job, config_name, schema, check)
    return first


def sweep_folder(cfg: DictConfig, config_name: str) -> None:
    """Another sweeper than summitsim's saves the sweep's config in its folder before any
    check of ours: the folder (of `cfg`, the sweep's first job composed) is checked first
    and held until the command ends, as summitsim's sweeper holds it (exit 2 if another
    command is writing there, if it holds other results, or is inside some). A folder
    named by what Hydra sets as the sweep starts (${hydra.job.*}) is left to the launcher's
    check; one named by the time (${now:...}), which Hydra reads again, is checked but not
    held."""
    import atexit
    from contextlib import ExitStack

    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from sim.results import check_holds, holding, sweep_of

    try:
        given = str(cfg.hydra.sweep.dir)
    except OmegaConfBaseException:
        return
    written = OmegaConf.to_container(cfg.hydra.sweep, resolve=False)
    dated = isinstance(written, dict) and "${now:" in str(written.get("dir"))
    folder, kind, hold = Path(given).absolute(), sweep_of(config_name), ExitStack()
    try:
        if dated:  # Hydra names the folder anew as the sweep starts
            check_holds(folder, "hydra.sweep.dir", given, kind)
        else:
            hold.enter_context(holding(folder, "hydra.sweep.dir", given, kind))
            atexit.register(hold.close)  # as the command ends
    except ConfigError as e:
        fail(e)


def composed(overrides: Sequence[str], config_name: str, schema: type[T],
             check: Callable[[T], None]) -> tuple[T, DictConfig]:
    """A command's config composed with `overrides` and checked, and the composed one;
    exit 2 with one line if it is bad."""
    from sim.config.compose import check_values, compose, composition_error
    from sim.config.load import load

    try:
        cfg = compose(overrides, config_name, hydra=True)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        fail(composition_error(e, overrides, config_name, schema))
    try:
        check_values(overrides, schema)
        return load(cfg, schema, check), cfg
    except ConfigError as e:
        fail(e)


def precheck(overrides: Sequence[str], config_name: str, schema: type[T],
             check: Callable[[T], None]) -> tuple[T, DictConfig, Path]:
    """Compose a Hydra command's config once and check it and its run folder; exit 2 with
    one line if either is bad. Returns the checked config, the composed one and the folder."""
    from omegaconf.errors import OmegaConfBaseException

    from sim.config.compose import check_writable
    from sim.config.load import unresolved

    checked, cfg = composed(overrides, config_name, schema, check)
    try:
        str(cfg.hydra.job.name)  # the log file's name, before Hydra makes the folder
        out_dir = Path(str(cfg.hydra.run.dir)).absolute()
        check_writable("hydra.run.dir", out_dir)
    except OmegaConfBaseException as e:  # a folder named by an interpolation that fails
        fail(unresolved(cfg, e))
    except ConfigError as e:
        fail(e)
    return checked, cfg, out_dir


def hydra_command(config_name: str, schema: type[T], check: Callable[[T], None],
                  task: Callable[[T, Path], None], holds: str) -> None:
    """The `main` of a Hydra command: its config composed and checked once (`precheck`),
    then `task(config, run folder)` run as Hydra runs a job, the folder held meanwhile
    (the results of the kind `holds` are written there: `sim.results.HOLDS`);
    with Hydra's own flags (--help, --cfg, -m, ...), or a config that asks to be swept,
    Hydra's command line takes over, each job checked alike."""
    import hydra
    from hydra.core.hydra_config import HydraConfig

    from sim.config.load import CONF_DIR, load

    sys.argv[1:] = with_mode(sys.argv[1:])
    overrides = run_overrides(sys.argv[1:])
    if overrides is not None:
        checked, cfg, out_dir = precheck(overrides, config_name, schema, check)
        if not asks_for_a_sweep(cfg):
            run_as_job(cfg, out_dir, lambda: task(checked, out_dir), holds)
            return
        sys.argv[1:] = ["-m", *overrides]
    sys.argv[1:] = before_hydra(sys.argv[1:], f"python -m sim.{config_name}", config_name,
                                schema, check)

    def job(cfg: DictConfig) -> None:
        try:
            conf = load(cfg, schema, check)
        except ConfigError as e:
            fail(e)
        try:
            with named_by_job_folder():
                task(conf, Path(HydraConfig.get().runtime.output_dir))
        except BrokenPipeError:  # before Hydra reports it as the job's failure
            output_closed()
        except ConfigError as e:  # found as it ran (a file it cannot write): likewise
            fail(e)

    hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name=config_name)(job)()


def named_by_job_folder() -> AbstractContextManager[None]:
    """Around the task of the Hydra job running now: a file it cannot write is named by the
    setting that gave its folder (`sim.results.named_by`): hydra.sweep.dir in a sweep."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from sim.results import named_by

    hc = HydraConfig.get()
    key, given = (("hydra.sweep.dir", hc.sweep.dir) if hc.mode == RunMode.MULTIRUN
                  else ("hydra.run.dir", hc.run.dir))
    return named_by(key, Path(given), str(given))


def asks_for_a_sweep(cfg: DictConfig) -> bool:
    """Whether a run's composed config asks to be swept (`hydra.mode: MULTIRUN`, as an
    experiment of Hydra's documentation does with its sweep), which Hydra sweeps without -m."""
    from hydra.types import RunMode

    return bool(cfg.hydra.mode == RunMode.MULTIRUN)


def with_mode(args: list[str]) -> list[str]:
    """A run's command line as a sweep's (-m) if an override of it asks for one
    (`hydra.mode=MULTIRUN`), as Hydra runs it, its sweeps included; a file's mode is read
    once composed (`asks_for_a_sweep`)."""
    from sim.config.compose import override_value

    asked = override_value(args, "hydra.mode").strip("'\"").upper() in ("MULTIRUN", "2")
    if asked and {a for a in args if a.startswith("-")} <= {"-r", "--run"}:
        return ["-m", *(a for a in args if a not in ("-r", "--run"))]
    return args


def run_overrides(args: Sequence[str]) -> list[str] | None:
    """A run's overrides: the command line, if it has no flag but Hydra's --run (-r), which
    says what no flag says; None if it has Hydra's other flags (--help, --cfg, -m, ...)."""
    if not {a for a in args if a.startswith("-")} <= {"-r", "--run"}:
        return None
    return [a for a in args if a not in ("-r", "--run")]


def run_as_job(cfg: DictConfig, out_dir: Path, task: Callable[[], None], holds: str) -> None:
    """Run `task` as Hydra runs a job of the composed `cfg` in `out_dir` (the config,
    overrides and Hydra's settings saved in `.hydra/`, logging), without composing again;
    the folder is held meanwhile, for results of the kind `holds` (`sim.results.holding`)."""
    from hydra._internal.callbacks import Callbacks
    from hydra.core.utils import run_job
    from hydra.types import HydraContext
    from omegaconf import open_dict

    from sim.config.compose import setup_error
    from sim.executors.base import WorkerLost
    from sim.results import holding, named_by

    def job(_: DictConfig) -> None:
        try:
            with named_by("hydra.run.dir", out_dir, given):
                task()
        except BrokenPipeError:  # before Hydra reports it as the job's failure
            output_closed()
        except ConfigError as e:  # found as it ran (a file it cannot write): before Hydra
            fail(e)  # logs the job's failure, a second line
        except WorkerLost as e:  # likewise
            worker_lost(e)

    given = str(cfg.hydra.run.dir)  # as the command line gave it
    with open_dict(cfg):  # as Hydra sets them for a run of its own
        cfg.hydra.run.dir, cfg.hydra.mode = str(out_dir), "RUN"
    try:
        with holding(out_dir, "hydra.run.dir", given, holds):
            try:
                done = run_job(hydra_context=HydraContext(
                    config_loader=None, callbacks=Callbacks(cfg)),  # type: ignore[arg-type]
                    task_function=job, config=cfg, job_dir_key="hydra.run.dir",
                    job_subdir_key=None)
            except Exception as e:  # raised before the task ran (run_job keeps the task's own)
                fail(setup_error(cfg, e))
            done.return_value  # noqa: B018 - raises what the job raised
    except ConfigError as e:  # the folder held by another command, or bad input found late
        fail(e)
