"""Backtest plots: P(summit) as of each origin, and the reliability diagram.

Each plot is built by a `draw_*` function that returns the figure (so tests can read
what it draws) and saved atomically by a `plot_*` function.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: files only

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.plots import note, save_png
from sim.forecast.scores import BINS, reliability_table

KIND_COLOURS = {"meeting": "tab:blue", "shock": "tab:red", "concession": "tab:green"}
SET_COLOURS = {"path": "tab:orange", "end_state": "tab:blue"}


def draw_p_summit(curve: pd.DataFrame, scheduled: Sequence[dict[str, str]], summit: str,
                  held: bool | None, title: str) -> Figure:
    """P(summit) at each origin with its 95 % interval; dated events as ticks below.

    `curve` has columns origin, p, ci_low, ci_high; `scheduled` lists the scenario's
    dated events (date, name, kind); `held` is the real answer, drawn at the summit date.
    """
    fig, ax = plt.subplots(figsize=(12, 5), constrained_layout=True)
    x = [mdates.date2num(date.fromisoformat(d)) for d in curve["origin"]]
    p = curve["p"].to_numpy(float)
    err = np.vstack([p - curve["ci_low"].to_numpy(float), curve["ci_high"].to_numpy(float) - p])
    ax.errorbar(x, p, yerr=err, fmt="o-", color="black", capsize=3, label="P(summit) as of")
    for kind in ("meeting", "shock", "concession"):
        days = [mdates.date2num(date.fromisoformat(e["date"])) for e in scheduled
                if e.get("kind") == kind]
        if days:
            ax.plot(days, np.full(len(days), -0.04), "|", ms=12, mew=1.5,
                    color=KIND_COLOURS[kind], label=f"dated {kind}", clip_on=False)
    for e in scheduled:
        if e.get("kind") == "shock":
            ax.text(mdates.date2num(date.fromisoformat(e["date"])), 0.02, e["name"],
                    rotation=90, fontsize=6, color="tab:red", ha="center", va="bottom")
    if held is not None:
        ax.plot([mdates.date2num(date.fromisoformat(summit))], [1.0 if held else 0.0], "*",
                ms=14, color="gold", mec="black", label="what happened")
    ax.set_ylim(-0.08, 1.05)
    ax.set_ylabel("P(summit)")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(title)
    if curve.empty:
        note(ax, "no origins")
    return fig


def draw_reliability(forecasts: pd.DataFrame, kinds: Sequence[str], bins: int = BINS) -> Figure:
    """Observed frequency against mean forecast per bin, one series per kind of question.

    Marker area grows with the square root of the number of forecasts in the bin; the
    diagonal is perfect reliability.
    """
    fig, ax = plt.subplots(figsize=(6, 6), constrained_layout=True)
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect reliability")
    drawn = 0
    for kind in kinds:
        rows = forecasts[forecasts["kind"] == kind]
        if rows.empty:
            continue
        table = reliability_table(rows["p"], rows["answer"].astype(float), bins)
        ax.plot(table["forecast"], table["observed"], "-", color=SET_COLOURS.get(kind, "black"),
                lw=1, alpha=0.6)
        ax.scatter(table["forecast"], table["observed"], s=15 + 12 * np.sqrt(table["n"]),
                   color=SET_COLOURS.get(kind, "black"), alpha=0.8,
                   label=f"{kind} ({len(rows)} forecasts)")
        drawn += 1
    if not drawn:
        note(ax, "no forecasts")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("forecast probability (bin mean)")
    ax.set_ylabel("observed frequency")
    ax.set_title("Reliability diagram")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_p_summit(path: Path, **kw: Any) -> Path:
    """`draw_p_summit` saved to `path`."""
    return save_png(draw_p_summit(**kw), path)


def plot_reliability(path: Path, forecasts: pd.DataFrame, kinds: Sequence[str],
                     bins: int = BINS) -> Path:
    """`draw_reliability` saved to `path`."""
    return save_png(draw_reliability(forecasts, kinds, bins), path)
