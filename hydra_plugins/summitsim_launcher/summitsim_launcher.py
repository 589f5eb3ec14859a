"""Hydra launcher that hands a sweep's jobs to `sim.pool.run_sweep`, back to back.

An adapter: Hydra only accepts launchers from the `hydra_plugins` package. It composes each
distinct choice of config groups through Hydra's loader; `sim.design_point.design_points`
checks every job before any runs. The command (`sim.cli`) gathers the sweep afterwards.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn, JobStatus, configure_log, env_override, setup_globals
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

TARGET = "hydra_plugins.summitsim_launcher.summitsim_launcher.SummitsimLauncher"
ConfigStore.instance().store(group="hydra/launcher", name="summitsim",
                             node={"_target_": TARGET}, provider="summitsim")


class SummitsimLauncher(Launcher):
    def __init__(self) -> None:
        self.config: DictConfig | None = None
        self.hydra_context: HydraContext | None = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        self.config, self.hydra_context = config, hydra_context

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
               ) -> Sequence[JobReturn]:
        from sim.command import fail
        from sim.config.compose import check_writable, composition_error, no_jobs
        from sim.config.errors import ConfigError
        from sim.config.load import check_reach, searching, unresolved
        from sim.design_point import design_points
        from sim.pool import run_sweep
        from sim.results import check_file, named_by
        from sim.sweep import SWEEP_TABLE, check_kind, discard_unstarted

        assert self.config is not None and self.hydra_context is not None
        setup_globals()
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        config, loader = self.config, self.hydra_context.config_loader
        if config.hydra.job.config_name != "config":  # the lab's, the tournament's
            fail(ConfigError("hydra/launcher", "summitsim", "runs the design points of python "
                             "-m sim; leave it out: the lab's sweeps run under Hydra's basic "
                             "launcher"))
        sweep_dir = Path(str(config.hydra.sweep.dir)).absolute()

        def is_group(key: str) -> bool:
            return bool(loader.repository.group_exists(key))  # type: ignore[attr-defined]

        # The sweep's own config has the command line's choices of groups; a job with the
        # same choices starts from it (its values are set again, job by job), not a new one.
        written = OmegaConf.to_container(config.hydra.overrides.task, resolve=False)
        assert isinstance(written, list)
        given = [str(o) for o in written]  # as written: an override may hold ${...}
        same = [o for o in given if is_group(o.lstrip("+~").partition("=")[0])]

        searchpath = searching(config.hydra.searchpath)  # the user's folders

        def compose(groups: list[str]) -> dict[str, Any]:
            try:
                cfg = config if groups == same else loader.load_sweep_config(config, groups)
            except Exception as e:  # a job's choice of configs that does not compose
                raise composition_error(e, [searchpath, *groups], sweeping=True) from None
            data = OmegaConf.to_container(cfg, resolve=False)  # interpolated after overrides
            assert isinstance(data, dict)
            check_reach(data)  # the jobs' environment, a scheduler: of the command line
            return {str(k): v for k, v in data.items() if k != "hydra"}

        try:
            settings = OmegaConf.to_container(config.hydra.overrides.hydra, resolve=False)
            for o in map(str, settings if isinstance(settings, list) else ()):
                if "${hydra." in o:  # a value a job sets: one value for all its jobs, below
                    continue
                # each of Hydra's settings given is read, as a run's job reads it: one that
                # does not resolve raises here, naming its key
                node: Any = config
                for part in o.lstrip("+~").partition("=")[0].split("."):
                    node = node[part] if isinstance(node, DictConfig) and part in node else None
            # checked by the summitsim sweeper already, and by `sweep_folder` before another
            # sweeper started, where the folder resolved then: again, in case it did not
            check_kind(sweep_dir, "hydra.sweep.dir", str(config.hydra.sweep.dir))
            if not job_overrides:  # a file's sweeper params are swept too
                params = config.hydra.sweeper.get("params")
                raise no_jobs(given, [searchpath], dict(params) if params else None)
            points = design_points(job_overrides, initial_job_idx, sweep_dir, compose, is_group)
            env = {str(k): str(v) for k, v in config.hydra.job.env_set.items()}  # jobs share it
            check_writable("hydra.sweep.dir", sweep_dir)
            with named_by("hydra.sweep.dir", sweep_dir, str(config.hydra.sweep.dir)):
                check_file(sweep_dir / SWEEP_TABLE)  # written last, after every job
            sweep_dir.mkdir(parents=True, exist_ok=True)
        except OmegaConfBaseException as e:  # a setting, or environment variable, unresolved
            discard_unstarted(sweep_dir)  # (the summitsim sweeper would; another may not)
            err = unresolved(config, e)
            per_job = "${hydra.job." in str(err.value)  # its jobs share one pool: one value
            fail(ConfigError(err.key, err.value, "the summitsim launcher sets one value for all "
                             "its jobs; a value per job needs hydra/launcher=basic") if per_job
                 else err)
        except Exception as e:  # bad input, or a group that does not compose: one line
            discard_unstarted(sweep_dir)
            fail(composition_error(e, [searchpath]))  # a ConfigError as it is
        with env_override(env):  # as Hydra sets a job's, for every job: they share one pool
            run_sweep(points, progress=bool(config.progress))
        task = OmegaConf.masked_copy(config, [str(k) for k in config if k != "hydra"])
        return [JobReturn(overrides=list(p.overrides), cfg=task, hydra_cfg=config,
                          working_dir=str(p.out_dir), status=JobStatus.COMPLETED,
                          _return_value=None) for p in points]
