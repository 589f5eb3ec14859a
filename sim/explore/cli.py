"""`python -m sim.explore STUDY [KEY=VALUE ...]`: run, resume and analyse a study.

STUDY is a study's name (a file under `conf/explore/`, or `DIR/explore/` with `--config-dir
DIR`) or a path; KEY=VALUE overrides a top-level key of the study (`reps=50`,
`base_samples=256`, `seed=1`, `out=DIR`), a discovery setting (`discovery.outcome=no_summit`)
or a factor's range by its whole key (`factors.scenario.bargaining.walk_away.high=0.3`);
`--config-dir DIR` also reads the study's scenario from that folder of your own; `--check`
checks the study and every point of it, and runs nothing. Bad input is one line on stderr and
exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from sim.command import FOLDER_HELP, ArgumentParser, fail, folders_apart
from sim.config.errors import ConfigError
from sim.results import DISCOVERY, INDICES


def main(argv: Sequence[str] | None = None) -> int:
    from dataclasses import replace

    from sim.config.load import find_config
    from sim.explore.study import read_study

    parser = ArgumentParser(
        prog="python -m sim.explore",
        description="Global sensitivity analysis (Sobol, Morris, Latin hypercube) and "
                    "scenario discovery (PRIM, CART) on replicate means of design points.")
    parser.add_argument("study", help="a study name under conf/explore/ "
                        "(or DIR/explore/) or a YAML path")
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                        help="override a study key: reps=40 seed=1 base_samples=512 "
                             "out=DIR discovery.outcome=no_summit")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--check", action="store_true", help="check the study, every point "
                        "of it and its folder; run nothing")
    parser.add_argument("--config-dir", metavar="DIR", help=FOLDER_HELP)
    given, folders = folders_apart(sys.argv[1:] if argv is None else argv)
    args = parser.parse_intermixed_args(given)
    try:
        path = find_config(args.study, "explore", folders)
        study = read_study(path, args.overrides)  # before a study's imports: told fast
        study = replace(study, overrides=(*study.overrides, *folders))
    except ConfigError as e:
        fail(e)
    from sim.analysis.io import RERUN, ResultsError
    from sim.explore.pipeline import check_study, format_study, out_dir_of, run_study

    try:
        if args.check:
            points, out = check_study(study)
            print(f"ok: {points} points of {len(study.names)} factors, {study.reps} "
                  f"replications each, into {out}")
            return 0
        out = run_study(study, progress=not args.no_progress)
    except ConfigError as e:
        fail(e)
    except ResultsError as e:  # a point's table damaged since it ran (a copy, a disk)
        point = e.path.parent.name.isdigit()  # a point's folder, named by its number
        redo = f"; remove {e.path.parent} to run that point again" if point else ""
        fail(ConfigError("out", str(out_dir_of(study)), f"cannot read saved results: "
                         f"{e.path}: {e.problem.removesuffix(RERUN)}{redo}"))
    summary = json.loads((out / INDICES).read_text())
    print(format_study(summary, json.loads((out / DISCOVERY).read_text())))
    print(f"results: {out}")
    return 0
