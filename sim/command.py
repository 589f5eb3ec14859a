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
