"""`python -m sim.forecast scenario=NAME as_of=DATE`: the bank's open questions as of a date.

Arguments are `key=value`: `scenario`, `as_of` (required), `questions` (a bank in
conf/questions or a path; default: the one bank written for the scenario), `reps`
(replications kept, default 500), `seed`, `workers`, `tolerance`, `posterior` (a
posterior table from `python -m sim.calibrate`), `draws`, `out`. Keys with a dot
(`scenario.bargaining.walk_away=0.2`) are Hydra overrides of the run config.
Writes `forecast.parquet`, `cut.json`, the rounds' runs, and `forecast.json` last.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from sim.command import fail
from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR

KEYS = ("scenario", "as_of", "questions", "reps", "seed", "workers", "tolerance", "posterior",
        "draws", "out")
RESULT = "forecast.json"


def parse(argv: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Split `key=value` arguments into this command's keys and Hydra overrides."""
    mine: dict[str, str] = {}
    overrides: list[str] = []
    for arg in argv:
        key, eq, value = arg.partition("=")
        if not eq:
            raise ConfigError("<argument>", arg, "expected key=value")
        if "." in key.lstrip("+~"):
            overrides.append(arg)
        elif key in KEYS:
            mine[key] = value
        else:
            raise unknown_name(key, value, KEYS, "forecast key")
    for key in ("scenario", "as_of"):
        if not mine.get(key):
            raise ConfigError(key, "", "required, e.g. scenario=historical_2023 as_of=2023-05-01")
    return mine, overrides


def number(args: dict[str, str], key: str, default: float, low: float, high: float = math.inf,
           integer: bool = True) -> Any:
    """A numeric argument, checked against its range."""
    text = args.get(key)
    if text is None:
        return default
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise ConfigError(key, text, "not a number") from None
    if not low <= value <= high:
        raise ConfigError(key, value, f"must lie in [{low}, {high}]")
    return value


def bank_for(scenario: str) -> Path:
    """The one question bank in conf/questions written for `scenario`."""
    found = []
    for path in sorted((CONF_DIR / "questions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        if data.get("scenario") == scenario:
            found.append(path)
    if len(found) != 1:
        raise ConfigError("questions", "", f"{len(found)} banks are written for scenario "
                          f"{scenario!r}; name one with questions=NAME")
    return found[0]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    from sim.forecast.asof import Setup, check_origin, compose, forecast_as_of
    from sim.forecast.backtest import find, prepare
    from sim.forecast.draws import load_posterior
    from sim.forecast.questions import check_against, load_bank

    try:
        args, overrides = parse(argv)
        reps = number(args, "reps", 500, 1)
        seed = number(args, "seed", 0, 0)
        workers = number(args, "workers", 0, 0)
        draws = number(args, "draws", 10, 1)
        tolerance = number(args, "tolerance", 0.25, 0.0, 1.0, integer=False)
        setup = Setup(args["scenario"], tuple(overrides), workers,
                      posterior=args.get("posterior", ""), draws=draws, tolerance=tolerance)
        sc = compose(setup).scenario
        check_origin(sc, args["as_of"])
        bank = load_bank(find(args["questions"], "questions") if args.get("questions")
                         else bank_for(args["scenario"]))
        check_against(bank, sc)
        if setup.posterior:
            load_posterior(setup.posterior)
        out = Path(args["out"]) if args.get("out") else Path("outputs/forecast") / args[
            "scenario"] / f"{args['as_of']}_{datetime.now():%Y-%m-%d_%H-%M-%S}"
        prepare(out, RESULT)
        df = forecast_as_of(setup, bank.questions, args["as_of"], reps, seed, out)
    except ConfigError as e:
        fail(e)
    from sim import results

    cut = json.loads((out / "cut.json").read_text())
    results.write_parquet(df, out / "forecast.parquet")
    info = {k: cut[k] for k in ("origin", "method", "tolerance", "rounds", "simulated", "kept",
                                "acceptance", "posterior", "p_summit")}
    info |= {"scenario": args["scenario"], "questions": bank.name, "seed": seed,
             "overrides": overrides, "interval": "Wilson 95 % over the kept replications",
             "forecasts": [{k: _plain(v) for k, v in row.items()}
                           for row in df.drop(columns=["origin"]).to_dict("records")]}
    results.write_json(info, out / RESULT)
    print(f"as of {args['as_of']}: {cut['kept']} of {cut['simulated']} replications agree with "
          f"the record (tolerance {tolerance})")
    print(f"{'question':<34} {'kind':<9} {'p':>6}  95 % interval    answer")
    for row in df.itertuples():
        print(f"{row.question:<34} {row.kind:<9} {row.p:6.3f}  [{row.ci_low:.3f}, "
              f"{row.ci_high:.3f}]  {'yes' if row.answer else 'no'}")
    print(f"results: {out}")
    return 0


def _plain(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v.item() if hasattr(v, "item") else v
