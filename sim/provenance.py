"""Where a result came from: the config's hash, the code's commit, the packages' versions."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.config.schema import ScenarioConf

PACKAGES = ("summitsim", "simpy", "numpy", "hydra-core", "omegaconf", "pandas", "pyarrow",
            "matplotlib")


def config_hash(conf: ScenarioConf) -> str:
    """SHA-256 of the resolved scenario config: same hash, same design point. The JSON is
    that of `dataclasses.asdict(conf)`, built without its deep copies: this runs for every
    design point of a sweep, in the process that hands the points out."""
    text = json.dumps(_as_data(conf), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _as_data(value: Any) -> Any:
    """A config as plain data, as JSON writes `dataclasses.asdict(value)` (a tuple as a list)."""
    if value is None or isinstance(value, str | int | float):  # most are: checked first
        return value
    if isinstance(value, dict):
        return {k: _as_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_data(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _as_data(getattr(value, name)) for name in _field_names(type(value))}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def git_commit() -> str:
    """The commit of the code that ran, or "unknown" outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).parent, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@functools.cache
def versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Python's version and each package's (the project's, then `extra`)."""
    out = {"python": platform.python_version()}
    for p in (*PACKAGES, *extra):
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "unknown"
    return out
