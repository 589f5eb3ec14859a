"""A calibration file: the scenario, the record's bank and cutoff, priors, the sampler.

Priors are uniform over [low, high] per parameter, named by its config key
(`scenario.bargaining.walk_away`). Every key is checked by composing the scenario with
the parameter at both bounds, so an unknown key or an out-of-range bound is reported
as one line naming it before anything runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.config.checks import (
    NON_NEGATIVE,
    POSITIVE,
    UNIT,
    Context,
    at_least,
    checked,
    date,
    fail,
    finite,
    library_seed,
    named,
    one_of,
)
from sim.config.load import find_config, read_config

EXECUTORS = ("inline", "local", "dask")


@dataclass(frozen=True)
class Prior:
    """A uniform prior over [low, high]."""

    low: float = checked(0.0, finite)
    high: float = checked(1.0, finite)


def _priors(key: str, priors: dict[str, Prior], ctx: Context) -> None:
    if not priors:
        fail(key, {}, "give at least one prior")
    for name, prior in priors.items():
        if not name.startswith("scenario."):
            fail(f"{key}.{name}", name, "a parameter is a scenario config key, scenario.<...>")
        if prior.low >= prior.high:  # nan: told by its own check
            fail(f"{key}.{name}.low", prior.low, f"must be below high ({prior.high})")
        ends = (prior.low, prior.high)  # not finite: told by their own check
        width = prior.high - prior.low  # squared: 12 x the prior's variance (`abc.contraction`)
        if all(map(math.isfinite, ends)) and not math.isfinite(width * width):
            fail(f"{key}.{name}.high", prior.high, f"is too far from low ({prior.low}): the "
                 "prior's variance, (high - low)**2 / 12, must be a finite number")


@dataclass(frozen=True)
class CalibrateConf:
    """What to calibrate, to what, and how hard to try."""

    scenario: str = checked("", named("scenario to calibrate"))
    questions: str = ""  # the bank whose settled answers make the record
    cutoff: str = checked("", named("cutoff date"), date)  # the record before this date
    priors: dict[str, Prior] = checked(dict, _priors)
    population: int = checked(200, at_least(2))  # particles per generation
    generations: int = checked(6, at_least(1))  # at most
    min_epsilon: float = checked(0.0, NON_NEGATIVE)  # stop once the tolerance is this small
    min_acceptance: float = checked(0.02, UNIT)  # stop once a generation accepts less than this
    # the perturbation kernel's covariance, in multiples of Silverman's rule (pyabc's
    # `scaling`; 1 is pyabc's default); wider keeps importance weights even (see abc.py)
    kernel_scaling: float = checked(1.0, POSITIVE)
    seed: int = checked(0, library_seed)
    executor: str = checked("inline", one_of(EXECUTORS, "executor"))  # inline, local or dask
    workers: int = checked(2, at_least(1))
    ppc_draws: int = checked(200, at_least(2))  # posterior predictive replications
    sbc_runs: int = checked(30, at_least(1))  # simulation-based calibration: data sets
    sbc_population: int = checked(100, at_least(2))
    sbc_generations: int = checked(3, at_least(1))
    sbc_bins: int = checked(5, at_least(2))


def load_conf(name: str, settings: Sequence[str] = (), overrides: Sequence[str] = ()
              ) -> CalibrateConf:
    """A calibration file (by name in conf/calibrate, or the user's folders on the search path
    of `overrides`, or a path) with `key=value` settings, checked (priors and numbers here;
    the keys against the scenario later)."""
    return read_config(str(find_config(name, "calibrate", overrides)), "calibrate",
                       CalibrateConf, settings=settings)
