"""Plots of a calibration: the posterior predictive check, and SBC rank histograms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure


def draw_ppc(table: pd.DataFrame) -> Figure:
    """One panel per window: each statistic's 90 % predictive interval, and the record."""
    windows = list(dict.fromkeys(table["window"]))
    fig, axes = plt.subplots(1, len(windows), figsize=(7 * len(windows), 0.28 * len(table) + 2),
                             squeeze=False)
    for ax, window in zip(axes[0], windows, strict=True):
        t = table[table["window"] == window].reset_index(drop=True)
        y = list(range(len(t)))
        ax.hlines(y, t["low"], t["high"], color="tab:blue", lw=3, label="90 % predictive")
        ax.plot(t["median"], y, "|", color="navy", ms=10, label="median")
        ax.plot(t["observed"], y, "o", color="tab:red", ms=5, label="record")
        ax.set_yticks(y, t["statistic"], fontsize=6)
        share = t["covered"].mean() if len(t) else float("nan")
        ax.set_title(f"{window}: record inside the 90 % interval for {share:.0%}")
        ax.set_xlabel("day of first event (censored at window end) / meetings per month")
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def draw_sbc(tests: Mapping[str, Any]) -> Figure:
    """One bar chart of rank counts per parameter, with its chi-square p-value."""
    n = len(tests)
    cols = min(n, 4)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    for ax, (key, t) in zip(axes.flat, tests.items(), strict=False):
        counts = t["counts"]
        ax.bar(range(len(counts)), counts, color="tab:gray")
        ax.axhline(sum(counts) / len(counts), color="tab:red", lw=1)
        ax.set_title(f"{key.split('.', 1)[1]}\nchi2 p = {t['p_value']:.3f}", fontsize=7)
        ax.set_xlabel("rank bin", fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
