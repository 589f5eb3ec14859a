"""One simulated world per parameter set: the model as the calibration sees it.

A `Simulator` holds the checked scenario; given parameter values it sets them, compiles
the scenario and runs one traced replication from streams of its own seed, and returns
the trace as (day, kind, name) events. It is picklable, so pyabc's samplers can send it to
worker processes or Dask workers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.calibrate.stats import Event
from sim.config.schema import ScenarioConf
from sim.forecast.runs import with_values
from sim.scenario import compile_scenario
from sim.streams import streams_for
from sim.world.replication import run_replication

SIM_POINT = 0x5B1  # the design point of calibration's streams


@dataclass(frozen=True)
class Simulator:
    """The scenario, ready to be run at any parameter values."""

    scenario: ScenarioConf

    def trace(self, values: Mapping[str, float], seed: int) -> list[Event]:
        """One replication at `values` (config key -> value) from `seed`'s streams."""
        sc = compile_scenario(with_values(self.scenario, dict(values)))
        r = run_replication(sc, streams_for(seed, SIM_POINT, 0), trace=True, rep=0)
        return [(float(e[0]), str(e[1]), str(e[2])) for e in r.events]
