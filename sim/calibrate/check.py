"""Checks of a calibration: the posterior predictive, and simulation-based calibration.

Posterior predictive: worlds simulated at parameters drawn from the posterior; each
statistic's central 90 % interval against the record's value, before the cutoff (what
was fitted) and after it (the dated facts the fit did not see), with the share covered.

Simulation-based calibration (Talts et al. 2018): parameters drawn from the prior make a
synthetic record; ABC-SMC fitted to it gives posterior draws; the rank of the true value
among them is uniform when the procedure is calibrated (a chi-square test per parameter).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.abc import Model, fit, resample
from sim.calibrate.setup import Problem
from sim.calibrate.stats import Statistics
from sim.executors.base import processes_for
from sim.executors.local import forks_end_with_their_parent

# How often the command looks up from waiting for the SBC runs: a Ctrl-C that the kernel
# gave to another of its threads (the pool's) is acted on only when this one runs code.
WAKE_SECONDS = 0.1


def predictive(problem: Problem, post: pd.DataFrame, k: int, seed: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Statistics of `k` worlds at posterior draws: (before the cutoff, after it)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x99C,)))
    draws = resample(post, k, rng)
    before, after = [], []
    for i, row in enumerate(draws.to_dict("records")):
        values = {str(k): float(v) for k, v in row.items()}
        trace = problem.simulator.trace(values, int(rng.integers(2**31 - 1)) + i)
        before.append(problem.stats.of(trace))
        after.append(problem.later.of(trace))
    return np.array(before), np.array(after)


def coverage(sims: np.ndarray, observed: np.ndarray, level: float = 0.9
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each statistic's central interval at `level` and whether it holds the observed."""
    tail = (1.0 - level) / 2.0
    low = np.quantile(sims, tail, axis=0)
    high = np.quantile(sims, 1.0 - tail, axis=0)
    return low, high, (observed >= low) & (observed <= high)


def ppc_table(stats: Statistics, sims: np.ndarray, observed: np.ndarray, window: str
              ) -> pd.DataFrame:
    low, high, inside = coverage(sims, observed)
    return pd.DataFrame({"statistic": stats.names, "window": window, "observed": observed,
                         "low": low, "median": np.median(sims, axis=0), "high": high,
                         "covered": inside})


def sbc_ranks(problem: Problem, runs: int, population: int, generations: int, draws: int,
              seed: int, kernel_scaling: float = 1.0, workers: int = 1) -> pd.DataFrame:
    """Rank of each true parameter among `draws` posterior draws, one row per run.

    The runs are independent, each seeded by its index, so `workers` processes (forked
    from this one, at most one per CPU) give the same rows as one."""
    run = partial(_sbc_run, problem, population=population, generations=generations,
                  draws=draws, seed=seed, kernel_scaling=kernel_scaling)
    if workers <= 1 or runs <= 1:
        return pd.DataFrame([run(i) for i in range(runs)])
    fork = multiprocessing.get_context("fork")  # the problem is inherited, not pickled
    forks_end_with_their_parent()  # killed or stopped, the calibration leaves none behind
    with fork.Pool(processes_for(min(workers, runs)), initializer=_hold,
                   initargs=(run,)) as pool:  # leaving it ends them, mid-run on Ctrl-C
        rows = pool.map_async(_held_run, range(runs), chunksize=1)
        while not rows.ready():
            rows.wait(WAKE_SECONDS)
        return pd.DataFrame(rows.get())


_held: list[Callable[[int], dict[str, Any]]] = []  # a worker's SBC run, set as it starts


def _hold(run: Callable[[int], dict[str, Any]]) -> None:
    """A worker's initializer: its SBC run."""
    _held.append(run)


def _held_run(i: int) -> dict[str, Any]:
    return _held[0](i)


def _sbc_run(problem: Problem, i: int, population: int, generations: int, draws: int,
             seed: int, kernel_scaling: float) -> dict[str, Any]:
    """Run i: a truth from the prior, its synthetic record, the fit, the truth's ranks."""
    priors = problem.conf.priors
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5BC, i)))
    truth = {k: float(rng.uniform(p.low, p.high)) for k, p in priors.items()}
    synthetic = problem.stats.of(problem.simulator.trace(truth, int(rng.integers(2**31 - 1))))
    model = Model(problem.simulator, problem.stats)
    f = fit(model, priors, synthetic, population, generations, seed=seed + 1000 + i,
            kernel_scaling=kernel_scaling)
    post = resample(f.posterior, draws, rng)
    return {"run": i, **{f"rank_{k}": int((post[k] < truth[k]).sum()) for k in priors},
            **{f"true_{k}": truth[k] for k in priors}}


def sbc_tests(ranks: pd.DataFrame, keys: Sequence[str], draws: int, bins: int
              ) -> dict[str, Any]:
    """Per parameter: the rank histogram in `bins` bins and the chi-square test of uniformity."""
    from scipy.stats import chisquare

    out = {}
    edges = np.linspace(0, draws + 1, bins + 1)
    for k in keys:
        counts, _ = np.histogram(ranks[f"rank_{k}"], bins=edges)
        out[k] = {"counts": counts.tolist(), "p_value": float(chisquare(counts).pvalue)}
    return out
