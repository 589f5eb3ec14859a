"""ABC-SMC with pyabc: the model, the priors, the sampler, and the posterior it finds.

The model of a particle is one simulated world (one traced replication) at the
particle's parameters, reduced to the record's summary statistics; the distance is
pyabc's p-norm with each statistic scaled once, by its spread over the prior predictive
(generation 0), so epsilons of successive generations are comparable. The epsilon
schedule is pyabc's default (the median of the last generation's distances).

The perturbation kernel is pyabc's multivariate normal with its covariance `kernel_scaling`
times Silverman's rule. With pyabc's default (1) and ten parameters, a generation of 100
particles is a very bumpy kernel density: a new particle's importance weight
(prior / kernel density) varies so much that the effective sample size falls to a few
of 100 from the kernel alone, before any data, and the posterior is a handful of
particles. Four times the covariance keeps well over half (see docs/forecasting.md); its
draws are made inside the priors' box by `sim.calibrate.kernel`, since most fall outside.

Reproducibility: pyabc draws particles from NumPy's global generator, seeded here, and
each simulated world takes its streams from a seed drawn there too. With the `inline`
sampler (one process) the same config and seed give the same posterior. With `local`
(processes) or `dask`, which particles are accepted depends on which worker finishes
first, so the posterior differs from run to run (each world is still reproducible from
its recorded seed).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.conf import Prior
from sim.calibrate.simulator import Simulator
from sim.calibrate.stats import Statistics

SEP = "__"  # pyabc parameter names cannot hold dots


def safe(key: str) -> str:
    return key.replace(".", SEP)


def unsafe(name: str) -> str:
    return name.replace(SEP, ".")


@dataclass(frozen=True)
class Model:
    """pyabc's model: parameters -> the summary statistics of one simulated world."""

    simulator: Simulator
    stats: Statistics

    def __call__(self, par: Mapping[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))
        values = {unsafe(k): float(v) for k, v in par.items()}
        s = self.stats.of(self.simulator.trace(values, seed))
        return dict(zip(self.stats.names, s.tolist(), strict=True))


@dataclass(frozen=True)
class Fit:
    """A posterior (a column per parameter key, and `weight`) and its generations."""

    posterior: pd.DataFrame
    generations: pd.DataFrame  # t, epsilon, particles, samples, acceptance, ess


@contextmanager
def sampler(executor: str, workers: int) -> Iterator[Any]:
    """pyabc's sampler for an executor name; a Dask executor starts a local cluster. Either
    starts at most one process per core (`processes_for`): more would only share them."""
    from pyabc.sampler import MulticoreEvalParallelSampler, SingleCoreSampler

    from sim.executors.base import processes_for
    from sim.executors.local import forks_end_with_their_parent

    if executor == "inline":
        yield SingleCoreSampler()
    elif executor == "local":
        forks_end_with_their_parent()  # killed or stopped, the calibration leaves none behind
        yield MulticoreEvalParallelSampler(n_procs=processes_for(workers))
    else:
        from distributed import Client, LocalCluster
        from pyabc.sampler import DaskDistributedSampler

        with LocalCluster(n_workers=processes_for(workers), threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield DaskDistributedSampler(dask_client=client, batch_size=4)


def fit(model: Model, priors: Mapping[str, Prior], observed: np.ndarray, population: int,
        generations: int, seed: int, executor: str = "inline", workers: int = 1,
        min_epsilon: float = 0.0, min_acceptance: float = 0.0, db_dir: Path | None = None,
        kernel_scaling: float = 1.0) -> Fit:
    """Run ABC-SMC; the last generation's weighted particles and every generation's figures."""
    import pyabc
    from pyabc.weighted_statistics import effective_sample_size

    from sim.calibrate.kernel import BoxedNormalTransition

    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "Population",
                 "ABC.History", "ABC.Sampler", "ABC.Epsilon", "ABC.Distance",
                 "ABC.Predictor", "ABC.Transition", "ABC.Acceptor", "ABC.Population"):
        logging.getLogger(name).setLevel(logging.WARNING)
    prior = pyabc.Distribution(**{safe(k): pyabc.RV("uniform", p.low, p.high - p.low)
                                  for k, p in priors.items()})
    obs = dict(zip(model.stats.names, observed.tolist(), strict=True))
    bounds = {safe(k): (p.low, p.high) for k, p in priors.items()}
    np.random.seed(seed)
    with sampler(executor, workers) as smp, tempfile.TemporaryDirectory(dir=db_dir) as tmp:
        abc = pyabc.ABCSMC(model, prior, pyabc.AdaptivePNormDistance(p=2, fit_scale_ixs={0}),
                           population_size=population, sampler=smp,
                           transitions=BoxedNormalTransition(bounds, kernel_scaling))
        abc.new(f"sqlite:///{Path(tmp) / 'abc.db'}", obs)
        history = abc.run(max_nr_populations=generations, minimum_epsilon=min_epsilon,
                          min_acceptance_rate=min_acceptance)
        df, w = history.get_distribution(m=0, t=history.max_t)
        pops = history.get_all_populations()
        rows = []
        for t in range(history.max_t + 1):
            _, wt = history.get_distribution(m=0, t=t)
            row = pops[pops["t"] == t].iloc[0]
            particles = len(wt)
            rows.append({"t": t, "epsilon": float(row["epsilon"]), "particles": particles,
                         "samples": int(row["samples"]),
                         "acceptance": particles / max(int(row["samples"]), 1),
                         "ess": float(effective_sample_size(wt))})
    post = pd.DataFrame({unsafe(c): df[c].to_numpy(dtype=float) for c in df.columns})
    post = post[[k for k in priors]]
    post["weight"] = np.asarray(w, dtype=float) / float(np.sum(w))
    return Fit(post, pd.DataFrame(rows))


def contraction(post: pd.DataFrame, priors: Mapping[str, Prior]) -> dict[str, float]:
    """Per parameter, 1 - var_posterior / var_prior (uniform prior: var = (high-low)^2/12)."""
    w = post["weight"].to_numpy(dtype=float)
    out = {}
    for key, p in priors.items():
        x = post[key].to_numpy(dtype=float)
        mean = float(np.sum(w * x))
        var = float(np.sum(w * (x - mean) ** 2))
        out[key] = 1.0 - var / ((p.high - p.low) ** 2 / 12.0)
    return out


def resample(post: pd.DataFrame, k: int, rng: np.random.Generator) -> pd.DataFrame:
    """`k` parameter sets drawn from the weighted posterior, with replacement."""
    w = post["weight"].to_numpy(dtype=float)
    idx = rng.choice(len(post), size=k, replace=True, p=w / w.sum())
    return post.drop(columns=["weight"]).iloc[idx].reset_index(drop=True)


def keys(post: pd.DataFrame) -> Sequence[str]:
    return [c for c in post.columns if c != "weight"]
