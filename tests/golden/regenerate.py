"""The golden trace: one traced replication of historical_2023 (seed 0, replication 0).

`make golden` (or `python tests/golden/regenerate.py`) rewrites
`historical_2023_seed0_rep0.csv` from the current model; `tests/test_golden.py` checks
the model against it. After an intended change to the model or the scenario, regenerate
and review the diff of the CSV: every changed row is a changed event.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

from sim.records import EVENT_COLUMNS

SCENARIO, SEED, DESIGN_POINT, REP = "historical_2023", 0, 0, 0
GOLDEN = Path(__file__).resolve().with_name(f"{SCENARIO}_seed{SEED}_rep{REP}.csv")
COLUMNS = ("time", "date", *(c for c in EVENT_COLUMNS if c != "time"))


def cell(value: object) -> str:
    """A trace value as CSV text: floats in full precision, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def golden_rows() -> list[dict[str, str]]:
    """The events of the golden replication, as the CSV's rows (floats in full precision)."""
    from hydra import compose, initialize_config_dir

    from sim.config.load import CONF_DIR, load_run
    from sim.scenario import compile_scenario
    from sim.streams import streams_for
    from sim.world.replication import run_replication

    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"scenario={SCENARIO}"])
    sc = compile_scenario(load_run(cfg).scenario)
    result = run_replication(sc, streams_for(SEED, DESIGN_POINT, REP), trace=True)
    rows = []
    for event in result.events:
        row = {c: cell(v) for c, v in zip(EVENT_COLUMNS, event, strict=True)}
        row["date"] = sc.date_of(event[0]).isoformat()
        rows.append({c: row[c] for c in COLUMNS})
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def write(path: Path = GOLDEN) -> int:
    """Write the golden CSV atomically; return the number of events."""
    rows = golden_rows()
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(to_csv(rows))
    os.replace(tmp, path)
    return len(rows)


def main() -> None:
    n = write()
    print(f"wrote {n} events of {SCENARIO} (seed {SEED}, replication {REP}) to {GOLDEN}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
