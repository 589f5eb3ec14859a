"""Reading results back from a run directory, refusing anything a crash left behind.

Result files are written under temporary names and renamed into place, and
`summary.json` is written last: a directory that has it is complete. A table cut short
(by a crash, a full disk, a copy interrupted), or one whose stored page checksums do not
match, fails here with one line naming the file instead of a stack of Arrow errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results import SUMMARY


class ResultsError(ValueError):
    """A results file that cannot be read. `str()` is one line naming the file."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, " ".join(problem.split())
        super().__init__(f"{path}: {self.problem}")


def read_table(path: str | Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A Parquet results table as a DataFrame; `ResultsError` if it is missing or damaged."""
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
    return table.to_pandas()


def _unread(path: Path, columns: Sequence[str] | None, e: Exception) -> str:
    """Why a table could not be read: a column it lacks, a file that is not Parquet at
    all, or one cut short (its footer, written last, is missing or damaged)."""
    try:
        names = pq.read_schema(path).names
    except (pa.ArrowException, OSError, ValueError, EOFError):
        names = []
    missing = [c for c in columns or () if names and c not in names]
    if missing:
        return f"has no column {missing[0]!r}; its columns: {', '.join(names)}"
    with path.open("rb") as f:
        if f.read(4) not in (b"PAR1", b"PAR", b"PA", b"P", b""):  # what a writer starts with
            return "not a Parquet table; give a results table (.parquet) a command wrote"
    text = re.sub(r"^Could not open Parquet input source '[^']*': ", "", str(e).strip())
    reason = text.splitlines()[0] if text else type(e).__name__
    return (f"not a complete Parquet table, probably cut short by a crash or an interrupted "
            f"copy ({reason}); rerun the command that wrote it")


def read_json(path: str | Path) -> dict[str, Any]:
    """A JSON results file (a summary, a manifest) as a mapping; `ResultsError` if it is
    missing, damaged or not a JSON object."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except OSError as e:
        raise ResultsError(path, f"cannot be read ({e.strerror or e})") from None
    except ValueError as e:
        raise ResultsError(path, f"not valid JSON ({e}); rerun the command that wrote it"
                           ) from None
    if not isinstance(data, dict):
        raise ResultsError(path, f"holds a JSON {type(data).__name__}, not the object written "
                           "there; rerun the command that wrote it")
    return data


def run_is_complete(run_dir: str | Path) -> bool:
    """True when the run directory has its `summary.json`, which is written last."""
    try:
        read_json(Path(run_dir) / SUMMARY)
    except ResultsError:
        return False
    return True
