"""One self-contained HTML page of a run, a sweep, an explore study or a backtest.

Read from the saved files only: the summary table with intervals, every PNG inline as
base64 (no network, no file beside it), the configuration, and provenance (commit,
versions, seed). Rendered with a Jinja2 template; written atomically as `report.html`.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.analysis.io import read_record, read_table
from sim.analysis.summary import wilson
from sim.model.outcome import OUTCOMES
from sim.results import DISCOVERY, INDICES, SCORES, STUDY, SUMMARY, write_atomic
from sim.saved import (
    Discovery,
    Estimate,
    Indices,
    Manifest,
    Scores,
    Share,
    StudyManifest,
    Summary,
)
from sim.sweep import MANIFEST, SWEEP_COLUMNS, SWEEP_TABLE

PAGE = "report.html"
TEMPLATES = Path(__file__).parent / "templates"
Row = list[Any]


def _f(v: Any, digits: int = 3) -> str:
    if v is None:
        return "-"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return "nan" if x != x else f"{x:.{digits}f}"


def _interval(est: Any, lo: Any, hi: Any) -> Row:
    return [_f(est), f"[{_f(lo)}, {_f(hi)}]"]


def _ci(v: Share | Estimate) -> Row:
    return _interval(v["estimate"], v["ci_low"], v["ci_high"])


def _table(heading: str, columns: Sequence[str], rows: list[Row], id: str,
           note: str = "") -> dict[str, Any]:
    return {"heading": heading, "columns": list(columns), "rows": rows, "id": id,
            "note": note}


IMAGE_ORDER = ("sobol_", "morris_", "convergence_", "prim_tradeoff", "prim_box", "pairs_")


def _images(directory: Path) -> list[dict[str, str]]:
    """Every PNG of the directory, inline; a study's indices first, then discovery."""
    def rank(p: Path) -> tuple[int, str]:
        first = [i for i, prefix in enumerate(IMAGE_ORDER) if p.name.startswith(prefix)]
        return (first[0] if first else len(IMAGE_ORDER), p.name)

    return [{"name": p.name, "data": base64.b64encode(p.read_bytes()).decode()}
            for p in sorted(directory.glob("*.png"), key=rank) if p.is_file()]


def _versions(v: dict[str, str]) -> str:
    return ", ".join(f"{k} {x}" for k, x in v.items())


def run_page(run_dir: Path) -> dict[str, Any]:
    """The page of one run: P(summit), outcome shares and agreement with 95 % intervals."""
    s = read_record(run_dir / SUMMARY, Summary, ("scenario", "reps", "p_summit", "outcome_shares",
                                                   "p_agreed", "start", "end"))
    n = s["reps"]
    rows = [["P(summit)", *_ci(s["p_summit"])]]
    for o in OUTCOMES:
        share = float(s["outcome_shares"].get(o, 0.0))
        est, lo, hi = wilson(round(share * n), n)
        rows.append([f"share {o}", *_interval(est, lo, hi)])
    for issue, v in s["p_agreed"].items():
        rows.append([f"P(agreed: {issue})", *_ci(v)])
    config_file = run_dir / ".hydra" / "config.yaml"
    config = config_file.read_text() if config_file.exists() else yaml.safe_dump(
        {"overrides": s.get("overrides", {}), "relations": s.get("relations", {})})
    return {
        "title": f"Run: {s['scenario']}",
        "subtitle": f"{n} replications, {s['start']} to {s['end']}",
        "tables": [_table("Summary", ["quantity", "estimate", "95 % interval"], rows,
                          "summary", "Wilson intervals for proportions.")],
        "texts": [], "images": _images(run_dir), "config": config,
        "provenance": [("commit", s.get("git_commit")), ("root seed", s.get("seed")),
                       ("design point", s.get("design_point")),
                       ("config hash", s.get("config_hash")),
                       ("failures", s.get("failures", 0)),
                       ("versions", _versions(s.get("versions", {})))],
    }


def sweep_page(sweep_dir: Path) -> dict[str, Any]:
    """The page of a sweep: one row per job, P(summit) with its interval and the shares."""
    table = read_table(sweep_dir / SWEEP_TABLE, needs=SWEEP_COLUMNS)
    manifest: dict[str, Any] = dict(read_record(sweep_dir / MANIFEST, Manifest)) if (
        sweep_dir / MANIFEST).exists() else {}
    rows = []
    for r in table.to_dict("records"):
        row = [r["job"], str(r["overrides"]) or "-", r["reps"],
               *_interval(r["p_summit"], r["p_summit_ci_low"], r["p_summit_ci_high"])]
        row += [_f(r.get(f"share_{o}")) for o in OUTCOMES]
        rows.append(row)
    columns = ["job", "overrides", "reps", "P(summit)", "95 % interval",
               *[f"share {o}" for o in OUTCOMES]]
    return {
        "title": f"Sweep: {sweep_dir.name}",
        "subtitle": f"{len(table)} jobs; swept: {', '.join(manifest.get('swept_keys', []))}",
        "tables": [_table("Comparison across jobs", columns, rows, "jobs",
                          "P(summit) with its Wilson 95 % interval per job.")],
        "texts": [], "images": _images(sweep_dir),
        "config": yaml.safe_dump({"swept_keys": manifest.get("swept_keys", []),
                                  "crn": manifest.get("crn"),
                                  "jobs": [j.get("overrides") for j in
                                           manifest.get("jobs", [])]}, sort_keys=False),
        "provenance": [("commit", manifest.get("git_commit")),
                       ("root seed", manifest.get("seed")),
                       ("versions", _versions(manifest.get("versions", {})))],
    }


def explore_page(study_dir: Path) -> dict[str, Any]:
    """The page of a study: indices with intervals, noise floors, the PRIM box, CART."""
    manifest = read_record(study_dir / STUDY, StudyManifest)
    summary = read_record(study_dir / INDICES, Indices)
    found = read_record(study_dir / DISCOVERY, Discovery)
    tables = []
    for outcome, a in summary["outcomes"].items():
        nf = a["noise_floor"]
        idx = a["indices"]
        keys = [k for k in ("S1", "ST", "mu_star") if any(k in v for v in idx.values())]
        columns = ["factor"]
        for k in keys:
            columns += [k, "95 % interval"]
        if "mu_star" in keys:
            columns.append("sigma")
        rows = []
        for name, v in idx.items():
            row: Row = [name]
            for k in keys:
                est, half = v.get(k), v.get(f"{k}_conf")
                lo = None if est is None or half is None else est - half
                hi = None if est is None or half is None else est + half
                row += _interval(est, lo, hi)
            if "mu_star" in keys:
                row.append(_f(v.get("sigma")))
            rows.append(row)
        note = (f"Mean over points {_f(a['mean'])}. Noise floor (seed-noise share of the "
                f"variance of replicate means) {_f(nf['estimate'])} "
                f"[{_f(nf['ci_low'])}, {_f(nf['ci_high'])}]: an index below it cannot be "
                "told from noise.")
        tables.append(_table(f"Indices of {outcome}", columns, rows, f"indices-{outcome}",
                             note))
    texts = []
    box = found.get("prim")
    if box:
        rows = [[name, _f(r["low"], 4), _f(r["high"], 4), _f(r["qp_value"], 4)]
                for name, r in box["restricted"].items()]
        tables.append(_table(
            f"PRIM box: {found['label']}", ["factor", "low", "high", "quasi-p"], rows, "prim",
            f"coverage {_f(box['coverage'])}, density {_f(box['density'])}, mass "
            f"{_f(box['mass'])}; {found['points_of_interest']} of {found['points']} points "
            "of interest."))
    cart = found["cart"]
    if box and cart:
        texts.append({"heading": f"CART rules ({found['label']}; training accuracy "
                                 f"{_f(cart['accuracy'])})", "text": cart["rules"]})
    elif found.get("note"):
        texts.append({"heading": "Scenario discovery", "text": found["note"]})
    study = manifest["study"]
    return {
        "title": f"Study: {study['name']}",
        "subtitle": f"{study['model']} model, {study['sampler']} sampler, "
                    f"{manifest['points']} points x {study['reps']} replications",
        "tables": tables, "texts": texts, "images": _images(study_dir),
        "config": yaml.safe_dump(study, sort_keys=False),
        "provenance": [("commit", manifest.get("git_commit")),
                       ("root seed", manifest.get("seed")), ("digest", manifest.get("digest")),
                       ("versions", _versions(manifest.get("versions", {})))],
    }


def backtest_page(backtest_dir: Path) -> dict[str, Any]:
    """The page of a rolling-origin backtest: scores by kind of question with bootstrap
    intervals, Murphy's decomposition, skill against each baseline, P(summit) by origin."""
    s = read_record(backtest_dir / SCORES, Scores)
    tables = []
    for kind, sc in s["scores"].items():
        if not sc["n_forecasts"]:  # no question of the kind was open at any origin
            tables.append(_table(f"Scores: {kind} questions", ["score", "estimate",
                                                               "95 % interval"], [],
                                 f"scores-{kind}", "No forecasts: no question of this kind "
                                 "was open at any origin."))
            continue
        rows: list[Row] = [["Brier score", *_ci(sc["brier"])], ["log score", *_ci(sc["log"])]]
        rows += [[f"Murphy: {k}", _f(v), ""] for k, v in sc["murphy"].items()
                 if k != "brier"]
        for base, v in sc["bss"].items():
            label = f"best baseline ({sc['best_baseline']})" if base == "best" else base
            rows.append([f"Brier skill vs {label}", *_ci(v)])
        tables.append(_table(
            f"Scores: {kind} questions", ["score", "estimate", "95 % interval"], rows,
            f"scores-{kind}", f"{sc['n_forecasts']} forecasts of {sc['n_questions']} "
            f"questions at {sc['n_origins']} origins; intervals by bootstrap over questions."))
    rows = [[p["origin"], *_interval(p["p"], p["ci_low"], p["ci_high"])]
            for p in s["p_summit"]]
    tables.append(_table("P(summit) as of each origin", ["origin", "P(summit)",
                                                         "95 % interval"], rows, "p-summit",
                         "Wilson intervals over the replications of each origin."))
    config = {k: s[k] for k in ("scenario", "questions", "origins", "reps", "overrides",
                                "method")}
    return {
        "title": f"Backtest: {s['scenario']} on {s['questions']}",
        "subtitle": f"{len(s['origins'])} origins x {s['reps']} replications",
        "tables": tables, "texts": [], "images": _images(backtest_dir),
        "config": yaml.safe_dump(config, sort_keys=False),
        "provenance": [("root seed", s.get("seed")), ("method", s.get("method"))],
    }


PAGES = {"run": run_page, "sweep": sweep_page, "explore": explore_page,
         "backtest": backtest_page}


def write_page(directory: Path, kind: str) -> Path:
    """Render the page of a `run`, `sweep`, `explore` or `backtest` directory to
    `report.html`."""
    from jinja2 import Environment, FileSystemLoader

    # Every value escaped: a page shows names and overrides a user wrote (`report.html.j2`
    # is not among the names Jinja's `select_autoescape` escapes by default).
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      keep_trailing_newline=True)
    context = PAGES[kind](directory)
    html = env.get_template("report.html.j2").render(source=str(directory), **context)
    return write_atomic(directory / PAGE, lambda tmp: tmp.write_text(html))
