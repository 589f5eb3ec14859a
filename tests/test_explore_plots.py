"""Study plots draw what the indices and boxes say: bar heights, error bars, points, boxes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from sim.explore.plots import (
    morris_figure,
    pairs_figure,
    prim_box_figure,
    prim_tradeoff_figure,
    sobol_figure,
)

IDX = {"scenario.relations.tension_baseline": {"S1": 0.1, "S1_conf": 0.05, "ST": 0.2,
                                               "ST_conf": 0.04},
       "scenario.parties.cn.attendance.empty_cost": {"S1": 0.7, "S1_conf": 0.1, "ST": 0.8,
                                               "ST_conf": 0.12},
       "dummy": {"S1": 0.0, "S1_conf": 0.02, "ST": 0.0, "ST_conf": 0.0}}
FLOOR = {"estimate": 0.05, "ci_low": 0.04, "ci_high": 0.06}


def bars(ax: plt.Axes, gid: str) -> list[Rectangle]:
    return [p for c in ax.containers for p in c if getattr(c, "get_label", None)
            and isinstance(p, Rectangle) and c.get_label().startswith(gid)]


def test_sobol_bars_show_each_index_with_its_interval_and_the_noise_floor() -> None:
    fig = sobol_figure("summit_held", IDX, FLOOR)
    ax = fig.axes[0]
    for key in ("S1", "ST"):
        heights = [b.get_height() for b in bars(ax, key)]
        assert heights == pytest.approx([IDX[n][key] for n in IDX])
    # error bars: one vertical segment per bar, as long as twice the half-width
    segments = [seg for c in ax.collections if hasattr(c, "get_segments")
                for seg in c.get_segments()]
    lengths = sorted(round(abs(s[1][1] - s[0][1]), 9) for s in segments)
    expected = sorted(round(2 * IDX[n][f"{k}_conf"], 9) for n in IDX for k in ("S1", "ST"))
    assert lengths == pytest.approx(expected)
    floor = [p for p in ax.patches if p.get_gid() == "noise_floor"]
    assert len(floor) == 1 and floor[0].get_label() == "noise floor ≤ 0.060"
    corners = floor[0].get_patch_transform().transform(floor[0].get_path().vertices)
    assert corners[:, 1].min() == pytest.approx(0) and corners[:, 1].max() == pytest.approx(
        FLOOR["ci_high"])
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "relations.tension_baseline", "attendance.empty_cost", "dummy"]
    plt.close(fig)


def test_morris_plane_places_each_factor_at_mu_star_and_sigma() -> None:
    idx = {"a.x": {"mu_star": 0.5, "mu_star_conf": 0.1, "mu": 0.4, "sigma": 0.2},
           "a.y": {"mu_star": 0.1, "mu_star_conf": 0.05, "mu": -0.1, "sigma": 0.3}}
    fig = morris_figure("no_summit", idx)
    ax = fig.axes[0]
    line = next(ln for ln in ax.lines if ln.get_gid() == "factors" and ln.get_marker() == "o")
    assert list(line.get_xdata()) == [0.5, 0.1] and list(line.get_ydata()) == [0.2, 0.3]
    assert sorted(t.get_text() for t in ax.texts) == ["a.x", "a.y"]
    plt.close(fig)


BOX = {"coverage": 0.9, "density": 0.85, "mass": 0.3, "chosen": 2, "base_rate": 0.3,
       "restricted": {"k.bias": {"low": -7.0, "high": -4.0, "qp_value": 1e-9}},
       "full_range": {"k.bias": [-7.0, 0.0], "k.other": [0.0, 1.0]},
       "trajectory": [{"coverage": 1.0, "density": 0.3, "mass": 1.0, "res_dim": 0},
                      {"coverage": 0.95, "density": 0.6, "mass": 0.5, "res_dim": 1},
                      {"coverage": 0.9, "density": 0.85, "mass": 0.3, "res_dim": 1}]}


def test_prim_tradeoff_draws_the_trajectory_and_rings_the_chosen_box() -> None:
    fig = prim_tradeoff_figure(BOX, "no_summit > 0.5")
    ax = fig.axes[0]
    by_gid = {c.get_gid(): c for c in ax.collections if isinstance(c, PathCollection)}
    np.testing.assert_allclose(by_gid["trajectory"].get_offsets(),
                               [[1.0, 0.3], [0.95, 0.6], [0.9, 0.85]])
    np.testing.assert_allclose(by_gid["chosen"].get_offsets(), [[0.9, 0.85]])
    plt.close(fig)


def test_prim_box_draws_each_restricted_range_as_a_share_of_the_full_range() -> None:
    fig = prim_box_figure(BOX, "no_summit > 0.5")
    ax = fig.axes[0]
    bar = next(p for p in ax.patches if p.get_gid() == "box:k.bias")
    assert bar.get_x() == pytest.approx(0.0) and bar.get_width() == pytest.approx(3 / 7)
    plt.close(fig)


def test_pairs_scatter_colours_each_point_by_its_outcome() -> None:
    rng = np.random.default_rng(0)
    points = pd.DataFrame({"f.a": rng.uniform(size=30), "f.b": rng.uniform(size=30),
                           "f.c": rng.uniform(size=30)})
    points["no_summit_mean"] = points["f.a"]
    fig = pairs_figure(points, ["f.a", "f.b", "f.c"], "no_summit")
    scatters = [c for ax in fig.axes for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 6  # the off-diagonal cells of a 3 x 3 grid
    ab = next(c for c in scatters if c.get_gid() == "pair:f.a:f.b")
    np.testing.assert_allclose(ab.get_offsets(), points[["f.a", "f.b"]].to_numpy())
    np.testing.assert_allclose(ab.get_array(), points["no_summit_mean"].to_numpy())
    plt.close(fig)


def test_convergence_draws_each_factors_importance_against_n() -> None:
    from sim.explore.plots import convergence_figure

    conv = [{"base_samples": n, "importance": {"f.a": 1 / n, "f.b": 0.5}} for n in (4, 8, 16)]
    fig = convergence_figure("summit_held", conv, "ST")
    ax = fig.axes[0]
    line = next(ln for ln in ax.lines if ln.get_gid() == "convergence:f.a")
    assert list(line.get_xdata()) == [4, 8, 16]
    assert list(line.get_ydata()) == [0.25, 0.125, 0.0625]
    assert ax.get_xscale() == "log"
    plt.close(fig)
