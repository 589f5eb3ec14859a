"""Hydra's basic sweeper without its validation pass, which composes every job once more.

The summitsim launcher checks every design point itself before running any, composing
each distinct choice of config groups only once (see `sim.design_point.design_points`).
The sweep returns where it ran and whether to draw its plots, read from the config the
launcher ran (its `${now:...}` folder resolved once), for the command to gather it.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Sequence  # noqa: UP035 - Hydra's configs

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper, BasicSweeperConf
from hydra.core.config_store import ConfigStore


@dataclass
class SummitsimSweeperConf(BasicSweeperConf):  # the basic sweeper's settings
    _target_: str = "hydra_plugins.summitsim_launcher.summitsim_sweeper.SummitsimSweeper"


ConfigStore.instance().store(
    group="hydra/sweeper", name="summitsim", node=SummitsimSweeperConf, provider="summitsim"
)


@dataclass(frozen=True)
class Swept:
    """A sweep that ran: its folder (and as it was given), whether to draw its plots,
    Hydra's record of its jobs."""

    sweep_dir: Path
    given: str
    plots: bool
    jobs: List[Any]  # noqa: UP006


class SummitsimSweeper(BasicSweeper):
    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Left to the launcher, which composes each distinct config once."""

    def sweep(self, arguments: List[str]) -> Swept:  # noqa: UP006
        """The sweep, its folder held from before Hydra saves its config there to the end
        (another command writing there at the same time is refused, and so is a folder of
        other results), and taken back if the sweep is refused before any job ran."""
        from omegaconf.errors import OmegaConfBaseException

        from sim.command import fail
        from sim.config.errors import ConfigError
        from sim.config.load import unresolved
        from sim.results import holding, sweep_of
        from sim.sweep import discard_unstarted

        assert self.config is not None
        try:
            given = str(self.config.hydra.sweep.dir)
        except OmegaConfBaseException as e:  # a folder that does not resolve
            fail(unresolved(self.config, e))
        folder = Path(given).absolute()
        try:
            with holding(folder, "hydra.sweep.dir", given,
                         sweep_of(self.config.hydra.job.config_name)):
                try:
                    jobs = super().sweep(arguments)
                except BaseException:  # refused (bad input exits): nothing of it is left
                    discard_unstarted(folder)
                    raise
        except ConfigError as e:  # one line, whichever command's sweep it is
            fail(e)
        return Swept(folder, given, bool(self.config.get("plots")), jobs)  # the lab's: no such key
