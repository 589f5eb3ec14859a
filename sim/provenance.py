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

from sim.config.schema import ScenarioConf

PACKAGES = ("summitsim", "simpy", "numpy", "hydra-core", "omegaconf", "pandas", "pyarrow",
            "matplotlib")


def config_hash(conf: ScenarioConf) -> str:
    """SHA-256 of the resolved scenario config: same hash, same design point."""
    text = json.dumps(dataclasses.asdict(conf), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


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
