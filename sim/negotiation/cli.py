"""Shared by the lab's Hydra apps: load and check a config; bad input is one line, exit 2.

Before Hydra takes over, the config is composed (`sim.config.compose`, as for every
command) and checked once here, so that a typo'd key, a wrong type, an unknown strategy or
an out-of-range value prints `error: KEY=VALUE: what is allowed` and exits with code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sim.command import fail
from sim.config.compose import check_writable, compose, composition_error
from sim.config.errors import ConfigError
from sim.config.load import load

T = TypeVar("T")


def precheck(config_name: str, schema: type[T], check: Callable[[T], None]) -> None:
    """Compose and check the command line's config; exit 2 with one line if it is bad."""
    overrides = sys.argv[1:]
    if any(a.startswith("-") for a in overrides):
        return  # --help, --cfg, -m ...: Hydra's own
    try:
        cfg = compose(overrides, config_name, hydra=True)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        fail(composition_error(e, overrides, config_name, schema))
    try:
        load(cfg, schema, check)
        check_writable("hydra.run.dir", Path(str(cfg.hydra.run.dir)))
    except ConfigError as e:
        fail(e)
