"""A multirun sweep directory: jobs in numbered subdirectories, gathered into tables.

`finalize_sweep` reads only what the jobs saved: each complete job's `summary.json` makes
one row of `sweep.parquet`, and the jobs' `replications.parquet` files are streamed, row
group by row group, into one sweep-level `replications.parquet` with the job's swept
values as columns — never held whole in memory. `manifest.json` records the commit,
versions, root seed and each job's config hash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim import results
from sim.config.convert import INT64
from sim.config.errors import ConfigError, one_line
from sim.model.outcome import OUTCOMES
from sim.saved import Job, Manifest

if TYPE_CHECKING:
    from hydra.core.override_parser.types import Override

MULTIRUN = results.MULTIRUN  # the sweep's config, saved by Hydra in the sweep's folder
SWEEP_TABLE = "sweep.parquet"  # one row per job, written by `finalize_sweep`
MANIFEST = "manifest.json"  # the sweep's jobs, seed and provenance, written with it


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """`key=value` overrides as a mapping, each value as Hydra's grammar reads it: a number,
    bool or text (Hydra's escapes in a sweep's jobs, as in `$\\{vars.x\\}`, undone), else
    as written (a list, a mapping, null)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parse = OverridesParser.create().parse_override
    out: dict[str, Any] = {}
    for item in items:
        try:
            out.update(override_values([parse(item)]))
        except Exception:  # not Hydra's grammar (Hydra's parser raises several kinds): as written
            key, _, value = item.lstrip("+~").partition("=")
            out[key] = value
    return out


def override_values(parsed: Sequence[Override]) -> dict[str, Any]:
    """Overrides Hydra's parser has read, as `parse_overrides` gives them."""
    out: dict[str, Any] = {}
    for o in parsed:
        key, _, value = (o.input_line or "").lstrip("+~").partition("=")
        read = o.value()
        out[key] = read if isinstance(read, int | float | bool | str) else value
    return out


def one_type_per_key(overrides: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each job's override values such that a key's values share one type, for a column of
    the sweep's tables: as they are where they do (whole numbers and others as numbers),
    else each as its text (`reps=auto,1000`, `kappa=null,0.3`, or a free value's whole
    number beyond a table's 64 bits)."""
    def kind(v: object) -> str:
        if isinstance(v, int) and not INT64[0] <= v <= INT64[1]:  # a bool is 0 or 1
            return "text"
        return "bool" if isinstance(v, bool) else (
            "number" if isinstance(v, int | float) else type(v).__name__)

    kinds: dict[str, set[str]] = {}
    for o in overrides:
        for k, v in o.items():
            kinds.setdefault(k, set()).add(kind(v))
    mixed = {k for k, found in kinds.items() if len(found) > 1 or "text" in found}
    return [{k: str(v) if k in mixed else v for k, v in o.items()} for o in overrides]


def swept_keys(overrides: list[dict[str, Any]]) -> list[str]:
    """Override keys whose value differs between jobs (all keys for a single job)."""
    keys: list[str] = []
    for o in overrides:
        keys += [k for k in o if k not in keys]
    if len(overrides) <= 1:
        return keys
    return [k for k in keys if len({repr(o.get(k)) for o in overrides}) > 1]


def discard_unstarted(sweep_dir: Path) -> None:
    """Take back the folder Hydra made for a sweep refused before any job ran: the config
    it saved there (multirun.yaml) and the folder, when nothing else is in it but the
    sweep's hold (`results.LOCK`), and the folders above it, below the working
    directory, that this leaves empty (`multirun/`)."""
    if sweep_dir.is_dir() and {p.name for p in sweep_dir.iterdir()} <= {MULTIRUN, results.LOCK}:
        for name in (MULTIRUN, results.LOCK):
            (sweep_dir / name).unlink(missing_ok=True)
        sweep_dir.rmdir()
        here = Path.cwd().absolute()
        for parent in sweep_dir.absolute().parents:
            if here not in parent.parents or any(parent.iterdir()):
                break
            parent.rmdir()


def check_kind(folder: Path, key: str, given: str) -> None:
    """A sweep's folder holds a sweep (`results.check_holds`), checked after another
    sweeper than summitsim's saved the sweep's config there: taken back if refused."""
    try:
        results.check_holds(folder, key, given, "sweep")
    except ConfigError:
        (folder / MULTIRUN).unlink(missing_ok=True)
        raise


def job_dirs(sweep_dir: Path, jobs: int | None = None) -> list[Path]:
    """Numbered job subdirectories, in job order: the first `jobs` (if given), those of the
    sweep that ran, not of an earlier, larger sweep into the same folder."""
    return sorted((p for p in sweep_dir.iterdir() if p.is_dir() and p.name.isdigit()
                   and (jobs is None or int(p.name) < jobs)), key=lambda p: int(p.name))


# The columns of `sweep.parquet` that every sweep has, beside the swept keys and the shares.
SWEEP_COLUMNS = ("job", "overrides", "scenario", "reps", "failures", "p_summit",
                 "p_summit_ci_low", "p_summit_ci_high", "config_hash", "dir")


def _row(job: int, path: Path, s: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"job": job, **s.get("overrides", {})}
    row.update({
        "overrides": " ".join(f"{k}={v}" for k, v in s.get("overrides", {}).items()),
        "scenario": s["scenario"], "reps": s["reps"], "failures": s.get("failures", 0),
        "p_summit": s["p_summit"]["estimate"], "p_summit_ci_low": s["p_summit"]["ci_low"],
        "p_summit_ci_high": s["p_summit"]["ci_high"],
    })
    row.update({f"share_{o}": s["outcome_shares"].get(o, 0.0) for o in OUTCOMES})
    row.update({f"p_agreed_{i}": v["estimate"] for i, v in s["p_agreed"].items()})
    row.update({"config_hash": s["config_hash"], "dir": path.name})
    return row


def finalize_sweep(sweep_dir: Path, n_jobs: int | None = None) -> Path:
    """Write `sweep.parquet`, `replications.parquet` and `manifest.json` of the first
    `n_jobs` job directories (all if None); return the table."""
    import pandas as pd

    for stale in sweep_dir.glob(".*.tmp"):  # left by a gathering that was killed
        stale.unlink(missing_ok=True)
    jobs: list[Job] = []
    complete = []
    for path in job_dirs(sweep_dir, n_jobs):
        summary_path = path / results.SUMMARY
        done = summary_path.exists()
        s = json.loads(summary_path.read_text()) if done else {}
        jobs.append({"job": int(path.name), "overrides": s.get("overrides", {}),
                     "config_hash": s.get("config_hash"), "complete": done})
        if done:
            complete.append((int(path.name), path, s))
    columns = one_type_per_key([s.get("overrides", {}) for _, _, s in complete])
    complete = [(job, path, s | {"overrides": o}) for (job, path, s), o in zip(
        complete, columns, strict=True)]
    swept = swept_keys(columns)
    table = pd.DataFrame([_row(job, path, s) for job, path, s in complete])
    _gather_replications(sweep_dir, complete, swept)  # first: a job's table may not read
    results.write_parquet(table, sweep_dir / SWEEP_TABLE)
    first = complete[0][2] if complete else {}
    manifest: Manifest = {
        "swept_keys": swept, "seed": first.get("seed"), "crn": first.get("crn"),
        "git_commit": first.get("git_commit", "unknown"),
        "versions": first.get("versions", {}), "jobs": jobs,
    }
    results.write_json(manifest, sweep_dir / MANIFEST)
    return sweep_dir / SWEEP_TABLE


@contextmanager
def _reading(sweep_dir: Path, table: Path) -> Iterator[None]:
    """A job's `table` that cannot be read as the sweep is gathered (damaged since the job
    completed: a copy, a disk) is one line naming it, and how to run that job again."""
    try:
        yield
    except (pa.ArrowException, OSError) as e:
        raise ConfigError("hydra.sweep.dir", str(sweep_dir), f"{table} cannot be read "
                          f"({one_line(str(e))}); remove {table.parent} and run the sweep "
                          "again, which runs that job again") from None


def _gather_replications(sweep_dir: Path, complete: list[tuple[int, Path, dict[str, Any]]],
                         swept: list[str]) -> None:
    """Stream every job's replications into one file with job and swept columns."""
    schemas = []
    for _, path, _ in complete:
        with _reading(sweep_dir, path / results.REPLICATIONS):
            schemas.append(pq.read_schema(path / results.REPLICATIONS))
    fields: dict[str, pa.Field] = {"job": pa.field("job", pa.int64())}
    for key in swept:
        values = [s.get("overrides", {}).get(key) for _, _, s in complete]
        fields[key] = pa.field(key, pa.array(values).type)
    for schema in schemas:
        for f in schema:
            fields.setdefault(f.name, f)
    schema = pa.schema(list(fields.values()))
    out = results.TableWriter(sweep_dir / results.REPLICATIONS, schema)
    try:
        for job, path, s in complete:
            with _reading(sweep_dir, path / results.REPLICATIONS):
                source = pq.ParquetFile(path / results.REPLICATIONS)
            for group in range(source.num_row_groups):
                with _reading(sweep_dir, path / results.REPLICATIONS):
                    part = source.read_row_group(group)
                n = part.num_rows
                columns = []
                for f in schema:
                    if f.name == "job":
                        columns.append(pa.array([job] * n, type=f.type))
                    elif f.name in swept:
                        value = s.get("overrides", {}).get(f.name)
                        columns.append(pa.array([value] * n, type=f.type))
                    elif f.name in part.column_names:
                        columns.append(part.column(f.name).cast(f.type))
                    else:
                        columns.append(pa.nulls(n, type=f.type))
                out.write_table(pa.Table.from_arrays(columns, schema=schema))
    except BaseException:
        out.abort()
        raise
    out.close()
