"""A rolling-origin backtest: forecast the open questions as of each origin, then score.

Output directory: `origins/<date>/` (each origin's run), `forecasts.parquet` (origin,
question, kind, p, n, ci_low, ci_high, answer, persistence), the plots `p_summit.png`
and `reliability.png`, and `scores.json` last: a directory with `scores.json` is
complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TypeVar

import pandas as pd

from sim.analysis.io import read_json
from sim.config.checks import UNIT, at_least, checked, named
from sim.config.compose import check_writable, overriding
from sim.config.convert import INT64
from sim.config.errors import ConfigError
from sim.config.load import find_config as find
from sim.config.load import read_config
from sim.forecast.asof import (
    CUT,
    METHOD,
    SET_BY_FORECAST,
    Setup,
    check_origin,
    compose,
    forecast_as_of,
)
from sim.forecast.draws import draws_of, load_posterior
from sim.forecast.questions import KINDS, Bank, check_against, load_bank
from sim.forecast.scores import BINS, BOOTSTRAP, SEED, by_kind
from sim.results import FORECASTS, SCORES, check_holds, prepare
from sim.saved import OriginP, Scores


@dataclass(frozen=True)
class BacktestConf:
    """A backtest file: the scenario, the question bank, the origins, announcements."""

    scenario: str = checked("", named("scenario to backtest"))
    questions: str = ""  # a bank in conf/questions (by name) or a path to a YAML file
    origins: list[str] = field(default_factory=list)  # at least one: `plan` checks it
    reps: int = checked(500, at_least(1))  # replications kept per origin (past as recorded)
    seed: int = checked(0, at_least(0))
    bins: int = checked(BINS, at_least(1))
    bootstrap: int = checked(BOOTSTRAP, at_least(1))
    tolerance: float = checked(0.25, UNIT)  # share of settled facts a kept past may get wrong
    posterior: str = ""  # draw parameters from this posterior table (python -m sim.calibrate)
    draws: int | None = checked(None, at_least(1))  # per origin, with a posterior (draws_of)


Conf = TypeVar("Conf")


def with_run_options(conf: Conf, reps: int | None, seed: int | None, workers: int) -> Conf:
    """A backtest or library file with the command's `--reps` and `--seed` applied, after
    checking them and `--workers` (one line naming the option if out of range)."""
    for flag, value, low in (("--reps", reps, 1), ("--seed", seed, 0), ("--workers", workers, 0)):
        if value is not None and not low <= value <= INT64[1]:  # as every round's run takes it
            raise ConfigError(flag, value, f"must be a whole number in [{low}, 2**63 - 1]")
    if reps is not None:
        conf = replace(conf, reps=reps)  # type: ignore[type-var]
    if seed is not None:
        conf = replace(conf, seed=seed)  # type: ignore[type-var]
    return conf


@dataclass(frozen=True)
class Plan:
    """A checked backtest: everything needed to run it, nothing run yet."""

    conf: BacktestConf
    bank: Bank
    setup: Setup
    start: str
    summit: str
    scheduled: list[dict[str, str]]


def load_conf(name: str, overrides: Sequence[str] = ()) -> BacktestConf:
    """A backtest file (by name in conf/backtest, or the user's folders on the search path
    of `overrides`, or a path), checked; `overrides` (of the run config) may not name a key
    of the file, which a user may mean to change."""
    own = overriding(overrides, [f.name for f in fields(BacktestConf)
                                 if f.name not in SET_BY_FORECAST])  # those: told by `Setup`
    if own is not None:
        raise ConfigError(*own[1:], "a setting of the backtest's file: change it there "
                          "(KEY=VALUE arguments change the run config; --reps, --seed, "
                          "--posterior and --workers are options)")
    return read_config(str(find(name, "backtest", overrides)), "backtest", BacktestConf)


def plan(conf: BacktestConf, overrides: tuple[str, ...] = (), workers: int = 0) -> Plan:
    """Check the backtest against its scenario: every name, date and origin."""
    from sim.forecast.runs import scheduled_entries

    setup = Setup(conf.scenario, overrides, workers, posterior=conf.posterior,
                  draws=draws_of(conf.draws, conf.posterior), tolerance=conf.tolerance)
    if conf.posterior:
        load_posterior(conf.posterior, compose=lambda extra: compose(setup, extra))
    if not conf.questions:
        raise ConfigError("questions", "", "name the question bank")
    bank = load_bank(find(conf.questions, "questions", overrides))
    run = compose(setup)
    sc = run.scenario
    check_against(bank, sc)
    if not conf.origins:  # a library case's origins are not read as a file's
        raise ConfigError("origins", [], "list at least one origin date")
    for i, origin in enumerate(conf.origins):
        check_origin(sc, origin, f"origins[{i}]")
        if i and origin <= conf.origins[i - 1]:
            raise ConfigError(f"origins[{i}]", origin,
                              f"origins must increase; it follows {conf.origins[i - 1]}")
        if not any(q.open_at(origin) for q in bank.questions):
            raise ConfigError(f"origins[{i}]", origin, "no question of the bank is open at "
                              "this origin (each opens later or is settled by then): nothing "
                              "to forecast or score there")
    return Plan(conf, bank, setup, sc.start, sc.summit.date, scheduled_entries(run))


def check_out(out_dir: Path, holds: str, key: str = "--out") -> None:
    """Refuse, before anything runs, the output folder the run would refuse: one that
    cannot be written, or that holds results of another kind than `holds` (a kind of
    `sim.results.HOLDS`), as `sim.results.holding` does."""
    check_writable(key, out_dir)
    check_holds(out_dir, key, str(out_dir), holds)


def run_backtest(p: Plan, out_dir: Path, progress: bool = True) -> Scores:
    """Forecast as of every origin, score, plot; `scores.json` is written last."""
    from sim import results
    from sim.forecast.plots import plot_p_summit, plot_reliability

    prepare(out_dir, SCORES, "--out")
    conf = p.conf
    frames: list[pd.DataFrame] = []
    curve: list[OriginP] = []
    for i, origin in enumerate(conf.origins):
        run_dir = out_dir / "origins" / origin
        frames.append(forecast_as_of(p.setup, p.bank.questions, origin, conf.reps, conf.seed,
                                     run_dir, f"origins[{i}]"))
        cut = read_json(run_dir / CUT)
        share = cut["p_summit"]
        curve.append({"origin": origin, "p": share["estimate"], "ci_low": share["ci_low"],
                      "ci_high": share["ci_high"], "kept": cut["kept"],
                      "simulated": cut["simulated"]})
        if progress:
            print(f"as of {origin}: P(summit) {curve[-1]['p']:.3f}, "
                  f"{len(frames[-1])} open questions", flush=True)
    forecasts = pd.concat([f for f in frames if len(f)], ignore_index=True)
    results.write_parquet(forecasts, out_dir / FORECASTS)
    summit_q = [q for q in p.bank.questions if q.predicate.test == "summit_held"
                and not q.predicate.negate]
    plot_p_summit(out_dir / "p_summit.png", curve=pd.DataFrame(curve), scheduled=p.scheduled,
                  summit=p.summit, held=summit_q[0].answer if summit_q else None,
                  title=f"{conf.scenario}: P(summit) as of each origin, {conf.reps} "
                        "replications each")
    plot_reliability(out_dir / "reliability.png", forecasts, KINDS, conf.bins)
    scores: Scores = {
        "scenario": conf.scenario, "questions": p.bank.name, "origins": conf.origins,
        "reps": conf.reps, "seed": conf.seed, "overrides": list(p.setup.overrides),
        "tolerance": conf.tolerance, "posterior": conf.posterior,
        "draws": p.setup.draws if conf.posterior else 0, "method": METHOD,
        "p_summit": curve,
        "scores": by_kind(forecasts, KINDS, bins=conf.bins, reps=conf.bootstrap, seed=SEED),
    }
    results.write_json(scores, out_dir / SCORES)  # strict JSON: NaN is written null
    return scores
