"""Tests of `sim.compare`: the paired difference by hand, and the command end to end."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.analysis.summary import Z95
from sim.compare import correlation, main, paired_difference
from sim.config.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ["no_summit", "summit_no_deal", "summit_partial", "summit_breakthrough"]


def write_run(run_dir: Path, outcome: list[str], agreed: dict[str, list[bool]],
              seed: int = 0, first_rep: int = 0) -> Path:
    """A minimal complete run directory: replications.parquet and summary.json."""
    run_dir.mkdir(parents=True)
    n = len(outcome)
    pd.DataFrame({
        "rep": np.arange(first_rep, first_rep + n),
        "outcome": outcome,
        "summit_held": [o != "no_summit" for o in outcome],
        "final_tension": np.linspace(0.2, 0.8, n),
        **{f"agreed_{i}": v for i, v in agreed.items()},
    }).to_parquet(run_dir / "replications.parquet", index=False)
    (run_dir / "summary.json").write_text(json.dumps(
        {"scenario": run_dir.name, "reps": n, "seed": seed, "design_point": 0,
         "issues": list(agreed), "config_hash": run_dir.name}))
    return run_dir


def test_paired_difference_hand_computed() -> None:
    # A and B agree on 7 of 8 replications; B adds one success. d = (0,0,0,0,1,0,0,0):
    # mean 1/8, sd (ddof 1) = sqrt((7/8)^2 + 7 (1/8)^2) / 7) = sqrt(1/8), half = z sqrt(1/8)/sqrt(8)
    a = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    b = np.array([1, 1, 1, 1, 1, 0, 0, 0])
    got = paired_difference(a, b)
    assert got["n"] == 8
    assert got["estimate"] == pytest.approx(0.125)
    assert got["ci_low"] == pytest.approx(0.125 - Z95 * 0.125)
    assert got["ci_high"] == pytest.approx(0.125 + Z95 * 0.125)
    # Unpaired: pA = 1/2, pB = 5/8: half = z sqrt(0.25/8 + (5/8)(3/8)/8) = z sqrt(0.060546875)
    half = Z95 * math.sqrt(0.060546875)
    assert got["unpaired_ci_low"] == pytest.approx(0.125 - half)
    assert got["unpaired_ci_high"] == pytest.approx(0.125 + half)
    # Positively correlated runs: the paired interval is strictly narrower.
    assert got["ci_high"] - got["ci_low"] < got["unpaired_ci_high"] - got["unpaired_ci_low"]


def test_identical_runs_give_zero_width() -> None:
    a = np.array([True, False, True, True, False])
    got = paired_difference(a, a.copy())
    assert got["estimate"] == got["ci_low"] == got["ci_high"] == 0.0
    assert got["unpaired_ci_high"] > 0.5  # the unpaired interval ignores the pairing


def test_anticorrelated_runs_widen_the_paired_interval() -> None:
    a = np.array([1, 0, 1, 0, 1, 0])
    got = paired_difference(a, 1 - a)
    # d = (-1, 1, -1, 1, -1, 1): mean 0, sd sqrt(6/5), half = z sqrt(6/5)/sqrt(6) = z sqrt(1/5)
    assert got["ci_high"] == pytest.approx(Z95 * math.sqrt(0.2))
    assert got["unpaired_ci_high"] == pytest.approx(Z95 * math.sqrt(0.25 / 6 * 2))


def test_intervals_stay_within_what_a_difference_of_shares_can_be() -> None:
    # d = (1, 1, 0): mean 2/3, sd sqrt(1/3), half = z sqrt(1/3)/sqrt(3) = z/3 > 1/3: the
    # normal interval ends at 1.32, past the largest difference two shares can have.
    got = paired_difference([0, 0, 0], [1, 1, 0])
    assert got["ci_low"] == pytest.approx(2 / 3 - Z95 / 3)
    assert got["ci_high"] == 1.0
    # Unpaired: pA = 0, pB = 2/3: half = z sqrt(2/27) = 0.53, so it ends at 1.20 too.
    assert got["unpaired_ci_low"] == pytest.approx(2 / 3 - Z95 * math.sqrt(2 / 27))
    assert got["unpaired_ci_high"] == 1.0
    low = paired_difference([1, 1, 0], [0, 0, 0])
    assert low["ci_low"] == low["unpaired_ci_low"] == -1.0


def test_paired_difference_edge_cases() -> None:
    one = paired_difference([1], [0])
    assert one["estimate"] == -1.0 and math.isnan(one["ci_low"]) and one["n"] == 1
    empty = paired_difference([], [])
    assert empty["n"] == 0 and math.isnan(empty["estimate"])
    with pytest.raises(ValueError):
        paired_difference([1, 0], [1])


def test_correlation() -> None:
    assert correlation([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    assert correlation([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)
    assert math.isnan(correlation([1, 1, 1], [1, 0, 1]))


def test_compare_end_to_end(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 400
    held_a = rng.uniform(size=n) < 0.6
    held_b = held_a | (rng.uniform(size=n) < 0.2)  # B: the same replications, a few more summits
    run_a = write_run(tmp_path / "a", list(np.where(held_a, "summit_partial", "no_summit")),
                      {"trade": list(held_a & (rng.uniform(size=n) < 0.5)),
                       "climate": list(held_a)})
    run_b = write_run(tmp_path / "b", list(np.where(held_b, "summit_partial", "no_summit")),
                      {"trade": list(held_b & (rng.uniform(size=n) < 0.5)),
                       "climate": list(held_b), "taiwan": [False] * n}, first_rep=0)
    out = tmp_path / "cmp.json"
    done = subprocess.run([sys.executable, "-m", "sim.compare", str(run_a), str(run_b),
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "paired on 400 replications" in done.stdout
    assert "issues only in B (not compared): taiwan" in done.stdout
    result = json.loads(out.read_text())
    p = result["differences"]["p_summit"]
    want = paired_difference(held_a, held_b)
    assert p["estimate"] == pytest.approx(held_b.mean() - held_a.mean())
    assert p["ci_low"] == pytest.approx(want["ci_low"])
    assert p["ci_high"] - p["ci_low"] < p["unpaired_ci_high"] - p["unpaired_ci_low"]
    assert set(result["differences"]) == {"p_summit", *(f"share_{o}" for o in OUTCOMES),
                                          "p_agreed_trade", "p_agreed_climate"}
    assert result["summit_held_correlation"] == pytest.approx(
        np.corrcoef(held_a, held_b)[0, 1])
    assert result["differences"]["share_summit_no_deal"]["ci_low"] == 0.0
    assert not list(tmp_path.glob(".*.tmp"))


def test_joins_on_common_reps_and_warns_on_different_seeds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_a = write_run(tmp_path / "a", ["no_summit", "summit_partial"] * 5, {}, seed=1)
    run_b = write_run(tmp_path / "b", ["summit_partial"] * 6, {}, seed=2, first_rep=4)
    assert main([str(run_a), str(run_b)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("warning: the runs have different seeds (1 vs 2)")
    assert "paired on 6 replications" in captured.out
    assert "NOT PAIRED" in captured.out and "not paired" in captured.out


@pytest.mark.parametrize("case", ["missing", "a_file", "incomplete", "disjoint"])
def test_errors_are_one_line_exit_2(tmp_path: Path, case: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    run_a = write_run(tmp_path / "a", ["no_summit"] * 3, {})
    if case == "missing":
        run_b = tmp_path / "nowhere"
    elif case == "a_file":
        run_b = tmp_path / "a_file"
        run_b.write_text("not a directory\n")
    elif case == "incomplete":
        run_b = write_run(tmp_path / "b", ["no_summit"] * 3, {})
        (run_b / "summary.json").unlink()
    else:
        run_b = write_run(tmp_path / "b", ["no_summit"] * 3, {}, first_rep=10)
    assert main([str(run_a), str(run_b)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    said = {"missing": "no such directory", "a_file": "a file, not a directory"}.get(case)
    assert said is None or err == f"error: {run_b}: {said}\n"


def test_a_sweeps_folder_points_to_its_jobs(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    run_a = write_run(tmp_path / "a", ["no_summit"] * 3, {})
    sweep = tmp_path / "sweep"
    write_run(sweep / "0", ["no_summit"] * 3, {})
    pd.DataFrame({"job": [0]}).to_parquet(sweep / "sweep.parquet")
    assert main([str(sweep), str(run_a)]) == 2
    assert capsys.readouterr().err == (f"error: {sweep}: a sweep's folder, not a run; compare "
                                       f"two of its jobs, as {sweep / '0'} {sweep / '1'}\n")


@pytest.mark.parametrize(("marker", "line"), [
    ("multirun.yaml", "a sweep's folder, not a run; compare two of its jobs, as {d}/0 {d}/1"),
    ("negotiation.json", "holds a negotiation (negotiation.json), not a run of python -m sim"),
    ("study.json", "holds a study (study.json), not a run of python -m sim"),
])
def test_a_folder_of_other_results_says_what_it_holds(
        tmp_path: Path, marker: str, line: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A sweep still running (no sweep.parquet yet), the lab's, a study's: not "not a
    complete run directory"."""
    run_a = write_run(tmp_path / "a", ["no_summit"] * 3, {})
    other = tmp_path / "other"
    other.mkdir()
    (other / marker).write_text("{}")
    assert main([str(other), str(run_a)]) == 2
    assert capsys.readouterr().err == f"error: {other}: {line.format(d=other)}\n"


@pytest.mark.parametrize("given", ["folder", "", "no_such_folder/cmp.json"])
def test_a_json_file_that_cannot_be_written_is_the_only_output(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        given: str) -> None:
    """`--json` naming a folder (or nothing: the folder it runs in, where it raised
    "PosixPath('.') has an empty name"), or a file in a folder that is not there: one line
    and exit 2, and no table that looks like a result."""
    run_a = write_run(tmp_path / "a", ["no_summit", "summit_partial"] * 3, {})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    before = sorted(tmp_path.rglob("*"))
    assert main([str(run_a), str(run_a), "--json", given]) == 2
    captured = capsys.readouterr()
    shown = given or "."
    said = (f"is a folder; give a file in it, as {Path(shown) / 'compare.json'}"
            if given != "no_such_folder/cmp.json" else "cannot write (No such file or directory)")
    assert captured.out == "" and captured.err == f"error: --json='{shown}': {said}\n"
    assert sorted(tmp_path.rglob("*")) == before


def test_a_json_file_named_too_long_is_one_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A name longer than a file system takes: the file cannot be written, and the clean-up
    of the file it is written to first (never made) raised as the line was told."""
    run_a = write_run(tmp_path / "a", ["no_summit", "summit_partial"] * 3, {})
    before = sorted(tmp_path.rglob("*"))
    far = str(tmp_path / ("a" * 300 + ".json"))
    assert main([str(run_a), str(run_a), "--json", far]) == 2
    said = ConfigError("--json", far, "cannot write (File name too long)")
    assert capsys.readouterr().err == f"error: {said}\n"
    assert sorted(tmp_path.rglob("*")) == before


def test_a_json_file_in_the_configs_folder_is_refused(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A comparison is JSON, which is YAML: written in conf/scenario/, it was a scenario."""
    run_a = write_run(tmp_path / "a", ["no_summit", "summit_partial"] * 3, {})
    conf = Path(__file__).resolve().parents[1] / "conf"
    target = conf / "scenario" / "compared.yaml"
    try:
        assert main([str(run_a), str(run_a), "--json", str(target)]) == 2
        assert not target.exists()
    finally:  # should it be written, the other tests are not to find it
        target.unlink(missing_ok=True)
    said = ConfigError("--json", str(target), f"is in {conf}, the configs every command reads, "
                       "which its files would replace or be taken for; give a file of its "
                       "own, outside it")
    assert capsys.readouterr().err == f"error: {said}\n"


def test_the_json_file_replaces_no_file_but_a_comparison(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--json A/replications.parquet` (or a sweep's sweep.parquet, or any file of the user's)
    was replaced by the comparison: the run's table was lost. A file that is not a comparison
    --json wrote is kept, with one line and exit 2; an earlier comparison is replaced."""
    run_a = write_run(tmp_path / "a", ["no_summit", "summit_partial"] * 3, {})
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": 1}')
    for kept in (run_a / "replications.parquet", notes):
        before = kept.read_bytes()
        assert main([str(run_a), str(run_a), "--json", str(kept)]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err == (
            f"error: --json='{kept}': an existing file that is not a comparison written by "
            "--json, which would be lost; --json writes a new file or replaces an earlier "
            "comparison\n")
        assert kept.read_bytes() == before
    out = tmp_path / "cmp.json"
    for _ in range(2):  # a new file, then the comparison it is replaced
        assert main([str(run_a), str(run_a), "--json", str(out)]) == 0
        assert json.loads(out.read_text())["n_paired"] == 6


def test_the_json_file_does_not_replace_the_file_a_folder_is_known_by(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--json A/summary.json` replaced run A's summary with the comparison, and A was no
    longer a run; a file of its own beside it is written."""
    run_a = write_run(tmp_path / "a", ["no_summit", "summit_partial"] * 3, {})
    before = (run_a / "summary.json").read_bytes()
    assert main([str(run_a), str(run_a), "--json", str(run_a / "summary.json")]) == 2
    assert capsys.readouterr().err == (
        f"error: --json='{run_a / 'summary.json'}': is the run's summary.json, which says what "
        "its folder holds; give a file of its own\n")
    assert (run_a / "summary.json").read_bytes() == before
    assert main([str(run_a), str(run_a), "--json", str(run_a / "compare.json")]) == 0
    assert json.loads((run_a / "compare.json").read_text())["a"]["path"] == str(run_a)


@pytest.mark.parametrize(("field", "value", "said"), [
    ("issues", 5, "field 'issues' must be a list (a string each)"),
    ("seed", None, "has no field 'seed'"),
])
def test_a_malformed_summary_names_the_file_and_the_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any,
        said: str) -> None:
    """`"issues": 5` was a traceback (TypeError: 'int' object is not iterable)."""
    run_a = write_run(tmp_path / "a", ["no_summit", "summit_partial"] * 3, {})
    summary = json.loads((run_a / "summary.json").read_text())
    summary = {k: v for k, v in (summary | {field: value}).items() if v is not None}
    (run_a / "summary.json").write_text(json.dumps(summary))
    assert main([str(run_a), str(run_a)]) == 2
    assert capsys.readouterr().err == (
        f"error: {run_a}: cannot read saved results: {run_a / 'summary.json'}: {said}; rerun "
        "the command that wrote it\n")
