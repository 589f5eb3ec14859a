"""The plots across the jobs of a real sweep, checked on what they draw.

README, Sweeps: the sweep directory holds "plots across jobs". Each figure is caught as it
is saved and compared with `sweep.parquet`: P(summit) against the swept value with its
Wilson band, the stacked outcome shares, and the agreement heat map.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from sim.analysis import sweep_plots
from sim.model.outcome import OUTCOMES
from sim.sweep import finalize_sweep
from tests.promises_helpers import QUIET, run_sweep

KEY = "scenario.relations.tension_half_life_days"
VALUES = (30, 60, 120)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict[str, Figure]]:
    out = tmp_path_factory.mktemp("sweep")
    run_sweep([[f"{KEY}={v}", "reps=120", "seed=1", *QUIET] for v in VALUES], out)
    table = pd.read_parquet(finalize_sweep(out))
    figures: dict[str, Figure] = {}
    real = sweep_plots.save_png

    def keep(fig: Figure, path: Path, dpi: int = 120) -> Path:
        figures[path.name] = fig
        return real(fig, path, dpi)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sweep_plots, "save_png", keep)
        paths = sweep_plots.draw_sweep_plots(out)
    assert sorted(p.name for p in paths) == sorted(figures)
    return table, figures


def test_p_summit_is_drawn_against_the_swept_value_with_its_band(
        drawn: tuple[pd.DataFrame, dict[str, Figure]]) -> None:
    table, figures = drawn
    name = f"p_summit_vs_{sweep_plots.safe_name(KEY)}.png"
    ax = figures[name].axes[0]
    (line,) = ax.lines
    assert list(line.get_xdata()) == list(VALUES)
    np.testing.assert_allclose(line.get_ydata(), table["p_summit"])
    (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    v = band.get_paths()[0].vertices
    n = len(VALUES)
    np.testing.assert_allclose(v[1:n + 1, 1], table["p_summit_ci_low"])
    np.testing.assert_allclose(v[n + 2:2 * n + 2, 1][::-1], table["p_summit_ci_high"])


def test_outcome_shares_are_stacked_per_job(
        drawn: tuple[pd.DataFrame, dict[str, Figure]]) -> None:
    table, figures = drawn
    ax = figures["outcome_shares.png"].axes[0]
    assert len(ax.containers) == len(OUTCOMES)
    bottom = np.zeros(len(table))
    for bars, outcome in zip(ax.containers, OUTCOMES, strict=True):
        heights = [p.get_height() for p in bars.patches]
        np.testing.assert_allclose(heights, table[f"share_{outcome}"])
        np.testing.assert_allclose([p.get_y() for p in bars.patches], bottom, atol=1e-12)
        bottom += table[f"share_{outcome}"].to_numpy()
    np.testing.assert_allclose(bottom, 1.0)


def test_the_heat_map_shows_each_jobs_agreement_by_issue(
        drawn: tuple[pd.DataFrame, dict[str, Figure]]) -> None:
    table, figures = drawn
    ax = figures["agreement_heatmap.png"].axes[0]
    (image,) = ax.images
    columns = [c for c in table.columns if c.startswith("p_agreed_")]
    np.testing.assert_allclose(np.ma.filled(image.get_array(), np.nan),
                               table[columns].to_numpy(float))
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        c.removeprefix("p_agreed_").replace("_", " ") for c in columns]
