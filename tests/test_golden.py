"""The golden trace: a fixed-seed replication of historical_2023 must not change by accident.

If the model or the scenario changed on purpose, run `make golden` and review the diff of
`tests/golden/historical_2023_seed0_rep0.csv`.
"""

from __future__ import annotations

import math

from tests.golden.regenerate import COLUMNS, GOLDEN, golden_rows, read_csv, to_csv

HINT = f"if the change is intended, run `make golden` and review the diff of {GOLDEN.name}"


def _same(want: str, got: str) -> bool:
    """Equal text, or numbers equal up to the last bits (libm may differ across machines)."""
    if want == got:
        return True
    try:
        return math.isclose(float(want), float(got), rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return False


def _show(row: dict[str, str]) -> str:
    return ", ".join(f"{c}={row.get(c, '')}" for c in COLUMNS)


def diff(expected: list[dict[str, str]], actual: list[dict[str, str]]) -> str:
    """A readable account of the first difference, or "" if the traces agree."""
    for i, (want, got) in enumerate(zip(expected, actual, strict=False)):
        bad = [c for c in COLUMNS if not _same(want.get(c, ""), got.get(c, ""))]
        if bad:
            return (f"event {i} (CSV line {i + 2}) differs in {', '.join(bad)}:\n"
                    f"  golden: {_show(want)}\n  now:    {_show(got)}")
    if len(expected) != len(actual):
        longer, which = (expected, "golden") if len(expected) > len(actual) else (actual, "now")
        extra = longer[min(len(expected), len(actual))]
        return (f"{len(expected)} events in the golden trace, {len(actual)} now; the first "
                f"extra event ({which}): {_show(extra)}")
    return ""


def test_golden_file_is_well_formed() -> None:
    assert GOLDEN.exists(), f"{GOLDEN} is missing; {HINT}"
    rows = read_csv(GOLDEN)
    assert rows and list(rows[0]) == list(COLUMNS), (
        f"the golden CSV's columns are not the trace's now; {HINT}")
    assert GOLDEN.read_text() == to_csv(rows), "the CSV is not in the form make golden writes"


def test_trace_matches_the_golden_trace() -> None:
    expected, actual = read_csv(GOLDEN), golden_rows()
    problem = diff(expected, actual)
    assert not problem, f"the golden replication changed: {problem}\n{HINT}"


def test_diff_names_the_first_changed_event() -> None:
    rows = read_csv(GOLDEN)
    changed = [dict(r) for r in rows]
    changed[3]["tension_after"] = str(float(changed[3]["tension_after"]) + 1e-6)
    assert diff(rows, changed).startswith("event 3 (CSV line 5) differs in tension_after")
    assert "events in the golden trace" in diff(rows, rows[:-1])
    assert diff(rows, [dict(r) for r in rows]) == ""
