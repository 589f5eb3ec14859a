"""Paired comparisons of two runs (`python -m sim.compare SWEEP/0 SWEEP/1`).

README: "Jobs of a sweep use common random numbers by default (`crn=true`): replication r
of every job draws the same streams, so paired differences have tight intervals." The
paired and unpaired intervals are checked against statsmodels; the comparison of two
real jobs against their tables; jobs without common random numbers are not paired.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.weightstats import DescrStatsW

from sim.compare import main, paired_difference
from tests.promises_helpers import QUIET, run_sweep

JOBS = [["scenario=historical_2023"], ["scenario=no_balloon"]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paired_and_unpaired_intervals_match_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    a = rng.uniform(size=n) < 0.55
    b = a ^ (rng.uniform(size=n) < 0.15)
    got = paired_difference(a, b)
    d = b.astype(float) - a.astype(float)
    low, high = DescrStatsW(d).zconfint_mean(alpha=0.05)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((low, high), abs=1e-12)
    ulow, uhigh = confint_proportions_2indep(int(b.sum()), n, int(a.sum()), n, method="wald",
                                             compare="diff", alpha=0.05)
    assert (got["unpaired_ci_low"], got["unpaired_ci_high"]) == pytest.approx((ulow, uhigh),
                                                                               abs=1e-12)
    assert got["estimate"] == pytest.approx(d.mean()) and got["n"] == n


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for crn in ("true", "false"):
        out[crn] = tmp_path_factory.mktemp(f"crn_{crn}")
        run_sweep([[*j, "reps=300", "seed=2", f"crn={crn}", *QUIET] for j in JOBS], out[crn])
    return out


def test_two_jobs_of_a_sweep_compare_replication_by_replication(
        sweeps: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = sweeps["true"]
    out = tmp_path / "cmp.json"
    assert main([str(sweep / "0"), str(sweep / "1"), "--json", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "paired on 300 replications" in captured.out
    result = json.loads(out.read_text())
    assert result["paired"] is True
    a = pd.read_parquet(sweep / "0" / "replications.parquet")
    b = pd.read_parquet(sweep / "1" / "replications.parquet")
    p = result["differences"]["p_summit"]
    want = paired_difference(a["summit_held"], b["summit_held"])
    assert p["estimate"] == pytest.approx(b["summit_held"].mean() - a["summit_held"].mean())
    assert (p["ci_low"], p["ci_high"]) == pytest.approx((want["ci_low"], want["ci_high"]))
    issue = "mil_mil"
    q = result["differences"][f"p_agreed_{issue}"]
    assert q["a"] == pytest.approx(a[f"agreed_{issue}"].mean())
    assert q["b"] == pytest.approx(b[f"agreed_{issue}"].mean())
    # common random numbers: the replications are positively correlated
    assert result["summit_held_correlation"] > 0.2
    assert p["ci_high"] - p["ci_low"] < p["unpaired_ci_high"] - p["unpaired_ci_low"]


def test_jobs_without_common_random_numbers_are_not_paired(
        sweeps: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    sweep = sweeps["false"]
    assert main([str(sweep / "0"), str(sweep / "1")]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "warning: the runs have different design points (0 vs 1): replications are not "
        "paired, so the paired interval is meaningless; read the unpaired one")
    assert "NOT PAIRED" in captured.out
    a = pd.read_parquet(sweep / "0" / "replications.parquet")["summit_held"]
    b = pd.read_parquet(sweeps["true"] / "0" / "replications.parquet")["summit_held"]
    assert a.equals(b)  # job 0 keeps design point 0 either way
