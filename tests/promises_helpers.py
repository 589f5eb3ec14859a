"""Helpers of the promise tests: sweeps run in-process through the real launcher code."""

from __future__ import annotations

import copy
import functools
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim import pool
from sim.config.load import CONF_DIR
from sim.design_point import DesignPoint, design_points

ROOT = Path(__file__).resolve().parents[1]
QUIET = ("workers=1", "plots=false", "progress=false")


@functools.lru_cache(maxsize=8)
def _composed(groups: tuple[str, ...]) -> dict[str, Any]:
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=list(groups))
    data = OmegaConf.to_container(cfg, resolve=False)
    assert isinstance(data, dict)
    return {str(k): v for k, v in data.items()}


def compose_groups(groups: list[str]) -> dict[str, Any]:
    """The plain config data of a choice of config groups, as the launcher composes it."""
    return copy.deepcopy(_composed(tuple(groups)))


def is_group(key: str) -> bool:
    return (CONF_DIR / key).is_dir()


def points(jobs: Sequence[Sequence[str]], sweep_dir: Path, first_job: int = 0
           ) -> list[DesignPoint]:
    """The checked design points of a sweep whose jobs have these overrides."""
    return design_points([list(j) for j in jobs], first_job, sweep_dir, compose_groups,
                         is_group)


def run_sweep(jobs: Sequence[Sequence[str]], sweep_dir: Path) -> list[dict[str, Any]]:
    """Run a sweep's jobs through the launcher's code, in this process."""
    return pool.run_sweep(points(jobs, sweep_dir), progress=False)


def reps_table(run_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(run_dir / "replications.parquet")


def sim(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m sim ARGS` in a fresh process."""
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def damage_pages(table: Path) -> None:
    """Overwrite a Parquet table's pages, leaving its footer (read as the table opens) whole:
    damage found only when the data is read."""
    data = bytearray(table.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little") + 8  # its length, then b"PAR1"
    data[4:len(data) - footer] = b"\xff" * (len(data) - footer - 4)
    table.write_bytes(bytes(data))
