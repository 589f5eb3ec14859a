"""Election pressure: how fast the US win-sets shrink, and from when, against the deals made.

Runs `python -m sim -m +experiment=election_pressure` (historical_2023 with the US
`pressure.shrink_per_year` and `pressure.start` swept), then draws
`election_pressure.png` into the sweep directory: agreement on each pressured issue and
the mean number of issues agreed against the shrink rate, one line per start date, and
the outcome shares below, one panel per start date.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make `experiments` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments.common import (
    mean_agreed,
    outcome_legend,
    parser,
    print_table,
    require,
    run_sweep,
    save_figure,
    stacked_shares,
    wilson_band,
)

NAME = "election_pressure"
RATE = "scenario.parties.us.pressure.shrink_per_year"
START = "scenario.parties.us.pressure.start"
SUMMIT = "2023-11-15"  # historical_2023: summit.date
PRESSURED = ("economic", "fentanyl", "taiwan", "export_controls")  # base: pressure.issues
DAYS_PER_YEAR = 365.0
RARE = 0.05  # pressured issues never agreed more often than this get no panel


def slack_lost(rate: pd.Series, start: pd.Series) -> pd.Series:
    """Share of the win-set slack lost by the summit day: min(1, rate x years under way)."""
    years = (pd.Timestamp(SUMMIT) - pd.to_datetime(start)).dt.days.clip(lower=0) / DAYS_PER_YEAR
    return (pd.to_numeric(rate) * years).clip(upper=1.0)


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """Per job: start, rate, slack lost, P(summit), breakthroughs and agreement by issue."""
    issues = [i for i in PRESSURED if f"p_agreed_{i}" in table.columns]
    out = pd.DataFrame({
        "start": table[START].astype(str), "rate": pd.to_numeric(table[RATE]),
        "slack_lost": slack_lost(table[RATE], table[START]),
        "p_summit": table["p_summit"], "breakthrough": table["share_summit_breakthrough"],
        **{i: table[f"p_agreed_{i}"] for i in issues},
        "mean_agreed": mean_agreed(table),
    })
    return out.sort_values(["start", "rate"], kind="stable")


def _line(ax: plt.Axes, x: np.ndarray, y: pd.Series, n: pd.Series, colour: object,
          label: str) -> None:
    lo, hi = wilson_band(y, n)
    ax.fill_between(x, lo, hi, color=colour, alpha=0.18, lw=0)
    ax.plot(x, y, "o-", color=colour, lw=1.6, ms=4, label=label)


def panels(table: pd.DataFrame) -> tuple[list[tuple[str, str]], list[str]]:
    """The top panels as (column, title), and the pressured issues too rarely agreed to plot."""
    issues = [i for i in PRESSURED if f"p_agreed_{i}" in table.columns]
    shown = [i for i in issues if table[f"p_agreed_{i}"].max() >= RARE]
    out = [(f"p_agreed_{i}", f"P(agreed): {i.replace('_', ' ')}") for i in shown]
    out += [("share_summit_breakthrough", "share of summit breakthroughs"),
            ("mean_agreed", "issues agreed per replication\n(mean, of "
             f"{sum(c.startswith('p_agreed_') for c in table.columns)})")]
    return out, [i for i in issues if i not in shown]


def draw(table: pd.DataFrame, path: Path) -> Path:
    """Agreement, breakthroughs and mean deliverables vs shrink rate; outcome shares per start."""
    table = table.assign(**{RATE: pd.to_numeric(table[RATE]), START: table[START].astype(str)})
    table = table.assign(mean_agreed=mean_agreed(table))
    rates = sorted(table[RATE].unique())
    starts = sorted(table[START].unique())
    pos = {r: k for k, r in enumerate(rates)}  # rates are spaced roughly geometrically
    colours = {s: plt.get_cmap("viridis")(0.1 + 0.7 * k / max(1, len(starts) - 1))
               for k, s in enumerate(starts)}
    top, rare = panels(table)
    ncols = max(len(top), len(starts) + 1)
    fig = plt.figure(figsize=(3.3 * ncols, 7.8), layout="constrained")
    grid = fig.add_gridspec(2, ncols, height_ratios=[1.1, 1])
    for k, (column, title) in enumerate(top):
        ax = fig.add_subplot(grid[0, k])
        for s in starts:
            g = table[table[START] == s].sort_values(RATE)
            x = np.array([pos[r] for r in g[RATE]], dtype=float)
            label = pd.Timestamp(s).strftime("from %-d %b")
            if column == "mean_agreed":
                ax.plot(x, g[column], "o-", color=colours[s], lw=1.6, ms=4, label=label)
            else:
                _line(ax, x, g[column], g["reps"], colours[s], label)
        ax.set_xticks(range(len(rates)), [f"{r:g}" for r in rates], fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_title(title, fontsize=9)
        if column.startswith("p_agreed_"):
            ax.set_ylim(-0.02, 1.02)
        if k == 0:
            ax.set_ylabel("share of replications")
            ax.legend(title="US pressure starts", fontsize=8, title_fontsize=8,
                      loc="lower left")
    for k, s in enumerate(starts):
        ax = fig.add_subplot(grid[1, k])
        g = table[table[START] == s].sort_values(RATE)
        stacked_shares(ax, g, [f"{r:g}" for r in g[RATE]])
        ax.tick_params(axis="x", labelsize=8)
        ax.set_title(f"outcomes, pressure from {pd.Timestamp(s).strftime('%-d %b')}", fontsize=9)
        if k == 0:
            ax.set_ylabel("share of replications")
        else:
            ax.tick_params(axis="y", labelleft=False)
    key = fig.add_subplot(grid[1, len(starts):])
    key.set_axis_off()
    outcome_legend(key)
    if rare:
        key.text(0.5, 0.08, f"{', '.join(r.replace('_', ' ') for r in rare)}: agreed in under "
                 f"{RARE:.0%}\nof replications at every rate (no panel)", ha="center",
                 fontsize=8, color="dimgrey", transform=key.transAxes)
    fig.supxlabel("US win-set shrink rate (share of slack lost per year)", fontsize=10)
    n = int(table["reps"].min())
    fig.suptitle("Election pressure on the US: shrinking win-sets cost the contested deals, "
                 f"and the summit only once a deliverable goes\nband: 95% Wilson interval; "
                 f"{n:,} replications per point, common random numbers", fontsize=10)
    return save_figure(fig, path)


def main(argv: Sequence[str] | None = None) -> list[Path]:
    args = parser(NAME, (__doc__ or "").splitlines()[0], RATE + "=0,1").parse_args(argv)
    table = run_sweep(NAME, args.out, args.reps, args.workers, args.overrides)
    require(table, [RATE, START], "p_summit", "reps", "share_summit_breakthrough")
    paths = [draw(table, args.out / "election_pressure.png")]
    print_table(headline(table), "Per job: US pressure start and rate, slack lost by the "
                "summit, P(summit), breakthrough share, P(agreed) per pressured issue")
    for p in paths:
        print(f"figure: {p}")
    return paths


if __name__ == "__main__":
    main()
