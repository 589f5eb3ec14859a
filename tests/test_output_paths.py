"""A results file that cannot be written is one line and exit code 2, never a traceback.

Every table, JSON file and plot goes through the atomic writers of `sim.results`: one that
cannot be written where a folder has its name, or over a file that refuses to be replaced
(immutable, `chattr +i`), raises `WriteError`, a `ConfigError` naming the file, which the
commands tell as they tell a bad output folder. No temporary file is left behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pyarrow as pa
import pytest

from sim import results
from sim.analysis.plots import save_png

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = pa.schema([("x", pa.int64())])


def _table(path: Path) -> None:
    writer = results.TableWriter(path, SCHEMA)
    writer.write({"x": [1, 2]})
    writer.close()


WRITERS: dict[str, Callable[[Path], object]] = {
    "write_parquet": lambda p: results.write_parquet(pd.DataFrame({"x": [1]}), p),
    "write_json": lambda p: results.write_json({"x": 1}, p),
    "TableWriter": _table,
    "save_png": lambda p: save_png(plt.figure(), p),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_a_file_whose_name_a_folder_has_is_one_line(tmp_path: Path, writer: str) -> None:
    """It was `IsADirectoryError` from `os.replace`, after all the work of making the file."""
    target = tmp_path / "out.file"
    target.mkdir()
    with pytest.raises(results.WriteError) as err:
        WRITERS[writer](target)
    assert str(err.value) == (f"output='{target}': cannot write this file (a folder has its "
                              "name); move that folder away, or give the command another "
                              "folder")
    assert [p.name for p in tmp_path.iterdir()] == ["out.file"] and target.is_dir()


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A file that cannot be replaced (`chattr +i`), made mutable again at the end."""
    target = tmp_path / "out.file"
    target.write_bytes(b"kept")
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (it needs root and a file system "
                    "that has the flag)")
    try:
        yield target
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_file_that_cannot_be_replaced_is_one_line(immutable: Path, writer: str) -> None:
    """It was `PermissionError` from `os.replace` (a sweep resumed over its sweep.parquet)."""
    with pytest.raises(results.WriteError) as err:
        WRITERS[writer](immutable)
    assert str(err.value) == (f"output='{immutable}': cannot write this file (Operation not "
                              "permitted); make it writable, or give the command another "
                              "folder")
    assert immutable.read_bytes() == b"kept"
    assert [p.name for p in immutable.parent.iterdir()] == ["out.file"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


RUN = "hydra.run.dir"


@pytest.mark.parametrize(("command", "folder", "name"), [
    (["sim", "reps=10", "workers=1", "progress=false", "plots=false"], RUN,
     "replications.parquet"),
    (["sim", "reps=10", "workers=1", "progress=false", "plots=false"], RUN,
     "events.parquet"),  # replications.parquet's temporary file was left behind
    (["sim", "reps=10", "workers=1", "progress=false"], RUN, "timeline.png"),
    (["sim.negotiate"], RUN, "negotiation.json"),
    (["sim.tournament", "agendas=2"], RUN, "tournament.json"),  # and Hydra's failed-job line
    (["sim", "-m", "seed=1,2", "reps=10", "workers=1", "progress=false", "plots=false"],
     "hydra.sweep.dir", "sweep.parquet"),  # a traceback, as the sweep was gathered
    (["sim.explore", "ishigami", "base_samples=4", "reps=2", "--no-progress"], "out",
     "indices.json"),  # IsADirectoryError, as an earlier study's indices were taken away
    (["sim", "reps=10", "workers=1", "progress=false"], RUN, "summary.json"),
    (["sim", "-m", "hydra/launcher=basic", "seed=1,2", "reps=10", "workers=1",
      "progress=false", "plots=false"], "hydra.sweep.dir", "0/replications.parquet"),
    (["sim.negotiate", "-m", "seed=1,2"], "hydra.sweep.dir", "0/negotiation.json"),
    (["sim.forecast", "scenario=historical_2023", "as_of=2023-06-01", "reps=20"], "out",
     "forecast.json"),
    (["sim.backtest", "us_china_2023", "--reps", "20"], "--out", "scores.json"),
    (["sim.backtest", "library", "--reps", "20"], "--out", "library.json"),  # a traceback
    (["sim.calibrate", "us_china_2023"], "--out", "calibration.json"),
])
def test_a_command_whose_file_a_folder_is_in_the_way_of_is_one_line(
        tmp_path: Path, command: list[str], folder: str, name: str) -> None:
    """`python -m sim` (its tables, its plots, a sweep's table), the lab, the tournament,
    a study, a forecast, a backtest, the library and a calibration: exit code 2, one line
    naming the setting that gave the folder and the file in it, and nothing that looks
    complete."""
    out = tmp_path / "out"
    (out / name).mkdir(parents=True)
    given = [folder, str(out)] if folder.startswith("--") else [f"{folder}={out}"]
    done = _run(*command, *given)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"error: {folder}='{out}': cannot write {name} there (a folder "
                           "has its name); move that folder away, or give the command "
                           "another folder\n")
    kept = {results.MULTIRUN}  # Hydra's record of a sweep's config, in a folder not empty
    assert not any((out / done).is_file() for done in set(results.HOLDS) - kept)
    assert not list(out.rglob(".*.tmp"))


def test_a_sweeps_job_folder_that_cannot_be_made_is_named_by_the_sweeps_folder(
        tmp_path: Path) -> None:
    """A file where job 1's folder goes: the line named hydra.run.dir, which the user did
    not give."""
    (tmp_path / "1").write_text("")
    done = _run("sim", "-m", "seed=1,2", "reps=10", "workers=1", "progress=false",
                "plots=false", f"hydra.sweep.dir={tmp_path}")
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"error: hydra.sweep.dir='{tmp_path / '1'}': cannot write there "
                           "(File exists)\n")


def test_a_sweep_whose_table_cannot_be_replaced_is_one_line_as_it_is_gathered(
        tmp_path: Path) -> None:
    """A sweep resumed over its immutable `sweep.parquet`: a traceback as it was gathered."""
    sweep = ["sim", "-m", "seed=1,2", "reps=10", "workers=1", "progress=false", "plots=false",
             f"hydra.sweep.dir={tmp_path}"]
    assert _run(*sweep).returncode == 0
    table = tmp_path / "sweep.parquet"
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(table)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        done = _run(*sweep)
    finally:
        subprocess.run(["chattr", "-i", str(table)], check=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"error: hydra.sweep.dir='{tmp_path}': cannot write sweep.parquet there (Operation not "
        "permitted); make it writable, or give the command another folder")
    assert "Traceback" not in done.stderr
