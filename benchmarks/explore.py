"""Cost of a Sobol study of 10 factors x 1,024 base samples x R = 20 replications, and
resume after a kill, with `python -m sim.explore` as a whole process.

    python benchmarks/explore.py            # scaled: N = 16, 32, 64; extrapolate to 1,024
    python benchmarks/explore.py --full     # the real thing: N = 1,024 (12,288 points)

The study is `conf/explore/ten_factors.yaml` (why R = 20 is said there). The scaled runs
time N(D+2) = 12 N design points at three N; the cost is fitted as a + b * points (least
squares) and extrapolated to 12,288 points. Resume: a run at N = 32 is killed once half
its job directories are complete, then run again; its indices must equal those of an
uninterrupted run. Target: the full study within 30 minutes on 2 cores. Exits 1 if the
extrapolated (or, with --full, measured) time misses it, or resume changes the indices.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 30 * 60
FULL_N = 1024
PER_BASE = 12  # 10 factors + 2


def explore(n: int, out: Path, wait: bool = True) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "sim.explore", "ten_factors", f"base_samples={n}",
           f"out={out}", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, text=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    if wait:
        _, err = proc.communicate()
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return proc


def timed(n: int, tmp: Path) -> float:
    began = time.perf_counter()
    explore(n, tmp / f"n{n}")
    wall = time.perf_counter() - began
    print(f"N = {n:5d}: {n * PER_BASE:6d} points x 20 reps in {wall:7.1f} s "
          f"({wall / (n * PER_BASE) * 1000:.0f} ms a point)", flush=True)
    return wall


def resume(n: int, tmp: Path) -> bool:
    whole = tmp / f"n{n}"
    if not (whole / "indices.json").exists():
        explore(n, whole)
    killed = tmp / f"killed{n}"
    proc = explore(n, killed, wait=False)
    while len(list(killed.glob("*/summary.json"))) < n * PER_BASE // 2:
        if proc.poll() is not None:
            sys.exit("the study finished before it could be killed")
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list(killed.glob("*/summary.json")))
    began = time.perf_counter()
    explore(n, killed)
    a = json.loads((whole / "indices.json").read_text())["outcomes"]
    b = json.loads((killed / "indices.json").read_text())["outcomes"]
    same = a == b
    print(f"killed with {done} of {n * PER_BASE} points complete; the rerun finished in "
          f"{time.perf_counter() - began:.1f} s; indices {'identical' if same else 'DIFFER'}")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run N = 1,024 itself")
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="explore-bench-") as t:
        tmp = Path(t)
        if args.full:
            wall = timed(FULL_N, tmp)
            ok = wall <= TARGET_S
            print(f"full study: {wall / 60:.1f} min (target <= 30)")
        else:
            walls = [timed(n, tmp) for n in args.sizes]
            points = np.array([n * PER_BASE for n in args.sizes], dtype=float)
            b, a = np.polyfit(points, np.array(walls), 1)
            full = a + b * FULL_N * PER_BASE
            print(f"fit: {a:.1f} s + {b * 1000:.1f} ms a point; extrapolated to N = 1,024 "
                  f"({FULL_N * PER_BASE} points): {full / 60:.1f} min (target <= 30)")
            ok = full <= TARGET_S
        ok = resume(32, tmp) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
