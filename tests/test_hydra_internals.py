"""The Hydra internals the summitsim launcher and sweeper use are still where they were
(and OmegaConf's YAML loader, which Hydra pins and `sim.config.load.read_yaml` reads with).

Hydra is pinned below its next minor version (pyproject.toml); when the pin is raised,
this test says which of them moved.
"""

from __future__ import annotations

import inspect

from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper, BasicSweeperConf
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.core.utils import JobReturn, JobStatus, configure_log, setup_globals
from hydra.plugins.launcher import Launcher

from hydra_plugins.summitsim_launcher.summitsim_launcher import SummitsimLauncher
from hydra_plugins.summitsim_launcher.summitsim_sweeper import SummitsimSweeper


def params(fn: object) -> list[str]:
    return list(inspect.signature(fn).parameters)  # type: ignore[arg-type]


def test_the_sweeper_overrides_the_basic_sweepers_validation_hook() -> None:
    assert issubclass(SummitsimSweeper, BasicSweeper)
    assert {"_target_", "max_batch_size", "params"} == set(BasicSweeperConf.__dataclass_fields__)
    assert params(BasicSweeper.validate_batch_is_legal) == ["self", "batch"]
    assert "validate_batch_is_legal" in inspect.getsource(BasicSweeper.sweep)
    assert params(BasicSweeper.split_arguments) == ["overrides", "max_batch_size"]
    assert "self.split_arguments(" in inspect.getsource(BasicSweeper.sweep)  # ours: globs


def test_the_basic_plug_ins_settings_that_the_error_table_checks_hydras_node_by() -> None:
    from hydra._internal.core_plugins.basic_launcher import BasicLauncher, BasicLauncherConf

    assert {"_target_"} == set(BasicLauncherConf.__dataclass_fields__)
    assert params(BasicLauncher.__init__) == ["self"]  # it takes no settings
    assert params(BasicSweeper.__init__) == ["self", "max_batch_size", "params"]


def test_the_launcher_interface_and_the_loader_calls_it_makes() -> None:
    assert issubclass(SummitsimLauncher, Launcher)
    assert params(Launcher.setup) == ["self", "hydra_context", "task_function", "config"]
    assert params(Launcher.launch) == ["self", "job_overrides", "initial_job_idx"]
    assert params(ConfigLoaderImpl.load_sweep_config) == ["self", "master_config",
                                                          "sweep_overrides"]
    source = inspect.getsource(ConfigLoaderImpl)
    assert "self.repository" in source
    from hydra._internal.config_repository import ConfigRepository

    assert params(ConfigRepository.group_exists) == ["self", "config_path"]


def test_the_job_records_and_helpers_the_launcher_uses() -> None:
    assert {"overrides", "status", "_return_value", "cfg", "hydra_cfg", "working_dir"} <= set(
        JobReturn.__dataclass_fields__)
    assert JobStatus.COMPLETED.name == "COMPLETED"
    assert params(configure_log) == ["log_config", "verbose_config"]
    assert params(setup_globals) == []
    parsed = OverridesParser.create().parse_overrides(["a=1", "+b=2", "~c", "++d=3"])
    assert [type(o) for o in parsed] == [Override] * 4
    assert [(o.is_add(), o.is_delete(), o.is_force_add()) for o in parsed] == [
        (False, False, False), (True, False, False), (False, True, False), (False, False, True)]
    assert [o.key_or_group for o in parsed] == ["a", "b", "c", "d"]
    assert callable(ConfigStore.instance().store)


def test_what_the_command_runs_a_job_and_a_sweep_with() -> None:
    """`sim.cli` runs a checked run with Hydra's `run_job`, and a sweep with `Hydra.multirun`
    (its sweeper returns where it ran, read from the config the launcher ran)."""
    from hydra._internal.callbacks import Callbacks
    from hydra._internal.hydra import Hydra
    from hydra._internal.utils import create_config_search_path
    from hydra.core.utils import run_job
    from hydra.types import HydraContext

    assert params(run_job)[:5] == ["task_function", "config", "job_dir_key", "job_subdir_key",
                                   "hydra_context"]
    assert params(Callbacks.__init__)[:2] == ["self", "config"]
    assert {"config_loader", "callbacks"} <= set(HydraContext.__dataclass_fields__)
    assert params(Hydra.create_main_hydra2) == ["task_name", "config_search_path"]
    assert params(Hydra.multirun)[:4] == ["self", "config_name", "task_function", "overrides"]
    assert "sweeper.sweep(arguments=task_overrides)" in inspect.getsource(Hydra.multirun)
    assert params(create_config_search_path) == ["search_path_dir"]
    assert params(BasicSweeper.sweep) == ["self", "arguments"]
    assert "self.config = config" in inspect.getsource(BasicSweeper.setup)


def test_the_parser_of_hydras_flags_that_commands_read_first() -> None:
    from hydra._internal.utils import get_args_parser

    parser = get_args_parser()
    assert not parser.add_help  # so that sim.command.ArgumentParser may take it as a parent
    ns = parser.parse_args(["--cfg", "job", "a=1"])
    assert ns.overrides == ["a=1"]
    ns = parser.parse_intermixed_args(["a=1", "--cfg", "job", "b=2"])  # as before_hydra reads
    assert (ns.overrides, ns.cfg) == (["a=1", "b=2"], "job")
    assert {"multirun", "config_name", "config_path", "config_dir",
            "experimental_rerun"} <= set(vars(ns))


def test_the_basic_sweepers_split_that_the_labs_sweeps_are_checked_by() -> None:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    assert params(BasicSweeper.split_arguments) == ["overrides", "max_batch_size"]
    parsed = OverridesParser.create().parse_overrides(["a=1,2", "b=x"])
    assert BasicSweeper.split_arguments(parsed, None) == [[["a=1", "b=x"], ["a=2", "b=x"]]]


def test_omegaconfs_yaml_loader_that_commands_read_their_files_with() -> None:
    import pytest
    import yaml
    from omegaconf._utils import get_yaml_loader

    loader = get_yaml_loader()("a: 2023-02-30\nb: 1e3\n")
    assert loader.get_single_data() == {"a": "2023-02-30", "b": 1000.0}  # a date stays text
    with pytest.raises(yaml.constructor.ConstructorError, match="found duplicate key a"):
        get_yaml_loader()("a: 1\na: 2\n").get_single_data()
