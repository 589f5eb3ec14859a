"""Sensitivity indices on replicate means, the seed-noise floor, and convergence in N.

SALib estimates indices of a deterministic function; a simulator's output at a point is
noisy. So each point's output is the mean of its R replications, and the noise left in
that mean is measured: the noise floor is the share of the variance of the means across
points that within-point (seed) noise accounts for, mean(s²_j / R) / var(mean_j), with a
bootstrap interval over points. An index below the floor cannot be told from noise.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from sim.explore.sampling import FloatArray, problem
from sim.explore.study import Study, points_per_base_sample

Z95 = 1.959963984540054


def noise_floor(means: FloatArray, variances: FloatArray, n: FloatArray, resamples: int,
                seed: int) -> dict[str, float]:
    """Seed-noise share of the variance of replicate means, with a 95 % bootstrap interval
    (None where undefined: an outcome that no resample varies, such as a rare one)."""
    def share(idx: np.ndarray) -> float:
        total = float(np.var(means[idx], ddof=1))
        noise = float(np.mean(variances[idx] / n[idx]))
        return noise / total if total > 0 else float("nan")

    k = len(means)
    rng = np.random.default_rng(seed)
    boot = np.array([share(rng.integers(0, k, k)) for _ in range(resamples)])
    lo, hi = np.nanpercentile(boot, [2.5, 97.5]) if np.isfinite(boot).any() else (np.nan,) * 2
    return _clean({"estimate": share(np.arange(k)), "ci_low": float(lo), "ci_high": float(hi),
                   "noise_variance": float(np.mean(variances / n)),
                   "total_variance": float(np.var(means, ddof=1))})


def _rng(seed: int) -> np.random.Generator:
    """A fresh generator for SALib's bootstrap: its Sobol analysis treats `seed=0` as no
    seed at all (`if seed:`) and would draw from the global state."""
    return np.random.default_rng(seed)


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in d.items()}


def sobol(study: Study, y: FloatArray, seed: int) -> dict[str, dict[str, float]]:
    """First-order and total indices (Saltelli/Jansen) with bootstrap 95 % half-widths."""
    from SALib.analyze import sobol as analyze

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a constant outcome: SALib warns, indices are nan
        si = analyze.analyze(problem(study), y, calc_second_order=False,
                             num_resamples=study.bootstrap, conf_level=0.95, seed=_rng(seed))
    return {name: _clean({"S1": float(si["S1"][i]), "S1_conf": float(si["S1_conf"][i]),
                          "ST": float(si["ST"][i]), "ST_conf": float(si["ST_conf"][i])})
            for i, name in enumerate(study.names)}


def morris(study: Study, x: FloatArray, y: FloatArray, seed: int
           ) -> dict[str, dict[str, float]]:
    """Elementary effects: mu*, its bootstrap 95 % half-width, and sigma."""
    from SALib.analyze import morris as analyze

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a constant outcome: SALib warns, indices are nan
        si = analyze.analyze(problem(study), x, y, num_resamples=study.bootstrap,
                             conf_level=0.95, num_levels=study.morris_levels, seed=_rng(seed))
    return {name: _clean({"mu_star": float(si["mu_star"][i]),
                          "mu_star_conf": float(si["mu_star_conf"][i]),
                          "mu": float(si["mu"][i]), "sigma": float(si["sigma"][i])})
            for i, name in enumerate(study.names)}


def rbd_fast(study: Study, x: FloatArray, y: FloatArray, seed: int
             ) -> dict[str, dict[str, float]]:
    """First-order indices from a Latin hypercube (RBD-FAST) with bootstrap half-widths."""
    from SALib.analyze import rbd_fast as analyze

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a constant outcome: SALib warns, indices are nan
        si = analyze.analyze(problem(study), x, y, num_resamples=study.bootstrap,
                             conf_level=0.95, seed=_rng(seed))
    return {name: _clean({"S1": float(si["S1"][i]), "S1_conf": float(si["S1_conf"][i])})
            for i, name in enumerate(study.names)}


def indices(study: Study, x: FloatArray, y: FloatArray) -> dict[str, dict[str, float]]:
    """The sampler's indices of one outcome's replicate means."""
    if study.sampler == "sobol":
        return sobol(study, y, study.seed)
    if study.sampler == "morris":
        return morris(study, x, y, study.seed)
    return rbd_fast(study, x, y, study.seed)


def importance(study: Study, idx: dict[str, dict[str, float]]) -> dict[str, float]:
    """The measure factors are ranked by: ST (Sobol), mu* (Morris) or S1 (Latin)."""
    key = {"sobol": "ST", "morris": "mu_star"}.get(study.sampler, "S1")
    return {name: float(v[key]) if v.get(key) is not None else float("nan")
            for name, v in idx.items()}


def convergence(study: Study, x: FloatArray, y: FloatArray, steps: int = 4
                ) -> list[dict[str, Any]]:
    """Indices on the first N/2^k base samples (k = steps-1 .. 0): do they settle?"""
    if study.sampler == "latin":
        return []
    per = points_per_base_sample(study.sampler, len(study.factors))
    out = []
    n = study.base_samples
    sizes = sorted({max(n >> k, 4 if study.sampler == "sobol" else 2) for k in range(steps)})
    for size in sizes:
        rows = size * per
        idx = indices(study, x[:rows], y[:rows])
        out.append({"base_samples": size, "points": rows, "importance": importance(study, idx),
                    "indices": idx})
    return out


def analyse(study: Study, x: FloatArray, points: pd.DataFrame) -> dict[str, Any]:
    """Indices, noise floor and convergence for every outcome of the study."""
    out: dict[str, Any] = {}
    for i, o in enumerate(study.outcomes):
        means = points[f"{o}_mean"].to_numpy(float)
        variances = points[f"{o}_var"].to_numpy(float)
        n = points[f"{o}_n"].to_numpy(float)
        idx = indices(study, x, means)
        out[o] = {
            "indices": idx,
            "importance": importance(study, idx),
            "noise_floor": noise_floor(means, variances, n, study.bootstrap, study.seed + i),
            "mean": float(np.mean(means)),
            "convergence": convergence(study, x, means),
        }
        if study.emulator:
            from sim.explore.emulator import emulated_sobol

            out[o]["emulator"] = emulated_sobol(study, x, means, variances / n)
    return out
