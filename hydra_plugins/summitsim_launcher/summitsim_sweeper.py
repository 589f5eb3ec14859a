"""Hydra's basic sweeper without its validation pass, which composes every job once more.

The summitsim launcher checks every design point itself before running any, composing
each distinct choice of config groups only once (see `sim.design_point.design_points`).
The sweep returns where it ran and whether to draw its plots, read from the config the
launcher ran (its `${now:...}` folder resolved once), for the command to gather it, its
folder still held.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Sequence  # noqa: UP035 - Hydra's configs

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
    Hydra's record of its jobs, and the release of its folder, held until the command
    has gathered them (or ends)."""

    sweep_dir: Path
    given: str
    plots: bool
    jobs: List[Any]  # noqa: UP006
    release: Callable[[], None]


class SummitsimSweeper(BasicSweeper):
    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Left to the launcher, which composes each distinct config once."""

    def split_arguments(  # type: ignore[override]  # a static method there; called on self
            self, overrides: list[Any], max_batch_size: int | None) -> list[list[list[str]]]:
        """The basic sweeper's batches, a glob choosing among the configs of the user's
        folders too, as a run and the checks of a sweep read it, a value it cannot sweep
        refused (`as_swept`)."""
        from omegaconf import OmegaConf

        from sim.config.compose import as_swept
        from sim.config.load import searching

        assert self.config is not None
        return BasicSweeper.split_arguments(as_swept(
            overrides, [searching(self.config.hydra.searchpath)],
            [str(o) for o in OmegaConf.to_container(  # as written: may hold ${...}
                self.config.hydra.overrides.task, resolve=False) or ()]),
            max_batch_size)

    def sweep(self, arguments: List[str]) -> Swept:  # noqa: UP006
        """The sweep, its folder held from before Hydra saves its config there until its
        jobs are gathered or the command ends (another command writing there at the same
        time is refused, and so is a folder of other results), and taken back if the sweep
        is refused before any job ran."""
        import atexit
        from contextlib import ExitStack

        from omegaconf import OmegaConf
        from omegaconf.errors import OmegaConfBaseException

        from sim.command import fail
        from sim.config.errors import ConfigError
        from sim.config.load import check_hydra, unresolved
        from sim.results import holding, named_by, sweep_of
        from sim.sweep import discard_unstarted

        assert self.config is not None
        try:  # Hydra's settings as composed: a file a defaults list moved into them included
            check_hydra(OmegaConf.to_container(self.config.hydra, resolve=False))
            given = str(self.config.hydra.sweep.dir)
        except ConfigError as e:
            fail(e)
        except OmegaConfBaseException as e:  # a folder that does not resolve
            fail(unresolved(self.config, e))
        folder, hold = Path(given).absolute(), ExitStack()
        try:
            hold.enter_context(holding(folder, "hydra.sweep.dir", given,
                                       sweep_of(self.config.hydra.job.config_name)))
        except ConfigError as e:  # one line, whichever command's sweep it is
            fail(e)
        try:
            with named_by("hydra.sweep.dir", folder, given):
                jobs = super().sweep(arguments)
        except BaseException as e:  # refused (bad input exits): nothing of it is left
            discard_unstarted(folder)
            hold.close()
            if isinstance(e, ConfigError):
                fail(e)
            raise
        atexit.register(hold.close)  # the command's end, if it does not gather the jobs
        plots = bool(self.config.get("plots"))  # the lab's config has no such key
        return Swept(folder, given, plots, jobs, hold.close)
