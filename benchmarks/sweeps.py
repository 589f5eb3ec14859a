"""Sweep overhead, worker scaling and memory of `python -m sim`, as whole processes.

    python benchmarks/sweeps.py overhead   # 20 jobs x 500 reps vs 10,000 reps in one run
    python benchmarks/sweeps.py scaling    # 5,000 reps with 1 and 2 workers
    python benchmarks/sweeps.py memory     # peak RSS at 10,000 and 100,000 reps
    python benchmarks/sweeps.py all

Targets: overhead ratio <= 1.25; two workers >= 1.7x one; peak memory of 100,000 reps
< 500 MB and < 20 % above 10,000 reps. Each pair is measured alternately in one run, and
medians are reported, so a noisy machine moves both sides alike. Exits 1 if a target is
missed. Peak memory comes from `/usr/bin/time -v` (largest resident set of the process
and its waited-for workers).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUIET = ["progress=false", "plots=false"]


def run(args: list[str], out: Path, timed: bool = False) -> tuple[float, int]:
    """Wall seconds and peak RSS (kB, with /usr/bin/time -v) of one `python -m sim`."""
    cmd = [sys.executable, "-m", "sim", *args, *QUIET]
    if timed:
        cmd = ["/usr/bin/time", "-v", *cmd]
    began = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return wall, int(peak.group(1)) if peak else 0


def overhead(rounds: int, tmp: Path) -> bool:
    single = ["reps=10000", "workers=2"]
    sweep = ["-m", "scenario.relations.tension_half_life_days=range(50,70)", "reps=500",
             "workers=2", "crn=false"]
    a, b = [], []
    for r in range(rounds):
        a.append(run([*single, f"hydra.run.dir={tmp}/single{r}"], tmp)[0])
        b.append(run([*sweep, f"hydra.sweep.dir={tmp}/sweep{r}"], tmp)[0])
    ratio = statistics.median(y / x for x, y in zip(a, b, strict=True))
    print(f"one run of 10,000 reps: {statistics.median(a):.2f} s (median of {rounds})")
    print(f"sweep of 20 jobs x 500:  {statistics.median(b):.2f} s")
    print(f"overhead ratio: {ratio:.3f} (target <= 1.25)")
    return ratio <= 1.25


def _burn(n: int = 10_000_000) -> float:
    began, total = time.perf_counter(), 0
    for i in range(n):
        total += i * i % 7
    return time.perf_counter() - began


def hardware_ceiling(rounds: int) -> float:
    """Speed-up of two processes over one on a pure-Python loop: what the machine allows."""
    import multiprocessing as mp

    ratios = []
    with mp.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [10, 10])
        for _ in range(rounds):
            alone = pool.apply(_burn)
            began = time.perf_counter()
            pool.map(_burn, [10_000_000] * 2, chunksize=1)
            ratios.append(2 * alone / (time.perf_counter() - began))
    return statistics.median(ratios)


def scaling(rounds: int, tmp: Path) -> bool:
    phase: dict[int, list[float]] = {1: [], 2: []}
    whole: dict[int, list[float]] = {1: [], 2: []}
    for r in range(rounds):
        for w in (1, 2):
            out = tmp / f"w{w}-{r}"
            whole[w].append(run(["reps=5000", f"workers={w}", f"hydra.run.dir={out}"], tmp)[0])
            perf = json.loads((out / "summary.json").read_text())["perf"]
            phase[w].append(perf["wall_seconds"])
    speedup = statistics.median(x / y for x, y in zip(phase[1], phase[2], strict=True))
    whole_speedup = statistics.median(x / y for x, y in zip(whole[1], whole[2], strict=True))
    print(f"5,000 reps, replication phase: 1 worker {statistics.median(phase[1]):.2f} s, "
          f"2 workers {statistics.median(phase[2]):.2f} s: speed-up {speedup:.2f} (target >= 1.7)")
    print(f"whole process (with start-up): speed-up {whole_speedup:.2f}")
    print(f"this machine's ceiling, two processes on a pure-Python loop: "
          f"{hardware_ceiling(rounds):.2f}")
    return speedup >= 1.7


def memory(tmp: Path) -> bool:
    peaks = {}
    for reps in (10_000, 100_000):
        peaks[reps] = run([f"reps={reps}", "workers=2", f"hydra.run.dir={tmp}/m{reps}"], tmp,
                          timed=True)[1] / 1024
        print(f"{reps:>7,} reps: peak RSS {peaks[reps]:.0f} MB")
    growth = peaks[100_000] / peaks[10_000] - 1
    print(f"growth from 10,000 to 100,000: {100 * growth:.1f} % (target < 20 %, peak < 500 MB)")
    return peaks[100_000] < 500 and growth < 0.20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["overhead", "scaling", "memory", "all"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.what in ("overhead", "all"):
            ok &= overhead(args.rounds, tmp)
        if args.what in ("scaling", "all"):
            ok &= scaling(args.rounds, tmp)
        if args.what in ("memory", "all"):
            ok &= memory(tmp)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
