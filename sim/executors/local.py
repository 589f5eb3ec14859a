"""Executors in this machine: `Inline` (this process) and `LocalProcesses` (a pool).

The pool is kept alive across the jobs of a sweep, so a design point does not pay for
starting processes. Its processes never see Ctrl-C or SIGTERM (`ctrl_c_held`): the command
does, and ends them. One that dies (killed, out of memory) ends the pool, each of its
processes, and the job (`WorkerLost`), where Python 3.11's pool alone could wait for ever.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import itertools
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from multiprocessing.connection import wait
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

from sim.executors.base import BatchFn, Task, WorkerLost, default_workers, processes_for
from sim.runner import Batch, run_batch
from sim.scenario import Scenario


class Inline:
    """Run batches in this process."""

    workers = 1

    def map(self, sc: Scenario, batches: Sequence[Batch], fn: BatchFn = run_batch
            ) -> Iterator[Any]:
        return self.map_tasks([(sc, b) for b in batches], fn)

    def map_tasks(self, tasks: Sequence[Task], fn: BatchFn = run_batch) -> Iterator[Any]:
        for sc, b in tasks:
            yield fn(sc, b)


_POOLS: dict[int, ProcessPoolExecutor] = {}
PARENT_CHECK_SECONDS = 1.0  # how often a worker looks whether its parent is still there
WATCH_SECONDS = 1.0  # how often a wait for a batch looks whether a worker has died
AHEAD_PER_PROCESS = 4  # batches sent ahead of the one awaited, per process


def end_with(parent: int) -> None:
    """A worker's initializer: end the worker once `parent` has gone. Killed (SIGKILL, the
    OOM killer), the parent cannot stop its workers, which would wait forever on a pipe."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


_FORK = {"forking": False, "pressed": False}  # a fork under way here, a Ctrl-C during it
REDELIVER_SECONDS = 0.01  # how soon after a fork a Ctrl-C pressed during it is given back


@functools.cache  # once a process: a hook registered with os cannot be taken back
def forks_end_with_their_parent() -> None:
    """From now on, each process forked from this one (or from those) leaves Ctrl-C to
    the process that forked it, which ends it, and ends once that process has gone
    (`end_with`): for a library's pool that takes no initializer, such as pyabc's
    sampler, which forks its processes for each generation. And a Ctrl-C pressed as this
    process forks is given back once the fork is done: Python raises it in the hooks it
    runs as it forks (logging's), which drop what they raise, and the command went on."""
    os.register_at_fork(before=functools.partial(_FORK.__setitem__, "forking", True),
                        after_in_parent=_forked_in_parent, after_in_child=_forked)
    previous = signal.getsignal(signal.SIGINT)
    if callable(previous) and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, functools.partial(_ctrl_c, previous))


def _ctrl_c(previous: Any, signum: int, frame: Any) -> None:
    """Ctrl-C in a process that forks: kept while a fork is under way, else as before."""
    if _FORK["forking"]:
        _FORK["pressed"] = True
        return
    previous(signum, frame)


def _forked_in_parent() -> None:
    """A fork done: a Ctrl-C pressed during it is sent again, from another thread, once
    this one is out of the fork's hooks (the flag is cleared last, with no call after it
    at which Python could run a signal's handler)."""
    while _FORK["pressed"]:
        _FORK["pressed"] = False
        again = threading.Timer(REDELIVER_SECONDS, os.kill, (os.getpid(), signal.SIGINT))
        again.daemon = True
        again.start()
    _FORK["forking"] = False


def _forked() -> None:
    signal.signal(signal.SIGINT, _leave_to_parent)  # see `ctrl_c_held`; before the flags
    _FORK.update(forking=False, pressed=False)  # are cleared: till then, a Ctrl-C is kept
    end_with(os.getppid())


def _leave_to_parent(signum: int, frame: object) -> None:
    """Ctrl-C in a forked process: nothing; its parent ends it. A handler, where blocking
    or ignoring the signal would outlast an `exec` (a subprocess forked from here)."""


@contextlib.contextmanager
def ctrl_c_held(sigterm: bool = True) -> Iterator[None]:
    """Block Ctrl-C (SIGINT) and SIGTERM in this thread while it starts processes or
    threads, which keep them blocked for good (as `multiprocessing` starts its resource
    tracker). A terminal sends Ctrl-C to every process of the command, as `timeout` or a
    batch system sends SIGTERM: a worker it interrupts or kills leaves the pool broken or
    half-stopped, and Python 3.11 could then hang on exit, or print a traceback from the
    pool's thread. So the command alone takes them, and shuts its pool down as it ends;
    one sent within the block is delivered as the block ends, not lost. `sigterm=False`
    holds Ctrl-C alone, for processes that are ended with SIGTERM (Dask's)."""
    resource_tracker.ensure_running()  # which, started later, would unblock them here
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, *(
        [signal.SIGTERM] if sigterm else [])})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class Spawning(SpawnContext):
    """The spawn context, keeping each process it makes (a pool's processes), to watch them
    and end them all when one dies. Python 3.11's pool, as one of its processes died, ended
    those it had but not one it was starting then, and waited for that one for ever; or,
    sent a batch as it marked the others failed, it stopped before it had marked them."""

    def __init__(self) -> None:
        super().__init__()
        self.made: list[SpawnProcess] = []

    def Process(self, *args: Any, **kwargs: Any) -> SpawnProcess:  # type: ignore[override]
        process = SpawnProcess(*args, **kwargs)
        self.made.append(process)
        return process

    def started(self) -> list[SpawnProcess]:
        return [p for p in self.made if p.pid is not None]

    def one_died(self) -> bool:
        """Has a process ended? A pool's processes end only when it is shut down."""
        return bool(wait([p.sentinel for p in self.started()], timeout=0))


_SPAWNING: dict[int, Spawning] = {}  # the context of each pool in _POOLS


def _pool(workers: int) -> ProcessPoolExecutor:
    """The pool of `workers`, in `processes_for(workers)` processes."""
    pool = _POOLS.get(workers)
    if pool is None:
        spawning = _SPAWNING[workers] = Spawning()
        pool = ProcessPoolExecutor(max_workers=processes_for(workers), mp_context=spawning,
                                   initializer=end_with, initargs=(os.getpid(),))
        _POOLS[workers] = pool
    return pool


def _end_broken(workers: int) -> None:
    """End the pool of `workers`, one of whose processes died, and every process it started
    (see `Spawning`); the next job starts a new one."""
    pool = _POOLS.pop(workers)
    for process in _SPAWNING.pop(workers).started():
        process.kill()
    pool.shutdown()  # once it has ended its workers


def _ready() -> bool:
    return True


def _submit(pool: ProcessPoolExecutor, fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """`pool.submit`; a process of the pool that died as it started another is
    BrokenProcessPool here too, as at any other moment (Python 3.11's pool then failed to
    start the other, on a queue it had closed, with an OSError)."""
    try:
        return pool.submit(fn, *args)
    except OSError:
        pool.submit(_ready)  # BrokenProcessPool if that is why
        raise


def _result(future: Future[Any], spawning: Spawning) -> Any:
    """A batch's result; BrokenProcessPool once a process of the pool has died, whether or
    not the pool has marked the batch failed."""
    while True:
        try:
            return future.result(timeout=WATCH_SECONDS)
        except TimeoutError:
            if spawning.one_died():
                raise BrokenProcessPool("a process of the pool died") from None


def prestart(workers: int) -> None:
    """Start the local pool now and let its processes import, while the caller goes on."""
    workers = workers or default_workers()
    if workers > 1:
        pool = _pool(workers)
        try:
            with ctrl_c_held():  # a submit starts a process while the pool has too few
                for _ in range(processes_for(workers) + 1):  # the last starts none, but
                    _submit(pool, _ready)  # fails if one died as the others started
        except BrokenProcessPool:  # killed before any batch: the job starts a new pool
            _end_broken(workers)


def _shutdown_pools() -> None:
    """Shut every pool down, its batches not yet started cancelled. It runs as Python ends,
    before it waits for the pools' threads (`concurrent.futures` ends its own pools there
    too): a command that stops early (Ctrl-C, an error) would otherwise wait for every
    batch it had sent off, whole runs of them."""
    for pool in _POOLS.values():
        pool.shutdown(cancel_futures=True)
    _POOLS.clear()
    _SPAWNING.clear()


threading._register_atexit(_shutdown_pools)  # type: ignore[attr-defined]


class LocalProcesses:
    """A pool of `workers` local processes, shared by every job of this process."""

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, sc: Scenario, batches: Sequence[Batch], fn: BatchFn = run_batch
            ) -> Iterator[Any]:
        return self.map_tasks([(sc, b) for b in batches], fn)

    def map_tasks(self, tasks: Sequence[Task], fn: BatchFn = run_batch) -> Iterator[Any]:
        if len(tasks) == 1:
            yield fn(*tasks[0])
            return
        # As `pool.map` (each result let go once yielded), but for a worker that dies: the
        # pool marks every batch failed and ends the other workers before any batch is
        # cancelled here (Python 3.11's pool, meeting one cancelled, left them running, and
        # the command waited for them as it ended). A few batches a process are sent ahead,
        # not all: the pool, marking them failed as more were sent, stopped half-way.
        pool, spawning = _pool(self.workers), _SPAWNING[self.workers]
        ahead = AHEAD_PER_PROCESS * processes_for(self.workers)
        todo = iter(tasks)
        pending: collections.deque[Future[Any]] = collections.deque()
        try:
            while True:
                with ctrl_c_held():  # a submit starts a process while the pool has too few
                    for sc, b in itertools.islice(todo, ahead - len(pending)):
                        pending.append(_submit(pool, fn, sc, b))
                if not pending:
                    return
                yield _result(pending.popleft(), spawning)
        except BrokenProcessPool:
            _end_broken(self.workers)
            raise WorkerLost from None
        finally:  # a command that stops early (Ctrl-C, an error) runs no batch it left
            for future in pending:
                future.cancel()
