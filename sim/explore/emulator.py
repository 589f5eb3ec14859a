"""A Gaussian-process emulator of a study's replicate means, for budgets too tight for
Sobol on the simulator itself.

Fitted to the points of a Latin hypercube study (scikit-learn's
`GaussianProcessRegressor`: a scaled anisotropic RBF kernel plus a `WhiteKernel` noise
term, and each point's own seed noise, s²/R, on the diagonal), then sampled on a
Saltelli design of N base samples, whose predicted means SALib turns into Sobol indices.
The noise term absorbs what seed noise the per-point variances miss, so the emulator
smooths rather than interpolates noisy means.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from sim.explore.sampling import FloatArray, problem
from sim.explore.study import Study


def fit(x: FloatArray, means: FloatArray, noise: FloatArray, seed: int) -> Any:
    """The fitted regressor (inputs scaled to [0, 1] by the caller's bounds)."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    d = x.shape[1]
    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(d, 0.5), (1e-2, 1e2)) + \
        WhiteKernel(1e-3, (1e-8, 1.0))
    gp = GaussianProcessRegressor(kernel, alpha=np.maximum(noise, 1e-10), normalize_y=True,
                                  n_restarts_optimizer=2, random_state=seed)
    with warnings.catch_warnings():  # the noise term at its floor: the seed noise explains all
        warnings.filterwarnings("ignore", "The optimal value found for dimension 0 of "
                                "parameter k2__noise_level is close to the specified lower")
        return gp.fit(x, means)


PREDICTED_ROWS = 2_000  # predicted at once: a kernel of these rows by the fitted points


def predict(gp: Any, x: FloatArray) -> FloatArray:
    """The fitted regressor's means at `x`, in parts of `PREDICTED_ROWS` rows, so that its
    memory does not grow with the emulator's Sobol sample."""
    parts = [gp.predict(x[i:i + PREDICTED_ROWS]) for i in range(0, len(x), PREDICTED_ROWS)]
    return np.concatenate(parts) if parts else np.empty(0)


def emulated_sobol(study: Study, x: FloatArray, means: FloatArray, noise: FloatArray
                   ) -> dict[str, Any]:
    """Sobol indices of the emulator at N = `study.emulator`, with its fit's R²."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as saltelli

    p = problem(study)
    low, high = _bounds(study, x)
    gp = fit((x - low) / (high - low), means, noise, study.seed)
    design = np.asarray(saltelli.sample(p, study.emulator, calc_second_order=False,
                                        scramble=True, seed=study.seed), dtype=float)
    y = predict(gp, (design - low) / (high - low))
    si = analyze.analyze(p, y, calc_second_order=False, num_resamples=study.bootstrap,
                         conf_level=0.95, seed=np.random.default_rng(study.seed))
    indices = {name: {k: float(si[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf")}
               for i, name in enumerate(study.names)}
    return {"base_samples": study.emulator, "points": len(design),
            "r2": float(gp.score((x - low) / (high - low), means)),
            "kernel": str(gp.kernel_), "indices": indices}


def _bounds(study: Study, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per factor, the range the emulator's inputs are scaled by (the sample's own)."""
    low, high = x.min(axis=0), x.max(axis=0)
    return low, np.where(high > low, high, low + 1.0)
