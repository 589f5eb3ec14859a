"""`python -m sim.negotiate`: one bilateral negotiation between two strategies (the lab).

Prints the offer trace and the agreement; writes `negotiation.json` and
`negotiation.png` into the Hydra run directory. Config: `conf/negotiate.yaml`.
"""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.command import fail
from sim.config.errors import ConfigError
from sim.config.load import load
from sim.negotiation.cli import precheck
from sim.negotiation.config import NegotiationConf, check_negotiation, register

register()


@hydra.main(version_base="1.3", config_path="../conf", config_name="negotiate")
def app(cfg: DictConfig) -> None:
    from sim.negotiation.lab import format_report, run_lab

    try:
        conf = load(cfg, NegotiationConf, check_negotiation)
        out_dir = Path(HydraConfig.get().runtime.output_dir)
        data = run_lab(conf, out_dir)
    except ConfigError as e:
        fail(e)
    print(format_report(data))
    print(f"results: {out_dir}")


def main() -> None:
    precheck("negotiate", NegotiationConf, check_negotiation)
    app()


if __name__ == "__main__":
    main()
