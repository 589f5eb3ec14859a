"""PNG plots of a run, drawn only from the files saved in its run directory.

Reads `replications.parquet`, `events.parquet` and `summary.json`; writes `outcomes.png`,
`timeline.png` and `goldstein.png` next to them. Each PNG is written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.io import read_record, read_table
from sim.analysis.summary import wilson
from sim.model.outcome import OUTCOMES
from sim.results import EVENTS, REPLICATIONS, SUMMARY, write_atomic
from sim.saved import Share, Summary

matplotlib.rcParams["text.parse_math"] = False  # a name is shown as written, never read as TeX

KIND_COLOURS = {"meeting": "tab:blue", "shock": "tab:red", "concession": "tab:green"}

FloatArray = npt.NDArray[np.float64]


def tension_path(
    events_times: Sequence[float] | FloatArray,
    tension_after: Sequence[float] | FloatArray,
    start_tension: float,
    baseline: float,
    half_life: float,
    grid: Sequence[float] | FloatArray,
) -> FloatArray:
    """Tension at each grid time: jumps to each event's `tension_after`, relaxes in between.

    Before any event the path relaxes from `start_tension` at time 0. An event at exactly a
    grid time counts as already happened; simultaneous events keep the last one listed.
    """
    times = np.asarray(events_times, dtype=float)
    after = np.asarray(tension_after, dtype=float)
    g = np.asarray(grid, dtype=float)
    order = np.argsort(times, kind="stable")
    anchor_t = np.concatenate(([0.0], times[order]))
    anchor_v = np.concatenate(([start_tension], after[order]))
    idx = np.searchsorted(anchor_t, g, side="right") - 1
    idx = np.clip(idx, 0, None)  # grid points before day 0 use the start value
    dt = np.maximum(g - anchor_t[idx], 0.0)
    return baseline + (anchor_v[idx] - baseline) * np.exp2(-dt / half_life)


def draw_run_plots(run_dir: Path, summary_name: str = SUMMARY) -> list[Path]:
    """Draw all plots of a run; return the PNG paths."""
    return [
        plot_outcomes(run_dir, summary_name),
        plot_timeline(run_dir, summary_name),
        plot_goldstein(run_dir, summary_name),
    ]


def plot_outcomes(run_dir: Path, summary_name: str = SUMMARY) -> Path:
    """Outcome shares (Wilson 95% CIs) and per-issue agreement rates -> `outcomes.png`."""
    summary = _summary(run_dir, summary_name)
    reps = read_table(run_dir / REPLICATIONS, columns=["outcome"])
    n = len(reps)
    counts = reps["outcome"].value_counts()
    shares = [wilson(int(counts.get(o, 0)), n) for o in OUTCOMES]

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), constrained_layout=True)
    est = np.array([s[0] for s in shares])
    err = np.array([[s[0] - s[1] for s in shares], [s[2] - s[0] for s in shares]])
    x = np.arange(len(OUTCOMES))
    left.bar(x, est, yerr=err, capsize=4, color="tab:blue", alpha=0.8)
    left.set_xticks(x, [o.replace("_", " ") for o in OUTCOMES], rotation=15)
    left.set_ylim(0, 1)
    left.set_ylabel("share of replications")
    left.set_title("Outcome (95% Wilson interval)")

    p_agreed: dict[str, Share] = summary.get("p_agreed", {})
    issues = [i for i in summary.get("issues", list(p_agreed)) if i in p_agreed]
    if issues:
        vals = [p_agreed[i] for i in issues]
        y = np.arange(len(issues))
        p = np.array([v["estimate"] for v in vals])
        xerr = np.array([p - [v["ci_low"] for v in vals], [v["ci_high"] for v in vals] - p])
        right.barh(y, p, xerr=xerr, capsize=4, color="tab:green", alpha=0.8)
        right.set_yticks(y, [i.replace("_", " ") for i in issues])
        right.invert_yaxis()  # agenda order top to bottom
    else:
        note(right, "no agenda issues")
    right.set_xlim(0, 1)
    right.set_xlabel("P(agreed)")
    right.set_title("Agreement by issue")
    fig.suptitle(f"{summary.get('scenario', run_dir.name)} — {summary.get('reps', n)} replications")
    return save_png(fig, run_dir / "outcomes.png")


def plot_timeline(run_dir: Path, summary_name: str = SUMMARY) -> Path:
    """Fan chart of tension over time across traced replications -> `timeline.png`."""
    summary = _summary(run_dir, summary_name, ("start", "end", "relations"))
    start, end = _start_end(summary)
    rel = summary["relations"]
    grid = np.arange((end - start).days + 1, dtype=float)
    dates = np.array([start + timedelta(days=int(d)) for d in grid])
    events = read_table(run_dir / EVENTS, columns=["rep", "time", "tension_after"])

    fig, ax = plt.subplots(figsize=(12, 5), constrained_layout=True)
    paths = np.array(
        [
            tension_path(
                g["time"].to_numpy(float),
                g["tension_after"].to_numpy(float),
                float(rel["tension"]),
                float(rel["tension_baseline"]),
                float(rel["tension_half_life_days"]),
                grid,
            )
            for _, g in events.groupby("rep", sort=True)
        ]
    ).reshape(-1, len(grid))
    handles: list[Any] = []
    if len(paths) == 0:
        note(ax, "no traced events")
    elif len(paths) == 1:
        handles += ax.plot(dates, paths[0], color="black", lw=1.5, label="tension")
    else:
        q10, q25, q50, q75, q90 = np.quantile(paths, [0.1, 0.25, 0.5, 0.75, 0.9], axis=0)
        handles.append(
            ax.fill_between(dates, q10, q90, color="tab:purple", alpha=0.2, lw=0, label="10-90%")
        )
        handles.append(
            ax.fill_between(dates, q25, q75, color="tab:purple", alpha=0.4, lw=0, label="25-75%")
        )
        handles += ax.plot(dates, q50, color="black", lw=1.5, label="median")
    handles += _mark_scheduled(ax, summary.get("scheduled", []))

    ax.set_ylim(0, 1)
    ax.set_xlim(dates[0], dates[-1])
    ax.set_ylabel("tension")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.legend(handles=handles, loc="upper left", fontsize=8, ncols=2)
    ax.set_title(
        f"{summary.get('scenario', run_dir.name)} — tension, "
        f"{len(paths)} traced replication{'s' if len(paths) != 1 else ''}"
    )
    return save_png(fig, run_dir / "timeline.png")


def plot_goldstein(run_dir: Path, summary_name: str = SUMMARY) -> Path:
    """Mean monthly Goldstein sum across traced replications -> `goldstein.png`."""
    summary = _summary(run_dir, summary_name, ("start", "end"))
    start, end = _start_end(summary)
    events = read_table(run_dir / EVENTS, columns=["rep", "date", "goldstein"])
    months = pd.period_range(start, end, freq="M")
    n_reps = events["rep"].nunique()
    month = pd.PeriodIndex(pd.to_datetime(events["date"]), freq="M")
    mean = events["goldstein"].groupby(month).sum().reindex(months, fill_value=0.0)
    if n_reps:
        mean = mean / n_reps

    fig, ax = plt.subplots(figsize=(10, 4.5), constrained_layout=True)
    x = np.arange(len(months))
    vals = mean.to_numpy(float)
    ax.bar(x, vals, color=np.where(vals >= 0, "tab:green", "tab:red"))
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [m.strftime("%b %Y") for m in months], rotation=45, ha="right")
    ax.set_ylabel("mean Goldstein sum per replication")
    if n_reps == 0:
        note(ax, "no traced events")
    ax.set_title(
        f"{summary.get('scenario', run_dir.name)} — Goldstein score by month, "
        f"{n_reps} traced replication{'s' if n_reps != 1 else ''}"
    )
    return save_png(fig, run_dir / "goldstein.png")


def _summary(run_dir: Path, name: str, needs: Sequence[str] = ()) -> Summary:
    """The run's summary, checked (`read_record`), with the fields a plot `needs`."""
    return read_record(run_dir / name, Summary, needs)


def _start_end(summary: Summary) -> tuple[date, date]:
    return date.fromisoformat(summary["start"]), date.fromisoformat(summary["end"])


def _mark_scheduled(ax: Axes, scheduled: list[dict[str, str]]) -> list[Line2D]:
    """Thin vertical lines at scheduled events, coloured by kind; shocks get labels."""
    kinds: set[str] = set()
    for ev in scheduled:
        kind, day = ev.get("kind", ""), float(mdates.date2num(date.fromisoformat(ev["date"])))
        ax.axvline(day, color=KIND_COLOURS.get(kind, "grey"), lw=0.8, alpha=0.7)
        kinds.add(kind)
        if kind == "shock":
            ax.text(
                day,
                0.98,
                ev.get("name", ""),
                transform=ax.get_xaxis_transform(),
                rotation=90,
                fontsize=7,
                ha="right",
                va="top",
                color="tab:red",
            )
    return [
        Line2D([], [], color=KIND_COLOURS.get(k, "grey"), lw=0.8, label=k or "other")
        for k in sorted(kinds)
    ]


def note(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="grey")


def save_png(fig: Figure, path: Path, dpi: int = 120) -> Path:
    """Save as PNG atomically (`sim.results.write_atomic`: `WriteError` if it cannot be),
    then close the figure."""
    try:
        return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))
    finally:
        plt.close(fig)
