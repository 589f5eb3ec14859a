"""From a composed config to a checked `RunConf`: schema types, no code, meaning.

Composition errors (unknown scenario, malformed YAML, a typo'd top-level key) are turned
into `ConfigError` here too, so that every bad input is one line naming key and value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.convert import build
from sim.config.errors import (
    ConfigError,
)
from sim.config.schema import RunConf, ScenarioConf, register
from sim.config.validate import validate_run, validate_scenario

CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
register()  # the schema is also in Hydra's ConfigStore, as `schema/scenario` and `schema/run`

FORBIDDEN_KEYS = ("_target_", "_args_", "_partial_", "_recursive_", "_convert_")


def reject_code(node: Any, path: str = "") -> None:
    """Refuse any key that asks for code to be instantiated (`_target_` and friends)."""
    if isinstance(node, dict):
        for key, value in node.items():
            full = f"{path}.{key}" if path else str(key)
            if key in FORBIDDEN_KEYS:
                raise ConfigError(full, value, "configs name behaviour from registries; "
                                  f"{key} keys are not allowed")
            reject_code(value, full)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            reject_code(value, f"{path}[{i}]")


# Hydra's own settings may name code only here: its launcher and sweeper plugins, and the
# standard logging handlers and formatters. A scenario file with `# @package _global_`
# can reach `hydra.*`, so anything else naming code there is refused like `_target_`.
HYDRA_CODE_KEYS = (*FORBIDDEN_KEYS, "class", "()")
HYDRA_PLUGIN_PREFIXES = ("hydra._internal.core_plugins.", "hydra_plugins.")
LOGGING_CLASSES = frozenset({
    "logging.StreamHandler", "logging.FileHandler", "logging.NullHandler",
    "logging.Formatter", "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler", "logging.handlers.WatchedFileHandler",
})


def reject_hydra_code(node: Any, path: str = "hydra") -> None:
    """Refuse code named in Hydra's settings other than Hydra's plugins and standard logging.

    Callbacks (`hydra.callbacks`), logging factories (`()`) and any other `_target_` or
    handler `class` would run code when Hydra starts the job.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            full = f"{path}.{key}"
            if key in HYDRA_CODE_KEYS and not _hydra_code_allowed(path, str(key), value):
                raise ConfigError(full, value, "configs cannot name code; only Hydra's own "
                                  "launcher, sweeper and standard logging classes are allowed")
            reject_hydra_code(value, full)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            reject_hydra_code(value, f"{path}[{i}]")


def _hydra_code_allowed(path: str, key: str, value: object) -> bool:
    if not isinstance(value, str):
        return False
    if key == "_target_":
        return path in ("hydra.launcher", "hydra.sweeper") and value.startswith(
            HYDRA_PLUGIN_PREFIXES)
    logging_node = path.startswith(("hydra.job_logging.", "hydra.hydra_logging."))
    if key == "class":
        return logging_node and value in LOGGING_CLASSES
    if key == "()":
        return logging_node and value.startswith("colorlog.")
    return False


def _container(cfg: DictConfig | dict[str, Any], prefix: str = "") -> dict[str, Any]:
    if isinstance(cfg, DictConfig):
        if not prefix and "hydra" in cfg:
            reject_hydra_code(OmegaConf.to_container(cfg.hydra, resolve=False))
        data: dict[str, Any] = {}
        try:  # node by node, leaving Hydra's own settings unresolved
            for key in cfg:
                if key == "hydra":
                    continue
                node = cfg._get_node(key)
                data[str(key)] = (
                    OmegaConf.to_container(node, resolve=True)  # type: ignore[arg-type]
                    if OmegaConf.is_config(node) else cfg[key]
                )
        except OmegaConfBaseException as e:
            raise _from_omegaconf(e, source=cfg) from None
    else:
        if not prefix and "hydra" in cfg:
            reject_hydra_code(cfg["hydra"])
        data = {k: v for k, v in cfg.items() if k != "hydra"}
    reject_code(data, prefix)
    return data


def _from_omegaconf(e: OmegaConfBaseException, prefix: str = "",
                    source: DictConfig | None = None) -> ConfigError:
    key = getattr(e, "full_key", None) or "<config>"
    if prefix and not key.startswith(prefix):
        key = f"{prefix}.{key}"
    msg = str(getattr(e, "msg", None) or e).splitlines()[0]
    value = getattr(e, "value", None)
    if value is None and source is not None:  # the text as written, e.g. "${scenario.nme}"
        raw = OmegaConf.to_container(source, resolve=False)
        for part in key.split("."):
            raw = raw.get(part) if isinstance(raw, dict) else None
        value = raw
    if "not in" in msg and "Key" in msg:
        msg = "unknown key: " + msg
    if "Interpolation" in msg or "interpolation" in msg:
        msg += "; an interpolation ${...} must name a key of the config, like ${scenario.name}"
    return ConfigError(key, value if value is not None else "", msg)


def load_run(cfg: DictConfig | dict[str, Any]) -> RunConf:
    """Check a composed `python -m sim` config; raise `ConfigError` on the first problem."""
    run = build(RunConf, _container(cfg), "")
    validate_run(run)
    return run


def load_scenario(data: DictConfig | dict[str, Any], prefix: str = "scenario") -> ScenarioConf:
    """Check one scenario mapping against the schema and its meaning."""
    sc = build(ScenarioConf, _container(data, prefix), prefix)
    validate_scenario(sc, prefix)
    return sc


# What the entries of a named collection are called, for "unknown shock 'x'" messages.
ENTRY_KINDS = {
    "parties": "party", "issues": "issue", "channels": "channel", "meetings": "meeting",
    "shocks": "shock", "concessions": "concession", "stances": "issue", "move": "issue",
    "event_codes": "event kind",
}
