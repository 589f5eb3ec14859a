"""The Dask executor on real local clusters: same outcomes as inline, clear connection errors."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from distributed import LocalCluster

from sim.executors import Inline
from sim.executors.dask import DaskExecutor, _check_versions
from sim.runner import Batch, Outcome, plan_batches, run_batch
from sim.scenario import Scenario
from tests.conftest import scenario

SEED, REPS, TRACE_REPS = 11, 300, 5


def canonical(x: Any) -> Any:
    """`x` with every float as its exact hex form, so NaN equals NaN and -0.0 is not 0.0."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, canonical(dataclasses.astuple(x)))
    if isinstance(x, float):
        return float.hex(x)
    if isinstance(x, tuple | list):
        return tuple(canonical(v) for v in x)
    return x


def canonical_batches(batches: list[list[Outcome]]) -> list[Any]:
    return [[canonical(o) for o in b] for b in batches]


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return scenario("historical_2023")


def inline(sc: Scenario, batches: list[Batch]) -> list[Any]:
    return canonical_batches(list(Inline().map(sc, batches)))


@pytest.fixture(scope="module")
def local_executor() -> Iterator[DaskExecutor]:
    ex = DaskExecutor(None, 2)
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def remote_executor() -> Iterator[DaskExecutor]:
    """An executor connected to the scheduler of a separately started cluster."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster:
        ex = DaskExecutor(cluster.scheduler_address, 1)
        yield ex
        ex.close()


def test_local_cluster_matches_inline(sc: Scenario, local_executor: DaskExecutor) -> None:
    assert local_executor.workers == 2
    batches = plan_batches(SEED, 0, 0, REPS, TRACE_REPS, local_executor.workers)
    got = canonical_batches(list(local_executor.map(sc, batches)))
    assert [len(b) for b in got] == [b.stop - b.start for b in batches]
    assert got == inline(sc, batches)


def test_local_cluster_is_shared(local_executor: DaskExecutor) -> None:
    assert DaskExecutor(None, 2)._client is local_executor._client


def test_existing_scheduler_matches_inline(sc: Scenario, remote_executor: DaskExecutor) -> None:
    ex = remote_executor
    assert ex.workers == 2  # the threads of the cluster, not the number asked for
    # Many small batches: more than the executor keeps in flight at once.
    batches = plan_batches(SEED, 3, 100, 100 + REPS, 100 + TRACE_REPS, 25)
    assert len(batches) > 4 * ex.workers
    got = canonical_batches(list(ex.map(sc, batches)))
    assert got == inline(sc, batches)
    assert ex.address is not None
    assert DaskExecutor(ex.address, 1)._client is ex._client


def test_tasks_of_several_scenarios_come_back_in_order(sc: Scenario,
                                                        remote_executor: DaskExecutor) -> None:
    other = scenario("no_balloon")
    tasks = [(s, b) for b in plan_batches(SEED, 1, 0, 100, 2, 4) for s in (sc, other)]
    got = canonical_batches(list(remote_executor.map_tasks(tasks)))
    assert got == canonical_batches([run_batch(s, b) for s, b in tasks])


def test_abandoned_map_leaves_the_executor_usable(sc: Scenario,
                                                  remote_executor: DaskExecutor) -> None:
    ex = remote_executor
    batches = plan_batches(SEED, 0, 0, 60, 0, 10)
    first = ex.map(sc, batches)
    next(first)
    first.close()
    assert canonical_batches(list(ex.map(sc, batches[:3]))) == inline(sc, batches[:3])
    assert list(ex.map(sc, [])) == []


def test_unreachable_scheduler_is_one_clear_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    start = time.monotonic()
    with pytest.raises(ConnectionError, match=f"Dask scheduler at {address}") as info:
        DaskExecutor(address, 2, timeout=2)
    assert time.monotonic() - start < 5
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("address", ["tcp://host:port", "foo://host:8786"])
def test_malformed_address_is_a_value_error(address: str) -> None:
    with pytest.raises(ValueError, match="bad Dask scheduler address"):
        DaskExecutor(address, 2)


def test_workers_without_this_summitsim_are_refused() -> None:
    mine = metadata.version("summitsim")
    _check_versions("tcp://h:8786", {"tcp://a:1": mine, "tcp://b:1": mine})
    with pytest.raises(ValueError, match=r"1 of the 2 Dask workers at tcp://h:8786 .* 0\.0\.1"):
        _check_versions("tcp://h:8786", {"tcp://a:1": mine, "tcp://b:1": "0.0.1"})
    error = metadata.PackageNotFoundError("summitsim")
    with pytest.raises(ValueError, match="tcp://b:1 has no summitsim"):
        _check_versions("tcp://h:8786", {"tcp://a:1": mine, "tcp://b:1": error})


def test_the_cli_gives_the_same_tables_on_dask_as_locally(tmp_path: Path) -> None:
    """`executor=dask` (a real LocalCluster started by the run) against `executor=local`."""
    root = Path(__file__).resolve().parents[1]
    tables = []
    for name, extra in (("local", ["executor=local", "workers=2"]),
                        ("dask", ["executor=dask", "dask.workers=2"])):
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, "-m", "sim", "reps=200", "seed=3", "plots=false", "progress=false",
             *extra, f"hydra.run.dir={out}"],
            cwd=root, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        tables.append((pd.read_parquet(out / "replications.parquet"),
                       pd.read_parquet(out / "events.parquet")))
    pd.testing.assert_frame_equal(tables[0][0], tables[1][0])
    pd.testing.assert_frame_equal(tables[0][1], tables[1][1])
