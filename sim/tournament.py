"""`python -m sim.tournament`: every listed strategy against every other on random agendas.

Prints a table of mean utilities, agreement rates and Nash distances with 95 %
intervals; writes `tournament.json` and `matches.parquet` into the Hydra run directory.
Config: `conf/tournament.yaml`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from sim.command import hydra_command
from sim.negotiation.config import TournamentConf, check_tournament, register
from sim.negotiation.tournament import format_tables, play, summarize
from sim.results import TOURNAMENT, write_json, write_parquet

register()


def run(conf: TournamentConf, out_dir: Path) -> None:
    """Play the tournament; write its tables and print them."""
    matches = play(conf)
    summary = summarize(conf, matches)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(pd.DataFrame([dataclasses.asdict(m) for m in matches]),
                  out_dir / "matches.parquet")
    write_json(summary, out_dir / TOURNAMENT)
    print(format_tables(summary, pairs=conf.pairs))
    print(f"results: {out_dir}")


def main() -> None:
    hydra_command("tournament", TournamentConf, check_tournament, run, "tournament")


if __name__ == "__main__":
    from sim.command import run_command

    run_command(main)
