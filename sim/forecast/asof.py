"""A forecast as of a date: the state of that day built from the scenario, run, resolved.

One builder, used by `python -m sim.forecast` and by every backtest origin:

* **the future is cut**: every meeting, dated shock and dated concession on or after the
  origin is disabled (`enabled=false`) unless the scenario says it was `announced` before
  the origin. Undated entries stay: hazard shocks, retaliations and policy concessions;
* **the past agrees with the record, by rejection**: replications are run in rounds and
  kept only if their past reproduces what was observed before the origin (see
  `sim.forecast.record`), so random shocks go on at their hazards from the origin;
* **parameters**, with a posterior, are drawn afresh for each round (see
  `sim.forecast.draws`), so intervals carry parameter uncertainty.

No trace row may come from an entry cut at the origin: `trace_leaks` checks every round.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.io import read_json, read_table
from sim.analysis.summary import wilson
from sim.config.checks import iso_date
from sim.config.compose import overriding
from sim.config.errors import ConfigError
from sim.config.schema import RunConf, ScenarioConf
from sim.forecast.draws import DRAWS, draw_overrides, load_posterior
from sim.forecast.questions import Question
from sim.forecast.record import agreement, allowed_wrong, record_as_of
from sim.forecast.resolve import answers, nothing_happens, probabilities
from sim.forecast.runs import compose_run, run_point
from sim.results import EVENTS, REPLICATIONS, write_json, write_parquet

COLLECTIONS = ("meetings", "shocks", "concessions")
FORECAST_COLUMNS = ("origin", "question", "kind", "p", "n", "ci_low", "ci_high", "answer",
                    "persistence")
METHOD = ("state of the origin: dated entries on or after it disabled unless announced before "
          "it; the past conditioned on the record by rejection (the settled facts reproduced "
          "within the tolerance, no random shock before the origin); random shocks at their "
          "hazards from the origin")
CUT = "cut.json"
AGREEMENT = "agreement.parquet"  # per round: which replications agree with the record


@dataclass(frozen=True)
class Cut:
    """What a forecast as of `origin` may know: the entries disabled and why others stay."""

    origin: str
    disabled: tuple[str, ...]  # "meetings.NAME", "shocks.NAME", "concessions.NAME"
    announced: tuple[str, ...]  # dated on or after the origin, but announced before it

    @property
    def overrides(self) -> list[str]:
        """Hydra overrides that apply the cut to the composed scenario."""
        return [f"++scenario.{key}.enabled=false" for key in self.disabled]


@dataclass(frozen=True)
class Setup:
    """A scenario as forecasts compose it, and how they sample replications."""

    scenario: str
    overrides: tuple[str, ...] = ()  # extra Hydra overrides, e.g. scenario.bargaining.walk_away=0.2
    workers: int = 0
    posterior: str = ""  # a posterior table to draw parameters from; "" = the scenario's own
    draws: int = DRAWS  # parameter sets drawn from the posterior (one per round)
    max_rounds: int = 40  # rounds of replications at most, to collect `reps` kept ones
    tolerance: float = 0.25  # share of the record's settled facts a kept past may get wrong

    def __post_init__(self) -> None:
        lost = overriding(self.overrides, SET_BY_FORECAST)  # every round's would win
        if lost is not None:
            raise ConfigError(*lost[1:], "set by the forecast for every round: give --reps, "
                              "--seed or --workers, and the scenario in the backtest's file")


# The run config's keys that a forecast sets for every round, after the setup's overrides.
SET_BY_FORECAST = ("scenario", "reps", "trace_reps", "seed", "workers", "progress", "plots")


def compose(setup: Setup, extra: Sequence[str] = ()) -> RunConf:
    """Compose and check `python -m sim`'s config for the setup, plus `extra` overrides."""
    return compose_run(setup.scenario, [*setup.overrides, *extra])


def dated(sc: ScenarioConf) -> dict[str, tuple[str, str]]:
    """Every dated meeting, shock and concession: name -> (collection, date)."""
    out: dict[str, tuple[str, str]] = {}
    for name, m in sc.meetings.items():
        out[name] = ("meetings", m.date)
    for name, s in sc.shocks.items():
        if s.date:
            out[name] = ("shocks", s.date)
    for name, c in sc.concessions.items():
        if c.date:
            out[name] = ("concessions", c.date)
    return out


def announced(sc: ScenarioConf) -> dict[str, str]:
    """The scenario's announcement dates: meeting or concession name -> date announced."""
    out = {n: m.announced for n, m in sc.meetings.items() if m.announced}
    out |= {n: c.announced for n, c in sc.concessions.items() if c.announced}
    return out


def check_origin(sc: ScenarioConf, origin: str, key: str = "as_of") -> None:
    """An origin must be a date within the scenario's span [start, summit date]."""
    iso_date(key, origin)
    if not sc.start <= origin <= sc.summit.date:
        raise ConfigError(key, origin, f"outside the scenario's span [{sc.start}, "
                          f"{sc.summit.date}]")


def cut(sc: ScenarioConf, origin: str) -> Cut:
    """The entries a forecast as of `origin` must not know about."""
    known = announced(sc)
    disabled, kept = [], []
    for name, (coll, when) in dated(sc).items():
        if when < origin or not getattr(sc, coll)[name].enabled:
            continue
        if name in known and known[name] < origin:
            kept.append(f"{coll}.{name}")
        else:
            disabled.append(f"{coll}.{name}")
    return Cut(origin, tuple(sorted(disabled)), tuple(sorted(kept)))


def config_leaks(run_sc: ScenarioConf, original: ScenarioConf, origin: str) -> list[str]:
    """Enabled entries of a composed scenario dated on or after `origin`, not announced
    before it (announcements as the uncut `original` scenario gives them)."""
    known = announced(original)
    leaks = []
    for name, (coll, when) in dated(run_sc).items():
        if getattr(run_sc, coll)[name].enabled and when >= origin and not (
                name in known and known[name] < origin):
            leaks.append(f"{coll}.{name} ({when})")
    return leaks


def trace_leaks(events: pd.DataFrame, original: ScenarioConf, origin: str) -> list[str]:
    """Trace rows that come from an entry dated on or after `origin` and not announced.

    `original` is the scenario before the cut; an entry it dates on or after the origin
    must leave no row at all (a meeting's postponements included), whatever its date.
    """
    kinds = {"meetings": ("meeting_held", "meeting_postponed", "meeting_cancelled"),
             "shocks": ("shock",), "concessions": ("concession",)}
    leaks = []
    for key in cut(original, origin).disabled:
        coll, name = key.split(".", 1)
        rows = events[(events["name"] == name) & events["kind"].isin(kinds[coll])]
        if len(rows):
            leaks.append(f"{key}: {len(rows)} trace rows, first on {rows['date'].min()}")
    return leaks


def round_dir(out_dir: Path, r: int) -> Path:
    """Where round `r` of a forecast runs."""
    return out_dir / f"round_{r:02d}"


def forecast_as_of(setup: Setup, questions: Sequence[Question], as_of: str, reps: int,
                   seed: int, out_dir: Path, key: str = "as_of") -> pd.DataFrame:
    """Forecast the questions open at `as_of`: one row per question (see FORECAST_COLUMNS).

    Runs rounds of `reps` traced replications of the cut scenario (round r is design
    point r, so every round draws its own streams) until `reps` of them agree with the
    record or `max_rounds` is reached; resolves the open questions on the kept ones.
    Writes `cut.json` (the cut, the acceptance, P(summit)) into `out_dir`. If no past
    agrees, there is nothing to forecast from: `ConfigError` at `key`, the origin's name.
    """
    base = compose(setup)
    check_origin(base.scenario, as_of)
    post = load_posterior(setup.posterior) if setup.posterior else None
    the_cut = cut(base.scenario, as_of)
    record = record_as_of(questions, base.scenario, as_of)
    thetas = draw_overrides(post, max(setup.draws, 1), seed) if post is not None else [[]]
    per_round = reps if post is None else max(1, math.ceil(reps / len(thetas)))
    open_now = [q for q in questions if q.open_at(as_of)]
    tables: list[pd.DataFrame] = []
    rows: list[pd.DataFrame] = []
    runs: dict[int, RunConf] = {}  # each parameter set's config, composed once
    simulated, rounds = 0, 0
    while rounds < setup.max_rounds and (rounds < len(thetas) or sum(len(r) for r in rows) < reps):
        k = rounds % len(thetas)  # this round's parameter set
        if k not in runs:
            runs[k] = compose(setup, [*thetas[k], *the_cut.overrides, f"reps={per_round}",
                                      f"trace_reps={per_round}", f"seed={seed}",
                                      f"workers={setup.workers}", "progress=false",
                                      "plots=false"])
            leaks = config_leaks(runs[k].scenario, base.scenario, as_of)
            if leaks:
                raise RuntimeError(f"as of {as_of}, the composed scenario still has {leaks}")
        run = runs[k]
        where = round_dir(out_dir, rounds)
        run_point(run, where, design_point=rounds)
        events = read_table(where / EVENTS)
        leaks = trace_leaks(events, base.scenario, as_of)
        if leaks:
            raise RuntimeError(f"as of {as_of}, the traces have {leaks}")
        table = read_table(where / REPLICATIONS)
        traced = sorted(table["rep"].tolist())
        agree = agreement(record, events, table, traced, setup.tolerance)
        kept = agree.loc[agree["kept"], "rep"].tolist()
        rows.append(table[table["rep"].isin(kept)])
        if open_now and kept:
            tables.append(answers(open_now, events, table, traced=kept))
        agree.assign(round=rounds).to_parquet(where / AGREEMENT)
        simulated += len(traced)
        rounds += 1
    kept_rows = pd.concat(rows, ignore_index=True)
    n_kept = len(kept_rows)
    if not n_kept:
        raise ConfigError(key, as_of, f"no replication of {base.scenario.name} agrees with the "
                          f"record before it ({simulated} simulated, tolerance "
                          f"{setup.tolerance:g}): the scenario does not reach the recorded "
                          "past, or the tolerance is too tight to keep one")
    p, low, high = wilson(int(kept_rows["summit_held"].sum()), n_kept)
    info: dict[str, Any] = {
        "origin": as_of, "method": METHOD, "disabled": list(the_cut.disabled),
        "announced": list(the_cut.announced), "overrides": the_cut.overrides,
        "record_facts": [q.id for q in record.facts], "hazards": list(record.hazards),
        "tolerance": setup.tolerance, "allowed_wrong": allowed_wrong(record, setup.tolerance),
        "rounds": rounds, "simulated": simulated, "kept": n_kept,
        "acceptance": n_kept / simulated if simulated else math.nan,
        "posterior": setup.posterior, "parameter_sets": thetas if post is not None else [],
        "p_summit": {"estimate": p, "ci_low": low, "ci_high": high},
    }
    write_json(info, out_dir / CUT)
    if not open_now:
        return pd.DataFrame(columns=list(FORECAST_COLUMNS))
    if tables:
        probs = probabilities(pd.concat(tables, ignore_index=True))
    else:
        probs = probabilities(pd.DataFrame({q.id: pd.Series([], dtype=bool) for q in open_now}))
    persistence = nothing_happens(open_now, list(base.scenario.parties),
                                  list(base.scenario.issues))
    by_id = {q.id: q for q in open_now}
    probs.insert(0, "origin", as_of)
    probs.insert(2, "kind", probs["question"].map(lambda q: by_id[q].kind))
    probs["answer"] = probs["question"].map(lambda q: by_id[q].answer).astype(bool)
    probs["persistence"] = probs["question"].map(persistence).astype(float)
    return probs[list(FORECAST_COLUMNS)]


def write_forecast(df: pd.DataFrame, out: Path, about: dict[str, Any], name: str
                   ) -> dict[str, Any]:
    """Write an as-of forecast's table and its JSON (`name`, last); return the cut made."""
    cut: dict[str, Any] = read_json(out / CUT)
    write_parquet(df, out / "forecast.parquet")
    info = {k: cut[k] for k in ("origin", "method", "tolerance", "rounds", "simulated", "kept",
                                "acceptance", "posterior", "p_summit")}
    info |= about | {"interval": "Wilson 95 % over the kept replications",
                     "forecasts": [{k: _plain(v) for k, v in row.items()}
                                   for row in df.drop(columns=["origin"]).to_dict("records")]}
    write_json(info, out / name)
    return cut


def format_forecast(df: pd.DataFrame, cut: dict[str, Any], as_of: str, tolerance: float
                    ) -> str:
    """An as-of forecast as text: how many replications agree with the record, then each
    question's probability, interval and answer."""
    lines = [f"as of {as_of}: {cut['kept']} of {cut['simulated']} replications agree with "
             f"the record (tolerance {tolerance})",
             f"{'question':<34} {'kind':<9} {'p':>6}  95 % interval    answer"]
    lines += [f"{row.question:<34} {row.kind:<9} {row.p:6.3f}  [{row.ci_low:.3f}, "
              f"{row.ci_high:.3f}]  {'yes' if row.answer else 'no'}" for row in df.itertuples()]
    if df.empty:  # not an empty table: say why
        lines[1:] = [f"no question of the bank is open on {as_of}: each opens later or is "
                     "settled by then"]
    return "\n".join(lines)


def _plain(v: Any) -> Any:
    """A NumPy scalar as the Python value JSON takes (a NaN is written null)."""
    return v.item() if hasattr(v, "item") else v
