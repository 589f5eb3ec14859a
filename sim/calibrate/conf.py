"""A calibration file: the scenario, the record's bank and cutoff, priors, the sampler.

Priors are uniform over [low, high] per parameter, named by its config key
(`scenario.bargaining.walk_away`). Every key is checked by composing the scenario with
the parameter at both bounds, so an unknown key or an out-of-range bound is reported
as one line naming it before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.config.convert import build
from sim.config.errors import ConfigError, unknown_name, yaml_error
from sim.config.load import CONF_DIR
from sim.config.validate import iso_date

EXECUTORS = ("inline", "local", "dask")


@dataclass(frozen=True)
class Prior:
    """A uniform prior over [low, high]."""

    low: float = 0.0
    high: float = 1.0


@dataclass(frozen=True)
class CalibrateConf:
    """What to calibrate, to what, and how hard to try."""

    scenario: str = ""
    questions: str = ""  # the bank whose settled answers make the record
    cutoff: str = ""  # the record is used up to (not including) this date
    priors: dict[str, Prior] = field(default_factory=dict)
    population: int = 200  # particles per generation
    generations: int = 6  # at most
    min_epsilon: float = 0.0  # stop once the tolerance is this small
    min_acceptance: float = 0.02  # stop once a generation accepts fewer than this share
    seed: int = 0
    executor: str = "inline"  # inline (one process), local (processes) or dask
    workers: int = 2
    ppc_draws: int = 200  # posterior predictive replications
    sbc_runs: int = 30  # simulation-based calibration: synthetic data sets
    sbc_population: int = 100
    sbc_generations: int = 3
    sbc_bins: int = 5


def find(name: str) -> Path:
    """A calibration file by name (conf/calibrate/<name>.yaml) or by path."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name)
    return CONF_DIR / "calibrate" / f"{name}.yaml"


def load_conf(name: str) -> CalibrateConf:
    """Read, type-check and check a calibration file (priors and numbers; keys later)."""
    path = find(name)
    try:
        data: Any = yaml.safe_load(path.read_text())
    except OSError as e:
        raise ConfigError("calibrate", name, f"cannot read {path} ({e.strerror or e})") from None
    except yaml.MarkedYAMLError as e:
        raise yaml_error(e) from None
    conf = build(CalibrateConf, data, "")
    if not conf.scenario:
        raise ConfigError("scenario", "", "name the scenario to calibrate")
    iso_date("cutoff", conf.cutoff)
    if len(conf.priors) < 1:
        raise ConfigError("priors", {}, "give at least one prior")
    for key, prior in conf.priors.items():
        if not key.startswith("scenario."):
            raise ConfigError(f"priors.{key}", key, "a parameter is a scenario config key, "
                              "scenario.<...>")
        if not prior.low < prior.high:
            raise ConfigError(f"priors.{key}.low", prior.low,
                              f"must be below high ({prior.high})")
    for key, value, low in (("population", conf.population, 2),
                            ("generations", conf.generations, 1),
                            ("workers", conf.workers, 1), ("ppc_draws", conf.ppc_draws, 2),
                            ("sbc_runs", conf.sbc_runs, 1), ("sbc_bins", conf.sbc_bins, 2),
                            ("sbc_population", conf.sbc_population, 2),
                            ("sbc_generations", conf.sbc_generations, 1)):
        if value < low:
            raise ConfigError(key, value, f"must be >= {low}")
    if conf.executor not in EXECUTORS:
        raise unknown_name("executor", conf.executor, EXECUTORS, "executor")
    return conf
