"""A study: a YAML file under `conf/explore/` naming factors, a sampler and outcomes.

Loading checks everything that can be checked without running anything: sampler and
model names, each factor's range or distribution, and the study's numbers. Factor keys
and outcome names are checked against the model in `sim.explore.models`. Every problem
is a `ConfigError`: one line naming the key and the value.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.config.errors import ConfigError, unknown_name, yaml_error
from sim.config.load import CONF_DIR

STUDY_DIR = CONF_DIR / "explore"
SAMPLERS = ("sobol", "morris", "latin")
DISTRIBUTIONS = ("unif", "norm", "triang")
MODELS = ("summitsim", "ishigami")
EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class Factor:
    """One uncertain input: a dotted key of the model and its range or distribution.

    `dist` is SALib's name; `unif` and `triang` use [low, high] (and `peak`, a fraction of
    the range, for `triang`), `norm` uses `mean` and `sd`. A `dummy` factor changes nothing
    in the model: its indices measure what noise alone looks like.
    """

    key: str
    low: float = 0.0
    high: float = 1.0
    dist: str = "unif"
    peak: float = 0.5
    mean: float = 0.0
    sd: float = 1.0
    dummy: bool = False

    def salib_bounds(self) -> list[float]:
        if self.dist == "norm":
            return [self.mean, self.sd]
        if self.dist == "triang":
            return [self.low, self.high, self.peak]
        return [self.low, self.high]


@dataclass(frozen=True)
class Discovery:
    """Which points are "of interest" for PRIM and CART: outcome mean above a threshold."""

    outcome: str = "no_summit"
    threshold: float = 0.5
    above: bool = True
    min_density: float = 0.8  # PRIM: the chosen box is the widest this dense


@dataclass(frozen=True)
class Study:
    """A checked study. `base_samples` is N: Sobol runs N(D+2) points, Morris N(D+1)
    (N trajectories), Latin hypercube N."""

    name: str
    factors: tuple[Factor, ...]
    outcomes: tuple[str, ...]
    model: str = "summitsim"
    scenario: str = "historical_2023"
    overrides: tuple[str, ...] = ()
    sampler: str = "sobol"
    base_samples: int = 64
    reps: int = 20
    seed: int = 0
    crn: bool = True
    workers: int = 0
    executor: str = "local"
    morris_levels: int = 4
    bootstrap: int = 1000
    noise_sd: float = 0.0  # test models only: sd of the noise added to each replication
    emulator: int = 0  # Latin studies: Sobol indices of a GP emulator at N = this (0: none)
    discovery: Discovery = field(default_factory=Discovery)
    out: str = ""

    @property
    def names(self) -> list[str]:
        return [f.key for f in self.factors]

    def digest(self) -> str:
        """A hash of everything that decides the results (not where they are written)."""
        data = asdict(self)
        data.pop("out")
        data.pop("workers")
        data.pop("executor")
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


TOP_KEYS = {f for f in Study.__dataclass_fields__}


def find_study(name: str) -> Path:
    """A study file: a path, or the name of a file under `conf/explore/`."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ConfigError("study", name, "no such file")
        return path
    known = [p.stem for p in STUDY_DIR.glob("*.yaml")]
    if name not in known:
        raise unknown_name("study", name, known, "study")
    return STUDY_DIR / f"{name}.yaml"


def read_study(path: Path, overrides: dict[str, Any]) -> Study:
    """Read a study file, apply `key=value` overrides of its top-level keys, and check it."""
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.MarkedYAMLError as e:
        raise yaml_error(e) from None
    except OSError as e:
        raise ConfigError("study", str(path), f"cannot read ({e.strerror or e})") from None
    if not isinstance(data, dict):
        raise ConfigError("study", str(path), "must be a mapping of study keys")
    data = {**data, **overrides}
    data.setdefault("name", path.stem)
    return build_study(data)


def _number(key: str, value: Any, kind: type = float) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, value, f"must be a number{' (whole)' if kind is int else ''}")
    if kind is int and value != int(value):
        raise ConfigError(key, value, "must be a whole number")
    return kind(value)


def _factor(key: str, spec: Any) -> Factor:
    where = f"factors.{key}"
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise ConfigError(where, spec, "must be a mapping like {low: 0.1, high: 0.5}")
    allowed = {"low", "high", "dist", "peak", "mean", "sd", "dummy"}
    for k in spec:
        if k not in allowed:
            raise unknown_name(f"{where}.{k}", spec[k], allowed, "factor setting")
    dist = spec.get("dist", "unif")
    if dist not in DISTRIBUTIONS:
        raise unknown_name(f"{where}.dist", dist, DISTRIBUTIONS, "distribution")
    nums = {k: _number(f"{where}.{k}", spec[k]) for k in ("low", "high", "peak", "mean", "sd")
            if k in spec}
    if dist in ("unif", "triang"):
        for k in ("low", "high"):
            if k not in nums:
                raise ConfigError(f"{where}.{k}", None, f"a {dist} factor needs low and high")
        if nums["low"] >= nums["high"]:
            raise ConfigError(f"{where}.low", nums["low"],
                              f"must be below high={nums['high']:g}")
        if not 0.0 <= nums.get("peak", 0.5) <= 1.0:
            raise ConfigError(f"{where}.peak", nums["peak"],
                              "must be in [0, 1] (a fraction of the range)")
    else:
        if "mean" not in nums or "sd" not in nums:
            raise ConfigError(where, spec, "a norm factor needs mean and sd")
        if nums["sd"] <= 0:
            raise ConfigError(f"{where}.sd", nums["sd"], "must be above 0")
    dummy = spec.get("dummy", False)
    if not isinstance(dummy, bool):
        raise ConfigError(f"{where}.dummy", dummy, "must be true or false")
    return Factor(key, dist=dist, dummy=dummy, **nums)


def build_study(data: dict[str, Any]) -> Study:
    """A `Study` from plain data, checked; raises `ConfigError` on the first problem."""
    for key in data:
        if key not in TOP_KEYS:
            raise unknown_name(str(key), data[key], TOP_KEYS, "study key")
    factors = data.get("factors")
    if not isinstance(factors, dict) or not factors:
        raise ConfigError("factors", factors, "must map each factor's key to its range")
    outcomes = data.get("outcomes")
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    if not isinstance(outcomes, list) or not outcomes:
        raise ConfigError("outcomes", outcomes, "must list the outcome columns to analyse")
    kw: dict[str, Any] = {
        "name": str(data["name"]),
        "factors": tuple(_factor(str(k), v) for k, v in factors.items()),
        "outcomes": tuple(str(o) for o in outcomes),
    }
    for key in ("model", "sampler"):
        if key in data:
            known = MODELS if key == "model" else SAMPLERS
            if data[key] not in known:
                raise unknown_name(key, data[key], known, key)
            kw[key] = data[key]
    for key in ("scenario", "executor", "out"):
        if key in data:
            kw[key] = str(data[key])
    if kw.get("executor", "local") not in EXECUTORS:
        raise unknown_name("executor", kw["executor"], EXECUTORS, "executor")
    if "overrides" in data:
        if not isinstance(data["overrides"], list):
            raise ConfigError("overrides", data["overrides"], "must be a list of KEY=VALUE")
        kw["overrides"] = tuple(str(o) for o in data["overrides"])
    minimum = {"base_samples": 2, "reps": 2, "seed": 0, "workers": 0, "morris_levels": 2,
               "bootstrap": 10, "emulator": 0}
    for key, least in minimum.items():
        if key in data:
            value = _number(key, data[key], int)
            if value < least:
                raise ConfigError(key, value, f"must be at least {least}")
            kw[key] = value
    if "crn" in data:
        if not isinstance(data["crn"], bool):
            raise ConfigError("crn", data["crn"], "must be true or false")
        kw["crn"] = data["crn"]
    if "noise_sd" in data:
        kw["noise_sd"] = _number("noise_sd", data["noise_sd"])
        if kw["noise_sd"] < 0:
            raise ConfigError("noise_sd", kw["noise_sd"], "must be at least 0")
    if "discovery" in data:
        kw["discovery"] = _discovery(data["discovery"])
    study = Study(**kw)
    if study.sampler == "sobol" and study.base_samples & (study.base_samples - 1):
        raise ConfigError("base_samples", study.base_samples,
                          "the Sobol sampler needs a power of 2 (64, 128, 256, ...)")
    if study.emulator and study.sampler != "latin":
        raise ConfigError("emulator", study.emulator, "an emulator is fitted to a Latin "
                          "hypercube study (sampler: latin)")
    if study.emulator & (study.emulator - 1):
        raise ConfigError("emulator", study.emulator,
                          "the emulator's Sobol sample needs a power of 2 (256, 1024, ...)")
    if study.sampler == "morris" and any(f.dist != "unif" for f in study.factors):
        bad = next(f for f in study.factors if f.dist != "unif")
        raise ConfigError(f"factors.{bad.key}.dist", bad.dist, "the Morris sampler needs unif")
    return study


def _discovery(spec: Any) -> Discovery:
    if not isinstance(spec, dict):
        raise ConfigError("discovery", spec, "must be a mapping like {outcome: no_summit}")
    allowed = set(Discovery.__dataclass_fields__)
    for k in spec:
        if k not in allowed:
            raise unknown_name(f"discovery.{k}", spec[k], allowed, "discovery setting")
    kw: dict[str, Any] = {}
    if "outcome" in spec:
        kw["outcome"] = str(spec["outcome"])
    for k in ("threshold", "min_density"):
        if k in spec:
            kw[k] = _number(f"discovery.{k}", spec[k])
    if "above" in spec:
        if not isinstance(spec["above"], bool):
            raise ConfigError("discovery.above", spec["above"], "must be true or false")
        kw["above"] = spec["above"]
    return Discovery(**kw)
