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
    would give. Each is built directly from its entropy words (what `SeedSequence` makes
    of an int and a spawn key of ints, done here once for the four), which gives the same
    seeds without building the parent and converting the same ints four times."""
    entropy = _words(root_seed)
    key = _words(design_point) + _words(rep)
    return Streams(*(np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        entropy, spawn_key=(np.array([*key, i], dtype=np.uint32),))))
        for i in range(len(SOURCES))))


def _words(n: int) -> list[int]:
    """A non-negative int as SeedSequence reads it: 32-bit words, least significant first."""
    if n < 0:
        raise ValueError(f"seeds are non-negative, got {n}")
    words = [n & 0xFFFFFFFF]
    n >>= 32
    while n:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return words
