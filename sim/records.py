"""The records a replication leaves behind, and the one table of their output columns.

This is the ground floor: it imports nothing of `sim`. The world fills a
`ReplicationResult`; the runner turns results into Arrow batches with `replication_table`
and `event_table`; the results layer writes them. A new output column is one line in
`REPLICATION_COLUMNS` (plus, if it needs a value the world does not yet measure, a field
here and the line of the world that fills it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

# One event of the trace: time (days), kind, name, actor, target, channel, CAMEO code,
# Goldstein weight, tension after, detail, and for agreements reached at a meeting or the
# summit: the package's distance to the Nash point and whether it is Pareto-optimal.
# The order is that of `EVENT_FIELDS`.
EventRow = tuple[float, str, str, str, str, str, str, float, float, str, float | None,
                 bool | None]


@dataclass(frozen=True, slots=True)
class ReplicationResult:
    """One replication as a flat, immutable record."""

    rep: int
    outcome: str
    summit_held: bool
    final_tension: float
    final_trust: tuple[float, ...]
    n_meetings_held: int
    n_meetings_postponed: int
    n_meetings_cancelled: int
    n_shocks: int
    n_talks_failed: int
    n_unravelled: int
    attended: tuple[bool, ...]
    agreed: tuple[bool, ...]
    deals: tuple[float, ...]  # agreed position per issue, NaN where none
    utilities: tuple[float, ...]
    nash_distance: float  # of the leaders' package on the summit's agenda; NaN: no such talks
    pareto_optimal: bool | None  # of that package; None: no such talks
    postponed_meetings: tuple[str, ...]
    simpy_events: int
    events: tuple[EventRow, ...]


@dataclass(frozen=True, slots=True)
class Failure:
    """A replication that raised: enough to rerun it alone, and what went wrong."""

    rep: int
    seed: int
    spawn_key: tuple[int, int]
    error: str

    def describe(self) -> str:
        return f"rep {self.rep} (seed {self.seed}, spawn_key {self.spawn_key}): {self.error}"


@dataclass(frozen=True, slots=True)
class Layout:
    """What a scenario adds to the column names: its parties, issues and summit date."""

    parties: tuple[str, ...]
    issues: tuple[str, ...]
    summit_date: str


Get = Callable[[ReplicationResult, int, Layout], Any]  # (result, party/issue index, layout)
F64, I64, BOOL, STR = pa.float64(), pa.int64(), pa.bool_(), pa.string()


@dataclass(frozen=True, slots=True)
class Column:
    """One output column: its name (`{}` takes a party or issue name), Arrow type, value."""

    name: str
    type: pa.DataType
    get: Get


def _field(name: str, type_: pa.DataType) -> Column:
    return Column(name, type_, lambda r, _i, _l: getattr(r, name))


# The columns of `replications.parquet`, in order. Each group is ("", columns) for one
# column each, or ("party"/"issue", columns) for columns repeated per party or issue.
REPLICATION_COLUMNS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    ("", (
        _field("rep", I64), _field("outcome", STR), _field("summit_held", BOOL),
        Column("summit_date", STR, lambda r, _i, lay: lay.summit_date if r.summit_held
               else None),
        _field("final_tension", F64), _field("n_meetings_held", I64),
        _field("n_meetings_postponed", I64), _field("n_meetings_cancelled", I64),
        _field("n_shocks", I64), _field("n_talks_failed", I64), _field("n_unravelled", I64),
        Column("n_agreed", I64, lambda r, _i, _l: sum(r.agreed)),
    )),
    ("party", (Column("attended_{}", BOOL,
                      lambda r, i, _l: bool(r.attended[i]) if r.attended else False),)),
    ("issue", (Column("agreed_{}", BOOL, lambda r, j, _l: r.agreed[j]),)),
    ("issue", (Column("deal_{}", F64, lambda r, j, _l: r.deals[j]),)),
    ("party", (Column("utility_{}", F64, lambda r, i, _l: r.utilities[i]),
               Column("trust_{}", F64, lambda r, i, _l: r.final_trust[i]))),
    ("", (
        _field("nash_distance", F64), _field("pareto_optimal", BOOL),
        Column("postponed_meetings", pa.list_(STR), lambda r, _i, _l: list(r.postponed_meetings)),
        _field("simpy_events", I64),
    )),
)

# The columns of `events.parquet`: the replication, the event's date, then `EventRow`.
EVENT_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("time", F64), ("kind", STR), ("name", STR), ("actor", STR), ("target", STR),
    ("channel", STR), ("cameo", STR), ("goldstein", F64), ("tension_after", F64),
    ("detail", STR), ("nash_distance", F64), ("pareto_optimal", BOOL),
)
EVENT_COLUMNS = tuple(name for name, _ in EVENT_FIELDS)
EVENT_SCHEMA = pa.schema([("rep", I64), ("date", STR), *EVENT_FIELDS])


def columns(layout: Layout) -> list[tuple[str, Column, int]]:
    """The replication columns of a scenario: (name, column, party or issue index)."""
    out = []
    for per, group in REPLICATION_COLUMNS:
        names = {"party": layout.parties, "issue": layout.issues}.get(per, ("",))
        for k, who in enumerate(names):
            out += [(c.name.format(who), c, k) for c in group]
    return out


def replication_schema(layout: Layout) -> pa.Schema:
    """Column types of `replications.parquet` for this layout."""
    return pa.schema([(name, c.type) for name, c, _ in columns(layout)])


def replication_table(layout: Layout, results: Sequence[ReplicationResult]) -> pa.RecordBatch:
    """One row per replication, as an Arrow batch with `replication_schema(layout)`."""
    cols = columns(layout)
    data = {name: [c.get(r, k, layout) for r in results] for name, c, k in cols}
    return pa.RecordBatch.from_pydict(data, schema=replication_schema(layout))


def event_table(results: Sequence[ReplicationResult], date_of: Callable[[float], str]
                ) -> pa.RecordBatch:
    """The events of `results`, one row each; `date_of` turns a time into an ISO date."""
    data: dict[str, list[Any]] = {name: [] for name in EVENT_SCHEMA.names}
    for r in results:
        for ev in r.events:
            data["rep"].append(r.rep)
            data["date"].append(date_of(ev[0]))
            for name, value in zip(EVENT_COLUMNS, ev, strict=True):
                data[name].append(value)
    return pa.RecordBatch.from_pydict(data, schema=EVENT_SCHEMA)
