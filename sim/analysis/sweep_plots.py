"""PNG plots across the jobs of a sweep, drawn only from `sweep.parquet` and `manifest.json`.

Writes into the sweep directory: `p_summit_vs_<key>.png` for each swept numeric key,
`outcome_shares.png`, `agreement_heatmap.png` and, for a sweep over two keys with at least
two values each, `p_summit_grid.png`. Each PNG is written atomically.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from sim.analysis.io import read_record, read_table
from sim.analysis.plots import note, save_png
from sim.model.outcome import OUTCOMES
from sim.saved import Manifest
from sim.sweep import MANIFEST, SWEEP_COLUMNS, SWEEP_TABLE

MAX_LINES = 8  # more series than this on one axes become a colormap or small multiples
MAX_PANELS = 24  # more small multiples than this become one colormapped axes
MAX_ANNOTATED_JOBS = 30
MAX_TICK_LABELS = 60
OUTCOME_COLOURS = {
    "no_summit": "#9e9e9e",
    "summit_no_deal": "#f4a261",
    "summit_partial": "#a6d96a",
    "summit_breakthrough": "#1a9641",
}
# Columns of sweep.parquet that are not swept keys (used only when the manifest is missing).
STANDARD_COLUMNS = frozenset(SWEEP_COLUMNS)


@dataclass(frozen=True)
class Sweep:
    """The sweep table (one row per job, in job order) and what was swept."""

    table: pd.DataFrame
    keys: list[str]  # swept override keys, in command order
    numeric: frozenset[str]  # the keys whose values are all numbers


def draw_sweep_plots(sweep_dir: Path) -> list[Path]:
    """Draw all plots of a sweep into its directory; return the PNG paths."""
    sweep = load_sweep(sweep_dir)
    paths: list[Path] = []
    used: set[str] = set()
    for key in sweep.keys:
        if key in sweep.numeric:
            name = _unique(f"p_summit_vs_{safe_name(key)}", used)
            paths.append(plot_p_summit_vs(sweep, key, sweep_dir / f"{name}.png"))
    paths.append(plot_outcome_shares(sweep, sweep_dir / "outcome_shares.png"))
    paths.append(plot_agreement_heatmap(sweep, sweep_dir / "agreement_heatmap.png"))
    if len(sweep.keys) == 2 and all(sweep.table[k].nunique() >= 2 for k in sweep.keys):
        paths.append(plot_p_summit_grid(sweep, sweep_dir / "p_summit_grid.png"))
    return paths


def load_sweep(sweep_dir: Path) -> Sweep:
    """Read `sweep.parquet` and the swept keys of `manifest.json`.

    Without a manifest, the swept keys are the non-standard columns, plus `scenario` when it
    varies. A key whose values are all numbers (even if stored as text) counts as numeric.
    """
    table = read_table(sweep_dir / SWEEP_TABLE, needs=SWEEP_COLUMNS)
    if "job" in table.columns:
        table = table.sort_values("job", kind="stable")
    table = table.reset_index(drop=True)
    manifest_path = sweep_dir / MANIFEST
    if manifest_path.exists():
        keys = read_record(manifest_path, Manifest)["swept_keys"]
    else:
        keys = [c for c in table.columns if c not in STANDARD_COLUMNS
                and not c.startswith(("share_", "p_agreed_"))]
        if "scenario" in table.columns and table["scenario"].nunique() > 1:
            keys.insert(0, "scenario")
    keys = [k for k in keys if k in table.columns]
    numeric = set()
    for key in keys:
        values = _as_numbers(table[key])
        if values is not None:
            table[key] = values
            numeric.add(key)
    return Sweep(table, keys, frozenset(numeric))


def safe_name(key: str) -> str:
    """A swept key as a file-name fragment: anything but letters, digits, - and _ becomes _."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", key).strip("_") or "key"


def short_keys(keys: Sequence[str]) -> dict[str, str]:
    """The shortest dotted suffix of each key (two parts at least) that tells it apart."""
    def shared(suffix: str) -> int:
        return sum(k == suffix or k.endswith("." + suffix) for k in keys)

    out: dict[str, str] = {}
    for key in keys:
        parts = key.split(".")
        n = min(2, len(parts))
        while n < len(parts) and shared(".".join(parts[-n:])) > 1:
            n += 1
        out[key] = ".".join(parts[-n:])
    return out


def format_value(value: Any) -> str:
    """A swept value, compactly: 0.30 -> 0.3, 2.0 -> 2, missing -> '-'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return str(value)


def job_labels(sweep: Sweep) -> list[str]:
    """One label per job: its swept values joined by ', ' (or `job N` if nothing was swept)."""
    if not sweep.keys:
        jobs = sweep.table["job"] if "job" in sweep.table.columns else sweep.table.index
        return [f"job {j}" for j in jobs]
    return [", ".join(format_value(row[k]) for k in sweep.keys)
            for _, row in sweep.table.iterrows()]


def keys_label(sweep: Sweep) -> str:
    """The axis label naming what the job labels show."""
    if not sweep.keys:
        return "job"
    if len(sweep.keys) == 1:
        return sweep.keys[0]
    short = short_keys(sweep.keys)
    return ", ".join(short[k] for k in sweep.keys)


def plot_p_summit_vs(sweep: Sweep, key: str, path: Path) -> Path:
    """p_summit against a numeric key with its 95 % band, one line per other swept values."""
    others = [k for k in sweep.keys if k != key]
    table = sweep.table.dropna(subset=["p_summit", key])
    groups = _groups(table, others)
    short = short_keys(sweep.keys)
    legend_title = ", ".join(short[k] for k in others)
    if len(groups) > MAX_LINES and len(groups) <= MAX_PANELS and not (
        len(others) == 1 and others[0] in sweep.numeric
    ):
        return _p_summit_panels(groups, key, legend_title, path)

    fig, ax = plt.subplots(figsize=(8, 5), constrained_layout=True)
    if not groups:
        note(ax, "no completed jobs")
    elif len(groups) <= MAX_LINES:
        colours = plt.get_cmap("tab10")
        for i, (label, g) in enumerate(groups):
            _p_summit_line(ax, g, key, colours(i % 10), label or None, band_alpha=0.18)
        if others:
            ax.legend(title=legend_title, fontsize=8, title_fontsize=8, loc="best")
    else:
        # Many series: colour by the other key's value when it is one number, else by order.
        one_numeric = len(others) == 1 and others[0] in sweep.numeric
        shade = [float(g[others[0]].iloc[0]) if one_numeric else float(i)
                 for i, (_, g) in enumerate(groups)]
        norm = Normalize(min(shade), max(shade) if max(shade) > min(shade) else min(shade) + 1)
        cmap = plt.get_cmap("viridis")
        for s, (_, g) in zip(shade, groups, strict=True):
            _p_summit_line(ax, g, key, cmap(norm(s)), None, band_alpha=0.05)
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax)
        bar.set_label(legend_title if one_numeric else f"series ({len(groups)}; {legend_title})")
    _p_summit_axes(ax, table[key], key)
    ax.set_title(f"P(summit) vs {key}\nline: estimate; band: 95% Wilson interval", fontsize=10)
    return save_png(fig, path)


def plot_outcome_shares(sweep: Sweep, path: Path) -> Path:
    """Stacked outcome shares, one bar per job, labelled by its swept values."""
    table = sweep.table
    labels = job_labels(sweep)
    n = len(table)
    outcomes = list(OUTCOMES) + sorted(
        c.removeprefix("share_") for c in table.columns
        if c.startswith("share_") and c.removeprefix("share_") not in OUTCOMES
    )
    fig, ax = plt.subplots(figsize=(min(24.0, max(7.0, 2.5 + 0.45 * n)), 5.5),
                           layout="constrained")
    x = np.arange(n)
    bottom = np.zeros(n)
    for outcome in outcomes:
        column = f"share_{outcome}"
        if column not in table.columns:
            continue
        vals = table[column].to_numpy(dtype=float, na_value=np.nan)
        vals = np.nan_to_num(vals, nan=0.0)
        ax.bar(x, vals, bottom=bottom, width=0.8, label=outcome.replace("_", " "),
               color=OUTCOME_COLOURS.get(outcome))
        bottom += vals
    _set_category_ticks(ax, "x", labels, fig.get_figwidth())
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of replications")
    ax.set_xlabel(keys_label(sweep))
    if n == 0:
        note(ax, "no jobs")
    if ax.containers:  # no share columns, no legend
        fig.legend(loc="outside upper center", ncols=len(outcomes), fontsize=9, frameon=False)
    per = "scenario" if sweep.keys == ["scenario"] else "job"
    ax.set_title(f"Outcome shares by {per} ({n} job{'s' if n != 1 else ''})", fontsize=10)
    return save_png(fig, path)


def plot_agreement_heatmap(sweep: Sweep, path: Path) -> Path:
    """P(agreed) per issue (columns) and job (rows), annotated when there are few jobs."""
    table = sweep.table
    columns = [c for c in table.columns if c.startswith("p_agreed_")]
    issues = [c.removeprefix("p_agreed_") for c in columns]
    labels = job_labels(sweep)
    n = len(table)
    longest = max((len(s) for s in labels), default=4)
    width = min(22.0, max(6.5, 2.8 + 0.9 * len(issues) + 0.075 * longest))
    height = min(30.0, max(3.5, 1.8 + 0.32 * n))
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    if not columns or n == 0:
        note(ax, "no agenda issues" if not columns else "no jobs")
        ax.set_axis_off()
        return save_png(fig, path)
    values = table[columns].to_numpy(dtype=float, na_value=np.nan)
    cmap = plt.get_cmap("viridis").with_extremes(bad="lightgrey")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest")
    if n <= MAX_ANNOTATED_JOBS:
        _annotate(ax, values, fontsize=8 if len(issues) <= 10 else 7)
    _set_category_ticks(ax, "x", [i.replace("_", " ") for i in issues], fig.get_figwidth() * 0.6)
    _set_category_ticks(ax, "y", labels)
    ax.set_ylabel(keys_label(sweep))
    fig.colorbar(image, ax=ax, label="P(agreed)", shrink=0.9)
    ax.set_title("Agreement by issue and job", fontsize=10)
    return save_png(fig, path)


def plot_p_summit_grid(sweep: Sweep, path: Path) -> Path:
    """p_summit over the two swept keys as an annotated heat map (rows key 1, columns key 2)."""
    row_key, col_key = sweep.keys[:2]
    table = sweep.table
    rows = _ordered_values(table[row_key], row_key in sweep.numeric)
    cols = _ordered_values(table[col_key], col_key in sweep.numeric)
    est = np.full((len(rows), len(cols)), np.nan)
    low, high = est.copy(), est.copy()
    row_at = {v: i for i, v in enumerate(rows)}
    col_at = {v: j for j, v in enumerate(cols)}
    for _, r in table.iterrows():
        if pd.isna(r[row_key]) or pd.isna(r[col_key]):
            continue
        i, j = row_at[r[row_key]], col_at[r[col_key]]
        est[i, j] = r["p_summit"]
        low[i, j] = r.get("p_summit_ci_low", np.nan)
        high[i, j] = r.get("p_summit_ci_high", np.nan)

    with_ci = len(rows) <= 8 and len(cols) <= 8
    width = min(20.0, max(6.0, 3.2 + (1.15 if with_ci else 0.8) * len(cols)))
    height = min(16.0, max(3.8, 1.9 + 0.62 * len(rows)))
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    cmap = plt.get_cmap("viridis").with_extremes(bad="lightgrey")
    image = ax.imshow(np.ma.masked_invalid(est), cmap=cmap, vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest",
                      origin="lower" if row_key in sweep.numeric else "upper")  # numbers go up
    if est.size <= 225:
        _annotate(ax, est, low if with_ci else None, high if with_ci else None, fontsize=8)
    _set_category_ticks(ax, "x", [format_value(v) for v in cols], fig.get_figwidth() * 0.7)
    _set_category_ticks(ax, "y", [format_value(v) for v in rows])
    ax.set_xlabel(col_key)
    ax.set_ylabel(row_key)
    fig.colorbar(image, ax=ax, label="P(summit)", shrink=0.9)
    short = short_keys(sweep.keys)
    ax.set_title(f"P(summit) by {short[row_key]} and {short[col_key]}"
                 + (" (estimate [95% interval])" if with_ci else ""),
                 fontsize=10)
    return save_png(fig, path)


def _as_numbers(column: pd.Series) -> pd.Series | None:
    """The column as floats if every present value is a number (not a bool), else None."""
    if pd.api.types.is_bool_dtype(column):
        return None
    if pd.api.types.is_numeric_dtype(column):
        return column
    present = column.dropna()
    if present.empty or present.map(lambda v: isinstance(v, bool)).any():
        return None
    converted = pd.to_numeric(present, errors="coerce")
    if converted.isna().any():
        return None
    return pd.to_numeric(column, errors="coerce")


def _unique(name: str, used: set[str]) -> str:
    """`name`, or `name_2`, `name_3`, ... if an earlier key already mapped to it."""
    out, k = name, 1
    while out in used:
        k += 1
        out = f"{name}_{k}"
    used.add(out)
    return out


def _groups(table: pd.DataFrame, keys: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """Rows grouped by the values of `keys`, in order of first appearance, with labels."""
    if table.empty:
        return []
    if not keys:
        return [("", table)]
    grouped = table.groupby(keys, sort=False, dropna=False)
    return [(", ".join(format_value(v) for v in (k if isinstance(k, tuple) else (k,))), g)
            for k, g in grouped]


def _p_summit_line(ax: Axes, g: pd.DataFrame, key: str, colour: Any, label: str | None,
                   band_alpha: float) -> None:
    g = g.sort_values(key)
    x = g[key].to_numpy(float)
    y = g["p_summit"].to_numpy(float)
    lo = g["p_summit_ci_low"].to_numpy(float)
    hi = g["p_summit_ci_high"].to_numpy(float)
    if len(g) == 1:  # a band needs two points: show the interval as an error bar
        ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", color=colour, capsize=4, label=label)
        return
    ax.fill_between(x, lo, hi, color=colour, alpha=band_alpha, lw=0)
    ax.plot(x, y, "o-", color=colour, ms=4, lw=1.5, label=label)


def _p_summit_axes(ax: Axes, xs: pd.Series, key: str) -> None:
    values = np.unique(xs.to_numpy(float))
    if 0 < len(values) <= 10:
        ax.set_xticks(values, [format_value(v) for v in values])
    if len(values) == 1:
        ax.set_xlim(values[0] - 1 if values[0] == 0 else values[0] * 0.5,
                    values[0] + 1 if values[0] == 0 else values[0] * 1.5)
    ax.set_ylim(-0.02, 1.02)  # lines at 0 or 1 stay visible
    ax.set_xlabel(key)
    ax.set_ylabel("P(summit)")
    ax.grid(alpha=0.3)


def _p_summit_panels(groups: list[tuple[str, pd.DataFrame]], key: str, title: str,
                     path: Path) -> Path:
    """Small multiples: one panel per combination of the other swept keys."""
    ncols = min(4, len(groups))
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.7 * nrows + 0.8),
                             sharex=True, sharey=True, squeeze=False, layout="constrained")
    xs = pd.concat([g[key] for _, g in groups])
    for ax, (label, g) in zip(axes.flat, groups, strict=False):
        _p_summit_line(ax, g, key, "tab:blue", None, band_alpha=0.2)
        _p_summit_axes(ax, xs, "")
        ax.set_ylabel("")
        ax.set_title(label, fontsize=8)
    for i, ax in enumerate(axes.flat):
        if i >= len(groups):
            ax.set_axis_off()
        elif i + ncols >= len(groups):  # nothing below: show its x tick labels
            ax.xaxis.set_tick_params(labelbottom=True)
    fig.supxlabel(key, fontsize=9)
    fig.supylabel("P(summit)", fontsize=9)
    fig.suptitle(f"P(summit) vs {key}, one panel per {title} (band: 95% interval)",
                 fontsize=10)
    return save_png(fig, path)


def _ordered_values(column: pd.Series, numeric: bool) -> list[Any]:
    """Distinct values: sorted if numeric, else in order of first appearance."""
    present = column.dropna()
    return sorted(present.unique()) if numeric else list(dict.fromkeys(present))


def _set_category_ticks(ax: Axes, axis: str, labels: list[str], fig_width: float = 0.0) -> None:
    """One tick per category, thinned to at most MAX_TICK_LABELS; long x labels rotated."""
    step = max(1, math.ceil(len(labels) / MAX_TICK_LABELS))
    pos = list(range(0, len(labels), step))
    shown = [labels[i] for i in pos]
    if axis == "y":
        ax.set_yticks(pos, shown, fontsize=8 if len(labels) > 20 else 9)
        return
    per_tick = fig_width * 0.8 / max(1, len(shown))  # inches per label, roughly
    if max((len(s) for s in shown), default=0) * 0.075 > per_tick:  # ~0.075 in per character
        ax.set_xticks(pos, shown, rotation=40, ha="right", rotation_mode="anchor", fontsize=8)
    else:
        ax.set_xticks(pos, shown, fontsize=9)


def _annotate(ax: Axes, values: np.ndarray, low: np.ndarray | None = None,
              high: np.ndarray | None = None, fontsize: int = 8) -> None:
    """Write each cell's value (and interval, if given) in a colour readable on viridis."""
    for (i, j), v in np.ndenumerate(values):
        if math.isnan(v):
            ax.text(j, i, "n/a", ha="center", va="center", fontsize=fontsize, color="dimgrey")
            continue
        text = f"{v:.2f}"
        if low is not None and high is not None and not math.isnan(low[i, j]):
            text += f"\n[{low[i, j]:.2f}, {high[i, j]:.2f}]"
        ax.text(j, i, text, ha="center", va="center", fontsize=fontsize,
                color="black" if v > 0.6 else "white")
