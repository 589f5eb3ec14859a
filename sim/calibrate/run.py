"""A calibration run and a simulation-based calibration, each written with its diagnostics.

`run_calibration` fits by ABC-SMC and writes the posterior, the posterior predictive check
and `calibration.json` last; `run_sbc` writes the SBC ranks, tests and histogram and
`sbc.json` last: a directory with its JSON is complete.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.results import CALIBRATION as RESULT
from sim.results import SBC as SBC_RESULT

UNIDENTIFIED_BELOW = 0.2  # contraction under this: the data do not identify the parameter


def run_calibration(problem: Any, out: Path) -> dict[str, Any]:
    """Fit, check, and write the posterior, the PPC and `calibration.json` (last)."""
    from sim import results
    from sim.analysis.plots import save_png
    from sim.calibrate.abc import Model, contraction, fit
    from sim.calibrate.check import ppc_table, predictive
    from sim.calibrate.plots import draw_ppc

    conf = problem.conf
    began = time.perf_counter()
    f = fit(Model(problem.simulator, problem.stats), conf.priors, problem.observed,
            conf.population, conf.generations, conf.seed, conf.executor, conf.workers,
            conf.min_epsilon, conf.min_acceptance, kernel_scaling=conf.kernel_scaling)
    wall = time.perf_counter() - began
    results.write_parquet(f.posterior, out / "posterior.parquet")
    before, after = predictive(problem, f.posterior, conf.ppc_draws, conf.seed)
    table = pd.concat([ppc_table(problem.stats, before, problem.observed, "before the cutoff"),
                       ppc_table(problem.later, after, problem.observed_later,
                                 "after the cutoff")], ignore_index=True)
    results.write_parquet(table, out / "ppc.parquet")
    save_png(draw_ppc(table), out / "ppc.png", dpi=110)
    c = contraction(f.posterior, conf.priors)
    w = f.posterior["weight"].to_numpy()
    summary = {
        "scenario": conf.scenario, "cutoff": conf.cutoff, "seed": conf.seed,
        "executor": conf.executor, "workers": conf.workers, "population": conf.population,
        "kernel_scaling": conf.kernel_scaling,
        "wall_seconds": wall, "statistics": problem.stats.names,
        "priors": {k: dataclasses.asdict(p) for k, p in conf.priors.items()},
        "generations": f.generations.to_dict("records"),
        "posterior_mean": {k: float(np.sum(w * f.posterior[k])) for k in conf.priors},
        "contraction": c,
        "contraction_definition": "1 - var_posterior / var_prior",
        "unidentified": [k for k, v in c.items() if v < UNIDENTIFIED_BELOW],
        "ppc": {"draws": conf.ppc_draws, "level": 0.9,
                "coverage_before": float(table.loc[table["window"] == "before the cutoff",
                                                   "covered"].mean()),
                "coverage_after": float(table.loc[table["window"] == "after the cutoff",
                                                  "covered"].mean()),
                "facts_after": int((table["window"] == "after the cutoff").sum())},
        "reproducible": conf.executor == "inline",
    }
    results.write_json(summary, out / RESULT)
    return summary


def run_sbc(problem: Any, out: Path) -> dict[str, Any]:
    """Simulation-based calibration: ranks, tests, histogram; `sbc.json` last."""
    from sim import results
    from sim.analysis.plots import save_png
    from sim.calibrate.check import sbc_ranks, sbc_tests
    from sim.calibrate.plots import draw_sbc

    conf = problem.conf
    draws = conf.sbc_bins * 4 - 1
    began = time.perf_counter()
    workers = 1 if conf.executor == "inline" else conf.workers  # runs side by side
    ranks = sbc_ranks(problem, conf.sbc_runs, conf.sbc_population, conf.sbc_generations, draws,
                      conf.seed, conf.kernel_scaling, workers)
    tests = sbc_tests(ranks, list(conf.priors), draws, conf.sbc_bins)
    results.write_parquet(ranks, out / "sbc_ranks.parquet")
    save_png(draw_sbc(tests), out / "sbc.png", dpi=110)
    summary = {"runs": conf.sbc_runs, "population": conf.sbc_population,
               "generations": conf.sbc_generations, "posterior_draws": draws,
               "kernel_scaling": conf.kernel_scaling, "workers": workers,
               "bins": conf.sbc_bins, "seed": conf.seed, "tests": tests,
               "wall_seconds": time.perf_counter() - began}
    results.write_json(summary, out / SBC_RESULT)
    return summary


def format_calibration(d: dict[str, Any]) -> str:
    """A calibration's diagnostics (`run_calibration`'s summary) as a few lines of text."""
    last = d["generations"][-1]
    lines = [f"{len(d['generations'])} generations in {d['wall_seconds']:.0f} s "
             f"({d['executor']}); final epsilon {last['epsilon']:.3g}, ESS {last['ess']:.0f}"]
    for k, c in d["contraction"].items():
        flag = "  (not identified)" if k in d["unidentified"] else ""
        lines.append(f"  {k}: contraction {c:.2f}{flag}")
    lines.append(f"PPC 90 % coverage: before the cutoff {d['ppc']['coverage_before']:.0%}, "
                 f"after it {d['ppc']['coverage_after']:.0%}")
    return "\n".join(lines)


def format_sbc(summary: dict[str, Any]) -> str:
    """Simulation-based calibration's rank tests (`run_sbc`'s summary), a line each."""
    return "\n".join(f"{k}: ranks {t['counts']}, chi2 p = {t['p_value']:.3f}"
                     for k, t in summary["tests"].items())
