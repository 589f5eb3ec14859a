"""summitsim: a discrete-event simulator of high-stakes bilateral negotiation.

The public API, for scripts, notebooks and tests (imports are deferred, so that worker
processes importing `sim` stay light):

    sc = sim.load_scenario("historical_2023", "reps=100")
    results = sim.run_replications(sc, reps=100, seed=0)
    table = sim.replication_table(sc, results)          # one row per replication
    table = sim.read_results("outputs/.../replications.parquet")   # a saved table
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.interrupts import tell_ctrl_c

tell_ctrl_c()  # first: a command's Ctrl-C is one line, even as it loads

from sim.compiled import guard  # noqa: E402

guard(__path__[0])  # the compiled hot path only while it matches its source: sim/compiled.py

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from sim.config.schema import RunConf
    from sim.records import Failure, ReplicationResult
    from sim.scenario import Scenario

__version__ = "0.1.0"


def load_run(*overrides: str) -> RunConf:
    """Compose `conf/config.yaml` with Hydra overrides and check it, as `python -m sim` does
    (a user's folder given as `hydra.searchpath=[file://DIR]` included);
    `sim.config.errors.ConfigError` on bad input."""
    from sim.config.compose import check_folders, compose_checked

    check_folders(overrides)
    return compose_checked(list(overrides))


def load_scenario(name: str = "historical_2023", *overrides: str) -> Scenario:
    """A named scenario (a file of `conf/scenario/`), checked and compiled for running."""
    from sim.scenario import compile_scenario

    return compile_scenario(load_run(f"scenario={name}", *overrides).scenario)


def run_replications(sc: Scenario, reps: int, seed: int = 0, design_point: int = 0,
                     trace_reps: int = 0) -> list[ReplicationResult | Failure]:
    """Run replications 0..reps-1 in this process; those below `trace_reps` keep their trace.
    `sim.config.errors.ConfigError` for a count or seed the command refuses: negative, not a
    whole number, or beyond 64 bits."""
    from sim.config.convert import convert
    from sim.config.errors import ConfigError
    from sim.runner import Batch, run_batch

    for key, value in (("reps", reps), ("seed", seed), ("design_point", design_point),
                       ("trace_reps", trace_reps)):
        if convert(int, value, key) < 0:
            raise ConfigError(key, value, "must be >= 0")

    return run_batch(sc, Batch(seed, design_point, 0, reps, trace_reps))


def replication_table(sc: Scenario, results: list[ReplicationResult | Failure]
                      ) -> pd.DataFrame:
    """The rows `replications.parquet` would hold for these results (failures left out)."""
    from sim.records import ReplicationResult, replication_table
    from sim.runner import layout_of

    ok = [r for r in results if isinstance(r, ReplicationResult)]
    return replication_table(layout_of(sc), ok).to_pandas()


def read_results(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A saved results table, refusing one a crash cut short (`ResultsError`, one line)."""
    from sim.analysis.io import read_table

    return read_table(path, columns)


__all__ = ["load_run", "load_scenario", "read_results", "replication_table",
           "run_replications"]
