"""Shared helpers: compose configs the way `python -m sim` does, run scenarios in-process."""

from __future__ import annotations

import functools

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim import results
from sim.config.load import CONF_DIR, load_run
from sim.config.schema import RunConf
from sim.runner import Batch, run_batch
from sim.scenario import Scenario, compile_scenario
from sim.world.state import ReplicationResult


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
    outcomes = run_batch(sc, Batch(seed, 0, 0, reps, 0))
    ok = [r for r in outcomes if isinstance(r, ReplicationResult)]
    assert len(ok) == reps, [r for r in outcomes if not isinstance(r, ReplicationResult)]
    return pd.DataFrame(results.replication_rows(sc, ok, [r.rep for r in ok]))


@pytest.fixture
def run_conf() -> RunConf:
    return compose_run()
