"""Hydra's basic sweeper without its validation pass, which composes every job once more.

The summitsim launcher checks every design point itself before running any, composing
each distinct choice of config groups only once (see `sim.launch`).
"""

from dataclasses import dataclass
from typing import Dict, Optional, Sequence  # noqa: UP035 - Hydra's structured configs

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore


@dataclass
class SummitsimSweeperConf:
    _target_: str = "hydra_plugins.summitsim_launcher.summitsim_sweeper.SummitsimSweeper"
    max_batch_size: Optional[int] = None  # noqa: UP045
    params: Optional[Dict[str, str]] = None  # noqa: UP006, UP045


ConfigStore.instance().store(
    group="hydra/sweeper", name="summitsim", node=SummitsimSweeperConf, provider="summitsim"
)


class SummitsimSweeper(BasicSweeper):
    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Left to the launcher, which composes each distinct config once."""
