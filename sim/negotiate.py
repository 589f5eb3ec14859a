"""`python -m sim.negotiate`: one bilateral negotiation between two strategies (the lab).

Prints the offer trace and the agreement; writes `negotiation.json` and
`negotiation.png` into the Hydra run directory. Config: `conf/negotiate.yaml`.
"""

from __future__ import annotations

from pathlib import Path

from sim.command import hydra_command
from sim.negotiation.config import NegotiationConf, check_negotiation, register

register()


def run(conf: NegotiationConf, out_dir: Path) -> None:
    """Negotiate once; print the trace and where the results are."""
    from sim.negotiation.lab import format_report, run_lab

    data = run_lab(conf, out_dir)
    print(format_report(data))
    print(f"results: {out_dir}")


def main() -> None:
    hydra_command("negotiate", NegotiationConf, check_negotiation, run, "negotiation")


if __name__ == "__main__":
    from sim.command import run_command

    run_command(main)
