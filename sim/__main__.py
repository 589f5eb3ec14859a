"""`python -m sim`: the Hydra app. One job is one design point of many replications.

Before Hydra takes over, a plain run is composed and checked once here, so that any bad
input (unknown scenario, a typo'd key, a malformed YAML file, an out-of-range value) is
one line on stderr naming the key and value, with exit code 2 and no traceback.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import ConfigError, unknown_name
from sim.config.load import CONF_DIR, load_run

EXIT_BAD_INPUT = 2


def fail(error: ConfigError) -> None:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def _override_value(overrides: list[str], key: str) -> str:
    for o in overrides:
        name, _, value = o.lstrip("+~").partition("=")
        if name == key:
            return value
    return ""


def composition_error(e: Exception, overrides: list[str]) -> ConfigError:
    """Turn a Hydra composition failure into a one-line `ConfigError`."""
    text = str(e)
    missing = re.search(r"Could not find '([^']+)/([^']+)'", text)
    if missing:
        group, name = missing.groups()
        known = sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))
        return unknown_name(group, name, known, group.replace("_", " "))
    bad_key = re.search(r"Could not (?:override|append to) '([^']+)'", text) or re.search(
        r"Key '([^']+)' is not in struct", text)
    if bad_key:
        key = bad_key.group(1)
        return ConfigError(key, _override_value(overrides, key),
                           "unknown key; see `python -m sim --help` for the knobs")
    cause: BaseException = e
    while cause.__cause__ is not None:
        cause = cause.__cause__
        if isinstance(cause, OmegaConfBaseException) and getattr(cause, "full_key", None):
            key = str(cause.full_key)
            return ConfigError(key, _override_value(overrides, key) or getattr(cause, "value", ""),
                               str(getattr(cause, "msg", cause)).splitlines()[0])
    lines = [ln.strip() for ln in str(cause).splitlines() if ln.strip()]
    where = re.search(r'in "([^"]+)", line (\d+)', str(cause))
    if where:
        return ConfigError(f"{Path(where.group(1)).name}:{where.group(2)}", lines[0],
                           "malformed YAML: " + " ".join(lines[1:3]))
    return ConfigError("<overrides>", " ".join(overrides), lines[0] if lines else repr(e))


def precheck(overrides: list[str]) -> None:
    """Compose and check the config of a single run; exit 2 with one line if it is bad."""
    from hydra import compose, initialize_config_dir

    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = compose("config", overrides=overrides, return_hydra_config=True)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input here
        fail(composition_error(e, overrides))
        return
    try:
        load_run(cfg)
        check_writable("hydra.run.dir", Path(str(cfg.hydra.run.dir)))
    except ConfigError as e:
        fail(e)


def check_writable(key: str, path: Path) -> None:
    """Fail unless `path` is, or can be made, a writable directory."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ConfigError(key, str(path), f"{probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(key, str(path), f"{probe} is not writable")


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def app(cfg: DictConfig) -> None:
    from sim.analysis.summary import format_table
    from sim.app import run_design_point

    try:
        run = load_run(cfg)
        out_dir = Path(HydraConfig.get().runtime.output_dir)
        summary = run_design_point(run, out_dir)
    except ConfigError as e:
        fail(e)
        return
    print(format_table(summary))
    print(f"results: {out_dir}")


def main() -> None:
    args = sys.argv[1:]
    if not any(a.startswith("-") for a in args):
        precheck(args)
    app()


if __name__ == "__main__":
    main()
