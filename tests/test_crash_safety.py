"""Crash-safe results: files appear whole or not at all, and a killed run is recognisable.

Every result file is written under a temporary name and renamed into place; `summary.json`
comes last, so a directory that has it is complete. Readers refuse a table cut short.
A run killed mid-way leaves no `summary.json`, and the same command run again into the
same directory completes with the results a clean run gives.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from sim import interrupts, results
from sim.analysis.io import ResultsError, read_json, read_table, run_is_complete
from sim.command import EXIT_BAD_INPUT, fail, run_command
from sim.config.errors import ConfigError
from sim.executors.base import processes_for
from sim.interrupts import (
    INTERRUPTED,
    Terminated,
    given_back,
    started_as_command,
    tell_ctrl_c,
)
from tests.conftest import compose_run

ROOT = Path(__file__).resolve().parents[1]
RESULT_FILES = {"replications.parquet", "events.parquet", "summary.json", "outcomes.png",
                "timeline.png", "goldstein.png"}


# -- every result file is renamed into place, summary.json last ----------------------------


def test_every_result_file_is_renamed_into_place(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.design_point import run_design_point

    renamed: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        renamed.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    out = tmp_path / "run"
    run_design_point(compose_run("reps=40", "workers=1", "trace_reps=3", "progress=false"), out)

    files = {p.name for p in out.iterdir() if p.is_file()}
    assert files >= RESULT_FILES
    assert files <= {dst.name for _, dst in renamed if dst.parent == out}, (
        "some result file was written in place, not renamed into it")
    for src, dst in renamed:
        assert src.parent == dst.parent and src.name.startswith("."), (src, dst)
        assert not src.exists()
    assert renamed[-1][1] == out / "summary.json", "summary.json must be written last"
    assert run_is_complete(out)


def _half_written(path: Path) -> None:
    path.write_bytes(b"PAR1 half a table")
    raise OSError(28, "No space left on device")


def test_a_failed_table_write_leaves_the_old_file_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "replications.parquet"
    old = pd.DataFrame({"rep": [0, 1]})
    results.write_parquet(old, path)
    monkeypatch.setattr(pd.DataFrame, "to_parquet",
                        lambda self, target, **kw: _half_written(Path(target)))
    with pytest.raises(results.WriteError, match="No space left on device"):
        results.write_parquet(pd.DataFrame({"rep": [0, 1, 2]}), path)
    pd.testing.assert_frame_equal(read_table(path), old)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_failed_json_write_leaves_no_summary(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = Path.write_text

    def half(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        real_write(self, text[: len(text) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half)
    with pytest.raises(results.WriteError, match="No space left on device"):
        results.write_json({"reps": 10, "p_summit": 0.5}, tmp_path / "summary.json")
    assert list(tmp_path.iterdir()) == []
    assert not run_is_complete(tmp_path)


def test_a_streamed_table_exists_only_once_closed(tmp_path: Path) -> None:
    schema = pa.schema([("rep", pa.int64())])
    path = tmp_path / "replications.parquet"
    writer = results.TableWriter(path, schema, rows_per_group=2)
    writer.write({"rep": [0, 1, 2]})
    assert not path.exists()
    writer.close()
    assert list(read_table(path)["rep"]) == [0, 1, 2]
    aborted = results.TableWriter(tmp_path / "events.parquet", schema, rows_per_group=2)
    aborted.write({"rep": [0, 1, 2]})
    aborted.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["replications.parquet"]


def test_a_failed_plot_leaves_no_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from sim.analysis import plots

    def half(self: Figure, target: Any, **kwargs: Any) -> None:
        Path(target).write_bytes(b"\x89PNG half an image")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", half)
    fig = plt.figure()
    with pytest.raises(results.WriteError, match="No space left on device"):
        plots.save_png(fig, tmp_path / "outcomes.png")
    assert list(tmp_path.iterdir()) == []


# -- readers refuse what a crash leaves ---------------------------------------------------


@pytest.fixture(scope="module")
def parquet_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("table") / "replications.parquet"
    results.write_parquet(pd.DataFrame({"rep": range(3000), "x": [0.5] * 3000}), path)
    return path.read_bytes()


@pytest.mark.parametrize("keep", [0.0, 0.01, 0.3, 0.5, 0.9, 0.999])
def test_read_table_rejects_a_truncated_file(tmp_path: Path, parquet_bytes: bytes,
                                              keep: float) -> None:
    path = tmp_path / "replications.parquet"
    path.write_bytes(parquet_bytes[: int(len(parquet_bytes) * keep)])
    with pytest.raises(ResultsError) as err:
        read_table(path)
    message = str(err.value)
    assert message.startswith(f"{path}: not a complete Parquet table"), message
    assert "\n" not in message


def test_read_table_rejects_a_missing_or_foreign_file(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no such results table"):
        read_table(tmp_path / "replications.parquet")
    (tmp_path / "notes.parquet").write_text("not a table\n")  # not cut short: another kind
    with pytest.raises(ResultsError, match=r"notes\.parquet: not a Parquet table; give a results"):
        read_table(tmp_path / "notes.parquet")


def test_read_table_names_a_column_the_table_lacks(tmp_path: Path, parquet_bytes: bytes
                                                   ) -> None:
    """A whole table asked for a column it has not: that column is named, with those it has,
    not a damaged file."""
    path = tmp_path / "replications.parquet"
    path.write_bytes(parquet_bytes)
    with pytest.raises(ResultsError, match=r"has no column 'repp'; its columns: rep, "):
        read_table(path, columns=["rep", "repp"])


def test_read_table_reads_a_whole_file(tmp_path: Path, parquet_bytes: bytes) -> None:
    path = tmp_path / "replications.parquet"
    path.write_bytes(parquet_bytes)
    assert len(read_table(path)) == 3000
    assert list(read_table(path, columns=["rep"]).columns) == ["rep"]


def test_run_is_complete_needs_the_summary(tmp_path: Path) -> None:
    assert not run_is_complete(tmp_path / "missing")
    assert not run_is_complete(tmp_path)
    (tmp_path / "replications.parquet").write_bytes(b"")
    assert not run_is_complete(tmp_path)
    results.write_json({"reps": 1}, tmp_path / "summary.json")
    assert run_is_complete(tmp_path)


@pytest.mark.parametrize(("text", "problem"), [
    ("", "not valid JSON"), ('{"reps": 1', "not valid JSON"),
    ("[1, 2]", "holds a JSON list, not the object written there")])
def test_read_json_rejects_a_damaged_or_foreign_file(tmp_path: Path, text: str,
                                                     problem: str) -> None:
    path = tmp_path / "summary.json"
    path.write_text(text)
    with pytest.raises(ResultsError) as err:
        read_json(path)
    assert str(err.value).startswith(f"{path}: {problem}"), err.value
    assert "\n" not in str(err.value)
    with pytest.raises(ResultsError, match="cannot be read"):
        read_json(tmp_path / "missing.json")
    path.write_text('{"reps": 1}')
    assert read_json(path) == {"reps": 1}


@pytest.mark.parametrize("command", ["sim.report", "sim.compare"])
def test_a_summary_that_is_not_an_object_is_one_line(tmp_path: Path, command: str) -> None:
    """A summary.json edited into a list: the report and the comparison name the file."""
    run = tmp_path / "run"
    assert _sim("reps=10", "workers=1", "trace_reps=2", "progress=false", "plots=false",
                f"hydra.run.dir={run}").returncode == 0
    (run / "summary.json").write_text("[1, 2]")
    args = [str(run)] if command == "sim.report" else [str(run), str(run)]
    done = subprocess.run([sys.executable, "-m", command, *args], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith(f"error: {run}: cannot read saved results: "  # alike
                                  f"{run / 'summary.json'}: holds a JSON list"), done.stderr


# -- a run killed mid-way, then run again ---------------------------------------------------


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def _started(*args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m ARGS` in a process group of its own, whatever is left of which is killed
    at the end."""
    proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _killed_alone(proc: subprocess.Popen[bytes], workers: list[Any]) -> list[Any]:
    """SIGKILL to `proc` alone, not its process group (as the OOM killer sends it); those of
    its `workers` (psutil processes) still alive 30 s later."""
    import psutil

    proc.kill()
    proc.wait(timeout=30)
    return list(psutil.wait_procs(workers, timeout=30)[1])


def _sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=300)


def test_the_workers_of_a_killed_run_end_with_it(tmp_path: Path) -> None:
    """SIGKILL to the run alone (as the OOM killer sends it) leaves no worker behind: each
    watches its parent, where before it waited forever on the pipe of a run that was gone."""
    import psutil

    out = tmp_path / "run"
    with _started("sim", "reps=1000000", "workers=2", "plots=false", "progress=false",
                  f"hydra.run.dir={out}") as proc:
        _wait_for(lambda: proc.poll() is None and any(out.glob(".*.tmp")), 120,
                  "the run to be writing its tables")
        workers = [c for c in psutil.Process(proc.pid).children()
                   if "multiprocessing.spawn" in " ".join(c.cmdline())]
        assert len(workers) == 2
        alive = _killed_alone(proc, workers)
        assert not alive, f"{len(alive)} workers outlived their run"


@pytest.mark.parametrize("sweep", [False, True])
def test_a_run_whose_worker_is_killed_ends_with_one_line(tmp_path: Path, sweep: bool) -> None:
    """SIGKILL to a worker (the OOM killer's, on a machine out of memory): a run ended in a
    traceback of 40 lines, a sweep in `<overrides>=...` as if its command line were bad; and
    a run whose worker died as its batches were sent waited for ever (the pool's own faults,
    each tested in tests/test_promises_executors.py)."""
    import psutil

    out = tmp_path / "out"
    where = (("-m", "seed=1,2", f"hydra.sweep.dir={out}") if sweep
             else (f"hydra.run.dir={out}",))
    proc = subprocess.Popen([sys.executable, "-m", "sim", "reps=1000000", "workers=2",
                             "plots=false", "progress=false", *where], cwd=ROOT, env=_env(),
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for(lambda: proc.poll() is None and any(out.rglob(".*.tmp")), 120,
                  "the run to be writing its tables")
        workers = [c for c in psutil.Process(proc.pid).children()
                   if "multiprocessing.spawn" in " ".join(c.cmdline())]
        workers[0].kill()
        _, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, err) == (1, "error: a worker process ended before its batch was "
                                         "done (killed, or out of memory); what was being "
                                         "written is incomplete and does not look complete: "
                                         "run it again (a sweep or study goes on from its "
                                         "complete jobs)\n")
    assert not list(out.rglob("summary.json"))


def _forked(proc: subprocess.Popen[bytes]) -> list[Any]:
    """The processes `proc` has forked (psutil processes: its children with its command
    line), while it runs."""
    import psutil

    assert proc.poll() is None, "the command ended early"
    me, found = psutil.Process(proc.pid), []
    for child in me.children():
        with contextlib.suppress(psutil.Error):  # a child that ended as it was read
            if child.cmdline() == me.cmdline():
                found.append(child)
    return found


# A calibration whose processes it forks work a long while: SBC runs side by side, and
# pyabc's sampler.
FORKING_CALIBRATIONS = pytest.mark.parametrize("args", [
    ("--sbc", "executor=local", "workers=2", "sbc_runs=4", "sbc_population=100000"),
    ("us_china_2023", "executor=local", "workers=2", "population=100000"),
], ids=["sbc-runs-side-by-side", "pyabc-sampler"])


@FORKING_CALIBRATIONS
def test_the_processes_a_killed_calibration_forked_end_with_it(
        args: tuple[str, ...], tmp_path: Path) -> None:
    """The processes a calibration forks (its SBC runs side by side; pyabc's sampler's for
    each generation, which takes no initializer) watch it from the fork. Killed alone, it
    leaves none of them behind, where they waited forever to hand in their results."""
    with _started("sim.calibrate", *args, "--out", str(tmp_path / "out")) as proc:
        _wait_for(lambda: len(_forked(proc)) == processes_for(2), 120,
                  "the forked processes to start")
        alive = _killed_alone(proc, _forked(proc))
        assert not alive, f"{len(alive)} forked processes outlived their calibration"


def test_a_killed_run_is_incomplete_and_a_rerun_completes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    common = ("workers=1", "seed=5", "trace_reps=4")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "reps=20000", *common, "progress=true",
         f"hydra.run.dir={out}"],
        cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    progress: list[str] = []
    reader = threading.Thread(target=lambda: progress.extend(iter(
        lambda: proc.stderr.read(64) if proc.stderr else "", "")), daemon=True)
    reader.start()

    def mid_run() -> bool:
        assert proc.poll() is None, f"the run ended early: {''.join(progress)[-500:]}"
        done = [int(n) for n in re.findall(r"(\d+)/20000", "".join(progress))]
        return bool(done) and max(done) > 0 and any(out.glob(".*.tmp"))

    try:
        _wait_for(mid_run, 120, "the run to be writing its tables")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the process group started above
        proc.wait(timeout=30)
    reader.join(timeout=10)

    assert not (out / "summary.json").exists()
    assert not run_is_complete(out)
    for partial in out.glob(".*.parquet.*.tmp"):  # what the killed run was writing
        with pytest.raises(ResultsError):
            read_table(partial)
    for table in ("replications.parquet", "events.parquet"):
        if (out / table).exists():  # an earlier run's: must still read whole
            read_table(out / table)

    again = _sim("reps=200", *common, "progress=false", f"hydra.run.dir={out}")
    assert again.returncode == 0, again.stderr
    clean = tmp_path / "clean"
    fresh = _sim("reps=200", *common, "progress=false", f"hydra.run.dir={clean}")
    assert fresh.returncode == 0, fresh.stderr

    assert run_is_complete(out) and run_is_complete(clean)
    for table in ("replications.parquet", "events.parquet"):
        pd.testing.assert_frame_equal(read_table(out / table), read_table(clean / table))
    ours, theirs = (json.loads((d / "summary.json").read_text()) for d in (out, clean))
    for key in ("reps", "seed", "config_hash", "p_summit", "outcome_shares"):
        assert ours[key] == theirs[key], key


@pytest.mark.parametrize("command", [["sim", "reps=1000000", "workers=2", "progress=false"],
                                     ["sim.tournament", "agendas=100000"]])
def test_ctrl_c_is_one_line_and_stops_the_script_running_the_command(
        tmp_path: Path, command: list[str]) -> None:
    """Ctrl-C reaches the whole process group, workers and the shell script running the
    command included, as a terminal sends it. The command ends as Python ends on Ctrl-C,
    killed by SIGINT, so bash stops the script too; it exited 130, and bash went on.

    The script starts with Ctrl-C's default action, as from a terminal: a suite started in
    the background (`make test &`) passes its children SIGINT ignored, which Python keeps.
    """
    out = tmp_path / "run"
    script = '"$@"; echo "the script went on" >&2'
    proc = subprocess.Popen(["bash", "-c", script, "bash", sys.executable, "-m", *command,
                             f"hydra.run.dir={out}"],
                            cwd=ROOT, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def running() -> bool:
        assert proc.poll() is None, "the command ended before it could be interrupted"
        return (out / ".hydra").is_dir()

    try:
        _wait_for(running, 120, "the command to start its job")
        time.sleep(2)  # well into its work
    finally:
        os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    finally:  # a command that Ctrl-C did not stop must not outlive its test
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert err == INTERRUPTED + "\n"
    assert proc.returncode == -signal.SIGINT
    assert not any((out / name).exists() for name in ("summary.json", "tournament.json"))


def test_ctrl_c_to_a_run_on_a_local_dask_cluster_is_told_by_the_command_alone(
        tmp_path: Path) -> None:
    """Ctrl-C, to the process group as a terminal sends it, of a run on a LocalCluster
    (`executor=dask`, no scheduler): each of Dask's worker processes took it too and printed
    a traceback of 40 lines after the command's line. They leave it to the command (Dask's
    log may still warn of each batch cancelled under way, a line each)."""
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "executor=dask", "workers=2",
                             "reps=1000000", "progress=false", f"hydra.run.dir={out}"],
                            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _wait_for(lambda: proc.poll() is None and any(out.glob(".*.tmp")), 120,
                  "the run to be writing its tables")
        time.sleep(2)  # the workers well into their batches
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGINT, err
    assert err.startswith(INTERRUPTED + "\n")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


@pytest.mark.parametrize("command", [["sim", "reps=1000000", "workers=2", "progress=false"],
                                     ["sim.tournament", "agendas=100000"]])
def test_sigterm_ends_a_command_as_ctrl_c_does_and_it_dies_of_sigterm(
        tmp_path: Path, command: list[str]) -> None:
    """SIGTERM as `timeout` sends it at its limit, to the command and then to its process
    group (a batch system's is alike). The command died at once: a run left its temporary
    tables and its lock, and the pool's resource tracker told of 5 leaked semaphores in
    two lines; the tournament said nothing. It ends as on Ctrl-C, tidied up, with its one
    line, and dies of SIGTERM, as before (exit code 143)."""
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", *command, f"hydra.run.dir={out}"],
                            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for(lambda: proc.poll() is None and (out / ".hydra").is_dir(), 120,
                  "the command to start its job")
        time.sleep(2)  # well into its work
        os.kill(proc.pid, signal.SIGTERM)
        os.killpg(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert err == INTERRUPTED + "\n"
    assert proc.returncode == -signal.SIGTERM
    left = sorted(p.name for p in out.iterdir())
    assert left == [".hydra", left[1]] and left[1].endswith(".log")  # no table, no lock


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_ctrl_c_as_a_command_loads_is_one_line(tmp_path: Path, sent: int) -> None:
    """Ctrl-C while Python imports the command's modules, before any code of the command
    runs (the process is stopped as soon as `sim` is imported, given Ctrl-C and let go on):
    Python's traceback, 20 to 90 lines, in 22 of 30 tries in the first 0.3 s. The command
    may import on past `sim` before this test reads that line and stops it (3 tries in
    100 here): such a try missed its moment, and is made again, up to five times. SIGTERM
    likewise, which killed the command without a word."""
    for attempt in range(5):
        imported, rest, returncode = _ctrl_c_as_sim_is_imported(tmp_path / str(attempt), sent)
        if "sim.cli" not in imported:
            break
    assert "sim.cli" not in imported, "the Ctrl-C came after the command had loaded, 5 times"
    assert [line for line in rest.splitlines() if not line.startswith("import time:")] == [
        INTERRUPTED]
    assert returncode == -sent


def _ctrl_c_as_sim_is_imported(out: Path, sent: int) -> tuple[list[str], str, int | None]:
    """`python -m sim` stopped as its package `sim` is imported, given Ctrl-C (`sent`) and
    let go on: the modules it imported after, its standard error from then, and its exit
    status."""
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "sim", "reps=10",
                             "progress=false", f"hydra.run.dir={out / 'run'}"],
                            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            if line.rstrip().endswith("| sim"):  # the package, imported first
                os.kill(proc.pid, signal.SIGSTOP)
                os.kill(proc.pid, sent)
                os.kill(proc.pid, signal.SIGCONT)
                break
        _, rest = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    imported = [line.rpartition("|")[2].strip() for line in rest.splitlines()
                if line.startswith("import time:")]
    return imported, rest, proc.returncode


def _ctrl_c_to_calibration(args: tuple[str, ...], out: Path,
                           ready: Callable[[subprocess.Popen[str]], bool],
                           sent: int = signal.SIGINT) -> tuple[int | None, str, list[Any]]:
    """`python -m sim.calibrate ARGS` given Ctrl-C, to its process group as a terminal
    sends it, once `ready(process)`: its exit code, its stderr and the processes it had
    forked by then. SIGTERM (`sent`) goes to it first, then to the group, as `timeout`
    sends it. One that Ctrl-C does not stop is made to print where each of its threads
    was (Python's fault handler, on SIGABRT), for the failure to show."""
    proc = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "sim.calibrate", *args,
                             "--out", str(out)],
                            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and not ready(proc):
            assert time.monotonic() < deadline, "timed out waiting for the forked processes"
            time.sleep(0.001)
        forked = _forked(proc)
        if sent == signal.SIGTERM:
            os.kill(proc.pid, sent)
        os.killpg(proc.pid, sent)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGABRT)
            _, err = proc.communicate(timeout=30)
            raise AssertionError(f"Ctrl-C did not stop it within 60 s; its threads:\n{err}"
                                 ) from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, err, forked


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@FORKING_CALIBRATIONS
def test_ctrl_c_stops_a_calibration_and_the_processes_it_forked_at_once(
        args: tuple[str, ...], sent: int, tmp_path: Path) -> None:
    """Ctrl-C while a calibration's forked processes work. The SBC runs side by side were
    waited for to the end of the run each had started (or for ever), and each of pyabc's
    processes printed a traceback. SIGTERM likewise: the forked processes, had they kept
    the command's way with it, printed a traceback each, where they are to die of it."""
    import psutil

    code, err, forked = _ctrl_c_to_calibration(
        args, tmp_path / "out", lambda proc: len(_forked(proc)) == processes_for(2), sent)
    assert code == -sent, err
    assert err == INTERRUPTED + "\n"
    assert not psutil.wait_procs(forked, timeout=30)[1], "forked processes outlived it"


@FORKING_CALIBRATIONS
def test_a_ctrl_c_as_a_calibration_forks_its_processes_is_not_lost(
        args: tuple[str, ...], tmp_path: Path) -> None:
    """Ctrl-C as soon as the first of the processes is there, while the others are forked
    (the SBC runs', pyabc's): it was raised in a hook that Python runs as it forks
    (logging's), which drops it, and the calibration went on, for ever here (3 of 5 tries
    of each on a loaded machine)."""
    code, err, _ = _ctrl_c_to_calibration(args, tmp_path / "out",
                                          lambda proc: bool(_forked(proc)))
    assert code == -signal.SIGINT, err
    assert err == INTERRUPTED + "\n"


ERRORS_AS_CTRL_C_UNWINDS: dict[str, Callable[[], Exception]] = {
    "a-traceback": lambda: AttributeError(
        "'NoneType' object has no attribute '_invalidate_flags_cache'"),
    "bad-input": lambda: ConfigError("parties.cn.stances.entity_list.win_set", [0.0, 1.0],
                                     "unknown key"),
}


def _raising(error: Exception, as_ctrl_c_unwinds: bool) -> Callable[[], int]:
    """A command's `main` that raises `error`, bad input going to `fail` as in every
    command."""
    def main() -> int:
        try:
            if as_ctrl_c_unwinds:
                try:
                    raise KeyboardInterrupt
                except KeyboardInterrupt:
                    raise error from None  # as a library's: `from None` keeps the context
            raise error
        except ConfigError as e:
            fail(e)
    return main


def test_bad_input_told_of_an_error_ctrl_c_caused_is_told_as_ctrl_c() -> None:
    """Hydra's error explained as bad input (`fail(composition_error(e))`): the line is a
    new error, with no cause, but the error being handled as it is told was raised as Ctrl-C
    unwound. 2 of 60 Ctrl-Cs to `python -m sim` as it composed were told as `error:
    channels.nsa.issues=[...]: unknown key`, exit 2."""
    def main() -> int:
        try:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                raise AttributeError("'NoneType' object has no attribute "
                                     "'_invalidate_flags_cache'") from None
        except AttributeError:
            fail(ConfigError("channels.nsa.issues", ["mil_mil"], "unknown key"))

    with pytest.raises(KeyboardInterrupt):
        run_command(main)


def test_a_ctrl_c_that_python_drops_is_raised_again_and_other_errors_are_told() -> None:
    """What a finalizer raises (`__del__`, a weakref's callback) Python drops: a Ctrl-C
    raised in GitPython's `Repo.__del__` or a `WeakKeyDictionary`'s callback as pyabc
    sampled was lost, and the calibration went on (each of 3 hangs looked at, of 6 in 110
    Ctrl-Cs to it on a loaded machine). The hook raises it again in the main thread, soon
    after."""
    told: list[BaseException] = []
    hook = given_back(lambda unraisable: told.append(unraisable.exc_value))
    other = ValueError("a finalizer's own error")
    hook(SimpleNamespace(exc_value=other))
    assert told == [other]
    # Ctrl-C's handler, as in a command: a suite started in the background ignores Ctrl-C
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):  # raised here, in the main thread's code
            hook(SimpleNamespace(exc_value=KeyboardInterrupt()))
            time.sleep(10)
    finally:
        signal.signal(signal.SIGINT, ignored)
    assert told == [other]


def test_a_command_started_with_sigterm_ignored_keeps_it_ignored(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`nohup`-like wrappers and some batch systems start a program with SIGTERM ignored,
    to be left running: a command keeps it so, where it tells one it takes."""
    monkeypatch.setattr(sys, "orig_argv", ["python", "-m", "sim", "reps=10"])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        tell_ctrl_c()
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_sigterm_that_python_drops_is_raised_again() -> None:
    """SIGTERM is raised once (`timeout` sends it twice); one that Python dropped is sent
    again and raised again, as a dropped Ctrl-C is."""
    hook = given_back(lambda unraisable: None)
    previous = signal.signal(signal.SIGTERM, interrupts._terminate)  # as in a command
    try:
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)
        os.kill(os.getpid(), signal.SIGTERM)  # a second: not raised again
        time.sleep(0.1)
        with pytest.raises(Terminated):
            hook(SimpleNamespace(exc_value=Terminated()))  # the first, dropped
            time.sleep(10)
    finally:
        signal.signal(signal.SIGTERM, previous)
        interrupts._SIGTERM["raised"] = False


@pytest.mark.parametrize(("argv", "command"), [
    (["python", "-m", "sim", "reps=10"], True),
    (["python", "-X", "importtime", "-B", "-m", "sim.report", "DIR"], True),
    (["python", "-msim.calibrate"], True),
    (["python", "-m", "pytest", "-m", "sim"], False),
    (["python", "script.py", "-m", "sim"], False),
    (["python", "-c", "import sim", "-m", "sim"], False),
    (["python", "-m", "simpy"], False),
])
def test_only_a_command_s_process_tells_ctrl_c_as_one_line(argv: list[str],
                                                           command: bool) -> None:
    """A script, a notebook or a worker that imports `sim` keeps Python's own Ctrl-C."""
    assert started_as_command(argv) is command


@pytest.mark.parametrize("make", ERRORS_AS_CTRL_C_UNWINDS.values(),
                         ids=ERRORS_AS_CTRL_C_UNWINDS)
def test_an_error_raised_as_ctrl_c_unwinds_is_told_as_ctrl_c(
        make: Callable[[], Exception], capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C while OmegaConf composed a config left it half-changed, and what it raised
    next was a traceback (exit 1) or, worse, told as bad input that was not (exit 2): 5 of
    100 Ctrl-Cs to `sim.calibrate --sbc` at random times were told as bad input."""
    with pytest.raises(KeyboardInterrupt):  # told by the process's hook: tests above
        run_command(_raising(make(), as_ctrl_c_unwinds=True))
    assert capsys.readouterr().err == ""

    alone = make()  # the same error without Ctrl-C is what it was: bad input, or a bug
    if isinstance(alone, ConfigError):
        with pytest.raises(SystemExit) as ended:
            run_command(_raising(alone, as_ctrl_c_unwinds=False))
        assert ended.value.code == EXIT_BAD_INPUT
        assert capsys.readouterr().err.startswith("error: parties.cn.stances")
    else:
        with pytest.raises(type(alone)):
            run_command(_raising(alone, as_ctrl_c_unwinds=False))


@pytest.mark.parametrize("closed", [">&-", "2>&-", ">&- 2>&-"])
def test_a_command_started_with_its_output_closed_runs_to_the_end(tmp_path: Path,
                                                                  closed: str) -> None:
    """Started with stdout or stderr closed (by a daemon, or `>&-`), Python has no file for
    it: the run was complete, then a traceback (stdout), or its job failed as it wrote its
    progress and Hydra its report (stderr). What it would say there is dropped."""
    folder = tmp_path / "r"
    proc = subprocess.run(["sh", "-c", f'exec "$@" {closed}', "sh", sys.executable, "-m", "sim",
                           "reps=3", "plots=false", f"hydra.run.dir={folder}"], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert run_is_complete(folder)
    if closed == "2>&-":  # what it says of the run is there
        assert proc.stdout.splitlines()[-1] == f"results: {folder}"


def test_bad_input_with_stdout_closed_is_still_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "sim",
                           "reps=0", f"hydra.run.dir={tmp_path / 'r'}"], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert (proc.returncode, proc.stderr.splitlines()) == (2, [
        "error: reps=0: must be a whole number in [1, 2**63 - 1], or 'auto'"])


@pytest.mark.parametrize("command", [["sim", "reps=3", "plots=false", "progress=false"],
                                     ["sim.tournament", "agendas=2"],
                                     ["sim.negotiate", "-m", "deadline=5,6", "plot=false"],
                                     ["sim.forecast", "--help"]])
def test_output_whose_reader_went_away_ends_quietly_exit_141(
        tmp_path: Path, command: list[str]) -> None:
    """`| head`: the reader of stdout is gone before the command is done writing. It was a
    traceback (or Hydra's report of a failed job, or logging's errors); it now ends as
    `yes | head` does, and what it ran is complete."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone: every write to stdout fails
    try:
        proc = subprocess.run([sys.executable, "-m", *command, f"hydra.run.dir={tmp_path / 'r'}",
                               f"hydra.sweep.dir={tmp_path / 's'}"], cwd=ROOT, env=_env(),
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(write)
    assert proc.returncode == 141, proc.stderr
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
    if command[0] == "sim":
        assert run_is_complete(tmp_path / "r")
