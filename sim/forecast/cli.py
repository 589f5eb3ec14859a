"""`python -m sim.forecast scenario=NAME as_of=DATE`: the bank's open questions as of a date.

Arguments are `key=value`: `scenario`, `as_of` (required), `questions` (a bank in
conf/questions or a path; default: the one bank written for the scenario), `reps`
(replications kept, default 500), `seed`, `workers`, `tolerance`, `posterior` (a
posterior table from `python -m sim.calibrate`), `draws` (parameter sets drawn from it,
default 10), `out`. Keys with a dot (`scenario.bargaining.walk_away=0.2`) are Hydra
overrides of the run config; `--config-dir DIR` reads scenarios from a folder of your own,
as `python -m sim` does, and banks (`DIR/questions/NAME.yaml`), after conf/.
Writes `forecast.parquet`, `cut.json`, the rounds' runs, and `forecast.json` last.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim import results
from sim.command import fail, user_folders, user_path
from sim.config.checks import UNIT, Context, at_least, checked, named, walk
from sim.config.compose import chosen_as
from sim.config.errors import ConfigError
from sim.config.load import load, resolved, with_settings

RESULT = results.FORECAST


@dataclass(frozen=True)
class ForecastArgs:
    """This command's own `key=value` arguments (keys with a dot are the run config's)."""

    scenario: str = checked("", named("scenario, e.g. scenario=historical_2023"))
    as_of: str = checked("", named("date, e.g. as_of=2023-05-01"))
    questions: str = ""  # a bank in conf/questions or a path; default: the scenario's one
    reps: int = checked(500, at_least(1))  # replications kept
    seed: int = checked(0, at_least(0))
    workers: int = checked(0, at_least(0))
    tolerance: float = checked(0.25, UNIT)
    posterior: str = ""  # a posterior table from python -m sim.calibrate
    draws: int | None = checked(None, at_least(1))  # with a posterior (default: 10)
    out: str = ""


def parse(argv: Sequence[str]) -> tuple[ForecastArgs, list[str]]:
    """This command's arguments, checked, and the Hydra overrides of the run config."""
    overrides = [a for a in argv if "." in a.partition("=")[0]]
    for a in (a for a in argv if "=" not in a):  # as another command takes it
        if a.startswith("--"):
            raise ConfigError(a, "", f"this command takes settings as KEY=VALUE: write "
                              f"{a[2:]}=VALUE")
        if chosen_as(a, overrides).startswith("scenario="):
            raise ConfigError(a, "", f"a name alone is not a setting; write scenario={a}")
    mine = resolved(with_settings({}, [a for a in argv if a not in overrides]), ForecastArgs)
    return load(mine, ForecastArgs, lambda obj: walk(obj, "", Context(obj), {})), overrides


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    argv = user_folders(argv)  # --config-dir DIR: a folder of the user's own scenarios
    try:
        args, overrides = parse(argv)  # before the imports of a forecast: a typo is told fast
    except ConfigError as e:
        fail(e)
    from sim.forecast import asof
    from sim.forecast.backtest import find
    from sim.forecast.draws import draws_of, load_posterior
    from sim.forecast.questions import bank_for, check_against, load_bank
    from sim.results import holding, prepare, stamp

    try:
        setup = asof.Setup(args.scenario, tuple(overrides), args.workers, posterior=args.posterior,
                           draws=draws_of(args.draws, args.posterior), tolerance=args.tolerance)
        sc = asof.compose(setup).scenario
        asof.check_origin(sc, args.as_of)
        bank = load_bank(find(args.questions, "questions", overrides) if args.questions
                         else bank_for(args.scenario, overrides))
        check_against(bank, sc)
        if setup.posterior:
            load_posterior(setup.posterior, compose=lambda extra: asof.compose(setup, extra))
        out = user_path(args.out) if args.out else (
            Path("outputs/forecast") / args.scenario / f"{args.as_of}_{stamp()}")
        with holding(out, "out", str(out), "forecast"):
            prepare(out, RESULT, "out")
            df = asof.forecast_as_of(setup, bank.questions, args.as_of, args.reps, args.seed,
                                     out)
            cut = asof.write_forecast(df, out, {"scenario": args.scenario, "questions":
                                                bank.name, "seed": args.seed,
                                                "overrides": overrides}, RESULT)
    except ConfigError as e:
        fail(e)
    print(asof.format_forecast(df, cut, args.as_of, args.tolerance))
    print(f"results: {out}")
    return 0
