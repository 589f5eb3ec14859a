"""`python -m sim.backtest CONFIG`: a rolling-origin backtest of a scenario's forecasts.

`python -m sim.backtest library` scores the library of summits (conf/library.yaml) with
behaviour frozen from one case: see sim/forecast/library.py.

CONFIG names a file in conf/backtest (or is a path): the scenario, the question bank, the
origins and the announced dates. Extra `key=value` arguments are Hydra overrides of the
scenario's run config, e.g. `scenario.bargaining.walk_away=0.3` (not of what every round
sets: replications, seed and workers are options, the scenario is the file's);
`--config-dir DIR` reads scenarios from a folder of your own, as `python -m sim` does, and
backtests and banks by name (`DIR/backtest/`, `DIR/questions/`), after conf/. See
docs/forecasting.md.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sim.command import FOLDER_HELP, ArgumentParser, fail, run_command, user_folders, user_path
from sim.config.errors import ConfigError


def main(argv: Sequence[str] | None = None) -> int:
    args_in = user_folders(sys.argv[1:] if argv is None else argv)  # --config-dir DIR
    if args_in[:1] == ["library"]:  # the library of summits (sim.forecast.library)
        return _library(args_in[1:])
    parser = ArgumentParser(
        prog="python -m sim.backtest",
        description="Forecast a question bank as of each origin date and score the forecasts "
                    "(Brier, log, Murphy decomposition, skill against baselines). "
                    "`python -m sim.backtest library` scores the library of summits "
                    "(its own --help).")
    parser.add_argument("config", help="backtest file: a name in conf/backtest or a path")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides of the run config")
    parser.add_argument("--reps", type=int, help="replications per origin (all traced)")
    parser.add_argument("--seed", type=int, help="root seed")
    parser.add_argument("--posterior", help="draw parameters from this posterior table "
                        "(python -m sim.calibrate); overrides the file's `posterior`")
    parser.add_argument("--workers", type=int, default=0, help="worker processes; 0 = per core")
    parser.add_argument("--out", type=user_path, help="output directory "
                        "(default outputs/backtest/NAME/TIMESTAMP)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--config-dir", metavar="DIR", help=FOLDER_HELP)
    parser.add_argument("--check", action="store_true",
                        help="only check the backtest file, the bank and the origins; run nothing")
    args, rest = parser.parse_known_intermixed_args(args_in)
    if args.config == "library":  # options written before the word: still the library
        args_in.remove("library")
        return _library(args_in)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")

    from sim.forecast.backtest import check_out, load_conf, plan, run_backtest, with_run_options
    from sim.results import holding, stamp

    try:
        conf = with_run_options(load_conf(args.config, args.overrides), args.reps, args.seed,
                                args.workers)
        if args.posterior is not None:
            conf = replace(conf, posterior=args.posterior)
        checked = plan(conf, tuple(args.overrides), args.workers)
        out = args.out or Path("outputs/backtest") / Path(args.config).stem / stamp()
        if args.check:
            check_out(out, "backtest")
            print(f"ok: {len(checked.bank.questions)} questions, {len(conf.origins)} origins, "
                  f"scenario {conf.scenario}")
            return 0
        with holding(out, "--out", str(out), "backtest"):
            scores = run_backtest(checked, out, progress=not args.quiet)
    except ConfigError as e:
        if args.posterior is not None and e.key.partition(".")[0] == "posterior":
            e = ConfigError(f"--{e.key}", e.value, e.allowed)  # the option, not the file's key
        fail(e)
    for kind, s in scores["scores"].items():
        if not s.get("n_forecasts"):
            continue
        bss = s["bss"]["best"]
        print(f"{kind:>9}: {s['n_forecasts']} forecasts of {s['n_questions']} questions, "
              f"Brier {s['brier']['estimate']:.3f}, best baseline {s['best_baseline']}, "
              f"BSS {_fmt(bss['estimate'])} [{_fmt(bss['ci_low'])}, {_fmt(bss['ci_high'])}]")
    print(f"results: {out}")
    return 0


def _library(argv: list[str]) -> int:
    from sim.forecast.library import main as library

    return library(argv)


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


if __name__ == "__main__":
    run_command(main)
