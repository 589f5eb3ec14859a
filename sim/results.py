"""Results as tidy tables on disk: Parquet and JSON, always written atomically.

A file is written to a temporary name in the same directory and renamed into place, so
a reader never sees half a file; `summary.json` is written last, so a run directory
that has it is complete.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.config.errors import ConfigError

SUMMARY = "summary.json"  # written last: a directory that has it is complete
REPLICATIONS = "replications.parquet"
EVENTS = "events.parquet"
# A study's files (python -m sim.explore; its indices are written last) and a backtest's
# (python -m sim.backtest; its scores last), named here for the commands and pages alike.
STUDY, INDICES, DISCOVERY = "study.json", "indices.json", "discovery.json"
POINTS, SAMPLES = "points.parquet", "samples.parquet"
SCORES, FORECASTS = "scores.json", "forecasts.parquet"
MULTIRUN = "multirun.yaml"  # a sweep's config, saved by Hydra in its folder before any job
NEGOTIATION, TOURNAMENT = "negotiation.json", "tournament.json"  # the lab's
FORECAST, LIBRARY_SCORES = "forecast.json", "library.json"
CALIBRATION, SBC = "calibration.json", "sbc.json"
LOCK = ".lock"  # held by the command writing the folder, while it writes

# What a folder holds, known by a file that one command writes there (each command's
# results, and a sweep's config): a command refuses a folder that holds another's.
HOLDS = {SUMMARY: "run", MULTIRUN: "sweep", NEGOTIATION: "negotiation",
         TOURNAMENT: "tournament", FORECAST: "forecast", SCORES: "backtest",
         LIBRARY_SCORES: "backtest library", CALIBRATION: "calibration",
         SBC: "simulation-based calibration check", STUDY: "study"}

# The folders a command writes inside its own, by the kind of results it holds there (a
# pattern of the name below its folder): a command into one replaced what it wrote. A run,
# a calibration, the lab write none, so a folder beside their files is a folder of its own.
INSIDE = {"sweep": r"\d+", "study": r"\d+", "forecast": r"round_\d+", "backtest": "origins",
          "backtest library": r".+"}

A_FOLDER = "a folder has its name"  # why a file cannot be written where a folder is


class WriteError(ConfigError):
    """A results file that cannot be written: a folder has its name, or its folder or the
    file there refuses it (read-only, immutable, full). A `ConfigError`, so that every command
    tells it as it tells a bad output folder: one line, exit code 2; `path` and `reason` let
    a command that names the file otherwise say it in its own words.

    Raised as `output=FILE`; a command names it by the setting that gave the file's folder
    (`named_by`: `key=FOLDER: cannot write NAME there`, the folder as `given`, the file's
    name from it `below`)."""

    def __init__(self, path: Path, reason: str, key: str = "output", given: str | None = None,
                 below: str = ""):
        self.path, self.reason = path, reason
        fix = "move that folder away" if reason == A_FOLDER else "make it writable"
        what = "this file" if given is None else f"{below} there"
        super().__init__(key, str(path) if given is None else given,
                         f"cannot write {what} ({reason}); {fix}, or give the command "
                         "another folder")


class TableWriter:
    """A Parquet file written in row groups as results arrive, renamed into place on close.

    Batches are buffered up to `rows_per_group` rows, so memory stays flat however many
    replications a run has; until `close()` the file exists only under a temporary name.
    """

    def __init__(self, path: Path, schema: pa.Schema, rows_per_group: int = 20_000):
        self.path, self.schema, self.rows_per_group = path, schema, rows_per_group
        self.tmp = _writable(path)
        try:
            self._writer = pq.ParquetWriter(self.tmp, schema, write_page_checksum=True)
        except OSError as e:
            raise WriteError(path, e.strerror or str(e)) from None
        self._buffer: list[pa.RecordBatch] = []
        self._rows = 0

    def write(self, columns: dict[str, list[Any]]) -> None:
        """Append rows given as columns (names and types of the schema)."""
        self.write_batch(pa.RecordBatch.from_pydict(columns, schema=self.schema))

    def write_batch(self, batch: pa.RecordBatch) -> None:
        """Append an Arrow record batch with this writer's schema."""
        self._buffer.append(batch)
        self._rows += batch.num_rows
        if self._rows >= self.rows_per_group:
            self._flush()

    def write_table(self, table: pa.Table) -> None:
        """Write a ready Arrow table (with this writer's schema) as its own row group."""
        self._flush()
        self._writer.write_table(table)

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_batches(self._buffer, schema=self.schema))
            self._buffer, self._rows = [], 0

    def close(self) -> None:
        """Write what is buffered and rename the file into place; `WriteError` if it cannot
        be (the temporary file is removed either way)."""
        with _renaming(self.tmp, self.path):
            self._flush()
            self._writer.close()
            os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self._writer.close()
        self.tmp.unlink(missing_ok=True)


@contextmanager
def holding(folder: Path, key: str, given: str, holds: str | None) -> Iterator[None]:
    """Hold `folder` while a command writes it: a second command writing there at the same
    time would replace its tables, or take away its files in the making. `ConfigError`
    naming `key` as `given` if another process holds it, or if the folder holds another
    command's results than those the command writes (`holds`, a kind of `HOLDS`; None: any).
    The hold is a lock on the file `LOCK` there, removed as the hold ends (the kernel ends
    it with the process)."""
    lock = folder / LOCK
    if holds is not None:  # before the folder is made: one refused is not left behind
        check_holds(folder, key, given, holds)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError as e:  # a folder that cannot be made, or written
        where = ("cannot write there" if e.filename in (str(folder), str(lock))
                 else f"{e.filename} cannot be made")  # a folder above it
        raise ConfigError(key, given, f"{where} ({e.strerror})") from None
    ours = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            ours = _is_file(fd, lock)  # not a file its last holder removed as this one opened
        except BlockingIOError:
            pass
        except OSError as e:  # a file system without locks (some shared ones): not held
            if e.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                raise
            ours = True
        if not ours:
            raise ConfigError(key, given, "another command is writing there now; wait for it "
                              "to end, or give another folder")
        if holds is not None:  # again, now that no other command can write there
            check_holds(folder, key, given, holds)
        with named_by(key, folder, given):
            yield
    finally:
        if ours:
            lock.unlink(missing_ok=True)
        os.close(fd)


@contextmanager
def named_by(key: str, folder: Path, given: str) -> Iterator[None]:
    """Around writing files in `folder`: a `WriteError` of one of them names `key`, the
    setting that gave the folder, as `given` (a `WriteError` named so already is kept)."""
    try:
        yield
    except WriteError as e:
        path, where = e.path.absolute(), folder.absolute()
        if e.key != "output" or not path.is_relative_to(where):
            raise
        raise WriteError(e.path, e.reason, key, given, str(path.relative_to(where))) from None


def check_holds(folder: Path, key: str, given: str, holds: str) -> None:
    """`ConfigError` naming `key` as `given` if `folder` is in `conf/`, holds another kind of
    results than `holds`, which those written there would replace or be mixed with, or is
    inside what the command of a folder above wrote (`INSIDE`: a sweep's job, a study's
    point, a forecast's round, a backtest's origins, a library's case)."""
    from sim.config.load import check_outside_configs  # a command that writes: composed

    if holds not in HOLDS.values() and not holds.startswith("sweep of python -m sim."):
        raise ValueError(f"not a kind of results: {holds!r}")  # a command's own mistake
    check_outside_configs(folder, key, given)
    for name, kind in holdings(folder):
        if kind != holds:
            raise ConfigError(key, given, f"holds a {kind} ({name}), whose files this "
                              f"{holds}'s would replace or be mixed with; give it a folder "
                              "of its own")
    where = folder.resolve()
    for above in where.parents:
        for name, kind in holdings(above):
            inside = INSIDE.get("sweep" if kind.startswith("sweep") else kind)
            if inside is None or not re.fullmatch(inside, where.relative_to(above).parts[0]):
                continue  # beside what that command wrote, not in it
            what = "inside"
            if above == where.parent and folder.name.isdigit():  # named by its number
                what = f"{'point' if kind == 'study' else 'job'} {folder.name} of"
            raise ConfigError(key, given, f"is {what} the {kind} in {above} ({name}), whose "
                              "tables would no longer match it; give a folder of its own, "
                              f"outside it, or run the {kind} again")


def holdings(folder: Path) -> list[tuple[str, str]]:
    """What `folder` holds: the files of `HOLDS` there, with the kind of results each says
    (a sweep's, by the command that ran it)."""
    return [(name, sweep_of(_config_name(folder / name)) if name == MULTIRUN else kind)
            for name, kind in HOLDS.items() if (folder / name).is_file()]


def sweep_of(config_name: str) -> str:
    """What a sweep's folder holds, by the config its command runs (`python -m sim`'s:
    config)."""
    return "sweep" if config_name == "config" else f"sweep of python -m sim.{config_name}"


def _config_name(multirun: Path) -> str:
    """The config a sweep's saved config was composed from ("config" if it does not say)."""
    import yaml

    try:  # libyaml's loader where PyYAML has it: a sweep's config is long (50 ms in Python)
        saved = yaml.load(multirun.read_text(), getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return str(saved["hydra"]["job"]["config_name"])
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError):  # not as Hydra
        return "config"  # writes it (ValueError: bytes that are not UTF-8, a damaged file)


def _is_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def stamp() -> str:
    """Now, as the name of a command's new folder: to the microsecond, as a run's
    (`conf/config.yaml`), so that two commands started together each get their own."""
    return f"{datetime.now():%Y-%m-%d_%H-%M-%S-%f}"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def being_written(path: Path) -> bool:
    """Whether the table `path` is being written, or was as its command was stopped: the
    file it is written to first (`_tmp`, by any process) is there."""
    return any(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))


def check_file(path: Path) -> None:
    """`WriteError` if a folder has the name of file `path` (or it has none, as "." or "/"),
    which would be found only when it is renamed into place, after all the work of making it."""
    if os.path.isdir(path):  # False for a name too long: told as it is written
        raise WriteError(path, A_FOLDER)


def prepare(folder: Path, done: str, key: str, stale: Sequence[str] = ()) -> None:
    """Make `folder` ready for a command's results, and make sure it does not look complete:
    made, tried with a write, its file `done` (written last) removed, and what a killed
    command left there (temporary files, the `stale` ones). `ConfigError` naming `key`, the
    setting that gave the folder, if it cannot be written."""
    check_file(folder / done)  # a folder of its name: not to be taken for it
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
        for old in [folder / done, *folder.glob(".*.tmp"), *(folder / n for n in stale)]:
            old.unlink(missing_ok=True)
    except OSError as e:
        raise ConfigError(key, str(folder), f"cannot write there ({e.strerror or e})"
                          ) from None


def _writable(path: Path) -> Path:
    """The temporary name `path` is written to first, once `check_file` has passed it."""
    check_file(path)
    return _tmp(path)


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Write `path` atomically: `write(temporary path)`, then the rename into place.
    `WriteError` if it cannot be written; no temporary file is left either way."""
    tmp = _writable(path)
    with _renaming(tmp, path):
        write(tmp)
        os.replace(tmp, path)
    return path


@contextmanager
def _renaming(tmp: Path, path: Path) -> Iterator[None]:
    """Around writing `tmp` and renaming it to `path`: an `OSError` becomes `WriteError`,
    and `tmp` is removed either way."""
    try:
        yield
    except OSError as e:
        raise WriteError(path, e.strerror or str(e)) from None
    finally:
        with suppress(OSError):  # not there, or a name too long to have been made
            tmp.unlink()


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write a table atomically."""
    write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False, write_page_checksum=True))


def write_json(obj: Any, path: Path) -> None:
    """Write JSON atomically, as strict JSON: a number that is not finite (an index of an
    outcome that never varies, an interval of one value) is written null, which every JSON
    reader takes, where Python's `NaN` is refused by most."""
    text = json.dumps(_finite(obj), indent=2, sort_keys=False, allow_nan=False) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text))


def _finite(obj: Any) -> Any:
    """`obj` with every float that is not finite replaced by None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj
