"""Shared by the lab's Hydra apps: the config is checked before Hydra takes over.

It is composed and checked once (`sim.command.precheck`, as for `python -m sim`), so that a
typo'd key, a wrong type, an unknown strategy or an out-of-range value prints
`error: KEY=VALUE: what is allowed` and exits with code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from sim.command import precheck as check_config

T = TypeVar("T")


def precheck(config_name: str, schema: type[T], check: Callable[[T], None]) -> None:
    """Check the command line's config unless it has Hydra's own flags (--help, -m, ...)."""
    overrides = sys.argv[1:]
    if not any(a.startswith("-") for a in overrides):
        check_config(overrides, config_name, schema, check)
