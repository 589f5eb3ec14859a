"""Sample points of a study with SALib: Sobol/Saltelli, Morris trajectories, Latin hypercube.

The sample is a function of the study alone (factors, sampler, N and the root seed), so a
study that is run again, or resumed, asks for exactly the same points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sim.explore.study import Study

FloatArray = npt.NDArray[np.float64]


def problem(study: Study) -> dict[str, Any]:
    """SALib's problem dictionary for the study's factors."""
    return {
        "num_vars": len(study.factors),
        "names": study.names,
        "bounds": [f.salib_bounds() for f in study.factors],
        "dists": [f.dist for f in study.factors],
    }


def sample(study: Study) -> FloatArray:
    """The study's sample matrix: one row per design point, one column per factor."""
    from SALib.sample import latin, morris
    from SALib.sample import sobol as saltelli

    p = problem(study)
    n = study.base_samples
    if study.sampler == "sobol":
        x = saltelli.sample(p, n, calc_second_order=False, scramble=True, seed=study.seed)
    elif study.sampler == "morris":
        x = morris.sample(p, n, num_levels=study.morris_levels, seed=study.seed)
    else:
        x = latin.sample(p, n, seed=study.seed)
    return np.asarray(x, dtype=float)
