"""Test models with known answers, run through the same pool and tables as the simulator.

A test model's design point is a vector of factor values; each replication adds seeded
Gaussian noise (`noise_sd`) drawn from the replication's own streams, so the noise floor
and common random numbers behave as they do for the simulator. The Ishigami function
(Ishigami & Homma 1990) has analytic Sobol indices to check the pipeline against.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass

import pyarrow as pa

from sim.runner import Batch, BatchTable
from sim.streams import streams_for

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1
ISHIGAMI_FACTORS = ("x1", "x2", "x3")
SCHEMA = pa.schema([("rep", pa.int64()), ("y", pa.float64())])
OUTCOMES = ("y",)


@dataclass(frozen=True, slots=True)
class TestPoint:
    """One design point of a test model: its name, factor values and replication noise."""

    model: str
    values: tuple[tuple[str, float], ...]
    noise_sd: float

    @property
    def name(self) -> str:
        return self.model


def ishigami(x1: float, x2: float, x3: float, a: float = ISHIGAMI_A,
             b: float = ISHIGAMI_B) -> float:
    """sin x1 + a sin² x2 + b x3⁴ sin x1, on [-π, π]³."""
    return math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B
                     ) -> dict[str, dict[str, float]]:
    """The analytic first-order and total Sobol indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": {"x1": v1 / v, "x2": v2 / v, "x3": 0.0},
            "ST": {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v}}


def digest(point: TestPoint) -> str:
    """SHA-256 of a test point: same digest, same design point (for resume)."""
    text = json.dumps(dataclasses.asdict(point), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def value(point: TestPoint) -> float:
    """The model's noise-free output at a design point."""
    x = dict(point.values)
    return ishigami(x["x1"], x["x2"], x["x3"])


def tabulate_test_batch(point: TestPoint, b: Batch) -> BatchTable:
    """Replications [start, stop) of a test point, as the simulator's batches are tabulated."""
    f = value(point)
    reps = list(range(b.start, b.stop))
    ys = [f + point.noise_sd * float(streams_for(b.seed, b.design_point, r).decisions
                                     .standard_normal()) for r in reps]
    table = pa.RecordBatch.from_pydict({"rep": reps, "y": ys}, schema=SCHEMA)
    return BatchTable(table, None, (), len(reps), 0)

