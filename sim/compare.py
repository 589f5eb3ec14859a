"""Compare two runs replication by replication: `python -m sim.compare DIR_A DIR_B`.

Two runs with the same root seed and design point give replication `rep` the same random
streams, so B - A can be estimated from per-replication differences (common random
numbers). When the runs are positively correlated that paired interval is much narrower
than the interval for two independent samples; both are shown, side by side.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.analysis.io import ResultsError, read_json, read_record, read_table
from sim.analysis.summary import Z95, normal_interval
from sim.command import ArgumentParser, run_command, user_path
from sim.config.errors import ConfigError
from sim.model.outcome import OUTCOMES
from sim.results import MULTIRUN, REPLICATIONS, SUMMARY, WriteError, holdings, write_json
from sim.saved import Summary
from sim.sweep import SWEEP_TABLE

REQUIRED = ("rep", "outcome", "summit_held")
COMPARISON_KEYS = ("a", "b", "paired", "n_paired", "differences")  # of what --json writes
MAX_COMPARISON_BYTES = 1_000_000  # a comparison is a few kilobytes; a larger file is not one

FloatArray = npt.NDArray[np.float64]


class CompareError(Exception):
    """Runs that cannot be compared; the message says why, in one line."""


@dataclass(frozen=True)
class Run:
    """A complete run directory: its summary and its replications indexed by `rep`."""

    path: Path
    summary: Summary
    reps: pd.DataFrame

    @property
    def issues(self) -> list[str]:
        """Agenda issues, in the summary's order, that have an `agreed_<issue>` column."""
        listed = self.summary.get("issues") or [
            c.removeprefix("agreed_") for c in self.reps.columns if c.startswith("agreed_")]
        return [i for i in listed if f"agreed_{i}" in self.reps.columns]


def paired_difference(a: npt.ArrayLike, b: npt.ArrayLike) -> dict[str, float]:
    """B - A for paired 0/1 outcomes, with the paired and the unpaired 95 % intervals.

    `a[k]` and `b[k]` are the same replication in the two runs. The paired interval is
    mean(b - a) ± z·sd(b - a)/√n (sd with ddof 1); the unpaired one treats the runs as two
    independent proportions: ± z·√(pA(1-pA)/n + pB(1-pB)/n). Both are clipped to [-1, 1],
    the differences two shares can have, which they can leave when n is small. Intervals
    are NaN when n < 2.
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"paired samples must be 1-d and of equal length, got {x.shape}, "
                         f"{y.shape}")
    n = len(x)
    nan = math.nan
    if n == 0:
        return {"estimate": nan, "ci_low": nan, "ci_high": nan, "unpaired_ci_low": nan,
                "unpaired_ci_high": nan, "n": 0}
    d = y - x
    est = float(d.mean())
    half = Z95 * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else nan
    pa, pb = float(x.mean()), float(y.mean())
    unpaired = Z95 * math.sqrt(pa * (1 - pa) / n + pb * (1 - pb) / n) if n > 1 else nan
    low, high = normal_interval(est, half, -1.0, 1.0)
    unpaired_low, unpaired_high = normal_interval(est, unpaired, -1.0, 1.0)
    return {"estimate": est, "ci_low": low, "ci_high": high, "unpaired_ci_low": unpaired_low,
            "unpaired_ci_high": unpaired_high, "n": n}


def correlation(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Pearson correlation of paired samples; NaN when either one is constant."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def load_run(path: Path) -> Run:
    """Read a complete run directory; raises CompareError if it is not one."""
    if not os.path.isdir(path):  # False for a name too long, as for one not there
        raise CompareError(f"{path}: " + ("a file, not a directory" if os.path.exists(path) else
                                           "no such directory"))
    held = holdings(path)
    if (path / SWEEP_TABLE).exists() or (MULTIRUN, "sweep") in held:
        raise CompareError(f"{path}: a sweep's folder, not a run; compare two of its jobs, "
                           f"as {path / '0'} {path / '1'}")
    if not (path / SUMMARY).exists():
        raise CompareError(f"{path}: " + next(
            (f"holds a {kind} ({name}), not a run of python -m sim" for name, kind in held),
            f"not a complete run directory (no {SUMMARY})"))
    try:
        summary = read_record(path / SUMMARY, Summary, ("seed", "design_point"))  # pairs runs
        reps = read_table(path / REPLICATIONS)
    except (OSError, ValueError) as e:
        raise CompareError(f"{path}: cannot read saved results: {e}") from None
    missing = [c for c in REQUIRED if c not in reps.columns]
    if missing:
        raise CompareError(f"{path}: {REPLICATIONS} has no column {', '.join(missing)}")
    if reps["rep"].duplicated().any():
        raise CompareError(f"{path}: {REPLICATIONS} repeats replication numbers")
    return Run(path, summary, reps.set_index("rep").sort_index())


def indicators(reps: pd.DataFrame, outcomes: Sequence[str], issues: Sequence[str]
               ) -> dict[str, FloatArray]:
    """The 0/1 series compared: summit held, each outcome, each issue agreed."""
    out = {"p_summit": reps["summit_held"].to_numpy(dtype=float)}
    for o in outcomes:
        out[f"share_{o}"] = (reps["outcome"] == o).to_numpy(dtype=float)
    for i in issues:
        out[f"p_agreed_{i}"] = reps[f"agreed_{i}"].to_numpy(dtype=float)
    return out


def compare_runs(dir_a: Path, dir_b: Path) -> dict[str, Any]:
    """B - A on the replications present in both runs, per measure, as plain data."""
    a, b = load_run(dir_a), load_run(dir_b)
    common = a.reps.index.intersection(b.reps.index)
    if len(common) == 0:
        raise CompareError("the runs have no replication number in common")
    ra, rb = a.reps.loc[common], b.reps.loc[common]
    seen = set(ra["outcome"]) | set(rb["outcome"])
    outcomes = list(OUTCOMES) + sorted(str(o) for o in seen - set(OUTCOMES))
    issues = [i for i in a.issues if i in b.issues]
    xa, xb = indicators(ra, outcomes, issues), indicators(rb, outcomes, issues)
    differences = {
        m: {"a": float(xa[m].mean()), "b": float(xb[m].mean()),
            **paired_difference(xa[m], xb[m])}
        for m in xa
    }
    same = [a.summary.get(k) == b.summary.get(k) for k in ("seed", "design_point")]
    return {
        "a": _describe(a), "b": _describe(b),
        "paired": all(same),
        "n_paired": len(common),
        "summit_held_correlation": correlation(xa["p_summit"], xb["p_summit"]),
        "issues_only_in_a": [i for i in a.issues if i not in b.issues],
        "issues_only_in_b": [i for i in b.issues if i not in a.issues],
        "differences": differences,
    }


def pairing_warning(result: dict[str, Any]) -> str | None:
    """One line saying why the replications are not paired, or None if they are."""
    if result["paired"]:
        return None
    a, b = result["a"], result["b"]
    what = "seeds" if a["seed"] != b["seed"] else "design points"
    key = "seed" if what == "seeds" else "design_point"
    return (f"the runs have different {what} ({a[key]} vs {b[key]}): replications are not "
            "paired, so the paired interval is meaningless; read the unpaired one")


def format_comparison(result: dict[str, Any]) -> str:
    """The comparison as a text table for the terminal."""
    a, b = result["a"], result["b"]
    corr = result["summit_held_correlation"]
    lines = [
        f"B - A, paired on {result['n_paired']} replications present in both runs",
        *(f"  {tag}: {r['path']} ({r['scenario']}, {r['reps']} replications, seed {r['seed']}"
          f", design point {r['design_point']})" for tag, r in (("A", a), ("B", b))),
        "  correlation of summit_held between the runs: "
        + ("undefined (constant in a run)" if math.isnan(corr) else f"{corr:.3f}"),
    ]
    warning = pairing_warning(result)
    if warning:
        lines.append(f"  NOT PAIRED: {warning}")
    def row(label: str, d: dict[str, float]) -> str:
        paired = _interval(d["ci_low"], d["ci_high"]) if result["paired"] else "not paired"
        return (f"  {label:<24} {d['a']:6.3f} {d['b']:6.3f} {d['estimate']:+7.3f}   "
                f"{paired:<18}  {_interval(d['unpaired_ci_low'], d['unpaired_ci_high'])}")

    diffs: dict[str, dict[str, float]] = result["differences"]
    lines.append(f"  {'':<24} {'A':>6} {'B':>6} {'B - A':>7}   {'paired 95%':<18}  unpaired 95%")
    lines.append(row("p_summit", diffs["p_summit"]))
    for heading, prefix in (("outcomes:", "share_"), ("agreed at the summit:", "p_agreed_")):
        names = [m for m in diffs if m.startswith(prefix)]
        if names:
            lines.append(f"  {heading}")
        lines += [row("  " + m.removeprefix(prefix), diffs[m]) for m in names]
    for tag in ("a", "b"):
        only = result[f"issues_only_in_{tag}"]
        if only:
            lines.append(f"  issues only in {tag.upper()} (not compared): {', '.join(only)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the comparison of two run directories (and write it as JSON on request)."""
    parser = ArgumentParser(
        prog="python -m sim.compare",
        description="Difference B - A between two runs in P(summit), outcome shares and "
                    "per-issue agreement, paired replication by replication (same seed), "
                    "with the unpaired interval alongside.",
    )
    parser.add_argument("dir_a", type=user_path, metavar="DIR_A", help="run directory A")
    parser.add_argument("dir_b", type=user_path, metavar="DIR_B", help="run directory B")
    parser.add_argument("--json", type=user_path, metavar="FILE",
                        help="also write the comparison to FILE as JSON: a new file, or "
                             "one written by --json before; any other file is kept (refused)")
    args = parser.parse_args(argv)
    try:
        result = compare_runs(args.dir_a, args.dir_b)
    except CompareError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json is not None:  # written first: if it cannot be, nothing looks complete
        problem = json_refusal(args.json)
        if problem is None:
            try:
                write_json(_plain(result), args.json)
            except WriteError as e:
                problem = f"cannot write ({e.reason})"
        if problem is not None:
            print(f"error: {ConfigError('--json', str(args.json), problem)}", file=sys.stderr)
            return 2
    warning = pairing_warning(result)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    print(format_comparison(result))
    return 0


def json_refusal(path: Path) -> str | None:
    """Why `--json` will not write `path`, or None. It writes a new file, or replaces a
    comparison it wrote before; any other file there is kept: a run's or a sweep's (its
    tables, the file its folder is known by), or one of the user's."""
    from sim.config.load import check_outside_configs  # with --json only: a light start

    if os.path.isdir(path):  # "" and "." too
        return f"is a folder; give a file in it, as {path / 'compare.json'}"
    try:  # a comparison is JSON, which is YAML: in conf/scenario/, a scenario
        check_outside_configs(path, "--json", str(path), "a file")
    except ConfigError as e:
        return e.allowed
    if not os.path.lexists(path):  # a name too long too: told as it is written
        return None
    held = dict(holdings(path.parent)).get(path.name)
    if held is not None:  # the file by which a folder is known as a command's results
        return (f"is the {held}'s {path.name}, which says what its folder holds; give a file "
                "of its own")
    if not _is_comparison(path):
        return ("an existing file that is not a comparison written by --json, which would be "
                "lost; --json writes a new file or replaces an earlier comparison")
    return None


def _is_comparison(path: Path) -> bool:
    """Whether `path` is a comparison `--json` wrote: a small JSON object with its keys."""
    if not path.is_file() or path.stat().st_size > MAX_COMPARISON_BYTES:
        return False
    try:
        return set(COMPARISON_KEYS) <= read_json(path).keys()
    except ResultsError:
        return False


def _describe(run: Run) -> dict[str, Any]:
    s = run.summary
    return {"path": str(run.path), "scenario": s.get("scenario"), "reps": len(run.reps),
            "seed": s.get("seed"), "design_point": s.get("design_point"),
            "config_hash": s.get("config_hash")}


def _interval(low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return "n/a"
    return f"[{low:+.3f}, {high:+.3f}]"


def _plain(obj: Any) -> Any:
    """JSON-ready copy: NaN becomes null (JSON has no NaN)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


if __name__ == "__main__":
    run_command(main)
