"""A study: a YAML file under `conf/explore/` naming factors, a sampler and outcomes.

Loading checks everything that can be checked without running anything: sampler and
model names, each factor's range or distribution, and the study's numbers. Factor keys
and outcome names are checked against the model in `sim.explore.models`. Every problem
is a `ConfigError`: one line naming the key and the value.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sim.config.checks import (
    NON_NEGATIVE,
    POSITIVE,
    UNIT,
    Context,
    at_least,
    checked,
    fail,
    finite,
    library_seed,
    named,
    one_of,
    within,
)
from sim.config.load import read_config

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
    threshold: float = checked(0.5, finite)
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


LARGEST = 3.4028234663852886e38  # a 32-bit float's largest: the discovery's tree reads them


@dataclass(frozen=True)
class FactorConf:
    """A factor as written: its range ([low, high], and `peak` for triang) or its normal
    distribution (mean, sd); a dummy factor changes nothing in the model."""

    low: float | None = checked(None, within(-LARGEST, LARGEST))
    high: float | None = checked(None, within(-LARGEST, LARGEST))
    dist: str = checked("unif", one_of(DISTRIBUTIONS, "distribution"))
    peak: float = checked(0.5, UNIT)  # a fraction of the range
    mean: float | None = checked(None, within(-LARGEST, LARGEST))
    sd: float | None = checked(None, POSITIVE)
    dummy: bool = False


@dataclass(frozen=True)
class StudyConf:
    """A study file as written; `read_study` makes it a `Study`."""

    name: str = ""  # default: the file's name
    factors: dict[str, FactorConf] = checked(dict, named("factors: map each one to its range"))
    outcomes: list[str] = checked(list, named("outcome columns to analyse"))
    model: str = checked("summitsim", one_of(MODELS, "model"))
    scenario: str = "historical_2023"
    overrides: list[str] = field(default_factory=list)  # KEY=VALUE of the scenario's config
    sampler: str = checked("sobol", one_of(SAMPLERS, "sampler"))
    base_samples: int = checked(64, at_least(2))
    reps: int = checked(20, at_least(2))
    seed: int = checked(0, library_seed)
    crn: bool = True
    workers: int = checked(0, at_least(0))
    executor: str = checked("local", one_of(EXECUTORS, "executor"))
    morris_levels: int = checked(4, at_least(2))
    bootstrap: int = checked(1000, at_least(10))
    noise_sd: float = checked(0.0, NON_NEGATIVE)
    emulator: int = checked(0, at_least(0))
    discovery: Discovery = field(default_factory=Discovery)
    out: str = ""


def _factor(key: str, f: FactorConf, ctx: Context) -> None:
    if f.dist == "norm":
        if f.mean is None or f.sd is None:
            fail(key, {"dist": f.dist, "mean": f.mean, "sd": f.sd},
                 "a norm factor needs mean and sd")
        elif abs(f.mean) + 10 * f.sd > LARGEST:
            fail(f"{key}.sd", f.sd, f"puts draws beyond {LARGEST:.6g}, the largest a factor "
                 "may take (mean +- 10 sd must stay within it)")
        return
    for end in ("low", "high"):
        if getattr(f, end) is None:  # a new factor, or a typo'd name of one the study has
            name = key.removeprefix("factors.")
            close = difflib.get_close_matches(name, [n for n in ctx.root.factors if n != name],
                                              n=1)
            fail(f"{key}.{end}", None, f"a {f.dist} factor needs low and high" + (
                f" (did you mean the factor {close[0]!r}?)" if close else ""))
    assert f.low is not None and f.high is not None
    if f.low >= f.high:
        fail(f"{key}.low", f.low, f"must be below high={f.high:g}")


MAX_POINTS = 10_000_000  # each point is run, and its results written, on its own
MAX_FITTED = 4_096  # an emulator's fit grows as its points squared in memory, cubed in time


def points_per_base_sample(sampler: str, factors: int) -> int:
    """Rows of the sample for each base sample: D+2 (Sobol), D+1 (Morris) or 1."""
    return {"sobol": factors + 2, "morris": factors + 1}.get(sampler, 1)


def _study(key: str, s: StudyConf, ctx: Context) -> None:
    points = s.base_samples * points_per_base_sample(s.sampler, len(s.factors))
    if points > MAX_POINTS:
        fail("base_samples", s.base_samples, f"makes {points:,} points, each run on its own; "
             f"at most {MAX_POINTS:,}")
    if s.sampler == "sobol" and s.base_samples & (s.base_samples - 1):
        fail("base_samples", s.base_samples,
             "the Sobol sampler needs a power of 2 (64, 128, 256, ...)")
    if s.emulator and s.sampler != "latin":
        fail("emulator", s.emulator, "an emulator is fitted to a Latin hypercube study "
             "(sampler: latin)")
    if s.emulator & (s.emulator - 1):
        fail("emulator", s.emulator,
             "the emulator's Sobol sample needs a power of 2 (256, 1024, ...)")
    if s.emulator and points > MAX_FITTED:
        fail("base_samples", s.base_samples, f"an emulator is fitted to at most {MAX_FITTED:,} "
             "points, as its fit grows as their square in memory and their cube in time; a "
             "study this large needs none (sampler: sobol)")
    sample = s.emulator * points_per_base_sample("sobol", len(s.factors))
    if sample > MAX_POINTS:
        fail("emulator", s.emulator, f"makes a Sobol sample of {sample:,} points for the "
             f"emulator; at most {MAX_POINTS:,}")
    for name, f in s.factors.items():
        if s.sampler == "morris" and f.dist != "unif":
            fail(f"factors.{name}.dist", f.dist, "the Morris sampler needs unif")


def read_study(path: Path, settings: Sequence[str] = ()) -> Study:
    """Read a study file with `key=value` settings on top (`discovery.outcome=x` sets one
    key of a mapping), and check it; `ConfigError` at the first problem."""
    conf = read_config(str(path), "explore", StudyConf, {FactorConf: _factor, StudyConf: _study},
                       settings)
    factors = tuple(Factor(key, **{k: v for k, v in asdict(f).items() if v is not None})
                    for key, f in conf.factors.items())
    kw = {k: v for k, v in asdict(conf).items() if k not in ("factors", "discovery")}
    kw |= {"name": conf.name or path.stem, "factors": factors, "outcomes": tuple(conf.outcomes),
           "overrides": tuple(conf.overrides), "discovery": conf.discovery}
    return Study(**kw)
