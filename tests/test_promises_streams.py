"""Seeding per design point and replication, and common random numbers across a sweep.

DESIGN and docs/cluster.md: replication `rep` of design point `design_point` draws only
from `SeedSequence(seed, spawn_key=(design_point, rep))`; with `crn=true` every job of a
sweep draws the same streams, with `crn=false` job `n` adds `n` to `design_point`,
whichever launcher runs the sweep.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.streams import SOURCES, Streams, replication_seed, streams_for
from tests.promises_helpers import QUIET, points, reps_table, run_sweep, sim


def _draws(s: Streams, n: int = 8) -> list[list[float]]:
    return [list(getattr(s, name).random(n)) for name in SOURCES]


def test_streams_are_the_documented_seed_sequence_children() -> None:
    seq = np.random.SeedSequence(42, spawn_key=(3, 17))
    expected = [np.random.Generator(np.random.PCG64(c)).random(8) for c in seq.spawn(4)]
    assert np.array_equal(np.array(_draws(streams_for(42, 3, 17))), np.array(expected))
    ss = replication_seed(42, 3, 17)
    assert (ss.entropy, ss.spawn_key) == (42, (3, 17))
    assert SOURCES == ("arrivals", "severity", "bargaining", "decisions")


def test_same_seed_design_point_and_replication_give_the_same_streams() -> None:
    assert _draws(streams_for(7, 2, 5)) == _draws(streams_for(7, 2, 5))


@pytest.mark.parametrize("other", [(8, 2, 5), (7, 3, 5), (7, 2, 6), (7, 5, 2)])
def test_any_other_seed_design_point_or_replication_gives_other_streams(
        other: tuple[int, int, int]) -> None:
    mine = _draws(streams_for(7, 2, 5))
    theirs = _draws(streams_for(*other))
    for a, b in zip(mine, theirs, strict=True):
        assert a != b


def test_the_sources_of_one_replication_are_distinct_streams() -> None:
    draws = _draws(streams_for(0, 0, 0))
    assert len({tuple(d) for d in draws}) == len(SOURCES)


# -- a sweep: design points with and without common random numbers ------------------------

JOBS = [["trace_reps=0"], ["trace_reps=1"], ["trace_reps=2"]]  # same scenario, three jobs


def test_crn_gives_every_job_the_same_design_point(tmp_path: Path) -> None:
    assert [p.design_point for p in points(JOBS, tmp_path)] == [0, 0, 0]
    assert [p.design_point for p in points(JOBS, tmp_path, first_job=4)] == [0, 0, 0]
    shifted = [[*j, "design_point=2"] for j in JOBS]
    assert [p.design_point for p in points(shifted, tmp_path)] == [2, 2, 2]


def test_without_crn_job_n_adds_n_to_the_design_point(tmp_path: Path) -> None:
    no_crn = [[*j, "crn=false"] for j in JOBS]
    assert [p.design_point for p in points(no_crn, tmp_path)] == [0, 1, 2]
    assert [p.design_point for p in points(no_crn, tmp_path, first_job=4)] == [4, 5, 6]
    shifted = [[*j, "design_point=2"] for j in no_crn]
    assert [p.design_point for p in points(shifted, tmp_path)] == [2, 3, 4]
    last = [[*j, f"design_point={2**63 - 2}"] for j in no_crn]  # each one a run alone takes
    assert [p.design_point for p in points(last, tmp_path)] == [2**63 - 2, 2**63 - 1, 0]
    assert [p.out_dir.name for p in points(no_crn, tmp_path, first_job=4)] == ["4", "5", "6"]


def _sweep(tmp_path: Path, *extra: str) -> list[pd.DataFrame]:
    run_sweep([[*j, "reps=30", "seed=3", *QUIET, *extra] for j in JOBS[:2]], tmp_path)
    return [reps_table(tmp_path / str(j)) for j in range(2)]


def test_with_crn_the_jobs_replications_draw_the_same_streams(tmp_path: Path) -> None:
    a, b = _sweep(tmp_path)
    pd.testing.assert_frame_equal(a, b)  # the jobs differ only in what they trace


def test_without_crn_the_jobs_replications_draw_other_streams(tmp_path: Path) -> None:
    a, b = _sweep(tmp_path, "crn=false")
    assert list(a["rep"]) == list(b["rep"]) == list(range(30))
    assert (a["final_tension"] != b["final_tension"]).mean() > 0.9
    pd.testing.assert_frame_equal(a, _sweep(tmp_path / "crn")[0])  # job 0 is design point 0


def test_hydras_own_launcher_gives_the_same_design_points(tmp_path: Path) -> None:
    """The Hydra app (any launcher, e.g. submitit) numbers design points as `sim.design_point`."""
    ours = _sweep(tmp_path / "ours", "crn=false")
    theirs = tmp_path / "basic"
    done = sim("-m", "hydra/launcher=basic", "trace_reps=0,1", "reps=30", "seed=3", "crn=false",
               *QUIET, f"hydra.sweep.dir={theirs}")
    assert done.returncode == 0, done.stderr
    for job in (0, 1):
        summary = json.loads((theirs / str(job) / "summary.json").read_text())
        assert summary["design_point"] == job
        pd.testing.assert_frame_equal(reps_table(theirs / str(job)), ours[job])
