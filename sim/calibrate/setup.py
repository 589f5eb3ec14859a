"""A checked calibration: the scenario, the record's statistics, the priors' keys.

Everything is checked before anything runs: the bank against the scenario, the cutoff
within its span, and every prior's key (a number of the scenario, as a study's factor is:
`number_at`) and its bounds, by composing the scenario at each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.calibrate.conf import CalibrateConf
from sim.calibrate.simulator import Simulator
from sim.calibrate.stats import Statistics, Window, day_of, record_events, statistics
from sim.config.compose import number_at
from sim.config.errors import ConfigError
from sim.forecast.backtest import find
from sim.forecast.questions import Bank, check_against, load_bank
from sim.forecast.runs import compose_run


@dataclass(frozen=True)
class Problem:
    """What the calibration fits (before the cutoff) and checks (after it)."""

    conf: CalibrateConf
    bank: Bank
    simulator: Simulator
    stats: Statistics  # the record before the cutoff: fitted
    later: Statistics  # the record from the cutoff to the summit: predicted
    observed: np.ndarray
    observed_later: np.ndarray


def build_problem(conf: CalibrateConf, overrides: Sequence[str] = ()) -> Problem:
    """Check the calibration against its scenario (composed with Hydra `overrides`, such as
    the search path of a user's folder) and make the record's statistics."""
    run = compose_run(conf.scenario, overrides)
    data = dataclasses.asdict(run)
    for key in conf.priors:
        if number_at(data, key, f"priors.{key}", "prior") is int:
            raise ConfigError(f"priors.{key}", key, "is a whole number, and a prior is uniform "
                              "over [low, high], drawing fractions: calibrate a parameter that "
                              "takes any number in its range")
    sc = run.scenario
    if not sc.start < conf.cutoff <= sc.summit.date:
        raise ConfigError("cutoff", conf.cutoff,
                          f"outside the scenario's span ({sc.start}, {sc.summit.date}]")
    for bound in ("low", "high"):
        try:
            compose_run(conf.scenario, [*overrides, *(f"{k}={getattr(p, bound)!r}"
                                                       for k, p in conf.priors.items())])
        except ConfigError as err:
            raise _at_prior(err, conf, bound) from None
    if not conf.questions:
        raise ConfigError("questions", "", "name the question bank that makes the record")
    bank = load_bank(find(conf.questions, "questions", overrides))
    check_against(bank, sc)
    cut = day_of(sc.start, conf.cutoff)
    end = day_of(sc.start, sc.summit.date) + 1
    stats = statistics(bank.questions, sc.start, Window(0.0, cut))
    later = statistics(bank.questions, sc.start, Window(cut, end))
    events = record_events(bank.questions, sc.start)
    return Problem(conf, bank, Simulator(sc), stats, later, stats.of(events),
                   later.of(events))


def _at_prior(err: ConfigError, conf: CalibrateConf, bound: str) -> ConfigError:
    """An error of the scenario composed with the priors at one bound (a value a key does
    not take), told at the prior that caused it, as the calibration file names it."""
    key = next((k for k in conf.priors if k == err.key or k.startswith(f"{err.key}.")), None)
    if key is None:
        return err
    return ConfigError(f"priors.{key}.{bound}", getattr(conf.priors[key], bound),
                       f"the scenario refuses this end of the range ({err})")
