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

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.command import fail
from sim.config.compose import check_writable, compose, composition_error, override_value
from sim.config.convert import build
from sim.config.errors import ConfigError
from sim.config.load import reject_code

T = TypeVar("T")


def load(cfg: DictConfig, schema: type[T], check: Callable[[T], None]) -> T:
    """The config as a checked `schema` instance; raises `ConfigError`."""
    data = {str(k): OmegaConf.to_container(cfg[k], resolve=True)
            if OmegaConf.is_config(cfg[k]) else cfg[k] for k in cfg if k != "hydra"}
    reject_code(data)
    obj = build(schema, data, "")
    check(obj)
    return obj


def precheck(config_name: str, schema: type[T], check: Callable[[T], None]) -> None:
    """Compose and check the command line's config; exit 2 with one line if it is bad."""
    overrides = sys.argv[1:]
    if any(a.startswith("-") for a in overrides):
        return  # --help, --cfg, -m ...: Hydra's own
    try:
        cfg = compose(overrides, config_name, hydra=True)
        load(cfg, schema, check)
        check_writable("hydra.run.dir", Path(str(cfg.hydra.run.dir)))
    except ConfigError as e:
        fail(e)
    except OmegaConfBaseException as e:  # a value that does not resolve, with its key
        key = str(getattr(e, "full_key", "") or "<config>")
        fail(ConfigError(key, override_value(overrides, key) or getattr(e, "value", ""),
                         str(getattr(e, "msg", None) or e).splitlines()[0]))
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        fail(composition_error(e, overrides, config_name))
