"""negotiation.png: the offers in utility space, with the Pareto frontier and the solutions.

Drawn from the lab's report (the data of `negotiation.json`) only; written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from sim.analysis.plots import save_png

SIDE_STYLE = {"a": ("tab:blue", "o"), "b": ("tab:orange", "s")}
SOLUTIONS = (  # report key, label, colour, marker
    ("nash_point", "Nash point", "tab:red", "*"),
    ("kalai_smorodinsky_point", "Kalai-Smorodinsky", "tab:green", "D"),
    ("max_welfare_point", "max welfare", "tab:purple", "^"),
)


def plot_negotiation(data: dict[str, Any], path: Path) -> Path:
    """Draw the lab's report into `path` (PNG)."""
    sides = data["sides"]
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    front = data["frontier"]["points"]
    fx, fy = [p[0] for p in front], [p[1] for p in front]
    if data["frontier"]["continuous"]:
        ax.plot(fx, fy, color="grey", lw=2, label="Pareto frontier", zorder=1)
    else:
        ax.plot(fx, fy, color="grey", lw=1, ls=":", marker=".", ms=6,
                label="Pareto frontier (grid packages)", zorder=1)
    for side, (colour, marker) in SIDE_STYLE.items():
        mine = [o for o in data["offers"] if o["by"] == side]
        if not mine:
            continue
        xs, ys = [o["utilities"]["a"] for o in mine], [o["utilities"]["b"] for o in mine]
        ax.plot(xs, ys, color=colour, lw=0.8, alpha=0.6, zorder=2)
        inside = [o["ratifiable"] for o in mine]
        ax.scatter([x for x, ok in zip(xs, inside, strict=True) if ok],
                   [y for y, ok in zip(ys, inside, strict=True) if ok], color=colour,
                   marker=marker, s=24, zorder=3,
                   label=f"offers by {sides[side]['label']} ({sides[side]['strategy']})")
        if not all(inside):
            ax.scatter([x for x, ok in zip(xs, inside, strict=True) if not ok],
                       [y for y, ok in zip(ys, inside, strict=True) if not ok], marker=marker,
                       s=24, facecolor="white", edgecolor=colour, zorder=3,
                       label="  hollow: outside a win-set")
        ax.annotate(f"round {mine[0]['round']}", (xs[0], ys[0]), textcoords="offset points",
                    xytext=(8, -12) if side == "a" else (-8, 8), fontsize=8, color=colour,
                    ha="left" if side == "a" else "right")
    d = data["disagreement"]
    ax.scatter([d["a"]], [d["b"]], color="black", marker="x", s=60, zorder=4,
               label="disagreement point")
    for key, label, colour, marker in SOLUTIONS:
        u = data[key]["utilities"]
        ax.scatter([u["a"]], [u["b"]], color=colour, marker=marker, s=150 if marker == "*" else 60,
                   edgecolor="black", linewidth=0.5, zorder=5, label=label)
    u = data["utilities"]
    if data["agreed"]:
        ax.scatter([u["a"]], [u["b"]], s=260, facecolor="none", edgecolor="black", linewidth=2,
                   zorder=6, label=f"agreement (round {data['rounds'] - 1})")
        outcome = (f"agreement in round {data['rounds'] - 1}, "
                   f"Nash distance {data['nash_distance']:.3f}, "
                   f"{'Pareto-optimal' if data['pareto_optimal'] else 'not Pareto-optimal'}")
    else:
        outcome = f"no agreement in {data['rounds']} rounds"
    ax.set_xlabel(f"utility of {sides['a']['label']}")
    ax.set_ylabel(f"utility of {sides['b']['label']}")
    ax.set_title(f"{sides['a']['strategy']} vs {sides['b']['strategy']}\n{outcome}", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best", framealpha=0.9)
    fig.tight_layout()
    return save_png(fig, path)
