"""What every command does with bad input: one line on stderr, and its exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from sim.config.compose import check_writable, compose, composition_error
from sim.config.errors import ConfigError
from sim.config.load import load

if TYPE_CHECKING:
    from omegaconf import DictConfig

EXIT_BAD_INPUT = 2
EXIT_FAILED_REPS = 3  # replications raised (they are listed); the others are saved
T = TypeVar("T")


def fail(error: ConfigError) -> NoReturn:
    """Report bad input as one line on stderr and exit with code 2."""
    print(f"error: {error}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def precheck(overrides: Sequence[str], config_name: str, schema: type[T],
             check: Callable[[T], None]) -> tuple[T, DictConfig, Path]:
    """Compose a Hydra command's config once and check it and its run folder; exit 2 with
    one line if either is bad. Returns the checked config, the composed one and the folder."""
    try:
        cfg = compose(overrides, config_name, hydra=True)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        fail(composition_error(e, overrides, config_name, schema))
    try:
        checked = load(cfg, schema, check)
        out_dir = Path(str(cfg.hydra.run.dir)).absolute()
        check_writable("hydra.run.dir", out_dir)
    except ConfigError as e:
        fail(e)
    return checked, cfg, out_dir


def hydra_command(config_name: str, schema: type[T], check: Callable[[T], None],
                  task: Callable[[T, Path], None], hydra_app: Callable[[], None]) -> None:
    """The `main` of a Hydra command: its config composed and checked once (`precheck`),
    then `task(config, run folder)` run as Hydra runs a job; with Hydra's own flags
    (--help, --cfg, -m, ...) Hydra's command line, `hydra_app`, takes over."""
    overrides = sys.argv[1:]
    if any(a.startswith("-") for a in overrides):
        hydra_app()
        return
    checked, cfg, out_dir = precheck(overrides, config_name, schema, check)
    run_as_job(cfg, out_dir, lambda: task(checked, out_dir))


def run_as_job(cfg: DictConfig, out_dir: Path, task: Callable[[], None]) -> None:
    """Run `task` as Hydra runs a job of the composed `cfg` in `out_dir` (the config,
    overrides and Hydra's settings saved in `.hydra/`, logging), without composing again."""
    from hydra._internal.callbacks import Callbacks
    from hydra.core.utils import run_job
    from hydra.types import HydraContext
    from omegaconf import open_dict

    with open_dict(cfg):  # as Hydra sets them for a run of its own
        cfg.hydra.run.dir, cfg.hydra.mode = str(out_dir), "RUN"
    done = run_job(hydra_context=HydraContext(config_loader=None,  # type: ignore[arg-type]
                                              callbacks=Callbacks(cfg)),
                   task_function=lambda _: task(), config=cfg,
                   job_dir_key="hydra.run.dir", job_subdir_key=None)
    done.return_value  # noqa: B018 - raises what the job raised
