"""`python -m sim.calibrate [CONFIG] [key=value ...]`: ABC-SMC calibration to the record.

CONFIG names a file in conf/calibrate (default us_china_2023) or is a path; `key=value`
changes one of its settings (`executor=dask`, `population=100`, `seed=3`, ...). Writes
`posterior.parquet`, `ppc.png`, `ppc.parquet`, and `calibration.json` last (diagnostics:
the epsilon schedule, acceptance and effective sample size of each generation; the
contraction of each parameter and those the data do not identify; PPC coverage). With
`--sbc`, runs simulation-based calibration instead: `sbc.json`, `sbc_ranks.parquet`,
`sbc.png`. `--config-dir DIR` finds the scenario in a folder of your own, and calibrations
and banks by name there (`DIR/calibrate/`, `DIR/questions/`), after conf/. See
docs/forecasting.md.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from sim.command import FOLDER_HELP, ArgumentParser, fail, folders_apart, user_path
from sim.config.errors import ConfigError


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m sim.calibrate", description="Calibrate a "
                            "scenario's parameters to the dated record by ABC-SMC (pyabc).")
    parser.add_argument("config", nargs="?", default="us_china_2023", help="calibration "
                        "file: a name in conf/calibrate or a path (default: us_china_2023)")
    parser.add_argument("settings", nargs="*", help="key=value settings, e.g. executor=dask")
    parser.add_argument("--out", type=user_path, help="output directory (default "
                        "outputs/calibrate/NAME/TIMESTAMP, with _sbc for --sbc)")
    parser.add_argument("--sbc", action="store_true", help="run simulation-based calibration")
    parser.add_argument("--check", action="store_true", help="check the config; run nothing")
    parser.add_argument("--config-dir", metavar="DIR", help=FOLDER_HELP)
    given, folders = folders_apart(sys.argv[1:] if argv is None else argv)
    args = parser.parse_intermixed_args(given)
    if "=" in args.config:  # no config named: the first argument is a setting
        args.settings, args.config = [args.config, *args.settings], "us_china_2023"

    from sim.calibrate.conf import load_conf

    try:
        conf = load_conf(args.config, args.settings, folders)  # before a calibration's imports
    except ConfigError as e:
        fail(e)
    from sim.calibrate import run
    from sim.calibrate.setup import build_problem
    from sim.forecast.backtest import check_out
    from sim.results import holding, prepare, stamp

    try:
        problem = build_problem(conf, folders)
        out = args.out or Path("outputs/calibrate") / Path(args.config).stem / (
            stamp() + ("_sbc" if args.sbc else ""))
        holds = "simulation-based calibration check" if args.sbc else "calibration"
        if args.check:
            check_out(out, holds)
            print(f"ok: {len(conf.priors)} parameters, {len(problem.stats.names)} statistics "
                  f"before {conf.cutoff}, {len(problem.later.names)} after")
            return 0
        with holding(out, "--out", str(out), holds):
            prepare(out, run.SBC_RESULT if args.sbc else run.RESULT, "--out")
            shown = (run.format_sbc(run.run_sbc(problem, out)) if args.sbc
                     else run.format_calibration(run.run_calibration(problem, out)))
    except ConfigError as e:
        fail(e)
    print(shown)
    print(f"results: {out}")
    return 0
