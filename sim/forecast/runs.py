"""The one place that calls the project's compose and run entry points.

Forecasts, backtests and calibrations compose `python -m sim`'s config with Hydra
overrides and run design points through the project's run path; they do it only through
these functions, so a change of those entry points is made here alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.config.compose import composition_error
from sim.config.load import CONF_DIR, load_run
from sim.config.schema import RunConf


def compose_run(scenario: str, overrides: Sequence[str] = ()) -> RunConf:
    """Compose and check `python -m sim`'s config for a scenario plus Hydra overrides."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    args = [f"scenario={scenario}", *overrides]
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = hydra_compose("config", overrides=args)
    except Exception as e:  # Hydra raises many kinds; all mean bad input
        raise composition_error(e, args) from None
    return load_run(cfg)


def run_point(run: RunConf, out_dir: Path, design_point: int) -> dict[str, Any]:
    """Run one design point into `out_dir` through the project's run path; its summary."""
    from sim.app import run_design_point

    return run_design_point(run, out_dir, design_point=design_point)


def scheduled_entries(run: RunConf) -> list[dict[str, str]]:
    """The scenario's dated meetings, shocks and concessions, for plots."""
    from sim.app import scheduled

    return scheduled(run.scenario)
