"""A study end to end: sample, run the points through the pool, collect, analyse, plot.

The study directory holds `study.json` (what was asked, commit, versions, seed),
`samples.parquet` (the sample matrix), one numbered job directory per point (the same
files as a sweep's jobs, so a killed study resumes where it stopped), `points.parquet`
(per point: factor values and each outcome's replicate mean, variance and count),
`discovery.json`, the plots, and `indices.json`, written last: a directory that has it is
complete.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from sim import results
from sim.analysis.io import ResultsError, read_json
from sim.config.compose import check_writable
from sim.config.errors import ConfigError, unknown_name
from sim.explore.discovery import cart_rules, of_interest, prim_box
from sim.explore.indices import analyse
from sim.explore.models import StudyModel, make_model
from sim.explore.sampling import FloatArray, sample
from sim.explore.study import Study
from sim.provenance import git_commit, versions
from sim.results import DISCOVERY, INDICES, POINTS, SAMPLES, STUDY
from sim.saved import Discovery, Indices, StudyManifest, StudySettings

EXTRA_PACKAGES = ("SALib", "scikit-learn", "ema_workbench", "jinja2")


def out_dir_of(study: Study) -> Path:
    return Path(study.out).expanduser() if study.out else Path("explore") / study.name


def check(study: Study) -> tuple[StudyModel, Path]:
    """Everything that can be wrong before a point runs: factor keys, outcomes, out dir."""
    model = make_model(study)
    columns = model.outcome_columns()
    for i, o in enumerate(study.outcomes):
        if o not in columns:
            raise unknown_name(f"outcomes[{i}]", o, columns, "outcome column")
    if study.discovery.outcome not in columns:
        raise unknown_name("discovery.outcome", study.discovery.outcome, columns,
                           "outcome column")
    if not 0 < study.discovery.min_density <= 1:
        raise ConfigError("discovery.min_density", study.discovery.min_density,
                          "must be in (0, 1]")
    out = out_dir_of(study)
    check_writable("out", out)
    with results.named_by("out", out, str(out)):
        for name in (STUDY, SAMPLES, POINTS, DISCOVERY, INDICES):  # found before a point runs
            results.check_file(out / name)
    manifest = out / STUDY
    if manifest.exists():
        try:
            old = read_json(manifest).get("digest")
        except ResultsError:
            old = None
        if old != study.digest():
            raise ConfigError("out", str(out), "holds the results of another study; choose "
                              "another out= or remove that directory")
    return model, out


def outcomes_of(study: Study) -> list[str]:
    wanted = list(study.outcomes)
    return wanted + [study.discovery.outcome] * (study.discovery.outcome not in wanted)


def planned(study: Study) -> tuple[StudyModel, Path, FloatArray, Any]:
    """The study checked (`check`), its sample, and every point as its model will run it,
    each checked: all before anything is written. Raises `ConfigError`."""
    model, out = check(study)
    x = sample(study)
    return model, out, x, model.plan(x, out)


def check_study(study: Study) -> tuple[int, Path]:
    """Everything `run_study` checks before it writes, every point included, and the folder
    it would write (a folder of other results refused); runs nothing. Returns how many
    points the study has, and its folder."""
    _, out, x, _ = planned(study)
    results.check_holds(out, "out", str(out), "study")
    return len(x), out


def run_study(study: Study, progress: bool = True) -> Path:
    """Run (or resume) a study and analyse it; return its directory."""
    model, out, x, points_planned = planned(study)
    with results.holding(out, "out", str(out), "study"):  # one command writes it at a time
        manifest: StudyManifest = {
            "study": settings(study), "digest": study.digest(), "points": len(x),
            "git_commit": git_commit(), "versions": versions(EXTRA_PACKAGES),
            "seed": study.seed,
        }
        results.write_json(manifest, out / STUDY)
        (out / INDICES).unlink(missing_ok=True)  # complete again only once analysed
        samples = pd.DataFrame(x, columns=study.names)
        samples.insert(0, "job", np.arange(len(x)))
        results.write_parquet(samples, out / SAMPLES)
        model.run(points_planned, out, progress)
        points = collect(model, out, samples, outcomes_of(study))
        results.write_parquet(points, out / POINTS)
        finish(study, out, x, points)
    return out


def collect(model: StudyModel, out: Path, samples: pd.DataFrame, outcomes: list[str]
            ) -> pd.DataFrame:
    """Per point: factor values, and each outcome's replicate mean, variance and count."""
    rows = []
    for job in samples["job"]:
        table = model.read(out / str(job), outcomes)
        row: dict[str, float] = {}
        for o in outcomes:
            v = table[o].to_numpy(float)
            row[f"{o}_mean"] = float(v.mean())
            row[f"{o}_var"] = float(v.var(ddof=1)) if len(v) > 1 else float("nan")
            row[f"{o}_n"] = float(len(v))
        rows.append(row)
    return pd.concat([samples.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def settings(study: Study) -> StudySettings:
    """The study's settings as `study.json` keeps them: all its fields."""
    return cast(StudySettings, dataclasses.asdict(study))


def discover(study: Study, points: pd.DataFrame) -> Discovery:
    """PRIM and CART on the points, for the study's outcome of interest."""
    d = study.discovery
    factors = [f.key for f in study.factors if not f.dummy]
    y = of_interest(points[f"{d.outcome}_mean"].to_numpy(float), d.threshold, d.above)
    label = f"mean {d.outcome} {'>' if d.above else '<'} {d.threshold:g}"
    out: Discovery = {"outcome": d.outcome, "threshold": d.threshold, "above": d.above,
                      "label": label, "points_of_interest": int(y.sum()),
                      "points": len(y), "prim": None, "cart": None}
    if 0 < y.sum() < len(y) and factors:
        x = points[factors]
        out["prim"] = prim_box(x, y, d.min_density)
        out["cart"] = cart_rules(x, y, seed=study.seed)
    else:
        out["note"] = f"no PRIM box: {int(y.sum())} of {len(y)} points have {label}"
    return out


def finish(study: Study, out: Path, x: np.ndarray, points: pd.DataFrame) -> Indices:
    """Analyse the collected points, draw the plots, and write `indices.json` last."""
    from sim.explore.plots import draw_study_plots

    analysis = analyse(study, x, points)
    found = discover(study, points)
    results.write_json(found, out / DISCOVERY)
    draw_study_plots(out, settings(study), analysis, found, points)
    summary: Indices = {"study": study.name, "model": study.model, "sampler": study.sampler,
                        "points": len(points), "reps": study.reps, "seed": study.seed,
                        "outcomes": analysis}
    results.write_json(summary, out / INDICES)
    return summary


def format_study(summary: dict[str, Any], discovery: dict[str, Any]) -> str:
    """The indices, noise floors and PRIM box as a plain-text table."""
    lines = [f"study {summary['study']}: {summary['model']}, {summary['sampler']}, "
             f"{summary['points']} points x {summary['reps']} replications"]
    for outcome, a in summary["outcomes"].items():
        nf = a["noise_floor"]
        lines.append(f"\n{outcome} (mean {a['mean']:.3f}; noise floor {_num(nf['estimate'])} "
                     f"[{_num(nf['ci_low'])}, {_num(nf['ci_high'])}])")
        for name, v in a["indices"].items():
            cells = "  ".join(f"{k} {_num(v[k])} ± {_num(v.get(k + '_conf'))}"
                              for k in ("S1", "ST", "mu_star") if k in v)
            lines.append(f"  {name:<45} {cells}")
        if "emulator" in a:
            e = a["emulator"]
            lines.append(f"  emulator (GP, R² {e['r2']:.3f}; Sobol at N = {e['base_samples']}):")
            for name, v in e["indices"].items():
                lines.append(f"  {name:<45} S1 {_num(v['S1'])} ± {_num(v['S1_conf'])}  "
                             f"ST {_num(v['ST'])} ± {_num(v['ST_conf'])}")
    box = discovery.get("prim")
    if box:
        lines.append(f"\nPRIM box for {discovery['label']}: coverage {box['coverage']:.2f}, "
                     f"density {box['density']:.2f}, mass {box['mass']:.2f}")
        for name, r in box["restricted"].items():
            lines.append(f"  {name:<45} [{r['low']:.4g}, {r['high']:.4g}]  "
                         f"qp {_num(r['qp_value'])}")
    elif discovery.get("note"):
        lines.append("\n" + discovery["note"])
    return "\n".join(lines)


def _num(v: Any) -> str:
    return "nan" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{v:.3g}"
