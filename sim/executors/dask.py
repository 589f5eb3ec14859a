"""Run batches of replications on a Dask distributed cluster (optional extra `dask`).

The executor either connects to an existing scheduler (`tcp://host:8786`) or starts a
`LocalCluster` of worker processes. Clients and clusters are kept for the life of the
process, so the jobs of a sweep share one cluster; they are closed at exit.

Every replication seeds itself from (seed, design_point, rep), so the results are the same
as with the local executors; only the order matters, and batches come back in order.
Workers of a remote cluster must have the same version of summitsim installed
(`pip install summitsim[dask]`).
"""

from __future__ import annotations

import atexit
import logging
import socket
from collections import deque
from collections.abc import Generator, Sequence
from contextlib import suppress
from importlib import metadata
from itertools import islice
from typing import Any

from distributed import Client, Future, LocalCluster
from distributed.comm.addressing import parse_address, parse_host_port

from sim.executors.base import BatchFn, processes_for
from sim.executors.local import ctrl_c_held
from sim.runner import Batch, run_batch
from sim.scenario import Scenario

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler
IN_FLIGHT = 4  # batches submitted ahead, per worker
DEFAULT_PORT = 8786

_CLIENTS: dict[tuple[str | None, int], tuple[Client, LocalCluster | None]] = {}


def _probe(address: str, timeout: float) -> None:
    """Fail fast, with one line, when nothing listens at a TCP scheduler address."""
    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return
        host, port = parse_host_port(location, DEFAULT_PORT)
    except ValueError as e:
        raise ValueError(f"bad Dask scheduler address {address!r}: {e}") from None
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as e:
        reason = "timed out" if isinstance(e, TimeoutError) else e.strerror or str(e)
        raise ConnectionError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s: {reason}"
        ) from None


def _connect(address: str, timeout: float) -> Client:
    """A client of the scheduler at `address`, or a one-line error."""
    _probe(address, timeout)
    # Built in two steps to close a client that failed to start: left to the garbage
    # collector, it stalls the exit of the process and prints a traceback.
    client = Client.__new__(Client)
    try:
        Client.__init__(client, address, timeout=timeout, set_as_default=False)
        return client
    except ValueError as e:
        error: Exception = ValueError(f"bad Dask scheduler address {address!r}: {e}")
    except Exception as e:  # timeouts, refused handshakes, something else listening
        error = ConnectionError(f"cannot connect to the Dask scheduler at {address} within "
                                f"{timeout:g} s: {type(e).__name__}: {e}")
    with suppress(Exception):
        client.close(timeout=1)
    raise error


def _start_local(workers: int) -> tuple[Client, LocalCluster]:
    """A LocalCluster for `workers`, of `processes_for(workers)` worker processes."""
    # The scheduler and nannies log here, through the handlers of the app (Hydra's).
    logging.getLogger("distributed").setLevel(logging.WARNING)
    # No dashboard; the scheduler's health endpoints on any free local port, not 8787.
    with ctrl_c_held(sigterm=False):  # its thread, and the workers it starts, never take
        cluster = LocalCluster(  # Ctrl-C: each printed a traceback of 40 lines
            n_workers=processes_for(workers), threads_per_worker=1, processes=True,
            dashboard_address=None, silence_logs=logging.WARNING,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    return Client(cluster, set_as_default=False), cluster


def _key(address: str | None, workers: int) -> tuple[str | None, int]:
    return (address, 0) if address else (None, max(1, workers))


def _client(key: tuple[str | None, int],
            timeout: float) -> tuple[Client, LocalCluster | None]:
    """The client of a scheduler address or a LocalCluster size, shared in this process."""
    cached = _CLIENTS.get(key)
    if cached is not None and cached[0].status == "running":
        return cached
    if cached is not None:  # the scheduler went away: start afresh
        _close(*_CLIENTS.pop(key))
    address, workers = key
    if address:
        client = _connect(address, timeout)
        try:
            _check_versions(address, client.run(metadata.version, "summitsim",
                                                on_error="return"))
        except Exception:
            client.close()
            raise
        made: tuple[Client, LocalCluster | None] = (client, None)
    else:
        made = _start_local(workers)
    _CLIENTS[key] = made
    return made


def _check_versions(address: str, theirs: dict[str, object]) -> None:
    """Fail unless every worker has this version of summitsim installed."""
    try:
        mine = metadata.version("summitsim")
    except metadata.PackageNotFoundError:  # running from a source tree: nothing to compare
        return
    wrong = {w: v for w, v in theirs.items() if v != mine}
    if wrong:
        worker, version = sorted(wrong.items())[0]
        has = f"summitsim {version}" if isinstance(version, str) else "no summitsim"
        raise ValueError(
            f"{len(wrong)} of the {len(theirs)} Dask workers at {address} do not run summitsim "
            f"{mine} (e.g. {worker} has {has}); install it there: "
            f"pip install 'summitsim[dask]=={mine}'"
        )


def _close(client: Client, cluster: LocalCluster | None) -> None:
    client.close()
    if cluster is not None:
        cluster.close()


@atexit.register
def shutdown() -> None:
    """Close every client, and the LocalClusters started, in this process."""
    while _CLIENTS:
        _close(*_CLIENTS.popitem()[1])


class DaskExecutor:
    """Run batches on a Dask distributed cluster: an existing scheduler or a LocalCluster.

    `workers` is the size of a LocalCluster when `address` is None. With a scheduler it
    is the number of worker threads the cluster has on connecting (at least `workers`),
    which sets how finely the replications are split into batches.
    """

    def __init__(self, address: str | None, workers: int,
                 timeout: float = CONNECT_TIMEOUT):
        self.address = address or None
        self._key = _key(self.address, workers)
        self._client, _ = _client(self._key, timeout)
        self.workers = max(workers, self._threads()) if self.address else self._key[1]

    def _threads(self) -> int:
        """Worker threads in the cluster now."""
        return sum(self._client.nthreads().values())

    def map(self, sc: Scenario, batches: Sequence[Batch], fn: BatchFn = run_batch
            ) -> Generator[Any, None, None]:
        """Yield `fn(sc, batch)` in the order of `batches`, a few batches ahead."""
        return self.map_tasks([(sc, b) for b in batches], fn)

    def map_tasks(self, tasks: Sequence[tuple[Scenario, Batch]], fn: BatchFn = run_batch
                  ) -> Generator[Any, None, None]:
        """Yield `fn(sc, batch)` for each task in order; tasks may mix scenarios.

        Each scenario is sent to every worker once; at most `IN_FLIGHT` batches per worker
        are submitted ahead of the one being yielded.
        """
        client = self._client
        scattered: dict[int, Future] = {}  # id(scenario) -> its copy on the workers

        def submit(sc: Scenario, b: Batch) -> Future:
            if id(sc) not in scattered:
                scattered[id(sc)] = client.scatter(sc, broadcast=True, hash=False)
            return client.submit(fn, scattered[id(sc)], b, pure=False)

        ahead = IN_FLIGHT * max(self.workers, self._threads())  # the cluster may have grown
        todo = iter(tasks)
        running = deque(submit(sc, b) for sc, b in islice(todo, ahead))
        try:
            while running:
                outcomes = running.popleft().result()
                following = next(todo, None)
                if following is not None:
                    running.append(submit(*following))
                yield outcomes
        finally:
            if client.status == "running":  # a closed client has nothing left to cancel
                client.cancel([*running, *scattered.values()])

    def close(self) -> None:
        """Close this process's client for the address (and its LocalCluster, if any).

        The client is shared by every executor of the process, and closed at exit anyway:
        call this at the end of the process, not after each job.
        """
        cached = _CLIENTS.pop(self._key, None)
        if cached is not None:
            _close(*cached)
