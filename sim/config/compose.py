"""Hydra composition failures and output paths, turned into one-line `ConfigError`s."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NoReturn

from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR, explain_composition_error, load_run
from sim.config.schema import RunConf

EXIT_BAD_INPUT = 2


def fail(error: ConfigError) -> NoReturn:
    """Report bad input as one line on stderr and exit with code 2."""
    print(f"error: {error}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def compose(overrides: list[str], config_name: str = "config", config_dir: Path = CONF_DIR,
            hydra: bool = False) -> DictConfig:
    """Compose a config of `config_dir` with Hydra overrides (and Hydra's own node if asked).

    Hydra's exceptions pass through: `composition_error` turns them into one line.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=str(config_dir), version_base="1.3"):
        return hydra_compose(config_name, overrides=overrides, return_hydra_config=hydra)


def compose_checked(overrides: list[str]) -> RunConf:
    """Compose `python -m sim`'s config and check it; `ConfigError` (one line) if it is bad."""
    try:
        cfg = compose(overrides)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        raise composition_error(e, overrides) from None
    return load_run(cfg)


def override_value(overrides: list[str], key: str) -> str:
    """The value given to `key` on the command line, or "" if none."""
    for o in overrides:
        name, _, value = o.lstrip("+~").partition("=")
        if name == key:
            return value
    return ""


def composition_error(e: Exception, overrides: list[str]) -> ConfigError:
    """Turn a Hydra composition failure into a one-line `ConfigError`."""
    explained = explain_composition_error(e, overrides)
    if explained is not None:
        return explained
    text = str(e)
    missing = re.search(r"Could not find '([^']+)/([^']+)'", text)
    if missing:
        group, name = missing.groups()
        return unknown_name(group, name, known_configs(group, overrides),
                            group.replace("_", " "))
    base = re.search(r"In '([^']+)': Could not load '([^']+)/([^']+)'", text)
    if base:  # a file's defaults list names a config that does not exist
        where, group, name = base.groups()
        known = ", ".join(known_configs(group, overrides)) or "none"
        return ConfigError(f"{where}.yaml: defaults", f"{group}/{name}",
                           f"no such config; known in {group}/: {known}")
    bad_key = re.search(r"Could not (?:override|append to) '([^']+)'", text) or re.search(
        r"Key '([^']+)' is not in struct", text)
    if bad_key:
        key = bad_key.group(1)
        return ConfigError(key, override_value(overrides, key),
                           "unknown key; see `python -m sim --help` for the knobs")
    cause: BaseException = e
    while cause.__cause__ is not None:
        cause = cause.__cause__
        if isinstance(cause, OmegaConfBaseException) and getattr(cause, "full_key", None):
            key = str(cause.full_key)
            return ConfigError(key, override_value(overrides, key) or getattr(cause, "value", ""),
                               str(getattr(cause, "msg", cause)).splitlines()[0])
    lines = [ln.strip() for ln in str(cause).splitlines() if ln.strip()]
    where = re.search(r'in "([^"]+)", line (\d+)', str(cause))
    if where:
        return ConfigError(f"{Path(where.group(1)).name}:{where.group(2)}", lines[0],
                           "malformed YAML: " + " ".join(lines[1:3]))
    return ConfigError("<overrides>", " ".join(overrides), lines[0] if lines else repr(e))


def known_configs(group: str, overrides: list[str]) -> list[str]:
    """The config names of a group in `conf/` and the user's folders on the search path."""
    dirs = [CONF_DIR]
    for o in overrides:
        if o.startswith("hydra.searchpath="):
            dirs += [Path(p) for p in re.findall(r"file://([^,'\]\s]+)", o)]
    return sorted({p.stem for d in dirs for p in (d / group.strip("/")).glob("*.yaml")})


def check_writable(key: str, path: Path) -> None:
    """Fail unless `path` is, or can be made, a writable directory."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ConfigError(key, str(path), f"{probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(key, str(path), f"{probe} is not writable")
