"""The balloon crisis, moved in time and scaled: P(summit) and outcomes by severity and date.

Runs `python -m sim -m +experiment=balloon` (historical_2023 with the balloon's severity
fixed at `vars.severity`, low = high, and its date swept), then draws `balloon.png` into
the sweep directory: P(summit) against the date, one line per severity with its 95 %
band, and the outcome shares below, one panel per severity.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

if __package__ in (None, ""):  # run as a script: make `experiments` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments.common import (
    outcome_legend,
    parser,
    print_table,
    require,
    run_sweep,
    save_figure,
    stacked_shares,
    wilson_band,
)

NAME = "balloon"
SEVERITY = "vars.severity"
DATE = "scenario.shocks.balloon.date"
BLINKEN_PLANNED = "2023-02-05"  # historical_2023: blinken_beijing, which the balloon postpones


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """P(summit) by severity (rows) and balloon date (columns)."""
    out = table.pivot(index=SEVERITY, columns=DATE, values="p_summit")
    out.columns = [str(c) for c in out.columns]
    return out.reset_index().rename(columns={SEVERITY: "severity"})


def draw(table: pd.DataFrame, path: Path) -> Path:
    """P(summit) vs balloon date per severity, with outcome shares per severity below."""
    table = table.assign(**{SEVERITY: pd.to_numeric(table[SEVERITY]),
                            "_date": pd.to_datetime(table[DATE])})
    severities = sorted(table[SEVERITY].unique())
    cmap = plt.get_cmap("plasma")
    colours = {s: cmap(0.1 + 0.75 * i / max(1, len(severities) - 1))
               for i, s in enumerate(severities)}
    fig = plt.figure(figsize=(max(9.0, 2.6 * len(severities)), 8.5), layout="constrained")
    grid = fig.add_gridspec(2, len(severities), height_ratios=[1.5, 1])
    top = fig.add_subplot(grid[0, :])
    for s in severities:
        g = table[table[SEVERITY] == s].sort_values("_date")
        lo, hi = wilson_band(g["p_summit"], g["reps"])
        top.fill_between(g["_date"], lo, hi, color=colours[s], alpha=0.18, lw=0)
        top.plot(g["_date"], g["p_summit"], "o-", color=colours[s], lw=1.8, ms=5,
                 label=f"{s:g}")
    blinken = float(mdates.date2num(pd.Timestamp(BLINKEN_PLANNED)))
    top.axvline(blinken, color="dimgrey", ls=":", lw=1)
    top.annotate("Blinken's Beijing visit (5 Feb):\npostponed only by an earlier balloon",
                 (blinken, 0.03), xycoords=("data", "axes fraction"), xytext=(6, 0),
                 textcoords="offset points", fontsize=8, color="dimgrey")
    dates = sorted(table["_date"].unique())
    top.set_xticks(dates, [pd.Timestamp(d).strftime("%-d %b") for d in dates])
    top.set_xlabel("date of the balloon shock (2023)")
    top.set_ylabel("P(summit held)")
    top.grid(alpha=0.3)
    top.legend(title="balloon\nseverity", fontsize=9, title_fontsize=9, loc="center left",
               bbox_to_anchor=(1.005, 0.5))
    n = int(table["reps"].min())
    top.set_title(f"Balloon crisis: the later and the harsher, the likelier the summit "
                  f"is missed\nline: estimate; band: 95% Wilson interval; {n:,} replications "
                  "per point, common random numbers", fontsize=10)
    for i, s in enumerate(severities):
        ax = fig.add_subplot(grid[1, i])
        g = table[table[SEVERITY] == s].sort_values("_date")
        stacked_shares(ax, g, [d.strftime("%-d %b") for d in g["_date"]])
        ax.set_title(f"severity {s:g}", fontsize=9)
        ax.tick_params(axis="x", labelsize=8, labelrotation=45)
        if i == 0:
            ax.set_ylabel("share of replications")
        else:
            ax.tick_params(axis="y", labelleft=False)
    outcome_legend(fig)
    return save_figure(fig, path)


def main(argv: Sequence[str] | None = None) -> list[Path]:
    args = parser(NAME, (__doc__ or "").splitlines()[0], SEVERITY + "=0.5,1.0").parse_args(argv)
    table = run_sweep(NAME, args.out, args.reps, args.workers, args.overrides)
    require(table, [SEVERITY, DATE], "p_summit", "reps")
    paths = [draw(table, args.out / "balloon.png")]
    print_table(headline(table), "P(summit) by balloon severity (rows) and date (columns)")
    for p in paths:
        print(f"figure: {p}")
    return paths


if __name__ == "__main__":
    main()
