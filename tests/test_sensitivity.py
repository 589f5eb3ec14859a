"""A Morris screen (SALib) of historical_2023: bargaining now reaches P(summit).

Each point of the design is a variant of the scenario run for `REPS` replications on
common random numbers (the same streams at every point), and the elementary effects are
taken on those replicate means. Marked slow: 9 factors x 6 trajectories x 400
replications take about a minute on one core.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from sim.model.bargaining.strategies import StrategySpec
from sim.scenario import Scenario
from sim.streams import streams_for
from sim.world.replication import run_replication
from tests.conftest import scenario

REPS = 400
BARGAINING = ("walk_away", "leader_latitude", "us_pressure", "us_beta", "cn_beta")
FACTORS = {
    "walk_away": (0.0, 0.6),
    "leader_latitude": (0.0, 0.3),
    "us_pressure": (0.0, 2.0),  # shrink_per_year of the US win-sets from 1 Sep 2023
    "us_beta": (0.2, 5.0),
    "cn_beta": (0.2, 5.0),
    "us_value": (0.0, 24.0),
    "cn_value": (0.0, 20.0),
    "us_empty_cost": (-1.0, 2.0),
    "cn_empty_cost": (-1.0, 2.0),
}


def variant(sc: Scenario, x: dict[str, float]) -> Scenario:
    us, cn = sc.parties
    us = dataclasses.replace(
        us, strategy=StrategySpec("polynomial", 0.0, x["us_beta"]),
        shrink_per_year=x["us_pressure"],
        attendance=(x["us_empty_cost"], x["us_value"], *us.attendance[2:]))
    cn = dataclasses.replace(
        cn, strategy=StrategySpec("polynomial", 0.0, x["cn_beta"]),
        attendance=(x["cn_empty_cost"], x["cn_value"], *cn.attendance[2:]))
    return dataclasses.replace(
        sc, parties=(us, cn), walk_away=x["walk_away"],
        summit=dataclasses.replace(sc.summit, leader_latitude=x["leader_latitude"]))


def p_summit(sc: Scenario) -> float:
    return float(np.mean([run_replication(sc, streams_for(0, 0, r)).summit_held
                          for r in range(REPS)]))


@pytest.mark.slow
def test_morris_screen_finds_bargaining_parameters_that_move_the_summit() -> None:
    names = list(FACTORS)
    problem = {"num_vars": len(names), "names": names, "bounds": [FACTORS[n] for n in names]}
    design = morris_sample.sample(problem, N=6, num_levels=4, seed=0)
    base = scenario("historical_2023")
    y = np.array([p_summit(variant(base, dict(zip(names, row, strict=True))))
                  for row in design])
    result = morris_analyze.analyze(problem, design, y, num_levels=4, seed=0)
    mu_star = dict(zip(names, result["mu_star"], strict=True))
    print({n: round(float(v), 3) for n, v in mu_star.items()})
    assert max(mu_star[n] for n in BARGAINING) >= 0.02
