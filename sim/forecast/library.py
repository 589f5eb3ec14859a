"""The library of summits scored with behavioural parameters frozen from one case.

`python -m sim.backtest library` reads `conf/library.yaml`: the case the behaviour was
set on (`frozen_from`) and the cases to score, each a scenario, its question bank and its
origins. It first checks that every case carries the frozen case's behaviour unchanged
(only the case's facts differ: dates, agenda, win-sets, the state at its start), then
runs each case's rolling-origin backtest (`sim.forecast.backtest`) and writes one table
and one figure across the cases.

Output directory: `<case>/` (each case's backtest directory), `p_summit.parquet` (case,
origin, days before the summit, P(summit) and its interval, the modal outcome as of that
origin), `library.parquet` and `library.md` (one row per case, and one pooling the cases
other than the frozen one: P(summit) as of each origin, the modal outcome, Brier and
Brier skill against each baseline with bootstrap intervals), `p_summit.png`, and
`library.json` last: a directory with `library.json` is complete.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: files only

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.io import read_table
from sim.config.checks import at_least, checked, named
from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR, read_config
from sim.config.schema import ScenarioConf
from sim.forecast.asof import AGREEMENT, Setup, compose
from sim.forecast.backtest import (
    BacktestConf,
    Plan,
    check_out,
    load_conf,
    plan,
    run_backtest,
    with_run_options,
)
from sim.forecast.questions import KINDS
from sim.forecast.scores import BASELINES, BOOTSTRAP, SEED, score_set
from sim.results import FORECASTS, LIBRARY_SCORES, REPLICATIONS, holding, prepare, stamp
from sim.saved import Estimate, Scores, ScoreSet

LIBRARY = CONF_DIR / "library.yaml"
DONE = LIBRARY_SCORES
POOLED = "all cases out of sample"  # the pooled row: every case but the frozen one
# Behaviour that a case must carry unchanged from the frozen case (dotted paths into
# ScenarioConf; party fields are compared through the case's party mapping).
FROZEN = ("relations.tension_baseline", "relations.tension_half_life_days",
          "relations.trust_half_life_days", "bargaining", "summit.leader_latitude", "outcome")
FROZEN_PARTY = ("strategy", "discount", "attendance", "policy.heat_half_life_days",
                "policy.refuse_visit_above", "policy.suspend", "policy.review_days",
                "policy.resume_below")


@dataclass(frozen=True)
class CaseConf:
    """One case: its scenario and question bank (default: the case's name), origins, and
    which party of the frozen case each of its parties carries; or a backtest file of
    conf/backtest (`backtest`) that gives all but the parties (and the origins, if the
    case lists its own). Announcement dates are the scenario's own (`announced:`)."""

    backtest: str = ""
    scenario: str = ""
    questions: str = ""
    origins: list[str] = field(default_factory=list)
    parties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LibraryConf:
    """The library file: the frozen case, the cases, replications and seed."""

    frozen_from: str = checked("", named("case the behaviour was set on"))
    reps: int = checked(200, at_least(1))
    seed: int = checked(0, at_least(0))
    bootstrap: int = checked(BOOTSTRAP, at_least(1))
    cases: dict[str, CaseConf] = checked(dict, named("cases (at least one)"))


def load_library(path: Path = LIBRARY) -> LibraryConf:
    """A library file, checked."""
    return read_config(str(path), "library", LibraryConf)


def backtest_conf(lib: LibraryConf, name: str, case: CaseConf, overrides: Sequence[str] = ()
                  ) -> BacktestConf:
    """The case as a rolling-origin backtest (`sim.forecast.backtest`; its file found with
    the user's folders on the search path of `overrides`, as `python -m sim.backtest` does)."""
    if case.backtest:
        conf = replace(load_conf(case.backtest, overrides), reps=lib.reps, seed=lib.seed,
                       bootstrap=lib.bootstrap)
        return replace(conf, origins=list(case.origins)) if case.origins else conf
    return BacktestConf(scenario=case.scenario or name, questions=case.questions or name,
                        origins=list(case.origins), reps=lib.reps, seed=lib.seed,
                        bootstrap=lib.bootstrap)


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return asdict(obj) if hasattr(obj, "__dataclass_fields__") else obj


def unfrozen(reference: ScenarioConf, case: ScenarioConf, parties: Mapping[str, str],
             key: str) -> list[str]:
    """The behavioural values in which `case` differs from `reference`, as
    "KEY=VALUE (frozen: VALUE)"; `parties` maps the case's parties to the reference's."""
    if sorted(parties) != sorted(case.parties):
        raise ConfigError(f"{key}.parties", dict(parties),
                          f"map each party of the case ({', '.join(case.parties)}) to one of "
                          f"{', '.join(reference.parties)}")
    out = [f"{path}={_get(case, path)} (frozen: {_get(reference, path)})"
           for path in FROZEN if _get(case, path) != _get(reference, path)]
    for mine, theirs in parties.items():
        if theirs not in reference.parties:
            raise unknown_name(f"{key}.parties.{mine}", theirs, reference.parties, "party")
        for path in FROZEN_PARTY:
            a = _get(case.parties[mine], path)
            b = _get(reference.parties[theirs], path)
            if a != b:
                out.append(f"parties.{mine}.{path}={a} (frozen: parties.{theirs}: {b})")
    return out


def check_frozen(lib: LibraryConf, overrides: Sequence[str] = ()) -> None:
    """Refuse a case whose behaviour is not the frozen case's (one line, naming the key)."""
    reference = _scenario(lib.frozen_from, overrides, "frozen_from")
    for name, case in lib.cases.items():
        in_file = case.backtest and not case.scenario  # named by the backtest file
        sc = _scenario(backtest_conf(lib, name, case, overrides).scenario, overrides,
                       "scenario" if in_file else f"cases.{name}.scenario")
        diff = unfrozen(reference, sc, case.parties, f"cases.{name}")
        if diff:
            raise ConfigError(f"cases.{name}", diff[0].split("=")[0],
                              f"differs from {lib.frozen_from}: {diff[0]}")


def _scenario(name: str, overrides: Sequence[str], key: str) -> ScenarioConf:
    """The scenario `name` composed; an unknown name told at `key`, the key that names it
    (a case's scenario defaults to the case's name)."""
    setup = Setup(name, tuple(overrides))  # refuses an override of the scenario itself
    try:
        return compose(setup).scenario
    except ConfigError as err:
        if (err.key, err.value) != ("scenario", name):
            raise
        raise ConfigError(key, err.value, err.allowed) from None


def days_before(origin: str, summit: str) -> int:
    return (date.fromisoformat(summit) - date.fromisoformat(origin)).days


def modal_outcome(run_dir: Path) -> str:
    """The most frequent outcome class of the replications an as-of forecast kept (those
    whose past agrees with the record), over its rounds (`sim.forecast.asof`)."""
    kept = []
    for where in sorted(run_dir.glob("round_*")):
        reps = read_table(where / REPLICATIONS, columns=["rep", "outcome"])
        agree = read_table(where / AGREEMENT, columns=["rep", "kept"])
        keep = set(agree.loc[agree["kept"], "rep"].tolist())
        kept.append(reps[reps["rep"].isin(keep)])
    outcomes = pd.concat(kept, ignore_index=True)["outcome"] if kept else pd.Series([])
    return str(outcomes.value_counts().idxmax()) if len(outcomes) else ""


def case_row(name: str, scores: Scores, forecasts: pd.DataFrame,
             curve: pd.DataFrame) -> dict[str, Any]:
    """One row of the library table: a case's curve, modal outcome and scores."""
    s = scores["scores"]["all"]
    row: dict[str, Any] = {
        "case": name,
        "p_summit_as_of": "; ".join(f"{o} {p:.2f}" for o, p in zip(curve["origin"], curve["p"],
                                                                     strict=True)),
        "modal_outcome": curve["modal_outcome"].iloc[-1] if len(curve) else "",
    }
    return row | score_columns(s, forecasts)


def score_columns(s: ScoreSet, forecasts: pd.DataFrame) -> dict[str, Any]:
    """Counts, Brier and the skill against each baseline with their intervals."""
    row: dict[str, Any] = {"n_questions": s.get("n_questions", 0),
                           "n_forecasts": s.get("n_forecasts", 0)}
    if not s.get("n_forecasts"):
        return row
    row |= {f"brier{k}": v for k, v in _triple(s["brier"]).items()}
    for b in (*BASELINES, "best"):
        row |= {f"bss_{b}{k}": v for k, v in _triple(s["bss"][b]).items()}
    row["best_baseline"] = s["best_baseline"]
    return row


def _triple(d: Estimate) -> dict[str, float]:
    return {"": _num(d["estimate"]), "_low": _num(d["ci_low"]), "_high": _num(d["ci_high"])}


def _num(x: float | None) -> float:
    return math.nan if x is None else float(x)


def markdown(table: pd.DataFrame) -> str:
    """The library table as Markdown: estimates with their 95 % intervals."""
    def fmt(r: pd.Series, key: str) -> str:
        if key not in r or pd.isna(r[key]):
            return "n/a"
        return f"{r[key]:.3f} [{r[f'{key}_low']:.3f}, {r[f'{key}_high']:.3f}]"

    head = ["case", "P(summit) as of", "modal outcome", "questions (forecasts)", "Brier",
            *(f"BSS vs {b}" for b in BASELINES), "best baseline"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in table.iterrows():
        case = f"{r['case']} (in sample)" if r.get("in_sample") is True else str(r["case"])
        cells = [case, str(r["p_summit_as_of"]), str(r["modal_outcome"]),
                 f"{r['n_questions']} ({r['n_forecasts']})", fmt(r, "brier"),
                 *(fmt(r, f"bss_{b}") for b in BASELINES), str(r.get("best_baseline", ""))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def draw_library(curves: pd.DataFrame, title: str) -> Figure:
    """P(summit) as of each origin against days before the summit, one line per case,
    side by side on one axis, with 95 % intervals as bands; the summit at day 0."""
    fig, ax = plt.subplots(figsize=(10, 5), constrained_layout=True)
    for name, c in curves.groupby("case", sort=False):
        c = c.sort_values("days_before", ascending=False)
        line, = ax.plot(c["days_before"], c["p"], "o-", label=str(name))
        ax.fill_between(c["days_before"], c["ci_low"], c["ci_high"], color=line.get_color(),
                        alpha=0.15)
    ax.invert_xaxis()  # time runs left to right, toward the summit
    ax.set_xlabel("days before the summit")
    ax.set_ylabel("P(summit) as of the origin")
    ax.set_ylim(0, 1.02)
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(title)
    return fig


def plan_library(lib: LibraryConf, overrides: Sequence[str] = (), workers: int = 0
                 ) -> dict[str, Plan]:
    """Every case checked before anything runs: the frozen behaviour, then each case's
    backtest plan (its scenario, bank and origins)."""
    check_frozen(lib, overrides)
    plans = {}
    for name, case in lib.cases.items():
        try:
            plans[name] = plan(backtest_conf(lib, name, case, overrides), tuple(overrides),
                               workers)
        except ConfigError as err:  # the case's origins, as the library file names them
            raise at_case(name, err) if err.key.startswith("origins") else err from None
    return plans


def at_case(name: str, err: ConfigError) -> ConfigError:
    """An error of a case's backtest, named by the case's key in the library file."""
    return ConfigError(f"cases.{name}.{err.key}", err.value, err.allowed)


def run_library(lib: LibraryConf, out_dir: Path, overrides: Sequence[str] = (),
                workers: int = 0, progress: bool = True,
                plans: dict[str, Plan] | None = None) -> pd.DataFrame:
    """Check the frozen behaviour (unless given the cases' `plans`, from `plan_library`),
    back-test every case, and write the table and figure."""
    from sim import results
    from sim.analysis.plots import save_png

    plans = plan_library(lib, overrides, workers) if plans is None else plans
    prepare(out_dir, DONE, "--out")
    rows, curves, pooled = [], [], []
    for name, p in plans.items():
        if progress:
            print(f"case {name}: {p.start} to {p.summit}", flush=True)
        try:
            scores = run_backtest(p, out_dir / name, progress=progress)
        except ConfigError as err:  # an origin from which no past agrees with the record,
            # named as the library file names it; or the case's folder, named by --out
            raise at_case(name, err) if err.key.startswith("origins") else err from None
        forecasts = read_table(out_dir / name / FORECASTS)
        curve = pd.DataFrame(scores["p_summit"])
        curve.insert(0, "case", name)
        curve["days_before"] = [days_before(o, p.summit) for o in curve["origin"]]
        curve["modal_outcome"] = [modal_outcome(out_dir / name / "origins" / o)
                                  for o in curve["origin"]]
        curves.append(curve)
        in_sample = p.conf.scenario == lib.frozen_from  # the case the behaviour was set on
        rows.append(case_row(name, scores, forecasts, curve) | {"in_sample": in_sample})
        if not in_sample:
            pooled.append(forecasts.assign(question=name + ":" + forecasts["question"]))
    if pooled:
        everything = pd.concat(pooled, ignore_index=True)
        rows.append({"case": POOLED, "p_summit_as_of": "", "modal_outcome": "",
                     "in_sample": False}
                    | score_columns(score_set(everything, reps=lib.bootstrap, seed=SEED),
                                    everything))
    table = pd.DataFrame(rows)
    curve_table = pd.concat(curves, ignore_index=True)
    results.write_parquet(curve_table, out_dir / "p_summit.parquet")
    results.write_parquet(table, out_dir / "library.parquet")
    (out_dir / "library.md").write_text(markdown(table))
    save_png(draw_library(curve_table, f"Library of summits, behaviour frozen from "
                          f"{lib.frozen_from}: P(summit) as of each origin ({lib.reps} "
                          "replications each)"), out_dir / "p_summit.png")
    results.write_json({
        "frozen_from": lib.frozen_from, "reps": lib.reps, "seed": lib.seed,
        "overrides": list(overrides), "cases": list(lib.cases),
        "kinds": list(KINDS), "table": _records(table), "p_summit": _records(curve_table),
    }, out_dir / DONE)
    return table


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): (None if isinstance(v, float) and not math.isfinite(v) else v)
             for k, v in r.items()} for r in df.to_dict(orient="records")]


def main(argv: Sequence[str]) -> int:
    """`python -m sim.backtest library [overrides] [--reps N] [--out DIR] [--check] ...`."""
    from sim.command import FOLDER_HELP, ArgumentParser, fail, user_folders, user_path

    parser = ArgumentParser(
        prog="python -m sim.backtest library",
        description="Back-test every case of the library of summits with behaviour frozen "
                    "from one case; one table and one figure across the cases.")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides applied to every case")
    parser.add_argument("--library", type=Path, default=LIBRARY, help="library file")
    parser.add_argument("--reps", type=int, help="replications per origin")
    parser.add_argument("--seed", type=int, help="root seed")
    parser.add_argument("--workers", type=int, default=0, help="worker processes; 0 = per core")
    parser.add_argument("--out", type=user_path, help="output directory "
                        "(default outputs/backtest/library/TIMESTAMP)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--config-dir", metavar="DIR", help=FOLDER_HELP)
    parser.add_argument("--check", action="store_true", help="only check the library file, "
                        "the frozen behaviour and every case's bank and origins; run nothing")
    args = parser.parse_intermixed_args(user_folders(argv))
    try:
        lib = with_run_options(load_library(args.library), args.reps, args.seed, args.workers)
        out = args.out or Path("outputs/backtest/library") / stamp()
        plans = plan_library(lib, tuple(args.overrides), args.workers)  # before any folder
        if args.check:
            check_out(out, "backtest library")
            questions = sum(len(p.bank.questions) for p in plans.values())
            origins = sum(len(p.conf.origins) for p in plans.values())
            print(f"ok: {len(plans)} cases, {questions} questions, {origins} origins, "
                  f"behaviour frozen from {lib.frozen_from}")
            return 0
        with holding(out, "--out", str(out), "backtest library"):
            table = run_library(lib, out, tuple(args.overrides), args.workers, not args.quiet,
                                plans)
    except ConfigError as e:
        fail(e)
    print(markdown(table), end="")
    print(f"results: {out}")
    return 0
