"""Write `mutants-report.txt` from the last `mutmut run`: the score per module and the
surviving mutants with their diffs, after setting aside the equivalent mutants listed (with
the reason) in `tests/mutation/equivalent.toml`.

Run from the repository root, after `mutmut run` (as `make mutate` does):
`.venv/bin/python tests/mutation/report.py [REPORT]`.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

EQUIVALENT = Path(__file__).with_name("equivalent.toml")
DETECTED = ("killed", "timeout", "caught by type check")  # a test (or mypy) noticed it


@dataclass(frozen=True)
class Mutant:
    """One mutant and what became of it."""

    name: str
    status: str

    @property
    def module(self) -> str:
        return self.name.split(".x_")[0].split(".xǁ")[0]


def mutmut(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "mutmut", *args], capture_output=True,
                          text=True, check=True)
    return done.stdout


def results() -> list[Mutant]:
    """Every mutant of the last run with its status (`mutmut results --all true`)."""
    out = []
    for line in mutmut("results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            out.append(Mutant(name, status))
    return out


def equivalents() -> dict[str, str]:
    """Mutant name -> why no test can notice it (behaviour unchanged)."""
    data = tomllib.loads(EQUIVALENT.read_text())
    return {e["mutant"]: e["reason"] for e in data.get("equivalent", [])}


def score_lines(mutants: list[Mutant], equivalent: dict[str, str]) -> list[str]:
    by_module: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        by_module[m.module].append(m)
    head = (f"{'module':<24} {'total':>6} {'checked':>8} {'equiv':>6} {'killed':>7} "
            f"{'timeout':>8} {'survived':>9} {'no tests':>9} {'other':>6} {'score':>7}")
    lines = [head]
    rows = [*sorted(by_module.items()), ("all", mutants)]
    for module, ms in rows:
        eq = [m for m in ms if m.name in equivalent]
        rest = [m for m in ms if m.name not in equivalent and m.status != "not checked"]
        c = Counter(m.status for m in rest)
        other = len(rest) - c["killed"] - c["timeout"] - c["survived"] - c["no tests"]
        detected = sum(c[s] for s in DETECTED)
        score = f"{100 * detected / len(rest):6.1f}%" if rest else "    n/a"
        if module == "all":
            lines.append("-" * len(head))
        checked = sum(m.status != "not checked" for m in ms)
        lines.append(f"{module:<24} {len(ms):>6} {checked:>8} {len(eq):>6} {c['killed']:>7} "
                     f"{c['timeout']:>8} {c['survived']:>9} {c['no tests']:>9} {other:>6} "
                     f"{score:>7}")
    return lines


def main(argv: list[str]) -> int:
    report = Path(argv[0]) if argv else Path("mutants-report.txt")
    mutants = results()
    if not mutants:
        print("no mutation results: run `make mutate` (or `mutmut run`) first", file=sys.stderr)
        return 1
    equivalent = equivalents()
    status = {m.name: m.status for m in mutants}
    stale = sorted(n for n in equivalent if status.get(n, "gone") in (*DETECTED, "gone"))
    survivors = [m for m in mutants if m.name not in equivalent
                 and m.status not in (*DETECTED, "not checked")]
    unchecked = [m for m in mutants if m.status == "not checked"]
    lines = ["Mutation score: detected (killed, timed out) / (checked mutants - equivalent "
             "ones)", ""]
    lines += score_lines(mutants, equivalent)
    if unchecked:
        lines += ["", f"{len(unchecked)} mutants not checked yet (the run was stopped): "
                      "run `make mutate` again to go on"]
    lines += ["", f"Equivalent mutants set aside ({len(equivalent)}, tests/mutation/"
                  "equivalent.toml):"]
    lines += [f"  {n}: {why}" for n, why in sorted(equivalent.items())]
    if stale:
        lines += ["", "Listed as equivalent but now killed or gone (remove them from the list):"]
        lines += [f"  {n}" for n in stale]
    lines += ["", f"Surviving mutants ({len(survivors)}): a test should fail for each, or it "
                  "is equivalent", ""]
    summary = list(lines)
    for m in survivors:
        lines += [f"# {m.name}: {m.status}", mutmut("show", m.name).strip(), ""]
    report.write_text("\n".join(lines) + "\n")
    print("\n".join(summary[: summary.index("") + len(score_lines(mutants, equivalent)) + 1]))
    print(f"\n{len(survivors)} surviving mutants; the report, with their diffs: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
