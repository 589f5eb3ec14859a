"""`python -m sim.calibrate [CONFIG] [key=value ...]`: ABC-SMC calibration to the record.

CONFIG names a file in conf/calibrate (default us_china_2023) or is a path; `key=value`
changes one of its settings (`executor=dask`, `population=100`, `seed=3`, ...). Writes
`posterior.parquet`, `ppc.png`, `ppc.parquet`, and `calibration.json` last (diagnostics:
the epsilon schedule, acceptance and effective sample size of each generation; the
contraction of each parameter and those the data do not identify; PPC coverage). With
`--sbc`, runs simulation-based calibration instead: `sbc.json`, `sbc_ranks.parquet`,
`sbc.png`. See docs/forecasting.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.command import fail
from sim.config.errors import ConfigError, unknown_name

RESULT = "calibration.json"
SBC_RESULT = "sbc.json"
UNIDENTIFIED_BELOW = 0.2  # contraction under this: the data do not identify the parameter
SETTABLE = ("population", "generations", "min_epsilon", "min_acceptance", "seed", "executor",
            "workers", "ppc_draws", "sbc_runs", "sbc_population", "sbc_generations",
            "sbc_bins", "cutoff")


def with_settings(conf: Any, settings: Sequence[str]) -> Any:
    """The calibration config with `key=value` settings applied (typed as the field)."""
    types = {f.name: type(getattr(conf, f.name)) for f in dataclasses.fields(conf)}
    changes: dict[str, Any] = {}
    for s in settings:
        key, eq, value = s.partition("=")
        if not eq:
            raise ConfigError("<argument>", s, "expected key=value")
        if key not in SETTABLE:
            raise unknown_name(key, value, SETTABLE, "calibration setting")
        try:
            changes[key] = types[key](value)
        except ValueError:
            raise ConfigError(key, value, f"not a {types[key].__name__}") from None
    return dataclasses.replace(conf, **changes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibrate",
                                     description="Calibrate a scenario's parameters to the "
                                                 "dated record by ABC-SMC (pyabc).")
    parser.add_argument("config", nargs="?", default="us_china_2023")
    parser.add_argument("settings", nargs="*", help="key=value settings, e.g. executor=dask")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--sbc", action="store_true", help="run simulation-based calibration")
    parser.add_argument("--check", action="store_true", help="check the config; run nothing")
    args = parser.parse_args(argv)
    if "=" in args.config:  # no config named: the first argument is a setting
        args.settings, args.config = [args.config, *args.settings], "us_china_2023"

    from sim.calibrate.conf import load_conf
    from sim.calibrate.setup import build_problem
    from sim.forecast.backtest import prepare

    try:
        conf = with_settings(load_conf(args.config), args.settings)
        from sim.calibrate.conf import EXECUTORS

        if conf.executor not in EXECUTORS:
            raise unknown_name("executor", conf.executor, EXECUTORS, "executor")
        problem = build_problem(conf)
        if args.check:
            print(f"ok: {len(conf.priors)} parameters, {len(problem.stats.names)} statistics "
                  f"before {conf.cutoff}, {len(problem.later.names)} after")
            return 0
        out = args.out or Path("outputs/calibrate") / Path(args.config).stem / (
            f"{datetime.now():%Y-%m-%d_%H-%M-%S}" + ("_sbc" if args.sbc else ""))
        prepare(out, SBC_RESULT if args.sbc else RESULT)
    except ConfigError as e:
        fail(e)
    if args.sbc:
        summary = run_sbc(problem, out)
        for k, t in summary["tests"].items():
            print(f"{k}: ranks {t['counts']}, chi2 p = {t['p_value']:.3f}")
    else:
        summary = run_calibration(problem, out)
        d = summary
        print(f"{len(d['generations'])} generations in {d['wall_seconds']:.0f} s "
              f"({d['executor']}); final epsilon {d['generations'][-1]['epsilon']:.3g}, "
              f"ESS {d['generations'][-1]['ess']:.0f}")
        for k, c in d["contraction"].items():
            flag = "  (not identified)" if k in d["unidentified"] else ""
            print(f"  {k}: contraction {c:.2f}{flag}")
        print(f"PPC 90 % coverage: before the cutoff {d['ppc']['coverage_before']:.0%}, "
              f"after it {d['ppc']['coverage_after']:.0%}")
    print(f"results: {out}")
    return 0


def run_calibration(problem: Any, out: Path) -> dict[str, Any]:
    """Fit, check, and write the posterior, the PPC and `calibration.json` (last)."""
    from sim import results
    from sim.calibrate.abc import Model, contraction, fit
    from sim.calibrate.check import ppc_table, predictive
    from sim.calibrate.plots import draw_ppc, save

    conf = problem.conf
    began = time.perf_counter()
    f = fit(Model(problem.simulator, problem.stats), conf.priors, problem.observed,
            conf.population, conf.generations, conf.seed, conf.executor, conf.workers,
            conf.min_epsilon, conf.min_acceptance)
    wall = time.perf_counter() - began
    results.write_parquet(f.posterior, out / "posterior.parquet")
    before, after = predictive(problem, f.posterior, conf.ppc_draws, conf.seed)
    table = pd.concat([ppc_table(problem.stats, before, problem.observed, "before the cutoff"),
                       ppc_table(problem.later, after, problem.observed_later,
                                 "after the cutoff")], ignore_index=True)
    results.write_parquet(table, out / "ppc.parquet")
    save(draw_ppc(table), out / "ppc.png")
    c = contraction(f.posterior, conf.priors)
    w = f.posterior["weight"].to_numpy()
    summary = {
        "scenario": conf.scenario, "cutoff": conf.cutoff, "seed": conf.seed,
        "executor": conf.executor, "workers": conf.workers, "population": conf.population,
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
    from sim.calibrate.check import sbc_ranks, sbc_tests
    from sim.calibrate.plots import draw_sbc, save

    conf = problem.conf
    draws = conf.sbc_bins * 4 - 1
    began = time.perf_counter()
    ranks = sbc_ranks(problem, conf.sbc_runs, conf.sbc_population, conf.sbc_generations, draws,
                      conf.seed)
    tests = sbc_tests(ranks, list(conf.priors), draws, conf.sbc_bins)
    results.write_parquet(ranks, out / "sbc_ranks.parquet")
    save(draw_sbc(tests), out / "sbc.png")
    summary = {"runs": conf.sbc_runs, "population": conf.sbc_population,
               "generations": conf.sbc_generations, "posterior_draws": draws,
               "bins": conf.sbc_bins, "seed": conf.seed, "tests": tests,
               "wall_seconds": time.perf_counter() - began}
    results.write_json(summary, out / SBC_RESULT)
    return summary
