"""A scenario kept outside the checkout runs with `--config-dir DIR`, like a shipped one.

The bad inputs of such a folder are in the catalogue (`test_bad_input.py`, `folder-*`);
here: it runs, builds on the shipped scenarios, and takes the same overrides, including
one of a key its file leaves at the schema's default.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
QUIET = ["reps=4", "workers=1", "trace_reps=4", "progress=false", "plots=false"]


def sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_a_user_folder_runs_and_takes_overrides_of_defaults(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    plain = sim("--config-dir", str(folder), "scenario=calm", *QUIET,
                f"hydra.run.dir={tmp_path / 'plain'}")
    assert plain.returncode == 0, plain.stderr
    no_balloon = sim("--config-dir", str(folder), "scenario=calm", *QUIET,
                     "scenario.shocks.balloon.enabled=false",
                     f"hydra.run.dir={tmp_path / 'no_balloon'}")
    assert no_balloon.returncode == 0, no_balloon.stderr
    summaries = [json.loads((tmp_path / d / "summary.json").read_text())
                 for d in ("plain", "no_balloon")]
    assert [s["scenario"] for s in summaries] == ["calm", "calm"]
    assert summaries[0]["config_hash"] != summaries[1]["config_hash"]
    names = [set(pd.read_parquet(tmp_path / d / "events.parquet")["name"])
             for d in ("plain", "no_balloon")]
    assert "balloon" in names[0] and "balloon" not in names[1]


@pytest.mark.parametrize("stray", ["scenario/calm.yml", "calm.yaml"])
def test_a_scenario_file_hydra_does_not_read_is_pointed_to(tmp_path: Path, stray: str) -> None:
    """A `.yml` file, or one outside `scenario/`, is not found: the line names the file and
    where it belongs, not only the scenarios that are known."""
    folder = tmp_path / "mine"
    (folder / stray).parent.mkdir(parents=True, exist_ok=True)
    (folder / stray).write_text("defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    done = sim("--config-dir", str(folder), "scenario=calm", *QUIET)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: scenario='calm': {folder / stray} is not read; a folder's scenario is the "
        f"file {folder / 'scenario' / 'calm.yaml'}"]
