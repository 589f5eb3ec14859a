"""Plots of a study: Sobol bars with intervals, the Morris mu*-sigma plane, the PRIM
trade-off curve and box, and a pairs scatter of the factors coloured by outcome.

Each `*_figure` function builds a figure from saved results (so tests can read what it
draws); `draw_study_plots` writes them as PNGs with the one atomic PNG writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.plots import save_png
from sim.analysis.sweep_plots import short_keys
from sim.saved import Box, Discovery, StudySettings


def sobol_figure(outcome: str, idx: dict[str, dict[str, float]], floor: dict[str, Any]
                 ) -> Figure:
    """S1 and ST per factor with their 95 % bootstrap intervals; the noise floor shaded."""
    names = list(idx)
    labels = short_keys(names)
    pos = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(names) + 2), 4), layout="constrained")
    for offset, key, colour in ((-0.2, "S1", "tab:blue"), (0.2, "ST", "tab:orange")):
        values = [idx[n].get(key) or 0.0 for n in names]
        errors = [idx[n].get(f"{key}_conf") or 0.0 for n in names]
        ax.bar(pos + offset, values, width=0.4, yerr=errors, capsize=3, color=colour,
               label=f"{key} (95 % bootstrap)", gid=key)
    if floor.get("ci_high") is not None:
        ax.axhspan(0, floor["ci_high"], color="grey", alpha=0.2,
                   label=f"noise floor ≤ {floor['ci_high']:.3f}", gid="noise_floor")
    ax.set_xticks(pos, [labels[n] for n in names], rotation=20, ha="right")
    ax.set_ylabel("Sobol index")
    ax.set_title(f"Sobol indices of {outcome} (replicate means)")
    ax.axhline(0, color="black", lw=0.5)
    ax.legend(fontsize=8)
    return fig


def morris_figure(outcome: str, idx: dict[str, dict[str, float]]) -> Figure:
    """Each factor at (mu*, sigma), with mu*'s interval; far right matters, high up interacts."""
    names = list(idx)
    labels = short_keys(names)
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    mu = [idx[n]["mu_star"] for n in names]
    sigma = [idx[n]["sigma"] for n in names]
    ax.errorbar(mu, sigma, xerr=[idx[n].get("mu_star_conf") or 0.0 for n in names], fmt="o",
                capsize=3, gid="factors")
    for n, m, s in zip(names, mu, sigma, strict=True):
        ax.annotate(labels[n], (m, s), textcoords="offset points", xytext=(4, 4), fontsize=8)
    top = max([*mu, *sigma, 1e-9])
    ax.plot([0, top], [0, top], ls="--", color="grey", lw=0.8, label="sigma = mu*")
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma (spread of effects)")
    ax.set_title(f"Morris screening of {outcome}")
    ax.legend(fontsize=8)
    return fig


def convergence_figure(outcome: str, convergence: list[dict[str, Any]], measure: str
                       ) -> Figure:
    """Each factor's importance on the first N/8, N/4, N/2 and N base samples."""
    names = list(convergence[-1]["importance"]) if convergence else []
    labels = short_keys(names)
    sizes = [c["base_samples"] for c in convergence]
    fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
    for n in names:
        ax.plot(sizes, [c["importance"][n] for c in convergence], marker="o",
                label=labels[n], gid=f"convergence:{n}")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("base samples N")
    ax.set_ylabel(measure)
    ax.set_title(f"Convergence of {measure} for {outcome}")
    ax.legend(fontsize=7)
    return fig


def prim_tradeoff_figure(box: Box, label: str) -> Figure:
    """PRIM's peeling trajectory, coverage against density; the chosen box ringed."""
    t = pd.DataFrame(box["trajectory"])
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18,
                        gid="trajectory")
    fig.colorbar(points, ax=ax, label="restricted dimensions")
    ax.scatter([box["coverage"]], [box["density"]], s=140, facecolors="none",
               edgecolors="red", lw=1.5, gid="chosen", label="chosen box")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"PRIM trade-off: {label}")
    ax.legend(fontsize=8, loc="lower left")
    return fig


def prim_box_figure(box: Box, label: str) -> Figure:
    """The chosen box's limits on each restricted factor, as a share of its full range."""
    names = list(box["restricted"])
    labels = short_keys(names)
    fig, ax = plt.subplots(figsize=(6, 1.2 + 0.6 * max(len(names), 1)), layout="constrained")
    for i, n in enumerate(names):
        lo, hi = box["full_range"][n]
        span = (hi - lo) or 1.0
        r = box["restricted"][n]
        a, b = (r["low"] - lo) / span, (r["high"] - lo) / span
        ax.barh(i, b - a, left=a, color="tab:red", alpha=0.6, gid=f"box:{n}")
        ax.barh(i, 1, color="none", edgecolor="grey")
        ax.text(1.02, i, f"[{r['low']:.3g}, {r['high']:.3g}]", va="center", fontsize=8)
    ax.set_yticks(range(len(names)), [labels[n] for n in names])
    ax.set_xlim(0, 1.35)
    ax.set_xlabel("share of the factor's sampled range")
    ax.set_title(f"PRIM box: coverage {box['coverage']:.2f}, density {box['density']:.2f} "
                 f"({label})", fontsize=9)
    if not names:
        ax.text(0.5, 0, "no factor restricted", ha="center")
    return fig


def pairs_figure(points: pd.DataFrame, factors: list[str], outcome: str) -> Figure:
    """Every pair of factors, each point coloured by the replicate mean of the outcome."""
    labels = short_keys(factors)
    k = len(factors)
    fig, axes = plt.subplots(k, k, figsize=(1.9 * k + 1.2, 1.9 * k), squeeze=False)
    fig.subplots_adjust(left=0.1, right=0.85, bottom=0.1, top=0.95, wspace=0.3, hspace=0.3)
    colour = points[f"{outcome}_mean"].to_numpy(float)
    lo, hi = float(np.nanmin(colour)), float(np.nanmax(colour))
    mappable = None
    for i, fy in enumerate(factors):
        for j, fx in enumerate(factors):
            ax = axes[i][j]
            if i == j:
                ax.hist(points[fx], bins=20, color="grey")
            else:
                mappable = ax.scatter(points[fx], points[fy], c=colour, s=4, cmap="coolwarm",
                                      vmin=lo, vmax=hi, gid=f"pair:{fx}:{fy}")
            if i == k - 1:
                ax.set_xlabel(labels[fx], fontsize=7)
            if j == 0:
                ax.set_ylabel(labels[fy], fontsize=7)
            ax.tick_params(labelsize=6)
    if mappable is not None:
        fig.colorbar(mappable, cax=fig.add_axes((0.88, 0.15, 0.02, 0.7)),
                     label=f"mean {outcome}")
    return fig


PAIRS_MAX = 5


def pairs_factors(study: StudySettings, outcome: dict[str, Any]) -> list[str]:
    """The factors of the pairs plot: the most important few (not dummies), in study order."""
    keys = [f["key"] for f in study["factors"] if not f["dummy"]]
    weight = {k: -1.0 if v is None or v != v else v  # none: the outcome never varied
              for k, v in outcome["importance"].items()}
    top = sorted(keys, key=lambda k: -weight.get(k, -1.0))[:PAIRS_MAX]
    return [k for k in keys if k in top]


def draw_study_plots(out_dir: Path, study: StudySettings, analysis: dict[str, Any],
                     discovery: Discovery | None, points: pd.DataFrame) -> list[Path]:
    """Write the study's PNGs into `out_dir`; return their paths."""
    written = []
    sampler = study["sampler"]
    for outcome, a in analysis.items():
        if sampler == "sobol":
            fig = sobol_figure(outcome, a["indices"], a["noise_floor"])
            written.append(save_png(fig, out_dir / f"sobol_{outcome}.png"))
        elif sampler == "morris":
            written.append(save_png(morris_figure(outcome, a["indices"]),
                                    out_dir / f"morris_{outcome}.png"))
        if len(a.get("convergence", [])) > 1:
            measure = "ST" if sampler == "sobol" else "mu*"
            written.append(save_png(convergence_figure(outcome, a["convergence"], measure),
                                    out_dir / f"convergence_{outcome}.png"))
    first = study["outcomes"][0]
    target = discovery["outcome"] if discovery else first
    factors = pairs_factors(study, analysis.get(target) or analysis[first])
    if f"{target}_mean" in points and len(factors) >= 2:
        written.append(save_png(pairs_figure(points, factors, target),
                                out_dir / f"pairs_{target}.png"))
    box = discovery["prim"] if discovery else None
    if discovery and box:
        label = discovery["label"]
        written.append(save_png(prim_tradeoff_figure(box, label), out_dir / "prim_tradeoff.png"))
        written.append(save_png(prim_box_figure(box, label), out_dir / "prim_box.png"))
    return written
