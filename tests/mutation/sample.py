"""Print a stratified random sample of mutant names: up to N per module, with a seed.

For measuring a mutation score when a whole `make mutate` does not fit the time at hand:
`make mutate MUTANTS="$(.venv/bin/python tests/mutation/sample.py 30 13)"`. The mutants
must have been generated once (any `mutmut run`, even one stopped early).
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict

from report import Mutant, results


def sample(per_module: int, seed: int, mutants: list[Mutant]) -> list[str]:
    by_module: dict[str, list[str]] = defaultdict(list)
    for m in mutants:
        by_module[m.module].append(m.name)
    rng = random.Random(seed)
    out: list[str] = []
    for module in sorted(by_module):
        names = sorted(by_module[module])
        out += sorted(names if len(names) <= per_module else rng.sample(names, per_module))
    return out


if __name__ == "__main__":
    n, seed = (int(a) for a in sys.argv[1:3])
    print(" ".join(sample(n, seed, results())))
