"""Shared helpers: compose configs the way `python -m sim` does, run scenarios in-process."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

import sim
from sim.config.schema import RunConf
from sim.records import ReplicationResult
from sim.scenario import Scenario


def compose_run(*overrides: str) -> RunConf:
    """Compose `conf/config.yaml` with overrides and check it, as the app does."""
    return sim.load_run(*overrides)


@functools.lru_cache(maxsize=16)
def scenario(name: str) -> Scenario:
    return sim.load_scenario(name)


@functools.lru_cache(maxsize=16)
def replications(name: str, reps: int, seed: int = 0) -> pd.DataFrame:
    """The replications table of `reps` replications of a scenario (cached per session)."""
    sc = scenario(name)
    outcomes = sim.run_replications(sc, reps, seed)
    failed = [r for r in outcomes if not isinstance(r, ReplicationResult)]
    assert not failed, failed
    return sim.replication_table(sc, outcomes)


@pytest.fixture
def run_conf() -> RunConf:
    return compose_run()
