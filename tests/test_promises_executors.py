"""Executors: where batches run, and that the results do not depend on it.

DESIGN: "same config and seed -> identical results, whatever the number of workers or
executor". sim.executors: `inline` for one worker, a pool of local processes kept for the
jobs of a sweep, `dask` for a cluster; an unreachable or malformed scheduler address is
one line naming `dask.address`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.config.errors import ConfigError
from sim.config.schema import DaskConf, RunConf
from sim.design_point import executor_for, run_design_point
from sim.executors import Inline, LocalProcesses, default_workers, make_executor, prestart
from sim.executors import local as executors
from sim.executors.base import WorkerLost, processes_for
from sim.runner import MAX_BATCH, Batch, plan_batches, run_batch
from sim.scenario import Scenario
from tests.conftest import compose_run, scenario

WORKERS = 2
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def no_pools_left() -> Iterator[None]:
    """Pools started here are shut down here (a forked test process must not inherit them)."""
    yield
    executors._shutdown_pools()


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return scenario("historical_2023")


def pid(sc: Scenario, b: Batch) -> tuple[int, int]:
    """Which process ran a batch (a module function, so worker processes can import it)."""
    return (b.start, os.getpid())


def die(sc: Scenario, b: Batch) -> None:
    os._exit(1)


def signals_blocked(sc: Scenario, b: Batch) -> set[int]:
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def mark_later(folder: str, task: int) -> None:
    """A slow task that leaves a file behind once it has run: slow beside the time a
    command takes to end, even on a loaded machine, which would let more tasks start."""
    time.sleep(1.0)
    Path(folder, str(task)).touch()


def test_default_workers_is_the_cores_this_process_may_use() -> None:
    assert default_workers() == len(os.sched_getaffinity(0)) >= 1
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from sim.executors import default_workers; print(default_workers())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip() == "1", done.stderr  # one core allowed, whatever the machine


def test_make_executor_by_workers() -> None:
    assert isinstance(make_executor("local", 1), Inline)
    many = make_executor("local", 3)
    assert isinstance(many, LocalProcesses) and many.workers == 3
    auto = make_executor("local", 0)
    assert auto.workers == default_workers()
    assert isinstance(auto, Inline if default_workers() == 1 else LocalProcesses)


def test_an_unreachable_scheduler_is_a_config_error_naming_the_address() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    run = RunConf(executor="dask", workers=1, dask=DaskConf(address=address))
    with pytest.raises(ConfigError) as err:
        executor_for(run)
    assert err.value.key == "dask.address" and err.value.value == address
    assert str(err.value).startswith(f"dask.address={address!r}: cannot reach the Dask "
                                      f"scheduler at {address}")


def test_inline_runs_in_order_in_this_process(sc: Scenario) -> None:
    batches = plan_batches(1, 0, 0, 9, 0, 3)
    assert list(Inline().map(sc, batches, pid)) == [(b.start, os.getpid()) for b in batches]
    assert Inline.workers == 1


def test_local_processes_run_in_worker_processes_in_order(sc: Scenario) -> None:
    batches = plan_batches(1, 0, 0, 40, 0, WORKERS)
    assert len(batches) > WORKERS
    got = list(LocalProcesses(WORKERS).map(sc, batches, pid))
    assert [start for start, _ in got] == [b.start for b in batches]
    assert os.getpid() not in {p for _, p in got}
    assert executors._pool(WORKERS) is executors._pool(WORKERS)  # kept for the next job


def test_a_few_batches_a_process_are_sent_ahead_not_all(
        sc: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of a million replications is 4,000 batches: sent all at once, a worker that
    died as they were sent stopped Python 3.11's pool as it marked them failed (below)."""
    sent: list[Batch] = []
    submit = executors._submit

    def counted(pool: Any, fn: Any, sc: Scenario, b: Batch) -> Any:
        sent.append(b)
        return submit(pool, fn, sc, b)

    monkeypatch.setattr(executors, "_submit", counted)
    batches = plan_batches(1, 0, 0, 400, 0, 40)
    ahead = executors.AHEAD_PER_PROCESS * processes_for(WORKERS)
    assert len(batches) > 2 * ahead
    results = LocalProcesses(WORKERS).map(sc, batches, pid)
    first = next(results)
    assert (first[0], sent) == (0, batches[:ahead])
    assert [start for start, _ in [first, *results]] == [b.start for b in batches]
    assert sent == batches


def test_one_batch_runs_here_without_a_pool(sc: Scenario) -> None:
    batch = Batch(1, 0, 0, 5, 0)
    assert list(LocalProcesses(WORKERS).map(sc, [batch], pid)) == [(0, os.getpid())]


def test_a_dead_worker_is_an_error_and_the_next_job_gets_a_new_pool(sc: Scenario) -> None:
    batches = plan_batches(1, 0, 0, 4, 0, WORKERS)
    broken = executors._pool(WORKERS)
    with pytest.raises(WorkerLost):  # told in one line by every command (run_command)
        list(LocalProcesses(WORKERS).map(sc, batches, die))
    assert WORKERS not in executors._POOLS
    got = list(LocalProcesses(WORKERS).map(sc, batches))
    assert executors._pool(WORKERS) is not broken
    assert repr(got) == repr([run_batch(sc, b) for b in batches])  # NaN == NaN in repr


def die_after_the_first(sc: Scenario, b: Batch) -> Any:
    if b.start > 0:
        os._exit(1)
    return run_batch(sc, b)


MARKS_NONE_FAILED = """
import concurrent.futures.process
import sim
from sim.executors import LocalProcesses
from sim.executors.base import WorkerLost
from sim.runner import plan_batches
from tests.test_promises_executors import die_after_the_first

def stops(self, cause):  # as Python 3.11's pool stopped, sent a batch as it marked them
    raise RuntimeError("dictionary changed size during iteration")

concurrent.futures.process._ExecutorManagerThread.terminate_broken = stops
sc = sim.load_scenario("historical_2023")
try:
    list(LocalProcesses(2).map(sc, plan_batches(1, 0, 0, 40, 0, 2), die_after_the_first))
except WorkerLost:
    print("lost")
"""


def test_a_dead_worker_is_told_even_where_the_pool_marks_no_batch_failed() -> None:
    """Python 3.11's pool, sent a batch as it marked the others failed (its worker dead),
    stopped before it had marked them or ended the other workers, and the command waited
    for ever. The wait for a batch looks whether a worker has died."""
    done = subprocess.run([sys.executable, "-c", MARKS_NONE_FAILED], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert (done.stdout, done.returncode) == ("lost\n", 0), done.stderr[-2000:]


def _the_first_killed() -> None:
    """Kill the pool's first process, and wait till the pool has seen it die and ended the
    processes it has."""
    first = next(iter(KillsTheFirstAsTheSecondStarts.made_by_the_pool))
    first.kill()
    while not executors._POOLS[WORKERS]._broken:  # the pool has seen it die
        time.sleep(0.01)
    time.sleep(0.2)  # and ended (or is ending) the processes it has


def _launched_then_the_first_killed(process: Any) -> Any:
    """A process's start: launched, then the first dies before the pool counts it in."""
    from multiprocessing.context import SpawnProcess

    popen = SpawnProcess._Popen(process)
    _the_first_killed()
    return popen


class KillsTheFirstAsTheSecondStarts(executors.Spawning):
    """The pool's first process killed as its second starts: `before` it is launched (the
    pool then fails to start it, on a queue it has closed), or once it is `launched`, which
    the pool does not end (it counts it in after it ended the others)."""

    when = ""
    made_by_the_pool: Any = ()

    def Process(self, *args: Any, **kwargs: Any) -> Any:
        process = super().Process(*args, **kwargs)
        if len(self.made) == 2 and type(self).when:
            KillsTheFirstAsTheSecondStarts.made_by_the_pool = self.started()
            if type(self).when == "before":
                _the_first_killed()
            else:
                process._Popen = _launched_then_the_first_killed
            type(self).when = ""  # once
        return process


ONE_DIES_AS_ANOTHER_STARTS = """
import sys
import sim
from sim.executors import LocalProcesses, local, prestart
from sim.executors.base import WorkerLost
from sim.runner import plan_batches, run_batch
from tests.test_promises_executors import KillsTheFirstAsTheSecondStarts

local.Spawning = KillsTheFirstAsTheSecondStarts
KillsTheFirstAsTheSecondStarts.when = sys.argv[2]
if sys.argv[1] == "prestart":
    prestart(2)
sc = sim.load_scenario("historical_2023")
batches = plan_batches(1, 0, 0, 40, 0, 2)
try:
    got = list(LocalProcesses(2).map(sc, batches))
    print("same" if repr(got) == repr([run_batch(sc, b) for b in batches]) else "differ")
except WorkerLost:
    print("lost")
"""


@pytest.mark.skipif(default_workers() < WORKERS, reason="a pool of two processes needs two "
                    "cores here")
@pytest.mark.parametrize("when", ["before", "launched"])
@pytest.mark.parametrize(("started_by", "told"), [
    ("batches", "lost"),  # as its batches are sent: the job ends, in one line
    ("prestart", "same"),  # as the pool starts, before any batch: the job starts a new one
])
def test_a_process_that_dies_as_another_starts_ends_the_pool(started_by: str, told: str,
                                                             when: str) -> None:
    """Python 3.11's pool, as one of its processes died, ended those it had and waited for
    them, and for one it was starting then: that one it had not ended, and the command waited
    for ever. Or it failed to start it, in a traceback."""
    done = subprocess.run([sys.executable, "-c", ONE_DIES_AS_ANOTHER_STARTS, started_by, when],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.stdout, done.returncode) == (told + "\n", 0), done.stderr[-2000:]


def test_the_workers_never_see_ctrl_c(sc: Scenario) -> None:
    """A terminal sends Ctrl-C to every process of the command, `timeout` SIGTERM. A worker
    interrupted by one left the pool broken or half-stopped, and the command could hang as
    it ended (`test_crash_safety.py` has the command's side); one killed by SIGTERM as the
    command cancelled its batches made Python 3.11's pool print a traceback
    (InvalidStateError, 1 of 6 backtests ended so). The workers keep both blocked, and the
    command that started them still takes them."""
    executors._shutdown_pools()  # every process of the pool started by the code under test
    prestart(WORKERS)
    batches = plan_batches(1, 0, 0, 4 * WORKERS, 0, WORKERS)
    blocked = list(LocalProcesses(WORKERS).map(sc, batches, signals_blocked))
    assert len(blocked) == len(batches) >= 2
    assert all({signal.SIGINT, signal.SIGTERM} <= b for b in blocked)
    assert not {signal.SIGINT, signal.SIGTERM} & signal.pthread_sigmask(signal.SIG_BLOCK, [])
    executors._shutdown_pools()


def test_a_command_that_stops_early_does_not_run_the_batches_it_left(tmp_path: Path) -> None:
    """Stopped while its batches are still queued (Ctrl-C or an error between two
    results), a command ends once the batches under way end; it used to run every batch
    it had sent off first, 20 of them here, before it could end."""
    tasks = 20
    code = ("import sys; from sim.executors import LocalProcesses; "
            "from tests.test_promises_executors import mark_later; "
            f"done = LocalProcesses({WORKERS}).map_tasks("
            f"[({str(tmp_path)!r}, i) for i in range({tasks})], mark_later); "
            "next(done); sys.exit(0)")
    ended = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert ended.returncode == 0, ended.stderr
    ran = len(list(tmp_path.iterdir()))
    # the first result, the batches under way and those queued for the workers; no more
    assert 1 <= ran <= 1 + 3 * WORKERS < tasks


FORKS = """
import os, signal, subprocess, sys, time
from sim.executors.local import forks_end_with_their_parent
forks_end_with_their_parent()
child = os.fork()
if child == 0:  # a process forked as pyabc's sampler forks its own
    time.sleep(60)
    os._exit(0)
time.sleep(0.5)
os.kill(child, signal.SIGINT)
time.sleep(0.5)
print("forked:", "alive" if os.waitpid(child, os.WNOHANG) == (0, 0) else "ended")
os.kill(child, signal.SIGKILL)
show = ("import signal; print('started:',"
        " signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []),"
        " signal.getsignal(signal.SIGINT) is signal.default_int_handler)")
subprocess.run([sys.executable, "-c", show], preexec_fn=lambda: None)  # forks through the hooks
"""


def test_a_forked_process_leaves_ctrl_c_to_its_parent_but_a_program_it_starts_does_not() -> None:
    """The processes a calibration forks take no Ctrl-C (the calibration ends them), but a
    program started from a process that forks so (`subprocess` with `preexec_fn` runs the
    fork hooks) takes it as usual: blocking Ctrl-C there left `sim.tournament`, started
    by a test, deaf to it."""
    done = subprocess.run([sys.executable, "-c", FORKS], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.split("\n")[:2] == ["forked: alive", "started: False True"], (
        done.stdout + done.stderr)


def test_prestart_starts_a_pool_only_for_several_workers() -> None:
    executors._shutdown_pools()
    prestart(1)
    assert executors._POOLS == {}
    prestart(WORKERS)
    assert set(executors._POOLS) == {WORKERS}
    executors._shutdown_pools()
    assert executors._POOLS == {}


def test_prestart_starts_no_more_processes_than_cores() -> None:
    executors._shutdown_pools()
    prestart(50)
    assert 1 <= len(multiprocessing.active_children()) <= default_workers()
    executors._shutdown_pools()


def test_more_workers_than_cores_run_in_as_many_processes_as_cores(sc: Scenario) -> None:
    """More processes than CPUs would only share them, each started at a cost (workers=32
    on 2 cores took 10.8 s where 2 took 1.8 s); the batches are still those of the
    workers asked for, which give the same tables."""
    many = default_workers() + 3
    batches = plan_batches(1, 0, 0, 200, 0, many)
    got = list(LocalProcesses(many).map(sc, batches, pid))
    assert [start for start, _ in got] == [b.start for b in batches]
    assert 1 <= len({p for _, p in got}) <= default_workers() < many
    executors._shutdown_pools()


def test_same_tables_whatever_the_workers(tmp_path: Path) -> None:
    tables = []
    for workers in (1, WORKERS):
        out = tmp_path / str(workers)
        run_design_point(compose_run("reps=120", "seed=6", "trace_reps=7", "plots=false",
                                     "progress=false", f"workers={workers}"), out)
        tables.append([pd.read_parquet(out / f) for f in ("replications.parquet",
                                                          "events.parquet")])
    for one, many in zip(*tables, strict=True):
        pd.testing.assert_frame_equal(one, many)


def test_the_design_points_sharing_the_workers_share_four_batches_a_worker() -> None:
    """A run alone is split into four batches a worker; the design points of a sweep, each
    into fewer, down to one batch a point, and never more than `MAX_BATCH` a batch."""
    for points, per_point in ((1, 8), (2, 4), (8, 1), (100, 1)):
        batches = plan_batches(1, 0, 0, 40, 0, 2, points)
        assert len(batches) == per_point, points
        assert [b.start for b in batches] == list(range(0, 40, 40 // per_point))
        assert batches[-1].stop == 40
    many = plan_batches(1, 0, 0, 10_000, 0, 2, 100)
    assert {b.stop - b.start for b in many} == {MAX_BATCH}
