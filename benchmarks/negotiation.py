"""Negotiations per second of the session engine, on one core.

Boulware (party a, proposing first) against Conceder over 3 issues with 7 values each
and a 100-round deadline, on random agendas whose 3 issues are all negotiable (built up
front; a negotiation is building both negotiators and running the session). Target: at
least 2,500 negotiations per second.

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
from sim.model.bargaining.session import negotiate
from sim.model.bargaining.strategies import StrategySpec

TARGET = 2500.0
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
    if best < TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
