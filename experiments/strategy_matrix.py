"""Bargaining strategies head to head: the US strategy x China's strategy against the outcomes.

Runs `python -m sim -m +experiment=strategy_matrix` (historical_2023 with each party's
strategy swept, at the preset concession shape), then draws `strategy_matrix.png` into the
sweep directory: a grid of the mean number of issues agreed per replication, annotated
with the share of summits with a deal (partial or breakthrough), and the outcome shares of
every pair as stacked bars.
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
    OUTCOME_COLOURS,
    mean_agreed,
    outcome_legend,
    parser,
    print_table,
    require,
    run_sweep,
    save_figure,
)
from sim.model.outcome import OUTCOMES

NAME = "strategy_matrix"
US = "scenario.parties.us.strategy.name"
CN = "scenario.parties.cn.strategy.name"
GAP = 0.8  # space between the bar groups of two US strategies


def with_measures(table: pd.DataFrame) -> pd.DataFrame:
    """The table with `deal` (partial + breakthrough share) and `mean_agreed` columns."""
    return table.assign(deal=table["share_summit_partial"] + table["share_summit_breakthrough"],
                        mean_agreed=mean_agreed(table))


def matrix(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """`column` by US strategy (rows) and China's strategy (columns), in sweep order."""
    rows = list(dict.fromkeys(table[US]))
    cols = list(dict.fromkeys(table[CN]))
    return table.pivot(index=US, columns=CN, values=column).reindex(index=rows, columns=cols)


def draw_grid(ax: plt.Axes, table: pd.DataFrame) -> None:
    """Mean issues agreed per pair as a heat map, with the deal share in each cell."""
    agreed, deal = matrix(table, "mean_agreed"), matrix(table, "deal")
    top = float(sum(c.startswith("p_agreed_") for c in table.columns))
    values, deals = agreed.to_numpy(float), deal.to_numpy(float)
    image = ax.imshow(values, cmap="viridis", vmin=0, vmax=top, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.2f}\ndeal {deals[i, j]:.0%}", ha="center", va="center",
                fontsize=9, color="black" if v > 0.6 * top else "white")
    ax.set_xticks(range(agreed.shape[1]), [c.replace("_", " ") for c in agreed.columns])
    ax.set_yticks(range(agreed.shape[0]), [r.replace("_", " ") for r in agreed.index])
    ax.set_xlabel("China's strategy")
    ax.set_ylabel("US strategy")
    ax.figure.colorbar(image, ax=ax, shrink=0.85, label="issues agreed per replication (mean)")
    ax.set_title("Issues agreed (mean) and share of summits with a deal", fontsize=10)


def draw_bars(ax: plt.Axes, table: pd.DataFrame) -> None:
    """Stacked outcome shares per pair, grouped by the US strategy."""
    us_order = list(dict.fromkeys(table[US]))
    table = table.assign(_g=table[US].map(us_order.index)).sort_values(["_g", "job"])
    x = np.arange(len(table)) + GAP * table["_g"].to_numpy()
    bottom = np.zeros(len(table))
    for outcome in OUTCOMES:
        values = table[f"share_{outcome}"].to_numpy(float)
        ax.bar(x, values, bottom=bottom, width=0.85, color=OUTCOME_COLOURS[outcome])
        bottom += values
    ax.set_xticks(x, [c.replace("_", " ") for c in table[CN]], rotation=45, ha="right",
                  rotation_mode="anchor", fontsize=8)
    for k, name in enumerate(us_order):
        centre = x[table["_g"].to_numpy() == k].mean()
        ax.text(centre, 1.02, f"US {name.replace('_', ' ')}", ha="center", va="bottom",
                fontsize=9, transform=ax.get_xaxis_transform())
    ax.set_ylim(0, 1)
    ax.set_xlim(x.min() - 0.6, x.max() + 0.6)
    ax.set_xlabel("China's strategy, grouped by the US strategy")
    ax.set_ylabel("share of replications")
    ax.set_title("Outcome shares per pair of strategies", fontsize=10, pad=22)


def draw(table: pd.DataFrame, path: Path) -> Path:
    """The strategy grid and the stacked outcome bars, side by side."""
    table = with_measures(table)
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 6.2), layout="constrained",
                                      gridspec_kw={"width_ratios": [1, 1.25]})
    draw_grid(left, table)
    draw_bars(right, table)
    outcome_legend(fig)
    n = int(table["reps"].min())
    fig.suptitle("US strategy x China's strategy (preset concession shapes), historical_2023; "
                 f"{n:,} replications per pair, common random numbers", fontsize=11)
    return save_figure(fig, path)


def main(argv: Sequence[str] | None = None) -> list[Path]:
    args = parser(NAME, (__doc__ or "").splitlines()[0], US + "=boulware,linear").parse_args(argv)
    table = run_sweep(NAME, args.out, args.reps, args.workers, args.overrides)
    require(table, [US, CN], "share_summit_partial", "share_summit_breakthrough", "reps")
    paths = [draw(table, args.out / "strategy_matrix.png")]
    table = with_measures(table)
    for column, title in (("mean_agreed", "Issues agreed per replication (mean)"),
                          ("deal", "Share of summits with a deal (partial or breakthrough)")):
        m = matrix(table, column)
        print_table(m.rename_axis(index=None, columns=None).reset_index(names="US \\ China"),
                    f"{title}: US strategy (rows) x China's strategy (columns)")
    for p in paths:
        print(f"figure: {p}")
    return paths


if __name__ == "__main__":
    main()
