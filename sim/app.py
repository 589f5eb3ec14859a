"""One design point end to end: run the replications, write the tables, summary, plots."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from tqdm import tqdm

from sim import results
from sim.config.errors import ConfigError
from sim.config.schema import RunConf, ScenarioConf
from sim.runner import default_workers, run_replications
from sim.scenario import Scenario, compile_scenario

PACKAGES = ("summitsim", "simpy", "numpy", "hydra-core", "omegaconf", "pandas", "pyarrow",
            "matplotlib")


def config_hash(conf: ScenarioConf) -> str:
    """SHA-256 of the resolved scenario config: same hash, same design point."""
    text = json.dumps(dataclasses.asdict(conf), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "unknown"
    return out


def prepare_output(out_dir: Path) -> None:
    """Make sure results can be written to `out_dir`, and that it does not look complete."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
        (out_dir / "summary.json").unlink(missing_ok=True)
    except OSError as e:
        raise ConfigError("hydra.run.dir", str(out_dir),
                          f"cannot write results there ({e.strerror or e})") from None


def scheduled(conf: ScenarioConf) -> list[dict[str, str]]:
    """The scenario's dated events, for marking on the timeline."""
    out = [{"date": m.date, "name": n, "kind": "meeting"}
           for n, m in conf.meetings.items() if m.enabled]
    out += [{"date": s.date, "name": n, "kind": "shock"}
            for n, s in conf.shocks.items() if s.enabled and s.date]
    out += [{"date": c.date, "name": n, "kind": "concession"}
            for n, c in conf.concessions.items() if c.enabled and c.date]
    return sorted(out, key=lambda e: e["date"])


Columns = dict[str, list[Any]]


def simulate(sc: Scenario, run: RunConf) -> tuple[Columns, Columns, float]:
    """Run all replications; return replication and event columns and the wall time."""
    workers = run.workers or default_workers()
    rep_parts, event_parts = [], []
    done = 0
    began = time.perf_counter()
    with tqdm(total=run.reps, disable=not run.progress, unit="rep", file=sys.stderr,
              desc=sc.name) as bar:
        for batch in run_replications(sc, run.seed, run.reps, design_point=run.design_point,
                                      trace_reps=run.trace_reps, workers=workers):
            rep_parts.append(results.replication_rows(sc, batch, done))
            if done < run.trace_reps:
                event_parts.append(results.event_rows(sc, batch, done))
            done += len(batch)
            bar.update(len(batch))
    elapsed = time.perf_counter() - began
    events = results.concat_columns(event_parts) or results.event_rows(sc, [], 0)
    return results.concat_columns(rep_parts), events, elapsed


def run_design_point(run: RunConf, out_dir: Path) -> dict[str, Any]:
    """Run `run.reps` replications and write the run directory; return the summary."""
    from sim.analysis.plots import draw_run_plots
    from sim.analysis.summary import summarize

    prepare_output(out_dir)
    sc = compile_scenario(run.scenario)
    rep_cols, event_cols, elapsed = simulate(sc, run)
    reps = results.frame(rep_cols)
    results.write_parquet(reps, out_dir / "replications.parquet")
    results.write_parquet(results.frame(event_cols), out_dir / "events.parquet")

    summary: dict[str, Any] = {"scenario": sc.name, "reps": run.reps, "seed": run.seed,
                               "design_point": run.design_point}
    summary.update(summarize(reps, list(sc.issues)))
    summary.update({
        "config_hash": config_hash(run.scenario),
        "versions": versions(),
        "perf": {
            "replications_per_second": run.reps / elapsed if elapsed > 0 else float("inf"),
            "simpy_events_per_replication": float(reps["simpy_events"].mean()),
            "workers": run.workers or default_workers(),
            "wall_seconds": elapsed,
        },
        "start": sc.start.isoformat(),
        "end": sc.date_of(sc.end_day).isoformat(),
        "issues": list(sc.issues),
        "parties": [p.name for p in sc.parties],
        "relations": {"tension": sc.tension, "tension_baseline": sc.tension_baseline,
                      "tension_half_life_days": sc.tension_half_life_days},
        "scheduled": scheduled(run.scenario),
    })
    if run.plots:
        # Plots read the saved tables; they need the summary's metadata, so it is
        # written first under a temporary name and renamed last.
        results.write_json(summary, out_dir / "summary.partial.json")
        draw_run_plots(out_dir, summary_name="summary.partial.json")
        (out_dir / "summary.partial.json").unlink()
    results.write_json(summary, out_dir / "summary.json")
    return summary
