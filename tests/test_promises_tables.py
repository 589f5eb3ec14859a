"""The tables of a sweep directory, gathered from its jobs, and the writer they go through.

README, Sweeps: `replications.parquet` holds "every job's rows with the swept values as
columns"; `sweep.parquet` a row per job; `manifest.json` "commit, versions, root seed, each
job's config hash". sim.sweep reads only what the jobs saved, so it also gathers job
directories whose summaries lack optional keys.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim import results
from sim.sweep import finalize_sweep
from tests.promises_helpers import QUIET, reps_table, run_sweep

KEY = "scenario.relations.tension_half_life_days"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    run_sweep([[f"{KEY}={h}", "seed=3", "reps=15", *QUIET] for h in (45, 90)], out)
    finalize_sweep(out)
    return out


def test_the_sweep_replications_are_the_jobs_rows_with_job_and_swept_value(sweep: Path) -> None:
    table = pq.read_table(sweep / "replications.parquet")
    assert table.schema.names[:2] == ["job", KEY]
    assert table.schema.field("job").type == pa.int64()
    assert table.schema.field(KEY).type == pa.int64()
    rows = table.to_pandas()
    assert list(rows["job"]) == [0] * 15 + [1] * 15
    assert list(rows[KEY]) == [45] * 15 + [90] * 15
    for job in (0, 1):
        mine = rows[rows["job"] == job].drop(columns=["job", KEY]).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, reps_table(sweep / str(job)))


def test_the_manifest_records_each_job_and_where_the_code_came_from(sweep: Path) -> None:
    manifest = json.loads((sweep / "manifest.json").read_text())
    summaries = [json.loads((sweep / j / "summary.json").read_text()) for j in ("0", "1")]
    assert [j["overrides"] for j in manifest["jobs"]] == [s["overrides"] for s in summaries]
    assert [j["overrides"][KEY] for j in manifest["jobs"]] == [45, 90]
    assert manifest["git_commit"] == summaries[0]["git_commit"]
    assert manifest["versions"] == summaries[0]["versions"]
    assert (manifest["seed"], manifest["crn"]) == (3, True)
    table = pd.read_parquet(sweep / "sweep.parquet")
    assert list(table["dir"]) == ["0", "1"] and list(table["scenario"]) == ["historical_2023"] * 2
    assert table["overrides"][0] == " ".join(f"{k}={v}" for k, v in
                                             summaries[0]["overrides"].items())


def _minimal_job(path: Path, reps: int) -> None:
    """A job directory whose summary has only the keys a sweep row cannot do without."""
    path.mkdir(parents=True)
    results.write_parquet(pd.DataFrame({"rep": range(reps), "summit_held": [True] * reps}),
                          path / "replications.parquet")
    results.write_json({"scenario": "old", "reps": reps, "config_hash": "ab" * 32,
                        "p_summit": {"estimate": 1.0, "ci_low": 0.5, "ci_high": 1.0},
                        "outcome_shares": {"summit_partial": 1.0}, "p_agreed": {}},
                       path / "summary.json")


def test_summaries_without_the_optional_keys_are_gathered_with_defaults(tmp_path: Path) -> None:
    _minimal_job(tmp_path / "0", 3)
    table = pd.read_parquet(finalize_sweep(tmp_path))
    row = table.iloc[0]
    assert (row["failures"], row["overrides"], row["reps"]) == (0, "", 3)
    assert (row["share_summit_partial"], row["share_no_summit"]) == (1.0, 0.0)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["git_commit"] == "unknown" and manifest["versions"] == {}
    assert manifest["swept_keys"] == [] and manifest["jobs"][0]["overrides"] == {}
    reps = pd.read_parquet(tmp_path / "replications.parquet")
    assert list(reps.columns) == ["job", "rep", "summit_held"] and list(reps["job"]) == [0] * 3


def test_a_sweep_without_complete_jobs_gathers_to_empty_tables(tmp_path: Path) -> None:
    (tmp_path / "0").mkdir()
    (tmp_path / "notes").mkdir()  # not a job directory
    finalize_sweep(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["jobs"] == [{"job": 0, "overrides": {}, "config_hash": None,
                                 "complete": False}]
    assert (manifest["seed"], manifest["git_commit"], manifest["versions"]) == (
        None, "unknown", {})
    assert pd.read_parquet(tmp_path / "sweep.parquet").empty
    assert pq.read_table(tmp_path / "replications.parquet").num_rows == 0


def test_a_streamed_table_keeps_its_schema_types(tmp_path: Path) -> None:
    schema = pa.schema([("x", pa.float64()), ("n", pa.int32())])
    writer = results.TableWriter(tmp_path / "t.parquet", schema)
    writer.write({"x": [0, 1], "n": [2, 3]})  # Python ints into a float column
    writer.close()
    assert pq.read_schema(tmp_path / "t.parquet") == schema


def test_aborting_a_closed_writer_keeps_the_complete_table(tmp_path: Path) -> None:
    """A sweep aborts every writer still open when a job fails; one closed just before
    must not turn the failure into a FileNotFoundError."""
    schema = pa.schema([("rep", pa.int64())])
    writer = results.TableWriter(tmp_path / "t.parquet", schema)
    writer.write({"rep": [0, 1]})
    writer.close()
    writer.abort()
    assert list(pq.read_table(tmp_path / "t.parquet")["rep"].to_pylist()) == [0, 1]


def test_jobs_with_other_columns_or_no_overrides_are_gathered_with_nulls(
        tmp_path: Path) -> None:
    """Jobs of other scenarios have other `agreed_<issue>` columns; a job may lack overrides."""
    _minimal_job(tmp_path / "0", 2)
    _minimal_job(tmp_path / "1", 1)
    results.write_parquet(pd.DataFrame({"rep": [0], "summit_held": [False],
                                        "agreed_trade": [True]}),
                          tmp_path / "1" / "replications.parquet")
    summary = json.loads((tmp_path / "1" / "summary.json").read_text())
    summary.update(overrides={"scenario": "other"}, git_commit="abc123")
    results.write_json(summary, tmp_path / "1" / "summary.json")
    finalize_sweep(tmp_path)
    reps = pd.read_parquet(tmp_path / "replications.parquet")
    assert list(reps.columns) == ["job", "scenario", "rep", "summit_held", "agreed_trade"]
    assert list(reps["job"]) == [0, 0, 1]
    assert reps["scenario"].isna().tolist() == [True, True, False]
    assert reps["scenario"].iloc[2] == "other"
    assert reps["agreed_trade"].isna().tolist() == [True, True, False]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["git_commit"] == "unknown"  # the first complete job's, which has none
    (tmp_path / "0" / "summary.json").unlink()
    finalize_sweep(tmp_path)
    assert json.loads((tmp_path / "manifest.json").read_text())["git_commit"] == "abc123"
