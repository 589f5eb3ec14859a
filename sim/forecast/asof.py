"""A forecast as of a date: the scenario cut at the origin, run, and its questions resolved.

The cut is made by Hydra overrides on the scenario, so the model files stay as they are:
every meeting, dated shock and dated concession on or after the origin is disabled
(`enabled=false`) unless it had been announced before the origin. Undated entries stay:
hazard shocks, retaliations (triggered by what happens) and policy concessions. What
happened before the origin is replayed by the model, not conditioned on the record: a
replication's past may differ from what was observed (no rejection, no weights).

`forecast_as_of` is the one function a truer as-of forecast (replaying the observed
past) replaces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.config.compose import composition_error
from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR, load_run
from sim.config.schema import RunConf, ScenarioConf
from sim.config.validate import iso_date
from sim.forecast.questions import Question
from sim.forecast.resolve import nothing_happens, probabilities, resolve_run

COLLECTIONS = ("meetings", "shocks", "concessions")
FORECAST_COLUMNS = ("origin", "question", "kind", "p", "n", "ci_low", "ci_high", "answer",
                    "persistence")


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
    """A scenario as the backtest composes it, and what is known of announcements."""

    scenario: str
    overrides: tuple[str, ...] = ()  # extra Hydra overrides, e.g. scenario.bargaining.walk_away=0.2
    announced: Mapping[str, str] = field(default_factory=dict)  # entry name -> date announced
    workers: int = 0


def compose(setup: Setup, extra: Sequence[str] = ()) -> RunConf:
    """Compose and check `python -m sim`'s config for the setup, plus `extra` overrides."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    overrides = [f"scenario={setup.scenario}", *setup.overrides, *extra]
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = hydra_compose("config", overrides=overrides)
    except Exception as e:  # Hydra raises many kinds; all mean bad input
        raise composition_error(e, overrides) from None
    return load_run(cfg)


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


def check_origin(sc: ScenarioConf, origin: str, key: str = "as_of") -> None:
    """An origin must be a date within the scenario's span [start, summit date]."""
    iso_date(key, origin)
    if not sc.start <= origin <= sc.summit.date:
        raise ConfigError(key, origin, f"outside the scenario's span [{sc.start}, "
                          f"{sc.summit.date}]")


def check_announced(sc: ScenarioConf, announced: Mapping[str, str], key: str = "announced"
                    ) -> None:
    """Announced dates name existing meetings, shocks or concessions, as real dates."""
    names = [n for coll in COLLECTIONS for n in getattr(sc, coll)]
    for name, when in announced.items():
        if name not in names:
            raise unknown_name(f"{key}.{name}", name, names, "meeting, shock or concession")
        iso_date(f"{key}.{name}", when)


def cut(sc: ScenarioConf, origin: str, announced: Mapping[str, str]) -> Cut:
    """The entries a forecast as of `origin` must not know about."""
    disabled, kept = [], []
    for name, (coll, when) in dated(sc).items():
        if when < origin or not getattr(sc, coll)[name].enabled:
            continue
        if name in announced and announced[name] < origin:
            kept.append(f"{coll}.{name}")
        else:
            disabled.append(f"{coll}.{name}")
    return Cut(origin, tuple(sorted(disabled)), tuple(sorted(kept)))


def config_leaks(sc: ScenarioConf, origin: str, announced: Mapping[str, str]) -> list[str]:
    """Enabled entries of a composed scenario dated on or after `origin`, not announced."""
    leaks = []
    for name, (coll, when) in dated(sc).items():
        if getattr(sc, coll)[name].enabled and when >= origin and not (
                name in announced and announced[name] < origin):
            leaks.append(f"{coll}.{name} ({when})")
    return leaks


def trace_leaks(events: pd.DataFrame, original: ScenarioConf, origin: str,
                announced: Mapping[str, str]) -> list[str]:
    """Trace rows that come from an entry dated on or after `origin` and not announced.

    `original` is the scenario before the cut; an entry it dates on or after the origin
    must leave no row at all (a meeting's postponements included), whatever its date.
    """
    kinds = {"meetings": ("meeting_held", "meeting_postponed", "meeting_cancelled"),
             "shocks": ("shock",), "concessions": ("concession",)}
    bad = cut(original, origin, announced).disabled
    leaks = []
    for key in bad:
        coll, name = key.split(".", 1)
        rows = events[(events["name"] == name) & events["kind"].isin(kinds[coll])]
        if len(rows):
            leaks.append(f"{key}: {len(rows)} trace rows, first on {rows['date'].min()}")
    return leaks


def forecast_as_of(setup: Setup, questions: Sequence[Question], as_of: str, reps: int,
                   seed: int, out_dir: Path) -> pd.DataFrame:
    """Forecast the questions open at `as_of`: one row per question (see FORECAST_COLUMNS).

    Runs `reps` traced replications of the cut scenario into `out_dir` through the
    project's run path, checks that nothing after the origin leaked in, and resolves.
    """
    from sim.design_point import run_design_point

    base = compose(setup)
    check_origin(base.scenario, as_of)
    check_announced(base.scenario, setup.announced)
    the_cut = cut(base.scenario, as_of, setup.announced)
    run = compose(setup, [*the_cut.overrides, f"reps={reps}", f"trace_reps={reps}",
                          f"seed={seed}", f"workers={setup.workers}", "progress=false",
                          "plots=false"])
    leaks = config_leaks(run.scenario, as_of, setup.announced)
    if leaks:
        raise RuntimeError(f"as of {as_of}, the composed scenario still has {leaks}")
    summary = run_design_point(run, out_dir)
    events = pd.read_parquet(out_dir / "events.parquet")
    leaks = trace_leaks(events, base.scenario, as_of, setup.announced)
    if leaks:
        raise RuntimeError(f"as of {as_of}, the traces have {leaks}")
    (out_dir / "cut.json").write_text(json.dumps({
        "origin": as_of, "disabled": list(the_cut.disabled), "announced": list(the_cut.announced),
        "overrides": the_cut.overrides, "p_summit": summary["p_summit"]}, indent=2) + "\n")
    open_now = [q for q in questions if q.open_at(as_of)]
    if not open_now:
        return pd.DataFrame(columns=list(FORECAST_COLUMNS))
    probs = probabilities(resolve_run(out_dir, open_now, reps))
    persistence = nothing_happens(open_now, list(run.scenario.parties), list(run.scenario.issues))
    info = {q.id: q for q in open_now}
    probs.insert(0, "origin", as_of)
    probs.insert(2, "kind", probs["question"].map(lambda q: info[q].kind))
    probs["answer"] = probs["question"].map(lambda q: info[q].answer).astype(bool)
    probs["persistence"] = probs["question"].map(persistence).astype(float)
    return probs[list(FORECAST_COLUMNS)]
