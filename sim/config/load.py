"""From a composed config to a checked `RunConf`: schema types, no code, meaning.

Composition errors (unknown scenario, malformed YAML, a typo'd top-level key) are turned
into `ConfigError` here too, so that every bad input is one line naming key and value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import ConfigError
from sim.config.schema import RunConf, ScenarioConf, register
from sim.config.validate import validate_run, validate_scenario

CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
register()  # configs compose onto the typed schema: conf/config.yaml names it first

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


def _container(cfg: DictConfig | dict[str, Any], prefix: str = "") -> dict[str, Any]:
    if isinstance(cfg, DictConfig):
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
            raise _from_omegaconf(e) from None
    else:
        data = {k: v for k, v in cfg.items() if k != "hydra"}
    reject_code(data, prefix)
    return data


def _from_omegaconf(e: OmegaConfBaseException, prefix: str = "") -> ConfigError:
    key = getattr(e, "full_key", None) or "<config>"
    if prefix and not key.startswith(prefix):
        key = f"{prefix}.{key}"
    msg = str(getattr(e, "msg", None) or e).splitlines()[0]
    value = getattr(e, "value", None)
    if "not in" in msg and "Key" in msg:
        msg = "unknown key: " + msg
    return ConfigError(key, value if value is not None else "", msg)


def load_run(cfg: DictConfig | dict[str, Any]) -> RunConf:
    """Check a composed `python -m sim` config; raise `ConfigError` on the first problem."""
    data = _container(cfg)
    try:
        merged = OmegaConf.merge(OmegaConf.structured(RunConf), data)
        run = OmegaConf.to_object(merged)
    except OmegaConfBaseException as e:
        raise _from_omegaconf(e) from None
    assert isinstance(run, RunConf)
    validate_run(run)
    return run


def load_scenario(data: DictConfig | dict[str, Any], prefix: str = "scenario") -> ScenarioConf:
    """Check one scenario mapping against the schema and its meaning."""
    plain = _container(data, prefix)
    try:
        merged = OmegaConf.merge(OmegaConf.structured(ScenarioConf), plain)
        sc = OmegaConf.to_object(merged)
    except OmegaConfBaseException as e:
        raise _from_omegaconf(e, prefix) from None
    assert isinstance(sc, ScenarioConf)
    validate_scenario(sc, prefix)
    return sc
