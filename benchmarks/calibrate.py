"""Cost of a calibration: the shipped one (ten parameters), timed end to end.

    python benchmarks/calibrate.py [executor=local|dask|inline] [population=N] ...

Runs `python -m sim.calibrate us_china_2023` with the given settings in this process and
prints the wall time of the ABC-SMC fit, of the whole command, the generations, the
particles simulated and the last generation's acceptance and effective sample size. The
target: within 15 minutes on 2 cores.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from sim.calibrate.cli import main
from sim.calibrate.run import RESULT


def bench(settings: list[str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cal"
        began = time.perf_counter()
        main(["us_china_2023", *settings, "--out", str(out)])
        total = time.perf_counter() - began
        d = json.loads((out / RESULT).read_text())
    gens = d["generations"]
    return {"settings": settings, "parameters": len(d["priors"]), "executor": d["executor"],
            "workers": d["workers"], "fit_seconds": round(d["wall_seconds"], 1),
            "total_seconds": round(total, 1), "generations": len(gens),
            "simulated": sum(g["samples"] for g in gens),
            "last_acceptance": round(gens[-1]["acceptance"], 3),
            "last_ess": round(gens[-1]["ess"], 1)}


if __name__ == "__main__":
    print(json.dumps(bench(sys.argv[1:]), indent=2))
