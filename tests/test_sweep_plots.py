"""Tests of the sweep plots, on synthetic sweep tables and manifests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.analysis.summary import share
from sim.analysis.sweep_plots import (
    draw_sweep_plots,
    format_value,
    load_sweep,
    plot_p_summit_vs,
    safe_name,
    short_keys,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ISSUES = ["mil_mil", "fentanyl", "ai_risk", "export_controls", "taiwan"]
OUTCOMES = ["no_summit", "summit_no_deal", "summit_partial", "summit_breakthrough"]
SEVERITY = "scenario.shocks.balloon.severity.low"


def write_sweep(sweep_dir: Path, points: Sequence[dict[str, Any]], keys: Sequence[str],
                reps: int = 200, manifest: bool = True) -> Path:
    """A sweep directory's `sweep.parquet` and `manifest.json` (no job directories)."""
    rng = np.random.default_rng(len(points))
    rows = []
    for job, point in enumerate(points):
        held = int(rng.integers(reps // 5, reps))
        p = share(held, reps)
        split = rng.dirichlet([1.0, 4.0, 2.0]) * held / reps
        row: dict[str, Any] = {"job": job, **point}
        row.update(
            overrides=" ".join(f"{k}={v}" for k, v in point.items()) + f" reps={reps}",
            scenario=point.get("scenario", "historical_2023"),
            reps=reps,
            failures=0,
            p_summit=p["estimate"],
            p_summit_ci_low=p["ci_low"],
            p_summit_ci_high=p["ci_high"],
            share_no_summit=1 - held / reps,
            **{f"share_{o}": float(s) for o, s in zip(OUTCOMES[1:], split, strict=True)},
            **{f"p_agreed_{i}": float(rng.uniform(0, held / reps)) for i in ISSUES},
            config_hash=f"{job:064x}",
            dir=str(job),
        )
        rows.append(row)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(sweep_dir / "sweep.parquet", index=False)
    if manifest:
        jobs = [{"job": r["job"], "overrides": {**point, "reps": reps},
                 "config_hash": r["config_hash"], "complete": True}
                for r, point in zip(rows, points, strict=True)]
        (sweep_dir / "manifest.json").write_text(json.dumps(
            {"swept_keys": list(keys), "seed": 0, "crn": True, "git_commit": "0" * 40,
             "versions": {}, "jobs": jobs}))
    return sweep_dir


def grid(**values: Sequence[Any]) -> list[dict[str, Any]]:
    """The cartesian product of swept values, the first key varying slowest (as Hydra)."""
    points: list[dict[str, Any]] = [{}]
    for key, vals in values.items():
        points = [{**p, key: v} for p in points for v in vals]
    return points


def pngs(sweep_dir: Path) -> set[str]:
    return {p.name for p in sweep_dir.glob("*.png")}


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), path
    assert len(data) > 2_000, path  # a real image, not an empty canvas


def assert_drawn(sweep_dir: Path, written: list[Path], expected: set[str]) -> None:
    assert {p.name for p in written} == expected
    assert pngs(sweep_dir) == expected
    for path in written:
        assert path.parent == sweep_dir
        assert_png(path)
    assert not list(sweep_dir.glob(".*.tmp"))


def test_single_job_numeric_key(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path, [{SEVERITY: 0.3}], [SEVERITY])
    written = draw_sweep_plots(sweep)
    assert_drawn(sweep, written, {f"p_summit_vs_{safe_name(SEVERITY)}.png",
                                  "outcome_shares.png", "agreement_heatmap.png"})


def test_single_job_nothing_swept(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path, [{}], [])
    assert_drawn(sweep, draw_sweep_plots(sweep), {"outcome_shares.png", "agreement_heatmap.png"})


def test_three_jobs_one_numeric_key(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path, grid(**{SEVERITY: [0.1, 0.3, 0.5]}), [SEVERITY])
    written = draw_sweep_plots(sweep)
    assert_drawn(sweep, written, {"p_summit_vs_scenario_shocks_balloon_severity_low.png",
                                  "outcome_shares.png", "agreement_heatmap.png"})


def test_three_jobs_scenario_only(tmp_path: Path) -> None:
    points = grid(scenario=["historical_2023", "from_malta", "no_balloon"])
    sweep = write_sweep(tmp_path, points, ["scenario"])
    assert_drawn(sweep, draw_sweep_plots(sweep), {"outcome_shares.png", "agreement_heatmap.png"})


def test_six_jobs_scenario_by_numeric(tmp_path: Path) -> None:
    points = grid(scenario=["historical_2023", "no_balloon"], **{SEVERITY: [0.1, 0.3, 0.5]})
    sweep = write_sweep(tmp_path, points, ["scenario", SEVERITY])
    written = draw_sweep_plots(sweep)
    assert_drawn(sweep, written, {f"p_summit_vs_{safe_name(SEVERITY)}.png", "outcome_shares.png",
                                  "agreement_heatmap.png", "p_summit_grid.png"})
    assert written[0].name.startswith("p_summit_vs_")


def test_many_series_use_colormap_or_panels(tmp_path: Path) -> None:
    # 9 values of a numeric second key: one colormapped line each; 9 scenarios: 9 panels.
    colormap = write_sweep(tmp_path / "colormap", grid(**{"x.a": [0.1, 0.2], "x.b": range(9)}),
                           ["x.a", "x.b"])
    panels = write_sweep(tmp_path / "panels", grid(scenario=[f"s{i}" for i in range(9)],
                                                   **{"x.a": [1, 2]}), ["scenario", "x.a"])
    for sweep in (colormap, panels):
        assert_png(plot_p_summit_vs(load_sweep(sweep), "x.a", sweep / "p.png"))


def test_numbers_stored_as_text_count_as_numeric(tmp_path: Path) -> None:
    points = [{"seed": s, "mode": m} for s, m in [("1", "on"), ("2", "on"), ("3", "off")]]
    sweep = write_sweep(tmp_path, points, ["seed", "mode"])
    assert load_sweep(sweep).numeric == {"seed"}
    assert "p_summit_vs_seed.png" in {p.name for p in draw_sweep_plots(sweep)}


def test_without_manifest_keys_are_inferred(tmp_path: Path) -> None:
    points = grid(scenario=["a", "b"], **{SEVERITY: [0.1, 0.2]})
    sweep = write_sweep(tmp_path, points, [], manifest=False)
    assert load_sweep(sweep).keys == ["scenario", SEVERITY]


def test_failed_job_is_left_blank(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path, grid(scenario=["a", "b"], **{"k": [1.0, 2.0]}),
                        ["scenario", "k"])
    table = pd.read_parquet(sweep / "sweep.parquet")
    missing = [c for c in table.columns if c.startswith(("p_summit", "share_", "p_agreed_"))]
    table.loc[1, missing] = np.nan
    table.to_parquet(sweep / "sweep.parquet", index=False)
    for path in draw_sweep_plots(sweep):
        assert_png(path)


def test_sweep_without_complete_jobs(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path, [], ["scenario"])
    assert_drawn(sweep, draw_sweep_plots(sweep), {"outcome_shares.png", "agreement_heatmap.png"})


def test_safe_name() -> None:
    assert safe_name(SEVERITY) == "scenario_shocks_balloon_severity_low"
    assert safe_name("+a/b.c") == "a_b_c"


def test_short_keys_tell_keys_apart() -> None:
    keys = ["scenario", "a.shocks.x.severity.low", "a.shocks.y.severity.low", "b.rate"]
    assert short_keys(keys) == {
        "scenario": "scenario",
        "a.shocks.x.severity.low": "x.severity.low",
        "a.shocks.y.severity.low": "y.severity.low",
        "b.rate": "b.rate",
    }


@pytest.mark.parametrize(("value", "text"), [(0.30, "0.3"), (2.0, "2"), (7, "7"),
                                             ("no_balloon", "no_balloon"), (float("nan"), "-")])
def test_format_value(value: Any, text: str) -> None:
    assert format_value(value) == text
