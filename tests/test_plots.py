"""Tests of the run plots, on a small synthetic run directory."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.plots import (
    draw_run_plots,
    plot_goldstein,
    plot_outcomes,
    plot_timeline,
    tension_path,
    wilson,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = date(2025, 1, 1)
END = date(2025, 6, 30)
ISSUES = ["mil_mil", "taiwan", "tariffs"]
OUTCOMES = ["no_summit", "summit_no_deal", "summit_partial", "summit_breakthrough"]
EVENT_COLUMNS = [
    "rep", "time", "date", "kind", "name", "actor", "target", "channel", "cameo",
    "goldstein", "tension_after", "detail",
]  # fmt: skip


def _events(n_reps: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for rep in range(n_reps):
        for t in sorted(rng.uniform(0, (END - START).days, size=12)):
            rows.append(
                {
                    "rep": rep,
                    "time": float(t),
                    "date": (START + timedelta(days=int(t))).isoformat(),
                    "kind": "meeting_held",
                    "name": "working_group",
                    "actor": "USA",
                    "target": "CHN",
                    "channel": "trade",
                    "cameo": "036",
                    "goldstein": float(rng.normal(0, 4)),
                    "tension_after": float(rng.uniform(0.2, 0.8)),
                    "detail": "",
                }
            )
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep": pd.Series(dtype="int64"),
            "time": pd.Series(dtype="float64"),
            **{c: pd.Series(dtype="str") for c in ["date", "kind", "name", "actor", "target"]},
            **{c: pd.Series(dtype="str") for c in ["channel", "cameo", "detail"]},
            "goldstein": pd.Series(dtype="float64"),
            "tension_after": pd.Series(dtype="float64"),
        }
    )[EVENT_COLUMNS]


def _make_run(run_dir: Path, events: pd.DataFrame, reps: int = 40) -> Path:
    rng = np.random.default_rng(0)
    outcome = rng.choice(OUTCOMES, size=reps, p=[0.2, 0.3, 0.4, 0.1])
    table = pd.DataFrame(
        {
            "rep": np.arange(reps),
            "outcome": outcome,
            "summit_held": outcome != "no_summit",
            "final_tension": rng.uniform(0, 1, size=reps),
            **{f"agreed_{i}": rng.uniform(size=reps) < 0.4 for i in ISSUES},
            "utility_usa": rng.normal(size=reps),
            "utility_chn": rng.normal(size=reps),
        }
    )
    table.to_parquet(run_dir / "replications.parquet")
    events.to_parquet(run_dir / "events.parquet")

    def ci(k: int) -> dict[str, float]:
        est, lo, hi = wilson(k, reps)
        return {"estimate": est, "ci_low": lo, "ci_high": hi}

    summary = {
        "scenario": "test_scenario",
        "reps": reps,
        "start": START.isoformat(),
        "end": END.isoformat(),
        "issues": ISSUES,
        "outcome_shares": {o: float(np.mean(outcome == o)) for o in OUTCOMES},
        "p_summit": ci(int(table["summit_held"].sum())),
        "p_agreed": {i: ci(int(table[f"agreed_{i}"].sum())) for i in ISSUES},
        "relations": {"tension_baseline": 0.3, "tension_half_life_days": 30.0, "tension": 0.5},
        "scheduled": [
            {"date": "2025-02-10", "name": "trade talks", "kind": "meeting"},
            {"date": "2025-03-15", "name": "strait incident", "kind": "shock"},
            {"date": "2025-04-20", "name": "tariff pause", "kind": "concession"},
            {"date": "2025-05-05", "name": "sanctions package", "kind": "shock"},
        ],
    }
    (run_dir / "summary.json").write_text(json.dumps(summary))
    return run_dir


def _assert_png(path: Path) -> None:
    assert path.exists()
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 5_000


def test_wilson_known_value() -> None:
    est, lo, hi = wilson(50, 100)
    assert est == pytest.approx(0.5)
    assert lo == pytest.approx(0.4038, abs=1e-4)
    assert hi == pytest.approx(0.5962, abs=1e-4)


def test_wilson_edges() -> None:
    assert wilson(0, 10)[1] == 0.0
    assert wilson(10, 10)[2] == 1.0
    assert all(np.isnan(wilson(0, 0)))


def test_tension_path_hand_computed() -> None:
    # Start 0.5, baseline 0.2, half-life 10 days; events given out of time order.
    # Two events at day 5: the last listed (0.9) holds; at day 20 tension drops to 0.1.
    got = tension_path(
        events_times=[20.0, 5.0, 5.0],
        tension_after=[0.1, 0.8, 0.9],
        start_tension=0.5,
        baseline=0.2,
        half_life=10.0,
        grid=[0.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0],
    )
    want = [
        0.5,
        0.2 + 0.3 * 2**-0.25,  # relaxing from the start value
        0.9,  # an event at a grid time has already happened
        0.2 + 0.7 * 2**-0.5,
        0.2 + 0.7 * 0.5,  # one half-life after day 5
        0.1,
        0.2 - 0.1 * 0.5,  # relaxes upward toward the baseline
    ]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_tension_path_without_events_relaxes_from_start() -> None:
    got = tension_path([], [], 0.8, 0.2, 7.0, [0.0, 7.0, 14.0])
    np.testing.assert_allclose(got, [0.8, 0.5, 0.35])


def test_each_plot_writes_png(tmp_path: Path) -> None:
    run = _make_run(tmp_path, _events(5))
    for plot, name in [
        (plot_outcomes, "outcomes.png"),
        (plot_timeline, "timeline.png"),
        (plot_goldstein, "goldstein.png"),
    ]:
        path = plot(run)
        assert path == run / name
        _assert_png(path)
    assert not list(run.glob(".*.tmp"))


def test_single_traced_rep(tmp_path: Path) -> None:
    run = _make_run(tmp_path, _events(1))
    _assert_png(plot_timeline(run))
    _assert_png(plot_goldstein(run))


def test_zero_event_rows(tmp_path: Path) -> None:
    run = _make_run(tmp_path, _empty_events())
    paths = draw_run_plots(run)
    assert [p.name for p in paths] == ["outcomes.png", "timeline.png", "goldstein.png"]
    for path in paths:
        _assert_png(path)
