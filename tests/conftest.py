"""Shared helpers: compose configs the way `python -m sim` does, run scenarios in-process."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sim
from sim.config.schema import RunConf
from sim.records import ReplicationResult
from sim.scenario import Scenario

MODULE_FIXTURE = re.compile(r"@pytest\.fixture\(scope=\"module\"")


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



def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `-n`: the tests of a module that has module fixtures (a run, a sweep or a study
    made once for many tests) go to one worker together, so that each fixture is made once
    rather than once on each worker; every other test goes, one at a time, to whichever
    worker is free, as pytest-xdist's `load` sends them. Another `--dist` is left as asked."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    root = Path(str(config.rootpath))
    shared = {str(p.relative_to(root)) for p in (root / "tests").glob("test_*.py")
              if MODULE_FIXTURE.search(p.read_text())}

    class ModuleFixturesTogether(LoadScopeScheduling):  # largest units first, then the rest
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.partition("::")[0]
            return module if module in shared else nodeid

    return ModuleFixturesTogether(config, log)
