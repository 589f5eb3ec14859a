"""Summaries of saved replications: probabilities with Wilson 95 % intervals."""

from __future__ import annotations

import math
from typing import TypedDict

import pandas as pd

from sim.model.outcome import OUTCOMES
from sim.saved import Share, Summary

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Share k/n with its Wilson score interval: (estimate, low, high); all NaN when n == 0."""
    if n <= 0:
        return (math.nan, math.nan, math.nan)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exact at the edges
    high = 1.0 if k == n else min(1.0, centre + half)
    return (p, low, high)


def normal_interval(mean: float, half: float, low: float, high: float) -> tuple[float, float]:
    """mean ± half, clipped to [low, high], the values the quantity can take: a normal
    interval over a few values can reach past them. NaN (too few values) stays NaN."""
    if math.isnan(half):
        return (math.nan, math.nan)
    return (max(low, mean - half), min(high, mean + half))


def share(k: int, n: int) -> Share:
    """`{"estimate", "ci_low", "ci_high"}` for k successes in n."""
    est, low, high = wilson(k, n)
    return Share(estimate=est, ci_low=low, ci_high=high)


class Shares(TypedDict):
    p_summit: Share
    outcome_shares: dict[str, float]
    p_agreed: dict[str, Share]


def summarize(reps: pd.DataFrame, issues: list[str]) -> Shares:
    """p_summit, outcome shares and per-issue agreement rates of a replications table."""
    n = len(reps)
    counts = reps["outcome"].value_counts()
    return Shares(
        p_summit=share(int(reps["summit_held"].sum()), n),
        outcome_shares={o: float(counts.get(o, 0)) / n for o in OUTCOMES},
        p_agreed={i: share(int(reps[f"agreed_{i}"].sum()), n) for i in issues},
    )


def format_table(summary: Summary) -> str:
    """The summary as a short text table for the terminal."""
    def row(label: str, s: Share) -> str:
        return f"  {label:<22} {s['estimate']:6.3f}   [{s['ci_low']:.3f}, {s['ci_high']:.3f}]"

    lines = [
        f"scenario {summary['scenario']}: {summary['reps']} replications, seed {summary['seed']}",
        f"  {'':<22} {'share':>6}   95% interval",
        row("p_summit", summary["p_summit"]),
        "  outcomes:",
    ]
    lines += [f"    {o:<20} {v:6.3f}" for o, v in summary["outcome_shares"].items()]
    lines.append("  agreed at the summit:")
    lines += [row("  " + i, s) for i, s in summary["p_agreed"].items()]
    perf = summary.get("perf", {})
    if perf:
        lines.append(
            f"  {perf['replications_per_second']:.0f} replications/s, "
            f"{perf['simpy_events_per_replication']:.0f} SimPy events per replication"
        )
    return "\n".join(lines)


def format_sweep(table: pd.DataFrame) -> str:
    """One line per job of a sweep table: its overrides and p_summit with its interval."""
    lines = [f"  {'job':>4}  {'p_summit':>8}   95% interval      overrides"]
    for row in table.itertuples():
        lines.append(f"  {row.job:>4}  {row.p_summit:8.3f}   "
                     f"[{row.p_summit_ci_low:.3f}, {row.p_summit_ci_high:.3f}]   {row.overrides}")
    return "\n".join(lines)
