"""Shared helpers: compose configs the way `python -m sim` does, run scenarios in-process."""

from __future__ import annotations

import functools

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim import results
from sim.config.load import CONF_DIR, load_run
from sim.config.schema import RunConf
from sim.runner import run_replications
from sim.scenario import Scenario, compile_scenario


def compose_run(*overrides: str) -> RunConf:
    """Compose `conf/config.yaml` with overrides and check it, as the app does."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=list(overrides))
    return load_run(cfg)


@functools.lru_cache(maxsize=16)
def scenario(name: str) -> Scenario:
    return compile_scenario(compose_run(f"scenario={name}").scenario)


@functools.lru_cache(maxsize=16)
def replications(name: str, reps: int, seed: int = 0) -> pd.DataFrame:
    """The replications table of `reps` replications of a scenario (cached per session)."""
    sc = scenario(name)
    parts, done = [], 0
    for batch in run_replications(sc, seed, reps, workers=1):
        parts.append(results.replication_rows(sc, batch, done))
        done += len(batch)
    return results.frame(results.concat_columns(parts))


@pytest.fixture
def run_conf() -> RunConf:
    return compose_run()
