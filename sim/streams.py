"""Random streams of one replication, one per source of randomness.

Replication `rep` of design point `design_point` draws from
`SeedSequence(root_seed, spawn_key=(design_point, rep))`, split into one child stream per
source, so results are identical whatever the number of workers, and a change in how
often one source is drawn from does not shift the draws of the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SOURCES = ("arrivals", "severity", "bargaining", "decisions")


@dataclass(frozen=True, slots=True)
class Streams:
    arrivals: np.random.Generator  # hazard-shock arrival times, whether dated shocks occur
    severity: np.random.Generator  # shock severities and the durations they cause
    bargaining: np.random.Generator  # win-set noise, how long talks last
    decisions: np.random.Generator  # retaliation, concessions, attendance


def replication_seed(root_seed: int, design_point: int, rep: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(root_seed, spawn_key=(design_point, rep))


def streams_for(root_seed: int, design_point: int, rep: int) -> Streams:
    """The streams of one replication: the children `replication_seed(...).spawn(4)`
    would give, each built directly from its spawn key (the same seeds, without
    building the parent and spawning from it)."""
    key = (design_point, rep)
    return Streams(*(np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(root_seed, spawn_key=(*key, i)))) for i in range(len(SOURCES))))
