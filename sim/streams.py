"""Random streams of one replication, one per source of randomness.

Replication `rep` of design point `design_point` draws from
`SeedSequence(root_seed, spawn_key=(design_point, rep))`, split into one child stream per
source, so results are identical whatever the number of workers, and a change in how
often one source is drawn from does not shift the draws of the others.
"""

from __future__ import annotations

import operator
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

SOURCES = ("arrivals", "severity", "bargaining", "decisions")
POOL_WORDS = 4  # SeedSequence's default pool size, in 32-bit words
WORD = 0xFFFFFFFF

# SeedSequence.generate_state runs under numpy's errstate, which costs more than the
# hashing itself; the hashing is done on C integers and sets no floating-point flags.
_GENERATE_STATE = getattr(np.random.SeedSequence.generate_state, "__wrapped__", None)


# A bit generator asks for 64-bit words: numpy hashes twice as many 32-bit words and pairs
# them little-endian by copying twice; on a little-endian machine a view pairs them alike.
_VIEW_AS_UINT64 = sys.byteorder == "little"


class _SeedSequence(np.random.SeedSequence):
    """A SeedSequence whose `generate_state` skips the errstate wrapper and, for 64-bit
    words, the copies that pair 32-bit words: the same words."""

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> Any:
        if _GENERATE_STATE is None:
            return super().generate_state(n_words, dtype)
        if dtype is np.uint64 and _VIEW_AS_UINT64:
            return _GENERATE_STATE(self, 2 * n_words, np.uint32).view(np.uint64)
        return _GENERATE_STATE(self, n_words, dtype)


@dataclass(frozen=True, slots=True)
class Streams:
    arrivals: np.random.Generator  # hazard-shock arrival times, whether dated shocks occur
    severity: np.random.Generator  # shock severities and the durations they cause
    bargaining: np.random.Generator  # win-set noise, how long talks last
    decisions: np.random.Generator  # retaliation, concessions, attendance


def replication_seed(root_seed: int, design_point: int, rep: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(root_seed, spawn_key=(design_point, rep))


def words(n: int) -> list[int]:
    """A non-negative integer as SeedSequence reads it: 32-bit words, least significant
    first, at least one."""
    n = operator.index(n)
    if n < 0:
        raise ValueError("seeds and spawn keys must be non-negative integers")
    out = [n & WORD]
    n >>= 32
    while n:
        out.append(n & WORD)
        n >>= 32
    return out


def streams_for(root_seed: int, design_point: int, rep: int) -> Streams:
    """The streams of one replication: the children `replication_seed(...).spawn(4)`
    would give, each built directly from the entropy words that child mixes (the root
    seed padded to the pool size, then its spawn key `(design_point, rep, i)`): the same
    seeds, without building the parent, spawning from it or converting the key."""
    head = words(root_seed)
    head += [0] * (POOL_WORDS - len(head))
    head += words(design_point) + words(rep)
    entropy = np.array([[*head, i] for i in range(len(SOURCES))], dtype=np.uint32)
    return Streams(*(np.random.Generator(np.random.PCG64(_SeedSequence(row)))
                     for row in entropy))
