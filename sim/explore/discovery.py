"""Scenario discovery: where in factor space an outcome of interest happens.

PRIM (Friedman & Fisher 1999) comes from the EMA Workbench: peeling, pasting, the
coverage-density trade-off, and quasi-p-values of each restricted dimension. CART comes
from scikit-learn. Both read a table of points (factor values) and a yes/no per point:
"is the replicate mean of this outcome above the threshold?".
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from sim.saved import Box, Limits, Rules


def _prim_module() -> Any:
    with warnings.catch_warnings():  # the workbench warns about optional parallel back-ends
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
        from ema_workbench.util import ema_logging

        ema_logging.get_rootlogger().setLevel("ERROR")
    return prim


def prim_box(x: pd.DataFrame, y: np.ndarray, min_density: float = 0.8,
             peel_alpha: float = 0.05, min_mass: float = 0.05) -> Box:
    """Run PRIM and choose, on its trade-off curve, the widest box at least `min_density`
    dense (the densest one if none is); report it with its limits and quasi-p-values."""
    prim = _prim_module()
    y = np.asarray(y, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the workbench's `threshold` both counts the cases of interest (y >= threshold)
        # and is the least density it accepts: the base rate keeps the whole trajectory
        finder = prim.Prim(x.reset_index(drop=True), y, threshold=float(y.mean()),
                           peel_alpha=peel_alpha, mass_min=min_mass)
        box = finder.find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= min_density]
    chosen = int(dense["coverage"].idxmax()) if len(dense) else int(
        trajectory["density"].idxmax())
    box.select(chosen)
    stats, limits = box.inspect(chosen, style="data")[0]
    lims = limits.xs(f"box {chosen}", axis=1, level=0)
    restricted: dict[str, Limits] = {}
    for name, row in lims.iterrows():
        qp = row["qp value"]  # two columns: the lower and the upper limit's
        qp_values = [float(v) for v in np.atleast_1d(np.asarray(qp, dtype=float))
                     if np.isfinite(v)]
        restricted[str(name)] = {"low": float(row["min"]), "high": float(row["max"]),
                                 "qp_value": max(qp_values) if qp_values else None}
    return {
        "coverage": float(stats["coverage"]), "density": float(stats["density"]),
        "mass": float(stats["mass"]), "n_points": int(stats["n"]), "chosen": chosen,
        "restricted": restricted, "base_rate": float(y.mean()),
        "trajectory": [{"coverage": float(r.coverage), "density": float(r.density),
                        "mass": float(r.mass), "res_dim": int(r.res_dim)}
                       for r in trajectory.itertuples()],
        "full_range": {c: [float(x[c].min()), float(x[c].max())] for c in x.columns},
    }


def cart_rules(x: pd.DataFrame, y: np.ndarray, max_depth: int = 3, seed: int = 0
               ) -> Rules:
    """A shallow classification tree for the outcome of interest, as readable rules."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    y = np.asarray(y, dtype=bool)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(5, len(y) // 50),
                                  random_state=seed).fit(x.to_numpy(), y)
    return {"rules": export_text(tree, feature_names=[str(c) for c in x.columns]),
            "accuracy": float(tree.score(x.to_numpy(), y)), "depth": int(tree.get_depth()),
            "leaves": int(tree.get_n_leaves()),
            "importance": {str(c): float(v) for c, v in
                           zip(x.columns, tree.feature_importances_, strict=True)}}


def of_interest(means: np.ndarray, threshold: float, above: bool) -> np.ndarray:
    """Which points are of interest: replicate mean above (or below) the threshold."""
    return np.asarray(means > threshold if above else means < threshold, dtype=bool)
