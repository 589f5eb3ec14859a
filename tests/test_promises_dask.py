"""The Dask executor on real clusters: a sweep, a shared connection, the version check.

docs/cluster.md: "The jobs of a sweep share one connection (or one local cluster)";
"On connecting, `python -m sim` checks the summitsim version of every worker and stops
with one line if any differs"; the numbers are the same as with the local executor.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client, LocalCluster

from sim.executors import dask as dask_executor
from sim.executors import default_workers
from sim.executors.dask import DaskExecutor
from tests.promises_helpers import QUIET, reps_table, run_sweep, sim

JOBS = [["scenario=historical_2023"], ["scenario=no_balloon"]]


@pytest.fixture(autouse=True)
def no_clients_left() -> Iterator[None]:
    """Clients and clusters started by a test are closed by it."""
    yield
    dask_executor.shutdown()


def blocked() -> tuple[bool, bool]:
    """Whether Ctrl-C and SIGTERM are blocked in this process's thread."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    return signal.SIGINT in mask, signal.SIGTERM in mask


def test_a_sweep_on_a_local_dask_cluster_shares_it_and_matches_local(tmp_path: Path) -> None:
    common = ["reps=80", "seed=5", "trace_reps=3", "plots=false", "progress=false"]
    # dask.workers=0 (the default): a LocalCluster of `workers` processes
    run_sweep([[*j, *common, "executor=dask", "workers=2"] for j in JOBS], tmp_path / "d")
    assert list(dask_executor._CLIENTS) == [(None, 2)]  # one LocalCluster for both jobs
    client, cluster = dask_executor._CLIENTS[(None, 2)]
    assert cluster is not None and len(client.nthreads()) == min(2, default_workers())
    # Ctrl-C is the command's: its workers keep it blocked (SIGTERM, which ends them, not)
    assert set(client.run(blocked).values()) == {(True, False)}
    run_sweep([[*j, *common, "workers=1"] for j in JOBS], tmp_path / "l")
    for job in ("0", "1"):
        for table in ("replications.parquet", "events.parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "d" / job / table),
                                          pd.read_parquet(tmp_path / "l" / job / table))


def test_a_local_cluster_has_no_more_workers_than_cores(tmp_path: Path) -> None:
    """As the local executor's pool: more would only share the cores, each started at a
    cost (16 on 2 cores took 10.7 s for 200 replications, where 2 took 2.5 s); the same
    tables."""
    many = default_workers() + 2
    common = ["scenario=historical_2023", "reps=40", "seed=5", "plots=false", "progress=false"]
    run_sweep([[*common, "executor=dask", f"workers={many}"]], tmp_path / "d")
    client, cluster = dask_executor._CLIENTS[(None, many)]
    assert cluster is not None and len(client.nthreads()) == default_workers()
    run_sweep([[*common, "workers=1"]], tmp_path / "l")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "d" / "0" / "replications.parquet"),
                                  pd.read_parquet(tmp_path / "l" / "0" / "replications.parquet"))


def test_a_sweep_through_a_running_scheduler_from_the_command_line(tmp_path: Path) -> None:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster:
        done = sim("-m", "scenario=historical_2023,no_balloon", "reps=60", "seed=5", *QUIET[1:],
                   "executor=dask", f"dask.address={cluster.scheduler_address}",
                   f"hydra.sweep.dir={tmp_path / 'dask'}")
    assert done.returncode == 0, done.stderr
    run_sweep([[*j, "reps=60", "seed=5", *QUIET] for j in JOBS], tmp_path / "local")
    for job in ("0", "1"):
        pd.testing.assert_frame_equal(reps_table(tmp_path / "dask" / job),
                                      reps_table(tmp_path / "local" / job))
    summary = (tmp_path / "dask" / "0" / "summary.json").read_text()
    assert '"executor": "dask"' in summary


def _fake_summitsim(where: Path, version: str) -> Path:
    """A directory whose installed-package metadata says summitsim is at `version`."""
    info = where / f"summitsim-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: summitsim\nVersion: {version}\n")
    return where


@pytest.fixture
def other_version_worker(tmp_path: Path) -> Iterator[str]:
    """A scheduler with one real worker process that has another summitsim installed."""
    fake = _fake_summitsim(tmp_path / "site", "9.9.9")
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster:
        env = {**os.environ, "PYTHONPATH": str(fake)}
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
             "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            env=env, cwd=fake, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with Client(cluster.scheduler_address, set_as_default=False) as client:
                client.wait_for_workers(1, timeout=60)
                got = client.run(metadata.version, "summitsim")
                assert list(got.values()) == ["9.9.9"]
            yield cluster.scheduler_address
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def test_a_worker_with_another_summitsim_is_refused(other_version_worker: str) -> None:
    mine = metadata.version("summitsim")
    with pytest.raises(ValueError) as err:
        DaskExecutor(other_version_worker, 1)
    assert str(err.value).startswith(
        f"1 of the 1 Dask workers at {other_version_worker} do not run summitsim {mine} (e.g. ")
    assert str(err.value).endswith(f"has summitsim 9.9.9); install it there: "
                                   f"pip install 'summitsim[dask]=={mine}'")
    assert dask_executor._CLIENTS == {}  # nothing kept of a refused cluster


def test_the_command_line_stops_with_one_line_on_another_version(
        other_version_worker: str, tmp_path: Path) -> None:
    done = sim("reps=10", *QUIET, "executor=dask", f"dask.address={other_version_worker}",
               f"hydra.run.dir={tmp_path / 'run'}")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: dask.address={other_version_worker!r}: 1 of the 1 Dask "
                               "workers")
    assert "summitsim 9.9.9" in lines[0]
    assert not (tmp_path / "run" / "summary.json").exists()
