"""The perturbation kernel of ABC-SMC: pyabc's multivariate normal, drawn inside the box.

pyabc perturbs a particle drawn by weight with its normal kernel and, when the prior's
density at the result is 0, draws again, particle and perturbation both: the proposal is
the kernel mixture truncated to the prior's support. Each of its draws takes a pandas row,
an SVD and the SciPy density of every prior, about half a millisecond; a kernel wide
enough to keep the importance weights even (`kernel_scaling`) leaves the box of ten
uniform priors on most draws, so proposing cost more than simulating. This kernel draws
the same truncated mixture with NumPy arrays, a fixed square root of the covariance and a
box test; its density, and so the weights, are pyabc's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pyabc import MultivariateNormalTransition, Parameter


class BoxedNormalTransition(MultivariateNormalTransition):  # type: ignore[misc]
    """pyabc's multivariate normal kernel whose draws stay inside `bounds` (name -> low,
    high, the uniform priors' closed intervals)."""

    def __init__(self, bounds: Mapping[str, tuple[float, float]], scaling: float = 1.0) -> None:
        super().__init__(scaling=scaling)
        self.bounds = dict(bounds)

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        super().fit(X, w)
        self._names = list(X.columns)
        self._x = X.to_numpy(dtype=float)
        self._cdf = np.cumsum(w) / np.sum(w)
        values, vectors = np.linalg.eigh(self.cov)  # root @ root.T == cov, singular or not
        self._root = vectors * np.sqrt(np.clip(values, 0.0, None))
        self._low = np.array([self.bounds[n][0] for n in self._names])
        self._high = np.array([self.bounds[n][1] for n in self._names])

    def rvs_single(self) -> Parameter:
        last, dim = len(self._x) - 1, len(self._names)
        while True:  # NumPy's global generator, which pyabc seeds and draws from
            i = min(int(np.searchsorted(self._cdf, np.random.random_sample(), "right")), last)
            theta = self._x[i] + self._root @ np.random.standard_normal(dim)
            if np.all(theta >= self._low) and np.all(theta <= self._high):
                return Parameter(dict(zip(self._names, theta.tolist(), strict=True)))
