"""Scenario discovery on a known answer: PRIM and CART must find a box planted in the data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.explore.discovery import cart_rules, of_interest, prim_box

N = 4000
BOX = {"a": (0.3, 0.7), "b": (0.0, 0.5)}  # volume 0.2; c plays no part


def planted(seed: int = 0, noise: float = 0.0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(N, 3)), columns=["a", "b", "c"])
    inside = np.ones(N, dtype=bool)
    for k, (lo, hi) in BOX.items():
        inside &= (x[k] >= lo).to_numpy() & (x[k] <= hi).to_numpy()
    flip = rng.uniform(size=N) < noise
    return x, inside ^ flip


def test_prim_recovers_a_planted_box() -> None:
    x, y = planted()
    box = prim_box(x, y, min_density=0.9)
    assert box["density"] >= 0.9 and box["coverage"] >= 0.8, box
    assert set(box["restricted"]) == {"a", "b"}
    # each limit within a couple of peels' worth of points (a 5 % quantile of N points)
    tol = 2 * 0.05 + 3 / math.sqrt(N)
    assert abs(box["restricted"]["a"]["low"] - 0.3) < tol
    assert abs(box["restricted"]["a"]["high"] - 0.7) < tol
    assert abs(box["restricted"]["b"]["high"] - 0.5) < tol
    assert all(r["qp_value"] < 1e-6 for r in box["restricted"].values())
    assert box["base_rate"] == y.mean()
    # the trade-off curve: density rises as the box is peeled, coverage falls
    t = pd.DataFrame(box["trajectory"])
    assert t["coverage"].iloc[0] == 1.0 and math.isclose(t["density"].iloc[0], y.mean())
    assert t["density"].iloc[-1] > t["density"].iloc[0]


def test_prim_with_label_noise_still_finds_the_box() -> None:
    x, y = planted(seed=1, noise=0.05)
    box = prim_box(x, y, min_density=0.8)
    assert box["density"] >= 0.8 and box["coverage"] >= 0.8, box
    assert {"a", "b"} <= set(box["restricted"])


def test_cart_splits_at_the_planted_edges() -> None:
    x, y = planted()
    tree = cart_rules(x, y, max_depth=3)
    assert tree["accuracy"] >= 0.99
    assert tree["importance"]["c"] < 0.01
    for edge in ("0.30", "0.70", "0.50"):
        assert f"a <= {edge}" in tree["rules"] or f"b <= {edge}" in tree["rules"], (
            edge, tree["rules"])


def test_points_of_interest_above_or_below_a_threshold() -> None:
    means = np.array([0.1, 0.5, 0.9])
    assert of_interest(means, 0.5, above=True).tolist() == [False, False, True]
    assert of_interest(means, 0.5, above=False).tolist() == [True, False, False]
