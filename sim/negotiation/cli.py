"""Shared by the lab's Hydra apps: load and check a config; bad input is one line, exit 2.

Before Hydra takes over, the composed config is checked once here, so that a typo'd
key, a wrong type, an unknown strategy or an out-of-range value prints
`error: KEY=VALUE: what is allowed` on stderr and exits with code 2, without a traceback.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.compose import check_writable, fail, override_value
from sim.config.convert import build
from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR, reject_code

T = TypeVar("T")


def _unknown_key(key: str, overrides: list[str], defaults: DictConfig) -> ConfigError:
    """An unknown dotted key, with the keys known where it goes wrong and a suggestion."""
    node: Any = defaults
    for part in key.split("."):
        if not isinstance(node, DictConfig) or part not in node:
            known = [str(k) for k in node] if isinstance(node, DictConfig) else []
            allowed = unknown_name(key, part, known, "key").allowed
            return ConfigError(key, override_value(overrides, key), allowed)
        node = node[part]
    return ConfigError(key, override_value(overrides, key), "unknown key; see --help")


def _error(e: OmegaConfBaseException, overrides: list[str]) -> ConfigError:
    key = str(getattr(e, "full_key", "") or "<config>")
    msg = str(getattr(e, "msg", None) or e).splitlines()[0]
    return ConfigError(key, override_value(overrides, key) or getattr(e, "value", ""), msg)


def composition_error(e: Exception, overrides: list[str], defaults: DictConfig) -> ConfigError:
    """A Hydra composition failure as one `ConfigError`, suggesting the key meant."""
    text = str(e)
    bad_key = re.search(r"Could not (?:override|append to) '([^']+)'", text) or re.search(
        r"Key '([^']+)' is not in struct", text)
    if bad_key:
        return _unknown_key(bad_key.group(1), overrides, defaults)
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, OmegaConfBaseException) and getattr(cause, "full_key", None):
            return _error(cause, overrides)
        cause = cause.__cause__
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), repr(e))
    return ConfigError("<overrides>", " ".join(overrides), first)


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
    from hydra import compose, initialize_config_dir

    overrides = sys.argv[1:]
    if any(a.startswith("-") for a in overrides):
        return  # --help, --cfg, -m ...: Hydra's own
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        try:
            cfg = compose(config_name, overrides=overrides, return_hydra_config=True)
        except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input here
            fail(composition_error(e, overrides, compose(config_name)))
    try:
        load(cfg, schema, check)
        check_writable("hydra.run.dir", Path(str(cfg.hydra.run.dir)))
    except ConfigError as e:
        fail(e)
    except OmegaConfBaseException as e:
        fail(_error(e, overrides))
