"""A pytest plugin for mutation runs: the cheapest tests first.

mutmut runs, for each mutant, the tests that call the mutated function and stops at the
first failure, so a mutant is killed sooner when cheap tests come first. The durations are
those mutmut measured in its first pass (`mutmut-stats.json`, in its working directory):
test files from the cheapest, and within a file the cheapest tests first.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

STATS = Path("mutmut-stats.json")


def _durations() -> dict[str, float]:
    try:
        data = json.loads(STATS.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.get("duration_by_test", {}).items()}


def pytest_collection_modifyitems(items: list[Any]) -> None:
    durations = _durations()
    if not durations:
        return
    per_file: dict[str, float] = defaultdict(float)
    for item in items:
        per_file[item.nodeid.split("::")[0]] += durations.get(item.nodeid, math.inf)
    items.sort(key=lambda item: (per_file[item.nodeid.split("::")[0]],
                                 durations.get(item.nodeid, math.inf)))
