"""One compose for every command, and one table that turns Hydra's errors into one line.

Every command composes its config with `compose`; whatever Hydra, OmegaConf or YAML raise
on the way goes through `composition_error`, which reads the message against `EXPLAINED`
and returns a `ConfigError` naming the key (or file) and the value.
"""

from __future__ import annotations

import dataclasses
import glob
import math
import os
import re
import sys
import tempfile
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from sim.config.checks import Context
from sim.config.convert import hint_at, refusal
from sim.config.errors import (
    ConfigError,
    exception_chain,
    one_line,
    under_a_value,
    unknown_name,
    yaml_error,
)
from sim.config.load import (
    CONF_DIR,
    FORBIDDEN_KEYS,
    MAX_DEPTH,
    NAME_MAX_BYTES,
    NO_JOB,
    SEARCHPATH,
    as_written,
    check_file,
    check_outside_configs,
    code_error,
    hydra_schema,
    known_configs,
    left_open,
    load_run,
    longest_name,
    omegaconf_reason,
    plain,
    quoted,
    search_dirs,
    unresolved,
)
from sim.config.schema import RunConf

if TYPE_CHECKING:
    from hydra.core.override_parser.types import Override

# What the entries of a named collection are called, for "unknown shock 'x'" messages.
ENTRY_KINDS = {
    "parties": "party", "issues": "issue", "channels": "channel", "meetings": "meeting",
    "shocks": "shock", "concessions": "concession", "stances": "issue", "move": "issue",
    "event_codes": "event kind",
}


# Folders of conf/ that are not groups of a command's config, and what they hold.
NOT_GROUPS = {
    "base": "a scenario's parts, named in a scenario file's defaults (docs/scenarios.md)",
    "questions": "question banks: python -m sim.forecast questions=NAME, or a backtest's file",
    "explore": "studies: python -m sim.explore NAME",
    "backtest": "backtests: python -m sim.backtest NAME",
    "calibrate": "calibrations: python -m sim.calibrate NAME",
}


def compose(overrides: Sequence[str], config_name: str = "config", config_dir: Path = CONF_DIR,
            hydra: bool = False) -> DictConfig:
    """Compose a config of `config_dir` with Hydra overrides (and Hydra's own node if asked).

    Hydra's exceptions pass through: `composition_error` turns them into one line.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    check_groups(overrides)
    with initialize_config_dir(config_dir=str(config_dir), version_base="1.3"):
        return hydra_compose(config_name, overrides=list(overrides), return_hydra_config=hydra)


def compose_checked(overrides: list[str]) -> RunConf:
    """Compose `python -m sim`'s config and check it; `ConfigError` (one line) if it is bad."""
    without_hydra(overrides)
    try:
        cfg = compose(overrides)
    except Exception as e:  # Hydra and YAML raise many kinds; all mean bad input
        raise composition_error(e, overrides) from None
    check_values(overrides)
    return load_run(cfg)


def check_values(overrides: Sequence[str], schema: type = RunConf) -> None:
    """The command line's deletions (`check_deletions`), whole numbers and true/false
    values, checked by the schema's converter as the summitsim launcher checks a sweep's
    jobs (`set_value`, then `load`): Hydra's own composing takes more (1 or -1 for true,
    '5' for 5)."""
    check_deletions(overrides, schema)
    for key, value in (_parts(o) for o in overrides if not o.startswith("~")):
        given = _parsed(key, value) if hint_at(schema, key) in (bool, int) else None
        if given is not None and "${" not in str(given):  # an interpolation: checked resolved
            found = refusal(hint_at(schema, key, optional=True), given, key)
            if found is not None:
                raise found


def check_deletions(overrides: Sequence[str], schema: type = RunConf) -> None:
    """Refuse deleting (~KEY) a key of the schema's own, as Hydra refuses it below the top
    level, where it would bring the schema's default back unasked (an entry of a named
    collection, such as a shock, may go)."""
    for key in (_parts(o)[0] for o in overrides if o.startswith("~")):
        if hint_at(schema, key, optional=True) is not None and dataclasses.is_dataclass(
                hint_at(schema, key.rpartition(".")[0])):
            raise _kept(schema, key, "")


def check_groups(overrides: Sequence[str]) -> None:
    """Refuse a folder of conf/ chosen as if it were a group of the config (`NOT_GROUPS`),
    a key too long to name a file, which Hydra looks for as a group's folder, and a value
    nested deeper than a config file may be (`MAX_DEPTH`), which OmegaConf, merging by
    recursion, may not reach the end of."""
    for key, value in map(_parts, overrides):
        if _nesting(value) > MAX_DEPTH:
            raise ConfigError(key, value, f"nests lists or mappings {_nesting(value)} deep; a "
                              f"value may nest them {MAX_DEPTH} deep")
        if longest_name(key) > NAME_MAX_BYTES:  # Hydra looks for a folder of that name
            raise ConfigError(key, value, f"unknown key; none is {longest_name(key)} bytes "
                              "long (see --help for the knobs)")
        if key.strip("/") in NOT_GROUPS:
            raise ConfigError(key, value, f"not a key of this command's config; conf/"
                              f"{key.strip('/')}/ holds {NOT_GROUPS[key.strip('/')]}")


def without_hydra(overrides: Sequence[str]) -> None:
    """Refuse what only Hydra's own command line takes where a config is composed alone:
    Hydra's settings, which it would drop (but for its search path, the user's folders,
    which it reads as it composes), and a sweep, which only its multirun splits into jobs."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    for o in overrides:
        key, value = _parts(o)
        if key != SEARCHPATH and (key == "hydra" or key.startswith(("hydra.", "hydra/"))):
            raise ConfigError(key, value, NO_JOB)
        try:
            swept = OverridesParser.create().parse_override(o).is_sweep_override()
        except Exception:  # Hydra's parser raises several kinds: told as it composes
            swept = False
        if swept:
            raise ConfigError(key, value, "several values are a sweep, and this command runs "
                              "one config: give one value (or write a list as [a, b])")


def override_value(overrides: Sequence[str], key: str) -> str:
    """The value given to `key` on the command line, or "" if none."""
    return next((v for k, v in map(_parts, overrides) if k == key), "")


def overriding(overrides: Sequence[str], keys: Sequence[str]) -> tuple[int, str, str] | None:
    """The first override that sets one of `keys` (its index, key and value): keys that a
    command sets itself after the user's overrides, where the user's would be lost."""
    return next(((i, k, v) for i, (k, v) in enumerate(map(_parts, overrides)) if k in keys),
                None)


def _parts(override: str) -> tuple[str, str]:
    name, _, value = override.lstrip("+~").partition("=")
    return name, value


def unknown_at(data: Any, key: str, value: object, schema: type = RunConf, prefix: str = "",
               deleting: bool = False) -> ConfigError:
    """A dotted `key` that `data` (a composed config) lacks: an unknown entry of a named
    collection (with the known ones), a new entry of a mapping of plain values (added with
    +), a forbidden code key, or an unknown key of the schema (Hydra's, under `hydra.`).
    `prefix` is put before the key where the line shows how to write it (`deleting`: ~key)."""
    parts = key.split(".")
    if parts[-1] in FORBIDDEN_KEYS:
        return code_error(key, value)
    below = _below_a_value(schema, key, value)
    if below is not None:
        return below
    if parts[0] == "hydra" and len(parts) > 1:  # Hydra's own node, by Hydra's schema
        return ConfigError(key, value, unknown_at(None, key[6:], value, hydra_schema(),
                                                  "hydra.", deleting).allowed)
    node = data
    for i, part in enumerate(parts):
        hint, last = hint_at(schema, ".".join(parts[:i])), i == len(parts) - 1
        free = typing.get_origin(hint) is dict and not dataclasses.is_dataclass(
            typing.get_args(hint)[-1])  # a mapping of plain values, which + may extend
        if free and not node and last:
            where = prefix + ".".join(parts[:i])
            return ConfigError(key, value, f"no such entry to delete; {where} is empty"
                               if deleting else f"no such entry; add one with +{prefix}{key}=VALUE")
        if isinstance(node, dict) and part not in node and typing.get_origin(hint) is dict:
            unknown = unknown_name(".".join(parts[:i + 1]), part, [str(n) for n in node],
                                   ENTRY_KINDS.get(parts[i - 1], "entry"))
            if free and last:  # a typo, or a new entry: + adds it
                return ConfigError(key, value, f"{unknown.allowed}; add a new one with "
                                   f"+{prefix}{key}=VALUE")
            return unknown
        if dataclasses.is_dataclass(hint) and part not in (
                known := [f.name for f in dataclasses.fields(hint)]):
            return ConfigError(key, value, unknown_name(key, part, known, "key").allowed)
        if isinstance(node, dict) and part in node and node[part] is None and not last:
            return ConfigError(key, value, f"{prefix}{'.'.join(parts[:i + 1])} is null (none "
                               f"by default), so it has no {parts[i + 1]!r}: give it a value "
                               "first (docs/scenarios.md)")
        if isinstance(node, list) and part.isdigit():  # an item past the end, or deleted
            past = list_item(".".join(parts[:i + 1]), value, node, deleting and last)
            if past is not None:
                return ConfigError(key, value, past.allowed)
        try:
            node = item(node, part)
        except KeyError:
            node = None
    if deleting and hint_at(schema, key) is not None:  # an entry composed without it
        return _kept(schema, key, value, prefix)
    return ConfigError(key, value, "unknown key; see --help for the knobs")


def number_at(data: dict[str, Any], key: str, where: str, what: str) -> type:
    """The type (int or float) of the number at dotted `key` of a composed run config
    (`data`), which a study's factor or a calibration's prior (`what`) varies; else a
    `ConfigError` at `where`: a key the config lacks, or one that holds no number."""
    node: Any = data
    parts = key.split(".")
    for i, part in enumerate(parts):
        try:
            node = item(node, part)
        except KeyError:  # a list's item past its end: it varies one number, not the list
            past = list_item(".".join(parts[:i + 1]), key, node, False, whole=False) if (
                isinstance(node, list) and part.isdigit()) else None
            raise ConfigError(where, key, (past or unknown_at(data, key, key)).allowed) from None
    hint = hint_at(RunConf, key)
    if hint not in (int, float):
        raise ConfigError(where, node, f"a {what} must be a number in the scenario; this "
                          f"key holds {type(node).__name__}")
    return typing.cast(type, hint)


def item(node: Any, part: str) -> Any:
    """A mapping's entry `part`, or a list's item by its number; KeyError if it has none."""
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    if not isinstance(node, dict) or part not in node:
        raise KeyError(part)
    return node[part]


@dataclass(frozen=True)
class Failed:
    """A failed composition: the exceptions raised, the command line, the config and schema."""

    chain: list[BaseException]
    overrides: list[str]
    config_name: str
    schema: type


Explain = Callable[[re.Match[str], Failed], ConfigError]


def _unparsable(m: re.Match[str], f: Failed) -> ConfigError:
    reason = next((one_line(str(c)) for c in f.chain[1:] if str(c).strip()), "")
    return _cannot_parse(m.group(1), reason, f.overrides, f.config_name)


def _cannot_parse(override: str, reason: str, overrides: Sequence[str], config_name: str
                  ) -> ConfigError:
    """An override Hydra's grammar cannot read; a config's bare name, with its group's key."""
    key, value = _parts(override)
    chosen = chosen_as(override, overrides) if "=" not in override and (
        config_name == "config") else ""
    if chosen:
        return ConfigError(override, "", f"a name alone is not an override; write {chosen}")
    if value.startswith("~"):  # a path from the home folder, as a shell leaves it after KEY=
        return ConfigError(key, value, "Hydra's grammar does not read ~; for the home folder, "
                           "write ${oc.env:HOME}/...")
    return ConfigError(key or override, value, f"cannot parse this override ({reason}); "
                       "write KEY=VALUE and quote values with spaces or special characters")


def chosen_as(name: str, overrides: Sequence[str] = ()) -> str:
    """How `python -m sim` chooses a config `name` of a group of conf/ (or the user's
    folders), as a user means a bare name: `GROUP=name`, or `+GROUP=name` where the
    config chooses none of that group; "" if no group has it."""
    groups = sorted({p.parent.name for d in search_dirs(overrides)
                     for p in d.glob(f"*/{glob.escape(name)}.yaml") if not p.is_dir()}
              - set(NOT_GROUPS))
    defaults = as_written(CONF_DIR / "config.yaml")["defaults"]
    chosen = {str(next(iter(d))) for d in defaults if isinstance(d, dict)}
    return ", or ".join(f"{'' if g in chosen else '+'}{g}={name}" for g in groups)


def _unknown_key(m: re.Match[str], f: Failed) -> ConfigError:
    key = m.group(1) or m.group(2)
    value = override_value(f.overrides, key)
    if f"~{key}" in f.overrides:  # deleted, then set
        value = override_value([o for o in f.overrides if not o.startswith("~")], key)
        return ConfigError(key, value, f"deleted earlier on the command line (~{key}); "
                           "drop that to set it")
    hint = _hint(f.schema, key)
    mapping = typing.get_origin(hint) is dict or dataclasses.is_dataclass(hint)
    found = _converted(key, value, f.schema) if mapping else None  # a key it lacks, a bad value
    if found is not None:
        return found
    if mapping and value.startswith("{"):  # a new entry, or new entries of a mapping
        added = _with_collection(key, value, f.schema)  # a typo'd name, or a new one
        return ConfigError(key, value, f"{_unknown_in_rest(f, key, value).allowed}; {added}"
                           if added else MERGES.format(key=key))
    known = known_configs(key, f.overrides) if hint is None else []
    if known and value in known:
        return ConfigError(key, value, f"no {key} is chosen by default; add one with "
                           f"+{key}={value}")
    if known:
        return ConfigError(key, value, unknown_name(key, value, known, key).allowed +
                           f"; none is chosen by default: add one with +{key}=NAME")
    return _unknown_in_rest(f, key, value)


def _unknown_in_rest(f: Failed, key: str, value: str, deleting: bool = False) -> ConfigError:
    """A key the config lacks, told against the config composed without its override (a
    sweep's other overrides at their first values: its first job)."""
    return unknown_at(_compose_plain(_others(f, key), f.config_name), key, value, f.schema,
                      deleting=deleting)


def _others(f: Failed, key: str = "") -> list[str]:
    """The overrides of a failed composition but those of `key`, as the first job of its
    sweep has them (one that cannot be read so left out)."""
    return [o for o in (first_job(x, f.overrides) for x in f.overrides)
            if o and _parts(o)[0] != key]


def first_job(override: str, overrides: Sequence[str] = ()) -> str:
    """An override as the first job of a sweep has it ("" if it cannot be read so, or the
    sweep has no value); a glob chooses among its group's configs, in conf/ and the folders
    on the search path of `overrides`, in order, as Hydra's sweeper does."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        [o] = as_swept([OverridesParser.create().parse_override(override)], overrides,
                       overrides)
        if not o.is_sweep_override():
            return str(o.input_line)
        return f"{override.partition('=')[0]}={next(iter(o.sweep_string_iterator()))}"
    except Exception:  # unparsable or an empty sweep: Hydra's parser raises many kinds
        return ""


def parses(override: str) -> bool:
    """Whether Hydra's grammar reads `override`."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        OverridesParser.create().parse_override(override)
        return True
    except Exception:  # Hydra's parser raises several kinds
        return False


MAX_SWEEP_JOBS = 100_000  # each is checked before any runs; a study samples larger designs


def _values_of(o: Override) -> int:
    """How many values a swept override gives, counted rather than listed: a range may
    count far."""
    from hydra.core.override_parser.types import RangeSweep, ValueType

    if o.value_type == ValueType.RANGE_SWEEP:
        counted = typing.cast(RangeSweep, o.value())
        start, stop, step = counted.start or 0, counted.stop or 0, counted.step or 1
        return max(0, math.ceil((stop - start) / step))
    return len(getattr(o.value(), "list", ())) or 1  # a glob left, an interval: told later


def as_swept(parsed: Sequence[Override], overrides: Sequence[str],
             given: Sequence[str]) -> list[Override]:
    """A sweep's parsed overrides as its sweeper splits them into jobs, each glob as the
    configs it chooses (`scenario=a,b`): of its group, in conf/ and the folders on the search
    path of `overrides`, in order. Hydra's own glob chooses among conf/'s alone (its issue
    1942). One that chooses none is kept; one among a list's values (`scenario=glob(a*),b`),
    which Hydra takes as a mapping, is refused, and so is a range by a step of 0 or to an
    infinite or NaN bound, which counts nowhere or for ever, each at its key as the user gave
    it (`given`: the command line, or a file's sweep); so is a sweep of more than
    `MAX_SWEEP_JOBS` jobs, at its widest key, before its jobs are listed (they filled the
    memory)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import Glob, RangeSweep, ValueType

    out = list(parsed)
    for i, o in enumerate(parsed):
        if o.value_type == ValueType.RANGE_SWEEP:
            counted = typing.cast(RangeSweep, o.value())
            finite = all(math.isfinite(x or 0) for x in (counted.start, counted.stop,
                                                          counted.step))
            if not finite or counted.step == 0:
                why = ("a range's step cannot be 0" if finite
                       else "a range counts between finite numbers")
                raise ConfigError(_as_given(o, given), _value(o), f"{why}: range(start,stop,"
                                  "step) counts from start by step up to stop")
        if o.is_sweep_override() and any(isinstance(v, Glob) for v in getattr(
                o.value(), "list", ())):
            raise ConfigError(_as_given(o, given), _value(o), "a glob is a sweep of its own, "
                              "not one of a list's values; give it every pattern and name, "
                              "as scenario=glob([no_*,historical_2023])")
        if o.value_type == ValueType.GLOB_CHOICE_SWEEP:
            names = typing.cast(Glob, o.value()).filter(known_configs(o.key_or_group, overrides))
            if names:
                out[i] = OverridesParser.create().parse_override(
                    f"{str(o.input_line).partition('=')[0]}={','.join(map(quoted, names))}")
    values = [_values_of(o) if o.is_sweep_override() else 1 for o in out]
    jobs = math.prod(values)
    if jobs > MAX_SWEEP_JOBS:
        widest = parsed[values.index(max(values))]  # as the user gave it (a glob's pattern)
        raise ConfigError(_as_given(widest, given), _value(widest), f"makes a sweep of "
                          f"{jobs:,} jobs, each checked before any runs; a sweep may have "
                          f"{MAX_SWEEP_JOBS:,} (a study samples a larger design: "
                          "python -m sim.explore, docs/explore.md)")
    return out


def _parsed(key: str, value: str) -> Any:
    """An override's value as data, as Hydra's grammar reads it."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return OverridesParser.create().parse_override(f"{key}={value}").value()


def _converted(key: str, value: str, schema: type) -> ConfigError | None:
    """What the converter says of an override's value at its key, if it refuses it."""
    hint = _hint(schema, key)  # Hydra's node by Hydra's schema
    return refusal(hint, _parsed(key, value), key) if hint is not None else None


def _with_collection(key: str, value: str, schema: type, entry: str = "") -> str:
    """How a key of a new entry of a named collection (`scenario.shocks.x`, or a key in it)
    is given, as Hydra adds one only with its collection: `++scenario.shocks={x: {...}}`
    with the value given; "" if the key is not in one. `entry` is the entry's schema, where
    Hydra names it; else the key's last part is the entry."""
    parts = key.split(".")
    for i in range(len(parts) - 1, 0, -1):
        hint = hint_at(schema, ".".join(parts[:i]))
        kind = typing.get_args(hint)[-1] if typing.get_origin(hint) is dict else None
        if dataclasses.is_dataclass(kind) and (getattr(kind, "__name__", "") == entry or (
                not entry and i == len(parts) - 1)):
            break
    else:
        return ""
    collection, what = ".".join(parts[:i]), ENTRY_KINDS.get(parts[i - 1], "entry")
    return (f"a new {what} is added with its collection: "
            f"++{collection}={_nested(parts[i:], value)}")


def _nested(keys: Sequence[str], value: str) -> str:
    """A value given to dotted `keys`, as the mapping given to the key above them:
    `{a: {b: VALUE}}` for a.b."""
    for key in reversed(keys):
        value = f"{{{key}: {value}}}"
    return value


def _undeletable(m: re.Match[str], f: Failed) -> ConfigError:
    """A key deleted (~KEY) that the config does not have."""
    return _unknown_in_rest(f, m.group(1), "", deleting=True)


def _kept(schema: type, key: str, value: object, prefix: str = "") -> ConfigError:
    """A key of the schema deleted (~KEY), which cannot be: it always has a value."""
    if type(None) in typing.get_args(hint_at(schema, key, optional=True)):
        return ConfigError(key, value, f"cannot be deleted: a key of the schema always has a "
                           f"value; write {prefix}{key}=null for none")
    return ConfigError(key, value, f"cannot be deleted: a key of the schema always has a "
                       f"value; set it with {prefix}{key}=VALUE (an entry of a named "
                       "collection, such as a shock, can be deleted)")


def _unmergeable(m: re.Match[str], f: Failed) -> ConfigError:
    key, value = _parts(m.group(1))
    text = "\n".join(str(c) for c in f.chain)
    of_schema = dataclasses.is_dataclass(_hint(f.schema, key.rpartition(".")[0]))
    if m.group(1).startswith("~") and ("does not support deletion" in text or of_schema):
        return _kept(f.schema, key, value)  # a key of the schema (its value may not resolve)
    if re.match(r"\+hydra\.", m.group(1)) and of_schema:  # a setting Hydra has (as above)
        return ConfigError(key, value, ALREADY_SET.format(key=key))
    if "Cannot merge DictConfig with ListConfig" in text:  # said whichever way round it is
        if typing.get_origin(hint_at(f.schema, key)) is list:
            return ConfigError(key, value, "must be a list ([a, b, ...]), not a mapping")
        return ConfigError(key, value, "must be a mapping (KEY={name: value, ...}), not a list")
    new = re.search(r"dict is not a subclass of (\w+)", text)
    added = _with_collection(key, value, f.schema, new.group(1)) if new else ""
    if added:
        return ConfigError(key, value, added)
    reason = next((one_line(str(c)).split(" full_key:")[0] for c in f.chain[1:]
                   if str(c).strip()), "")
    return _converted(key, value, f.schema) or ConfigError(
        key, value, f"cannot set this value ({reason})")  # below a value: `composition_error`


def _unknown_config(m: re.Match[str], f: Failed) -> ConfigError:
    """A config of a group that is nowhere: chosen on the command line, or a file's base."""
    where, verb, group, name = m.groups()
    known = known_configs(group, f.overrides)
    listed = re.search(r"Available options in '[^']+':\n((?:\t\S+\n?)+)",
                       "\n".join(str(c) for c in f.chain))
    if listed:  # Hydra's own groups (hydra/launcher, ...) live in its package and plug-ins
        known = sorted(set(known) | set(listed.group(1).split()))
    if verb == "find":
        for d in search_dirs(f.overrides)[1:]:  # a user's file that Hydra does not read
            for stray in (d / group / f"{name}.yml", d / f"{name}.yaml", d / f"{name}.yml"):
                if stray.is_file():
                    return ConfigError(group, name, f"{stray} is not read; a folder's {group} "
                                       f"is the file {d / group / name}.yaml")
        return unknown_name(group, name, known, group.replace("_", " "))
    return ConfigError(f"{where}.yaml: defaults", f"{group}/{name}",
                       f"no such config; known in {group}/: {', '.join(known) or 'none'}")


def _in_file(m: re.Match[str], f: Failed) -> ConfigError:
    """A file whose value cannot merge: what the schema's checks say of it, else the first
    key whose kind (mapping or list) the schema contradicts, else the file and the reason."""
    found = _refused(f)
    if found is not None:
        return found
    name = m.group(1)
    reason = one_line(m.group(2)).split(" full_key:")[0]
    path = next((p for d in search_dirs(f.overrides) if (p := d / f"{name}.yaml").is_file()),
                None)
    data = as_written(path) if path is not None else None
    written: dict[str, Any] = data if isinstance(data, dict) else {}
    found = _kind_mismatch(written, "", f.schema)
    if found is not None:
        return found
    named = re.search(r"value: (.*)$|Interpolation key '([^']+)'", reason)
    leaf = next((x for x in _leaves(written) if named and (str(x[1]) == named[1] or (
        named[2] and f"${{{named[2]}}}" in str(x[1])))), None)  # the value OmegaConf names
    if leaf is not None:
        return ConfigError(*leaf, next((omegaconf_reason(c) for c in f.chain[1:] if isinstance(
            c, OmegaConfBaseException)), reason))
    return _keyed(f, written) or ConfigError(f"{name}.yaml", "", f"cannot be merged: {reason}")


def _leaves(node: Any, key: str = "") -> typing.Iterator[tuple[str, Any]]:
    """(dotted key, value) of each value of a file's data that is not a mapping."""
    for k, v in node.items() if isinstance(node, dict) else ():
        inner = f"{key}.{k}" if key else str(k)
        yield from _leaves(v, inner) if isinstance(v, dict) else [(inner, v)]


def _hint(schema: type, key: str) -> Any:
    """The type at a dotted key: by Hydra's schema under `hydra.`, else by `schema`."""
    return hint_at(hydra_schema(), key[6:]) if key.startswith("hydra.") else hint_at(schema, key)


def _below_a_value(schema: type, key: str, value: object) -> ConfigError | None:
    """A key under one that the schema makes a single value (`seed.x`), or a list (whose
    items are numbered: `agenda.0`): it has no keys."""
    parts = key.split(".")
    for i in range(1, len(parts)):
        hint = _hint(schema, ".".join(parts[:i]))
        if hint in (bool, int, float, str):
            return under_a_value(key, value, i)
        if typing.get_origin(hint) is list and not parts[i].isdigit():
            return ConfigError(key, value, f"{'.'.join(parts[:i])} is a list; it has no key "
                               f"{parts[i]!r}: give the whole list, {'.'.join(parts[:i])}=[...]")
    return None


def _list_item(f: Failed, override: str) -> ConfigError | None:
    """An item of a list (`issues.9`) deleted, or past the end of the list composed."""
    key, value = _parts(override)
    above, _, index = key.rpartition(".")
    if not (index.isdigit() and typing.get_origin(_hint(f.schema, above)) is list):
        return None
    node: Any = _compose_plain(_others(f, key), f.config_name)
    try:
        for part in above.split("."):
            node = item(node, part)
    except KeyError:  # not composed, or no such list
        node = None
    return list_item(key, value, node, override.startswith("~"))


def list_item(key: str, value: object, items: object, deleting: bool, whole: bool = True
              ) -> ConfigError | None:
    """An item of the list `items` (`issues.9`) deleted, which Hydra cannot, or past its end
    (`whole`: told how to give the whole list instead, as an override may)."""
    above, _, index = key.rpartition(".")
    instead = f"; give the whole list, {above}=[...]" if whole else ""
    if deleting:
        return ConfigError(key, value, f"an item of a list cannot be deleted{instead}")
    if isinstance(items, list) and int(index) >= len(items):
        return ConfigError(key, value, f"no item {index}: {above} has {len(items)} items, "
                           f"numbered from 0{instead}")
    return None


def _kind_mismatch(node: Any, key: str, schema: type) -> ConfigError | None:
    """The first key under `key` where a file gives a list or a value for a mapping, or a
    mapping for a list."""
    hint = _hint(schema, key) if key else schema
    mapping = typing.get_origin(hint) is dict or dataclasses.is_dataclass(hint)
    if mapping and not (node is None or isinstance(node, dict) or str(node).startswith("${")):
        if dataclasses.is_dataclass(hint):  # a part of the schema: told with the keys it has
            return refusal(hint, node, key)
        return ConfigError(key, node, "must be a mapping (name: value, ...)"
                           + (", not a list" if isinstance(node, list) else ""))
    if isinstance(node, dict) and typing.get_origin(hint) is list:
        return ConfigError(key, node, "must be a list ([a, b, ...]), not a mapping")
    for k, v in node.items() if isinstance(node, dict) else ():
        found = _kind_mismatch(v, f"{key}.{k}" if key else str(k), schema)
        if found is not None:
            return found
    return None


def _not_a_name(m: re.Match[str], f: Failed) -> ConfigError:
    """A config group given something other than the names of its configs (null, 1, [1])."""
    for key, value in map(_parts, f.overrides):
        known = known_configs(key, f.overrides)
        if not (known or "/" in key):  # not a group (Hydra's own are named with a /), but
            found = _converted(key, value, f.schema) if dataclasses.is_dataclass(
                _hint(f.schema, key)) else None  # maybe a part of a schema (hydra.sweeper=5)
            if found is not None:
                return found
            continue
        chosen = _parsed(key, value)
        if not (isinstance(chosen, str) or (
                isinstance(chosen, list) and all(isinstance(c, str) for c in chosen))):
            return ConfigError(key, value, "must be a name, or a list of names to merge" + (
                f"; known: {', '.join(known)}" if known else ""))
    return _plugin(m, f)  # a file's value for a part of Hydra's node (launcher: 5)


def _plugin(m: re.Match[str], f: Failed) -> ConfigError:
    """Hydra's sweeper or launcher that Hydra cannot make: its node null, a single value, or
    an interpolation (of a mapping, which Hydra's schema takes). The schema leaves the node
    open, so this is found only as Hydra makes the plug-in."""
    hydra = (_compose_plain(_others(f), f.config_name, hydra=True) or {}).get("hydra", {})
    part = next((p for p in ("sweeper", "launcher") if not isinstance(hydra.get(p), dict)), "")
    if not part:
        return ConfigError("<overrides>", " ".join(f.overrides), one_line(m.group(0)))
    return _kind_mismatch(hydra, "hydra", f.schema) or ConfigError(
        f"hydra.{part}", hydra.get(part), "must be a mapping of its settings" + (
            ", written out: Hydra makes the plug-in from them before it resolves an "
            "interpolation" if hydra.get(part) else ""))


def _already_set(m: re.Match[str], f: Failed) -> ConfigError:
    key = m.group(1)
    return ConfigError(key, override_value(f.overrides, key), ALREADY_SET.format(key=key))


HYDRA_SWEPT = "a Hydra setting has one value for the whole sweep; sweep the config's keys"
ALREADY_SET = "already set: change it with {key}=VALUE (+ adds a key the config does not have)"
MERGES = ("a mapping merges into the one composed, and a new entry in it needs ++: write "
          "++{key}={{...}} (the entries given are added or changed, the others kept)")


def _interval(m: re.Match[str], f: Failed) -> ConfigError:
    given = next((o for o in f.overrides if "interval(" in o), " ".join(f.overrides))
    return ConfigError(*_parts(given), "an interval is searched by an optimising sweeper, "
                       "not swept; list values as a,b,c or give range(start,stop,step)")


def _beyond_a_float(m: re.Match[str], f: Failed) -> ConfigError:
    """A whole number beyond a float's range given to a number, which OmegaConf cannot take
    as one: told by the key's own checks, which refuse it as the infinity it would be. Not
    on the command line, it is in a file (OmegaConf names no key of a file's mapping): the
    first such number, in the files chosen on the command line first, named with its file."""
    key, where = m.group(1), ""
    above = key.partition("[")[0].split(".")  # the key, then those above it given a mapping
    value: object = next((v for i in range(len(above), 0, -1) if (v := override_value(
        f.overrides, ".".join(above[:i]))) and (i == len(above) or v[0] in "{[")), "")
    if not value:
        chosen = {"/".join(_parts(o)) for o in f.overrides}
        files = sorted((p for d in search_dirs(f.overrides) for p in d.rglob("*.yaml")),
                       key=lambda p: (f"{p.parent.name}/{p.stem}" not in chosen, p))
        found = next((x for p in files for x in _huge_numbers(as_written(p), "", p)
                      if x[0] == key or not key), None)
        if found is not None:
            key, value, where = found[0], found[1], f" (in {found[2]})"
        elif not key:
            return ConfigError("<overrides>", " ".join(f.overrides), one_line(m.group(0)))
    parent, _, name = key.rpartition(".")
    owner = _hint(f.schema, parent) if parent else f.schema
    fields = dataclasses.fields(owner) if dataclasses.is_dataclass(owner) else ()
    for check in next((x.metadata.get("checks", ()) for x in fields if x.name == name), ()):
        try:
            check(key, math.inf, Context(None))
        except ConfigError as err:
            return ConfigError(key, value, err.allowed + where)
    return ConfigError(key, value, "must be a finite number" + where)


def _huge_numbers(node: Any, key: str, path: Path) -> typing.Iterator[tuple[str, int, Path]]:
    """(dotted key, value, file) of each whole number in `node` beyond a float's range."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _huge_numbers(v, f"{key}.{k}" if key else str(k), path)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _huge_numbers(v, f"{key}[{i}]", path)
    elif isinstance(node, int) and abs(node) > sys.float_info.max:
        yield key, node, path


# Hydra's messages, in the order they are tried, and what each means for the user.
EXPLAINED: tuple[tuple[re.Pattern[str], Explain], ...] = (
    (re.compile(r"Error parsing override '([^']*)'"), _unparsable),
    (re.compile(r"An item is already at '([^']+)'"), _already_set),
    (re.compile(r"Could not (?:override|append to) '([^']+)'|Key '([^']+)' is not in struct"),
     _unknown_key),
    (re.compile(r"Error merging override (.+)"), _unmergeable),
    (re.compile(r"Could not delete from config. '([^']+)' does not exist"), _undeletable),
    (re.compile(r"(?:In '([^']+)': )?Could not (find|load) '([^']+)/([^']*)'"), _unknown_config),
    (re.compile(r"In '([^']+)': \w+ raised while composing config:\s*(.*)"), _in_file),
    (re.compile(r"does not support sweep type : INTERVAL_SWEEP"), _interval),
    (re.compile(r"Sweeping over Hydra's configuration is not supported : '([^']*)'"),
     lambda m, f: ConfigError(*_parts(m.group(1)), HYDRA_SWEPT)),
    (re.compile(r"int too large to convert to float\s+full_key: ?(\S*)"), _beyond_a_float),
    (re.compile(r"Input config does not have a `_target_` field|Hydra (?:sweeper|launcher) "
                r"is not configured"), _plugin),
    (re.compile(r"Config group override must be a string or a list|argument of type '\w+' is "
                r"not iterable"), _not_a_name),
)


def _refused(f: Failed) -> ConfigError | None:
    """A value of the right key that the schema refuses, told as our converter tells it."""
    for cause in f.chain[1:]:
        key = getattr(cause, "full_key", None)
        hint = _hint(f.schema, key) if key else None  # Hydra's node by Hydra's schema
        if isinstance(cause, OmegaConfBaseException) and hint is not None:
            value = getattr(cause, "value", None)  # a file's list or mapping: as written
            found = refusal(hint, OmegaConf.to_container(value, resolve=False)
                            if OmegaConf.is_config(value) else value, str(key))
            if found is not None:
                return found
    return None


def composition_error(e: BaseException, overrides: Sequence[str], config_name: str = "config",
                      schema: type = RunConf, sweeping: bool = False) -> ConfigError:
    """Turn a failed composition (Hydra, OmegaConf or YAML) into a one-line `ConfigError`
    (`sweeping`: the overrides are a sweep's, run with -m)."""
    if isinstance(e, ConfigError):  # refused before Hydra composed
        return e
    f = Failed(exception_chain(e), list(overrides), config_name, schema)
    for cause in f.chain:
        if isinstance(cause, yaml.MarkedYAMLError):
            return yaml_error(cause)
    swept = _sweeper_param(f)
    if swept is not None:
        return swept
    for o in overrides:  # a key below a value or a list, or a list's item: told alike by
        below = _below_a_value(schema, *_parts(o)) or _list_item(f, o)  # whatever OmegaConf
        if below is not None:  # raised
            return below
    text = "\n".join(str(c) for c in f.chain)
    into_null = _into_null(f) if "NoneType" in text else None
    if into_null is not None:
        return into_null
    for pattern, explain in EXPLAINED:
        m = pattern.search(text)
        if m:
            return explain(m, f)
    keyed = _keyed(f)
    if keyed is not None:
        return keyed
    reason = one_line(str(f.chain[-1])) or repr(e)
    if any(isinstance(c, RecursionError) for c in f.chain):
        reason = "a defaults list builds on itself, directly or through others"
        chosen = [o for o in overrides if known_configs(_parts(o)[0], overrides)]
        if len(chosen) == 1:  # the one config chosen is where the circle starts
            return ConfigError(*_parts(chosen[0]), f"cannot be composed: {reason}")
    return _retried(overrides, config_name, reason, sweeping) or ConfigError(
        "<overrides>", " ".join(overrides), reason)


def _nesting(value: str) -> int:
    """How deep the lists and mappings of an override's value nest, as written (brackets in
    quotes left out)."""
    depth = deepest = 0
    quote = ""
    for c in value:
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def _sweeper_param(f: Failed) -> ConfigError | None:
    """A sweep a file gives Hydra's sweeper (`hydra.sweeper.params`) that its grammar cannot
    read, told at its key; one of the command line is told by `_unparsable`."""
    from hydra.errors import OverrideParseException

    for i, cause in enumerate(f.chain):
        if isinstance(cause, OverrideParseException) and cause.override not in f.overrides:
            key, value = _parts(cause.override)
            reason = next((one_line(str(c)) for c in f.chain[i + 1:]
                           if one_line(str(c)) not in ("", "None")), "")
            return ConfigError(f"hydra.sweeper.params.{key}", value, f"cannot be read as a "
                               f"sweep ({reason}); list values as a,b,c, quoting one with "
                               "special characters, or give range(start,stop,step)")
    return None


def _into_null(f: Failed) -> ConfigError | None:
    """An override into a key that is null (none by default), which OmegaConf cannot merge
    into: told with the form that works, the same setting given to the key above it."""
    for o in f.overrides:
        key, value = _parts(first_job(o, f.overrides) or o)
        parts = key.split(".")
        node: Any = _compose_plain(_others(f, key), f.config_name, hydra=parts[0] == "hydra")
        for i, part in enumerate(parts, 1):
            if not (isinstance(node, dict) and part in node):
                break
            node, null = node[part], ".".join(parts[:i])
            hint = _hint(f.schema, null)  # Hydra's plug-ins' nodes are Any in its schema
            if node is None and (i < len(parts) or value.startswith("{")) and (
                    typing.get_origin(hint) is dict or dataclasses.is_dataclass(hint)
                    or (parts[0] == "hydra" and hint in (None, Any))):
                if parts[0] == "hydra":
                    return ConfigError(key, value, f"{null} is null, and Hydra cannot set a "
                                       "key under a null one on the command line; set it in an "
                                       "experiment file (conf/experiment/)")
                return ConfigError(key, value, f"{null} is null (none by default), which "
                                   "cannot be merged into; give the setting to the key above: "
                                   f"{'.'.join(parts[:i - 1])}={_nested(parts[i - 1:], value)}")
    return None


def _keyed(f: Failed, written: dict[str, Any] | None = None) -> ConfigError | None:
    """OmegaConf's own message for the key it names, if it names one, with the value given
    on the command line, or in the file `written` (its data) when the file is at fault."""
    for cause in f.chain:
        if isinstance(cause, OmegaConfBaseException) and getattr(cause, "full_key", None):
            key, value = str(cause.full_key), getattr(cause, "value", None)
            if written is not None:
                value = written
                for part in key.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
            else:
                value = override_value(f.overrides, key) or value
            value = "" if value is None else value
            if isinstance(cause, ConfigKeyError | ConfigAttributeError):
                return unknown_at({}, key, value, f.schema)  # with the keys the schema has
            return ConfigError(key, value, omegaconf_reason(cause))
    return None


def _retried(overrides: Sequence[str], config_name: str, reason: str, sweeping: bool
             ) -> ConfigError | None:
    """Compose again, sweeps left out: the first override that the config with those before
    it does not take, or what the checks of Hydra's node say (`plain`), if either fails."""
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser

    if GlobalHydra.instance().is_initialized():
        return None  # inside a running Hydra app: leave its state alone
    parse = OverridesParser.create().parse_override
    single: list[str] = []
    sweeps: list[str] = []
    for o in overrides:
        try:
            (sweeps if parse(o).is_sweep_override() else single).append(o)
        except Exception as err:  # Hydra's parser raises several kinds
            return _cannot_parse(o, one_line(str(err).split(" See https://")[0]), overrides,
                                 config_name)
    try:
        plain(compose(single, config_name, hydra=True))
        return ConfigError(*_parts(sweeps[0]), "several values are a sweep: add -m to run a "
                           "job for each (or write a list as [a, b])") if (
                                sweeps and not sweeping) else None
    except ConfigError as err:
        return err
    except Exception:  # any failure: find the override where it starts
        pass
    for n in range(1, len(single) + 1):
        try:
            compose(single[:n], config_name, hydra=True)
        except Exception:  # any failure: this override is where it starts
            return ConfigError(*_parts(single[n - 1]), f"cannot be composed: {reason}")
    return None


def _compose_plain(overrides: Sequence[str], config_name: str, hydra: bool = False
                   ) -> dict[str, Any] | None:
    """The config composed with `overrides` (the others of a failed composition; the config
    alone if they fail too) and Hydra's node if asked, as plain data; None if that fails."""
    from hydra.core.global_hydra import GlobalHydra

    if GlobalHydra.instance().is_initialized():
        return None  # inside a running Hydra app: leave its state alone (its job's name)
    for given in (overrides, []):
        try:
            data = OmegaConf.to_container(compose(given, config_name, hydra=hydra),
                                          resolve=False)
            return {str(k): v for k, v in data.items()} if isinstance(data, dict) else None
        except Exception:  # any failure: the config alone, then the plain "unknown key"
            continue
    return None


def no_jobs(given: Sequence[str], folders: Sequence[str],
            params: dict[str, Any] | None = None) -> ConfigError:
    """Why the sweep of the command line's overrides `given` (and of the sweeper's `params`
    that a file gives, which the command line's replace) has no job: a value it cannot
    sweep (`as_swept`), a sweep of no values (an empty range), else a glob that chooses none
    of a config group's options (of conf/ and the folders on the search path of `folders`),
    or is not given a group."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import Glob, ValueType

    keys = {_parts(o)[0] for o in given}
    parsed = OverridesParser.create().parse_overrides([*given, *(
        f"{k}={v}" for k, v in (params or {}).items() if k not in keys)])

    try:
        globbed = as_swept(parsed, folders, given)
    except ConfigError as e:  # a glob among a list's values, a range by a step of 0
        return e
    for o in parsed:
        if o.is_sweep_override() and o.value_type != ValueType.GLOB_CHOICE_SWEEP and not list(
                o.sweep_string_iterator()):
            return ConfigError(_as_given(o, given), _value(o), "a sweep of no values")
    for o in globbed:  # a glob left is one that chooses none
        if o.value_type != ValueType.GLOB_CHOICE_SWEEP:
            continue
        theirs = typing.cast(Glob, o.value()).filter(known_configs(o.key_or_group, given))
        return ConfigError(_as_given(o, given), _value(o), (  # theirs: `folders` has not all
            "matches none of conf/'s options: Hydra's own sweeper (hydra/sweeper=basic) "
            f"chooses among conf/ alone, not among your {', '.join(theirs)}; leave "
            "hydra/sweeper out to sweep them" if theirs else
            "matches none of the group's options" if known_configs(o.key_or_group, folders) else
            "glob(...) chooses among a config group's options, as scenario=glob(no_*); "
            "list values as a,b,c"))
    return ConfigError("<overrides>", " ".join(given), "the sweep has no jobs")


def _as_given(o: Override, given: Sequence[str]) -> str:
    """An override's key as the user gave it: on the command line (`given`), or in a file's
    sweep."""
    return o.key_or_group if o.input_line in given else f"hydra.sweeper.params.{o.key_or_group}"


def _value(o: Override) -> str:
    return (o.input_line or "").partition("=")[2]


def check_folders(overrides: Sequence[str], key: str = SEARCHPATH) -> None:
    """The user's folders on the search path, checked like `conf/` before anything composes:
    each file (`check_file`), no value left to be given in a config of a folder conf/ has
    (`left_open`; not in a run's record, `.hydra/`, nor in a `.venv`), and none named as a
    shipped config, which would never be read (`conf/` is searched first); the file at fault
    is named. `key` is how the command line gave the folders."""
    groups = {p.name for p in CONF_DIR.iterdir() if p.is_dir()}
    folders = search_dirs(overrides)[1:]
    for folder in folders:  # each there, before any is listed or read
        if not os.path.isdir(folder):  # False for a name too long, as for one not there
            raise ConfigError(key, str(folder), ("a file, not a folder" if os.path.exists(
                folder) else "no such folder") + "; give a folder that holds scenario/NAME.yaml")
        if not any(os.path.isdir(folder / g) for g in groups) and not glob.glob(
                "*.y*ml", root_dir=folder):  # as / or ~ (a stray NAME.yaml: its pointer)
            raise ConfigError(key, str(folder), f"holds none of conf/'s folders ("
                              f"{', '.join(sorted(groups))}), so it has nothing to choose, and "
                              "all it holds would be read; give a folder that holds "
                              "scenario/NAME.yaml")
    scenarios = known_configs("scenario", overrides)
    named: dict[str, Path] = {}  # the name each scenario file of the folders takes
    for folder in folders:
        for path in sorted(folder.rglob("*.yaml")):
            if path.is_dir():  # a folder of that name: Hydra reads no file there
                continue
            try:
                data = check_file(path)
                if path.relative_to(folder).parts[0] in groups:  # a config a command may choose
                    left_open(data)
                if path.parent == folder / "scenario" and not (  # else never read: below
                        CONF_DIR / "scenario" / path.name).is_file():
                    check_named(data, path, scenarios, named)
            except ConfigError as e:  # maybe a file not chosen: its key alone would not tell
                raise e if str(path) in e.key else ConfigError(
                    e.key, e.value, f"{e.allowed}; in {path}") from None
        for shipped in sorted(CONF_DIR.rglob("*.yaml")):
            name = shipped.relative_to(CONF_DIR)
            if (folder / name).is_file():
                raise ConfigError(key, str(folder), f"{name} is never read, as the shipped "
                                  f"conf/{name} is found first; rename it (it may build on "
                                  f"the shipped one with defaults: [{name.stem}, _self_])")


def check_named(data: Any, path: Path, scenarios: Sequence[str], named: dict[str, Path]
                ) -> None:
    """A scenario of a user's folder does not take another scenario's name, which labels
    its results (`outputs/NAME/`, a sweep's `scenario` column): neither written in, as in a
    copy, nor left to the scenario it builds on (`defaults: [historical_2023, _self_]`), nor
    taken from one listed after `_self_`, whose keys win over the file's own, nor one that a
    file read before (`named`, to which its name is added) took."""
    scenario = data.get("scenario") if isinstance(data, dict) else None
    if not isinstance(scenario, dict):  # unreadable, or its package elsewhere: not checked
        return
    name, defaults = scenario.get("name"), scenario.get("defaults")
    listed = [str(d) for d in defaults] if isinstance(defaults, list) else []
    bases = [d for d in listed if d in scenarios]  # the last one's keys win over the others'
    later = [d for d in listed[listed.index("_self_") + 1:] if d in scenarios] if (
        "_self_" in listed) else []  # ...and over the file's own
    taken = later[-1] if later else str(name) if name is not None else (
        bases[-1] if bases else path.stem)
    if later and taken != path.stem:
        raise ConfigError("scenario.name", taken, f"is scenario {taken}'s: {path.name} lists "
                          f"it after _self_ in its defaults, so its keys, the name among them, "
                          f"win over the file's own, and its results would be filed as that "
                          f"one's; list _self_ after it (defaults: [{taken}, _self_])")
    if taken != path.stem and taken in scenarios:
        how = "builds on it and sets no name" if name is None else "names itself so"
        raise ConfigError("scenario.name", taken, f"is scenario {taken}'s: {path.name} {how}, "
                          f"and its results would be filed as that one's; give it its own "
                          f"(name: {path.stem})")
    if taken in named:
        raise ConfigError("scenario.name", taken, f"is taken by {named[taken]} too, and the "
                          f"two files' results would be filed together; give each its own")
    named[taken] = path


def setup_error(cfg: DictConfig, e: BaseException) -> ConfigError:
    """Hydra's set-up of a job (its folder, logging, environment) refused the config's
    `hydra` settings: a value that does not resolve, else what Hydra or logging said."""
    chain = exception_chain(e)
    for cause in chain:
        if isinstance(cause, OmegaConfBaseException) and getattr(cause, "full_key", None):
            return unresolved(cfg, cause)
    reason = "; ".join(one_line(str(c)) for c in chain if str(c).strip())
    key = "hydra.job_logging" if reason.startswith("Unable to configure") else "hydra"
    return ConfigError(key, "", f"Hydra cannot set up the job: {reason}")


def check_writable(key: str, path: Path) -> None:
    """Fail unless `path` is, or can be made, a writable directory outside `conf/`."""
    check_outside_configs(path, key, str(path))
    probe = path
    while not os.path.exists(probe) and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ConfigError(key, str(path), f"{probe} is not a directory")
    longest = longest_name(str(path.relative_to(probe)))
    if longest > os.pathconf(probe, "PC_NAME_MAX"):  # else made only as the run starts
        raise ConfigError(key, str(path), f"a name in it is {longest} bytes long; the file "
                          f"system of {probe} takes {os.pathconf(probe, 'PC_NAME_MAX')}")
    try:  # tried, not asked: `os.access` says yes to root, where /proc or a read-only disk is no
        with tempfile.TemporaryDirectory(dir=probe):
            pass
    except OSError as e:
        raise ConfigError(key, str(path), f"{probe} is not writable ({e.strerror})") from None
