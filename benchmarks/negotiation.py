"""Negotiations per second of the lab's session engine, on one core; and the cost of
`agreement_quality`, the simulator's per-replication check of a package of deals.

Boulware (party a, proposing first) against Conceder over 3 issues with 7 values each
and a 100-round deadline, on random agendas whose 3 issues are all negotiable (built up
front; a negotiation is building both negotiators and running the session). Target: at
least 2,500 negotiations per second. `agreement_quality` runs on 8-issue agendas with
every negotiable issue agreed; target: under 100 microseconds per call.

    python benchmarks/negotiation.py
    python benchmarks/negotiation.py --negotiations 50000 --repeats 7

Exits 1 when the median rate is under the target. Repeats report the median, so a noisy
machine does not decide the result.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from sim.model.bargaining.agenda import Agenda, random_agenda
from sim.model.bargaining.session import StrategySpec, negotiate
from sim.model.bargaining.solutions import agreement_quality

TARGET = 2500.0
QUALITY_TARGET_US = 100.0
ISSUES, LEVELS, DEADLINE = 3, 7, 100
PAIR = (StrategySpec("boulware"), StrategySpec("conceder"))


def agendas(count: int, seed: int) -> list[Agenda]:
    """`count` random agendas on which every issue is negotiable."""
    rng = np.random.default_rng(seed)
    out: list[Agenda] = []
    while len(out) < count:
        agenda = random_agenda(rng, ISSUES, LEVELS)
        if len(agenda.negotiable) == ISSUES:
            out.append(agenda)
    return out


def rate(pool: list[Agenda], n: int) -> tuple[float, float, float]:
    """(negotiations per second, mean rounds, agreement rate) over n negotiations."""
    rounds = deals = 0
    start = time.perf_counter()
    for i in range(n):
        result = negotiate(pool[i % len(pool)], PAIR, DEADLINE)
        rounds += result.rounds
        deals += result.agreement is not None
    elapsed = time.perf_counter() - start
    return n / elapsed, rounds / n, deals / n


def quality_cost(count: int, seed: int) -> float:
    """Median microseconds per `agreement_quality` call over 8-issue packages."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        agenda = random_agenda(rng, 8)
        deals = {j: float(rng.uniform(*span))
                 for j, span in zip(agenda.negotiable, agenda.overlaps, strict=True)}
        a, b = agenda.parties
        cases.append((a.stances, b.stances, agenda.status_quo, deals))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for case in cases:
            agreement_quality(*case)
        times.append((time.perf_counter() - start) / count * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--negotiations", type=int, default=20_000, help="per repeat")
    parser.add_argument("--agendas", type=int, default=500, help="distinct random agendas")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    pool = agendas(args.agendas, args.seed)
    rate(pool, min(1000, args.negotiations))  # warm up
    runs = [rate(pool, args.negotiations) for _ in range(args.repeats)]
    best = statistics.median(r[0] for r in runs)
    _, rounds, deals = runs[0]
    print(f"boulware vs conceder, {ISSUES} issues x {LEVELS} values, deadline {DEADLINE}: "
          f"{best:,.0f} negotiations/s (median of {args.repeats}; "
          f"runs {', '.join(f'{r[0]:,.0f}' for r in runs)})")
    print(f"mean rounds {rounds:.1f}, agreement rate {deals:.2f}, target {TARGET:,.0f}/s: "
          f"{'met' if best >= TARGET else 'MISSED'}")
    cost = quality_cost(2000, args.seed)
    print(f"agreement_quality, 8 issues: {cost:.1f} microseconds per call, target "
          f"{QUALITY_TARGET_US:.0f}: {'met' if cost < QUALITY_TARGET_US else 'MISSED'}")
    if best < TARGET or cost >= QUALITY_TARGET_US:
        sys.exit(1)


if __name__ == "__main__":
    main()
