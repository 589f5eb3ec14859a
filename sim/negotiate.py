"""`python -m sim.negotiate`: one bilateral negotiation between two strategies (the lab).

Prints the offer trace and the agreement; writes `negotiation.json` and
`negotiation.png` into the Hydra run directory. Config: `conf/negotiate.yaml`.
"""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.command import fail, hydra_command
from sim.config.errors import ConfigError
from sim.config.load import load
from sim.negotiation.config import NegotiationConf, check_negotiation, register

register()


def run(conf: NegotiationConf, out_dir: Path) -> None:
    """Negotiate once; print the trace and where the results are."""
    from sim.negotiation.lab import format_report, run_lab

    try:
        data = run_lab(conf, out_dir)
    except ConfigError as e:
        fail(e)
    print(format_report(data))
    print(f"results: {out_dir}")


@hydra.main(version_base="1.3", config_path="../conf", config_name="negotiate")
def app(cfg: DictConfig) -> None:
    """Hydra's command line (--help, --cfg, -m ...): each job's config checked, then run."""
    try:
        conf = load(cfg, NegotiationConf, check_negotiation)
    except ConfigError as e:
        fail(e)
    run(conf, Path(HydraConfig.get().runtime.output_dir))


def main() -> None:
    hydra_command("negotiate", NegotiationConf, check_negotiation, run, app)


if __name__ == "__main__":
    main()
