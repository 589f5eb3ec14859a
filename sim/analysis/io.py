"""Reading results back from a run directory, refusing anything a crash left behind.

Result files are written under temporary names and renamed into place, and
`summary.json` is written last: a directory that has it is complete. A table cut short
(by a crash, a full disk, a copy interrupted), or one whose stored page checksums do not
match, fails here with one line naming the file instead of a stack of Arrow errors.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints, is_typeddict

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.records import EVENT_SCHEMA, REPLICATION_COLUMNS
from sim.results import EVENTS, REPLICATIONS, SUMMARY
from sim.saved import Summary

R = TypeVar("R")
RERUN = "; rerun the command that wrote it"  # what a damaged file's message ends with


class ResultsError(ValueError):
    """A results file that cannot be read. `str()` is one line naming the file."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, " ".join(problem.split())
        super().__init__(f"{path}: {self.problem}")


def read_table(path: str | Path, columns: Sequence[str] | None = None,
               needs: Sequence[str] = ()) -> pd.DataFrame:
    """A Parquet results table as a DataFrame; `ResultsError` if it is missing or damaged,
    lacks one of `columns` or `needs` (columns a reader of the whole table uses, where it
    has rows), or a column of a run's tables is not of the kind `sim.records` writes."""
    path = Path(path)
    if not path.is_file():
        raise ResultsError(path, "no such results table (has the run that writes it "
                           "finished? a complete run directory has a summary.json)")
    try:
        # checksums are verified where the writer stored them
        table = pq.read_table(path, columns=list(columns) if columns is not None else None,
                              page_checksum_verification=True)
    except (pa.ArrowException, OSError, ValueError, EOFError) as e:
        raise ResultsError(path, _unread(path, columns, e)) from None
    for name in needs if table.num_rows else ():  # a table of no row may have no column
        if name not in table.column_names:
            raise ResultsError(path, f"has no column {name!r}; its columns: "
                               f"{', '.join(table.column_names) or 'none'}")
    written = WRITTEN.get(path.name, {})
    for field in table.schema:
        if field.name in written and not pa.types.is_null(field.type) and _kind_of(
                field.type) != _kind_of(written[field.name]):
            raise ResultsError(path, f"column {field.name!r} holds {_kind_of(field.type)}, "
                               f"not the {_kind_of(written[field.name])} written there{RERUN}")
    return table.to_pandas()


# The columns of a run's tables that are the same in every scenario, and their types.
WRITTEN: dict[str, dict[str, pa.DataType]] = {
    REPLICATIONS: {c.name: c.type for per, group in REPLICATION_COLUMNS if not per
                   for c in group},
    EVENTS: dict(zip(EVENT_SCHEMA.names, EVENT_SCHEMA.types, strict=True)),
}


def _kind_of(type_: pa.DataType) -> str:
    """A column's type as a reader tells it: numbers (whole or not), text, true or false."""
    if pa.types.is_integer(type_) or pa.types.is_floating(type_):
        return "numbers"
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return "text"
    if pa.types.is_boolean(type_):
        return "true or false"
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return f"lists of {_kind_of(type_.value_type)}"
    return str(type_)


def is_whole(path: Path) -> bool:
    """Whether a Parquet table is there whole: its footer, written last, reads (a table cut
    short after its run completed, by a copy or a disk, is not)."""
    try:
        pq.read_metadata(path)
    except (pa.ArrowException, OSError, ValueError, EOFError):
        return False
    return True


def _unread(path: Path, columns: Sequence[str] | None, e: Exception) -> str:
    """Why a table could not be read: a column it lacks, a file that is not Parquet at
    all, or one cut short (its footer, written last, is missing or damaged)."""
    try:
        names: list[str] | None = pq.read_schema(path).names  # [] for a table of no column
    except (pa.ArrowException, OSError, ValueError, EOFError):
        names = None  # no schema: not a complete table
    missing = [c for c in columns or () if names is not None and c not in names]
    if names is not None and missing:
        return f"has no column {missing[0]!r}; its columns: {', '.join(names) or 'none'}"
    with path.open("rb") as f:
        if f.read(4) not in (b"PAR1", b"PAR", b"PA", b"P", b""):  # what a writer starts with
            return "not a Parquet table; give a results table (.parquet) a command wrote"
    text = re.sub(r"^Could not open Parquet input source '[^']*': ", "", str(e).strip())
    reason = text.splitlines()[0] if text else type(e).__name__
    return (f"not a complete Parquet table, probably cut short by a crash or an interrupted "
            f"copy ({reason}){RERUN}")


def read_json(path: str | Path) -> dict[str, Any]:
    """A JSON results file (a summary, a manifest) as a mapping; `ResultsError` if it is
    missing, damaged or not a JSON object."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except OSError as e:
        raise ResultsError(path, f"cannot be read ({e.strerror or e})") from None
    except ValueError as e:
        raise ResultsError(path, f"not valid JSON ({e}){RERUN}"
                           ) from None
    if not isinstance(data, dict):
        raise ResultsError(path, f"holds a JSON {type(data).__name__}, not the object written "
                           "there; rerun the command that wrote it")
    return data


def read_record(path: str | Path, record: type[R], needs: Sequence[str] | None = None
                ) -> R:
    """A saved JSON file checked against its record (a TypedDict of `sim.saved`):
    `ResultsError` naming the file and the field if a field there is not of its type, or
    one of `needs` (the fields the reader uses; all the record's own if None) is missing.
    A summary of an older version, or one written by hand, may lack fields a reader does
    not need."""
    path = Path(path)
    data = read_json(path)
    for name in getattr(record, "__required_keys__", ()) if needs is None else needs:
        if name not in data:
            raise ResultsError(path, f"has no field {name!r}{RERUN}")
    hints = get_type_hints(record)
    for name, value in data.items():
        wrong = _mismatch(value, hints[name], name) if name in hints else None
        if wrong is not None:
            raise ResultsError(path, f"{wrong}{RERUN}")
    for name in ("start", "end") if record is Summary else ():  # dates, as plots read them
        try:
            date.fromisoformat(data.get(name, "2000-01-01"))
        except ValueError:
            raise ResultsError(path, f"field {name!r} must be a date, YYYY-MM-DD{RERUN}"
                               ) from None
    return cast(R, data)


def _mismatch(value: Any, hint: Any, field: str) -> str | None:
    """Where `value` is not of the type `hint`, in words naming the field (dotted, to the
    value inside it that is not); None if it is."""
    origin, args = get_origin(hint), get_args(hint)
    wrong = f"field {field!r} must be {_kind(hint)}"
    if hint is Any:
        return None
    if origin in (Union, types.UnionType):
        return None if any(_mismatch(value, a, field) is None for a in args) else wrong
    if is_typeddict(hint):
        if not isinstance(value, dict):
            return wrong
        for key, inner in get_type_hints(hint).items():
            if key not in value:
                if key not in hint.__required_keys__:
                    continue
                return f"has no field '{field}.{key}'"
            if (w := _mismatch(value[key], inner, f"{field}.{key}")) is not None:
                return w
        return None
    if origin is list:
        if not isinstance(value, list):
            return wrong
        return next((w for i, v in enumerate(value)
                     if (w := _mismatch(v, args[0], f"{field}[{i}]")) is not None), None)
    if origin is dict:
        if not isinstance(value, dict):
            return wrong
        return next((w for k, v in value.items()
                     if (w := _mismatch(v, args[1], f"{field}.{k}")) is not None), None)
    if hint is float:  # a number that is not finite is written null (`sim.results.write_json`)
        return None if value is None or type(value) in (int, float) else wrong
    return None if type(value) is hint else wrong


def _kind(hint: Any) -> str:
    """The values of type `hint`, in words."""
    if get_origin(hint) in (Union, types.UnionType):
        return " or ".join(_kind(a) for a in get_args(hint))
    if get_origin(hint) is list:
        return f"a list ({_kind(get_args(hint)[0])} each)"
    if is_typeddict(hint):
        return f"a mapping with {', '.join(get_type_hints(hint))}"
    if get_origin(hint) is dict:
        return "a mapping"
    return {str: "a string", int: "a whole number", float: "a number",
            bool: "true or false", type(None): "null"}.get(hint, getattr(hint, "__name__",
                                                                           str(hint)))


def run_is_complete(run_dir: str | Path) -> bool:
    """True when the run directory has its `summary.json`, which is written last."""
    try:
        read_json(Path(run_dir) / SUMMARY)
    except ResultsError:
        return False
    return True
