"""From a composed config to a checked schema instance: no code, schema types, meaning."""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import (
    InterpolationKeyError,
    InterpolationValidationError,
    OmegaConfBaseException,
)

from sim.config.checks import Context, Rule, walk
from sim.config.convert import build, hint_at
from sim.config.errors import ConfigError, package_of, under_a_value, unknown_name, yaml_error
from sim.config.schema import RunConf, ScenarioConf, register
from sim.config.validate import validate_run, validate_scenario

CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
SEARCHPATH = "hydra.searchpath"  # the user's folders (--config-dir), searched after conf/
NAME_MAX_BYTES = 255  # the longest name of a file or folder on Linux's file systems
register()  # the schema is in Hydra's ConfigStore as `schema: run`, first in the defaults

T = TypeVar("T")
FORBIDDEN_KEYS = ("_target_", "_args_", "_partial_", "_recursive_", "_convert_")
# Hydra's own settings may name code only here: its launcher and sweeper plugins, and the
# standard logging handlers and formatters. A scenario file with `# @package _global_`
# can reach `hydra.*`, so anything else naming code there is refused like `_target_`.
HYDRA_PLUGINS = ("hydra._internal.core_plugins.", "hydra_plugins.")
JOB_FOLDER = "${hydra.job.num}"  # a sweep's job folders: numbered, as it is gathered
RUN_FOLDER = "${hydra.runtime.output_dir}"  # where a job's log file is written
LOGGING_CLASSES = frozenset({
    "logging.StreamHandler", "logging.FileHandler", "logging.NullHandler",
    "logging.Formatter", "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler", "logging.handlers.WatchedFileHandler",
})


def longest_name(path: str) -> int:
    """The bytes of the longest name in `path` (its parts between /), as a file system
    counts them against its limit (`NAME_MAX_BYTES`)."""
    return max(len(os.fsencode(part)) for part in path.split("/"))


def check_outside_configs(path: Path, key: str, given: str, what: str = "a folder") -> None:
    """Refuse a command's output folder (or file: `what`) in `conf/`: Hydra's record of a
    run would be written over conf/config.yaml (`hydra.output_subdir=.`), and any file there
    taken for a config."""
    if path.resolve().is_relative_to(CONF_DIR):
        raise ConfigError(key, given, f"is in {CONF_DIR}, the configs every command reads, "
                          f"which its files would replace or be taken for; give {what} of "
                          "its own, outside it")


def read_yaml(text: str, name: str = "") -> Any:
    """A YAML text as data, read by OmegaConf's loader, as Hydra reads a config: a date stays
    text (checked where a date is due), a key may appear once in a mapping; `name`, the
    file it came from, is what an error names."""
    from omegaconf._utils import get_yaml_loader  # pinned with Hydra: test_hydra_internals

    loader = get_yaml_loader()(text)  # a SafeLoader: no Python objects
    loader.name = name or loader.name
    try:
        data = loader.get_single_data()
        size, depth = _measure(data, {})
    except RecursionError:  # in reading the text, or measuring its values
        raise ConfigError(name, "", "holds itself through an alias (*name), or nests too deep "
                          "to be read") from None
    finally:
        loader.dispose()
    if size > MAX_VALUES:  # as OmegaConf would expand them: a few lines can hold billions
        raise ConfigError(name, "", f"holds {size:,} values once its aliases (*name) are "
                          f"expanded; a config file may hold {MAX_VALUES:,}")
    if depth > MAX_DEPTH:  # OmegaConf merges by recursion, and stops at Python's limit
        raise ConfigError(name, "", f"nests mappings or lists {depth} deep; a config file may "
                          f"nest them {MAX_DEPTH} deep")
    return data


MAX_VALUES = 100_000  # in one config file; the largest shipped one holds under 1,000
MAX_DEPTH = 50  # mappings and lists within each other; the shipped files nest under 10


def _measure(node: Any, measured: dict[int, tuple[int, int] | None]) -> tuple[int, int]:
    """How many values `node` holds and how deep its mappings and lists nest, a part it
    holds more than once (through an alias) counted each time, as OmegaConf copies it each
    time, but walked once (`measured`, by `id`); RecursionError if a part holds itself."""
    if not isinstance(node, dict | list):
        return 1, 0
    if id(node) in measured:
        known = measured[id(node)]
        if known is None:  # still being measured: it holds itself
            raise RecursionError
        return known
    measured[id(node)] = None
    parts = [_measure(v, measured) for v in (node.values() if isinstance(node, dict) else node)]
    found = 1 + sum(n for n, _ in parts), 1 + max((d for _, d in parts), default=0)
    measured[id(node)] = found
    return found


def reject_code(node: Any, path: str = "") -> None:
    """Refuse any key that asks for code to be run: `_target_` and friends anywhere, and
    in Hydra's settings callbacks and logging classes other than the standard ones."""
    hydra = path.startswith("hydra")
    for key, value in _items(node):
        code = key in FORBIDDEN_KEYS or (hydra and key in ("class", "()"))
        if not (code or hydra or isinstance(value, dict | list)):
            continue  # a value outside Hydra's settings, under a key that names no code
        full = _below(path, key)
        if code and not _hydra_may_name(path, str(key), value):
            raise code_error(full, value)
        if hydra and str(value).startswith("ext://") and value not in (
                "ext://sys.stdout", "ext://sys.stderr"):  # logging imports what it names
            raise ConfigError(full, value, "configs cannot name code; an ext:// value imports "
                              "it (only ext://sys.stdout and ext://sys.stderr)")
        reject_code(value, full)


def _items(node: Any) -> Iterable[tuple[Any, Any]]:
    """The (key, value) entries of a config's mapping, or (number, item) of its list."""
    return node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()


def _below(path: str, key: Any) -> str:
    """The dotted key of an entry of the node at `path`: `a.b`, or `a[1]` for a list's item."""
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key)


def code_error(key: str, value: object) -> ConfigError:
    """The error for a key (`_target_` and friends) that names code to run."""
    return ConfigError(key, value, f"configs cannot name code; {key.rpartition('.')[2]} keys "
                       "are not allowed (only Hydra's own launcher, sweeper and standard "
                       "logging classes)")


def _hydra_may_name(path: str, key: str, value: object) -> bool:
    logging = path.startswith(("hydra.job_logging.", "hydra.hydra_logging."))
    return isinstance(value, str) and (
        (key == "_target_" and path in ("hydra.launcher", "hydra.sweeper")
         and value.startswith(HYDRA_PLUGINS))
        or (key == "class" and logging and value in LOGGING_CLASSES)
        or (key == "()" and logging and value.startswith("colorlog.")))


NO_JOB = ("a Hydra setting, read only by a job that Hydra runs (python -m sim, the lab); this "
          "config is composed alone, and the command writes where its out setting says")


def plain(cfg: DictConfig | dict[str, Any]) -> dict[str, Any]:
    """A composed config as plain data, interpolations resolved (Hydra's node left out,
    after it is checked for code); `ConfigError` naming a key that does not resolve. Data
    read outside Hydra (a command's own config) may not set Hydra's node: nothing reads it."""
    if isinstance(cfg, dict):
        if "hydra" in cfg:
            key, node = "hydra", cfg["hydra"]
            while isinstance(node, dict) and len(node) == 1:  # the key a setting names
                name, node = next(iter(node.items()))
                key = f"{key}.{name}"
            raise ConfigError(key, node, NO_JOB)
        return {str(k): v for k, v in cfg.items()}
    if "hydra" in cfg:
        hydra = OmegaConf.to_container(cfg.hydra, resolve=False)
        check_hydra(hydra)
        check_reach({"hydra": hydra, "dask": OmegaConf.to_container(cfg.dask, resolve=False)
                     if OmegaConf.is_dict(cfg.get("dask")) else None})
    try:
        return {str(k): OmegaConf.to_container(cfg[k], resolve=True)
                if OmegaConf.is_config(cfg[k]) else cfg[k] for k in cfg if k != "hydra"}
    except OmegaConfBaseException as e:
        raise unresolved(cfg, e) from None


def resolved(data: dict[str, Any], schema: type) -> dict[str, Any]:
    """A command's own config as read (its file and `key=value` settings), with its
    interpolations resolved as a composed config's are (`${oc.env:HOME}/x`), not taken as
    text; they may name the schema's plain defaults too (`out: runs/${seed}`). `ConfigError`
    naming a key that does not resolve, or Hydra's node (nothing reads it here)."""
    given = plain(data)
    defaults = {f.name: f.default for f in dataclasses.fields(schema)
                if isinstance(f.default, str | int | float)}  # a bool is an int
    try:
        node = OmegaConf.create({**defaults, **given})
    except OmegaConfBaseException as e:  # a value a config cannot hold: a YAML set, a timestamp
        raise ConfigError(str(getattr(e, "full_key", "")), str(getattr(e, "value", "")),
                          f"{omegaconf_reason(e)}: give text, a number, a list or a mapping"
                          ) from None
    return {k: v for k, v in plain(node).items() if k in given}


def check_hydra(hydra: Any) -> None:
    """Hydra's settings (the `hydra` node as written): no code but Hydra's plug-ins and the
    standard logging classes, and the values Hydra asserts or sets a job up with."""
    reject_code({"hydra": hydra})
    if not isinstance(hydra, dict):
        return
    verbose = hydra.get("verbose")
    if not (verbose is None or isinstance(verbose, bool | str) or (
            isinstance(verbose, list) and all(isinstance(v, str) for v in verbose))):
        raise ConfigError("hydra.verbose", verbose,  # Hydra asserts this, as it logs
                          "must be true, false, a logger's name or a list of names")
    for part in ("run", "sweep"):  # an empty folder would be the current one, unasked
        node = hydra.get(part)
        if isinstance(node, dict) and "dir" in node and not str(node["dir"] or "").strip():
            raise ConfigError(f"hydra.{part}.dir", node["dir"], "must name a folder ('.' for "
                              "the current one)")
        if isinstance(node, dict) and str(node.get("dir")).startswith("~"):  # not the home's
            raise ConfigError(f"hydra.{part}.dir", node["dir"], "Hydra would make a folder "
                              "named ~ here; for the home folder, write ${oc.env:HOME}/...")
    sweep = hydra.get("sweep")
    subdir = sweep.get("subdir", JOB_FOLDER) if isinstance(sweep, dict) else JOB_FOLDER
    if subdir != JOB_FOLDER:  # the sweep is gathered, reported and resumed by job number
        raise ConfigError("hydra.sweep.subdir", subdir, f"a sweep's jobs are in folders named "
                          f"by number ({JOB_FOLDER}); sweep.parquet lists each one's overrides")
    job = hydra.get("job")
    env = job.get("env_set") if isinstance(job, dict) else None
    for name, value in env.items() if isinstance(env, dict) else ():
        if not isinstance(value, str | int | float):  # set in os.environ as the job starts
            raise ConfigError(f"hydra.job.env_set.{name}", value,
                              "must be a string: an environment variable's value")
    name = job.get("name") if isinstance(job, dict) else None
    if isinstance(name, str) and ("/" in name or name.strip(".") == "" or len(
            os.fsencode(f"{name}.log")) > NAME_MAX_BYTES):
        raise ConfigError("hydra.job.name", name, "names the log file NAME.log in the run's "
                          f"folder: a name without /, of at most {NAME_MAX_BYTES - 4} bytes")
    record = hydra.get("output_subdir")  # Hydra writes config.yaml and two others there
    if record is not None and (".." in str(record) or "${" in str(record)
                               or str(record).startswith(("/", "~"))):
        raise ConfigError("hydra.output_subdir", record, "Hydra's record of a run (.hydra) "
                          "is kept in the run's folder: a folder there, or null for none")
    if record is not None and longest_name(str(record)) > NAME_MAX_BYTES:
        raise ConfigError("hydra.output_subdir", record, "Hydra's record of a run (.hydra): "
                          f"a folder named with at most {NAME_MAX_BYTES} bytes")
    for part in ("sweeper", "launcher"):  # settings their plug-in would not take (a sweep's)
        node = hydra.get(part)
        known = [x.name for x in dataclasses.fields(hint_at(hydra_schema(), part))]
        for name, value in node.items() if isinstance(node, dict) else ():
            if name not in known and name not in FORBIDDEN_KEYS:
                raise ConfigError(f"hydra.{part}.{name}", value,
                                  unknown_name(name, name, known, "key").allowed)
    for part in ("job_logging", "hydra_logging"):
        _check_logging(hydra.get(part), f"hydra.{part}")


@functools.cache
def hydra_schema() -> type:
    """Hydra's schema, with its sweeper's and launcher's settings (`Any` in it) those of the
    basic ones, which the summitsim plug-ins keep: every choice a run has. The code they name
    (`_target_`) is left out: a config may not set it."""
    from hydra._internal.core_plugins.basic_launcher import BasicLauncherConf
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeperConf
    from hydra.conf import HydraConf

    def settings(conf: Any) -> tuple[Any, Any]:  # its fields but those naming code
        return dataclasses.make_dataclass(conf.__name__, [
            (x.name, x.type, dataclasses.field(default=None)) for x in dataclasses.fields(conf)
            if x.name not in FORBIDDEN_KEYS]), dataclasses.field(default=None)

    return dataclasses.make_dataclass("HydraConf", [
        ("sweeper", *settings(BasicSweeperConf)), ("launcher", *settings(BasicLauncherConf))],
        bases=(HydraConf,))


def _check_logging(node: Any, key: str) -> None:
    """Every `level` of a logging config is one of logging's names (or a number), and every
    file it writes is in the run's folder or below the working one (a file of someone
    else's scenario folder may not append to, or truncate, a file elsewhere)."""
    levels = logging.getLevelNamesMapping()
    for name, value in node.items() if isinstance(node, dict) else ():
        full = f"{key}.{name}"
        if name == "level" and not (type(value) is int or value in levels
                                    or str(value).startswith("${")):
            raise ConfigError(full, value, f"not a logging level; known: {', '.join(levels)}")
        below = str(value).removeprefix(RUN_FOLDER + "/").replace("${hydra.job.name}", "")
        if name == "filename" and (".." in below or "${" in below or below.startswith(("/", "~"))):
            raise ConfigError(full, value, f"a log file is written in the run's folder, as "
                              f"{RUN_FOLDER}/NAME.log (or below the working folder)")
        _check_logging(value, full)


def as_written(path: Path) -> Any:
    """A config file's data as written, under the keys where it lands (its package); None
    if it cannot be read (composing it tells why)."""
    try:
        text = path.read_text()
        data = read_yaml(text, str(path))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    for part in reversed([p for p in package_of(path, text).split(".") if p]):
        data = {part: data}
    return data


def check_file(path: Path) -> Any:
    """A config file of a user's folder, as written, before anything composes it: no code
    anywhere in it, and its Hydra settings checked (a sweep's are used before any check).
    Returns its data as written."""
    try:
        path.read_bytes().decode()
    except UnicodeDecodeError as e:  # Hydra would raise it as it composes, naming no file
        raise ConfigError(str(path), "", f"not UTF-8 text (byte {e.start})") from None
    except OSError as e:  # a link that leads nowhere, or round in a circle
        raise ConfigError(str(path), "", f"cannot be read ({e.strerror})") from None
    data = as_written(path)
    if isinstance(data, dict):
        check_hydra(data.get("hydra"))
    reject_code(data)
    return data


# The jobs' environment a file may set: numeric libraries' threads, locale, time zone (not
# every OMP_* variable: OMP_TOOL_LIBRARIES loads libraries).
HARMLESS_ENV = re.compile(r"(OMP|MKL|OPENBLAS|NUMEXPR|BLIS)_NUM_THREADS|NUMEXPR_MAX_THREADS|"
                          r"VECLIB_MAXIMUM_THREADS|TZ|LANG|LANGUAGE|LC_[A-Z]+")


def check_reach(cfg: Mapping[Any, Any]) -> None:
    """What the command line may choose but a config file may not, since by it a folder
    someone shares would run code here (checked in the composed `cfg`, Hydra's node and its
    record of the command line included, as relocating a file with a defaults list would
    pass a check of the file as written): a variable of the jobs' environment that can make
    their processes load code (PYTHONPATH, LD_PRELOAD, a Dask preload), and a Dask
    scheduler to connect to, whose replies are unpickled here."""
    hydra = cfg.get("hydra") or {}
    given = {o.lstrip("+~").partition("=")[0] for part in ("task", "hydra")
             for o in hydra.get("overrides", {}).get(part) or ()}
    for name, value in (hydra.get("job", {}).get("env_set") or {}).items():
        if not (HARMLESS_ENV.fullmatch(str(name)) or given & {
                f"hydra.job.env_set.{name}", "hydra.job.env_set", "hydra.job", "hydra"}):
            raise ConfigError(f"hydra.job.env_set.{name}", value, "a config file sets the jobs' "
                              "threads (OMP_NUM_THREADS, ...), locale and time zone only: "
                              "another variable may make their processes run code, as "
                              "PYTHONPATH does; give it on the command line, "
                              "+hydra.job.env_set.NAME=VALUE")
    address = (cfg.get("dask") or {}).get("address")
    if address is not None and not given & {"dask.address", "dask"}:
        raise ConfigError("dask.address", address, "a config file does not choose a scheduler "
                          "to connect to (its replies are unpickled here: one run by someone "
                          "else could run code); give dask.address on the command line")


def left_open(node: Any, path: str = "") -> None:
    """Refuse a value left to be given (`???`) in a config as written: merged over one the
    key has (a base's, or the schema's default), OmegaConf keeps that one, so it would run
    as if never written. Hydra's own node and a defaults list, where ??? is Hydra's "choose
    one", are left out."""
    for key, value in _items(node):
        if key == "defaults" or (key == "hydra" and not path):
            continue
        full = _below(path, key)
        if value == "???":
            raise ConfigError(full, value, "a value left to be given is never asked for: the "
                              "key keeps the value it has without it (the file's base or the "
                              "default); give a value, or leave the key out")
        left_open(value, full)


def unresolved(cfg: DictConfig, e: OmegaConfBaseException) -> ConfigError:
    """A value of `cfg` that does not resolve, named by its key, with the value as written."""
    key = str(getattr(e, "full_key", None) or "<config>")
    written: Any = OmegaConf.to_container(cfg, resolve=False)
    for part in filter(None, re.split(r"[.\[\]]+", key)):  # a.b[1].c
        if isinstance(written, list) and part.isdigit() and int(part) < len(written):
            written = written[int(part)]
        else:
            written = written.get(part) if isinstance(written, dict) else ""
    return ConfigError(key, written, omegaconf_reason(e))


def omegaconf_reason(e: OmegaConfBaseException) -> str:
    """OmegaConf's message, its first line, and how to write an interpolation if it is one
    that names no key, or one that reads Hydra's settings, which no job's value may."""
    unset = re.search(r"Environment variable '([^']*)' not found", str(e))
    if unset:
        return (f"the environment variable {unset[1]} is not set; set it, or give a default: "
                f"${{oc.env:{unset[1]},DEFAULT}}")
    numbered = re.search(r"Missing mandatory value: (hydra\.job\.(?:num|id))", str(e))
    if numbered:
        return (f"{numbered[1]} is not set here: a run has none, and a sweep's folder holds all "
                "its jobs, each in a folder of its number")
    if isinstance(e, InterpolationValidationError):  # to a value its key does not take
        first = str(e.msg).splitlines()[0]
        kind = next((k for part, k in (("to Float", "a number"), ("to Integer", "a whole number"),
                                       ("valid bool", "true or false"), ("to string", "text"))
                     if part in first), f"what the key takes ({first})")
        return f"resolves to {e.value!r}, which is not {kind}"
    assigned = re.match(r"Cannot assign \w+ to (Dict|List)\[", str(e))
    if assigned:  # a single value where the schema has a mapping or a list
        return f"must be a {'mapping' if assigned[1] == 'Dict' else 'list'}"
    if "HydraConfig was not set" in str(e):
        return ("a value of the config cannot read Hydra's settings (${hydra:...}); give the "
                "value itself, or interpolate a key of the config, like ${seed}")
    return str(getattr(e, "msg", None) or e).splitlines()[0] + (
        "; an interpolation ${...} must name a key of the config, like ${seed}"
        if isinstance(e, InterpolationKeyError) else "")


def load(cfg: DictConfig | dict[str, Any], schema: type[T], check: Callable[[T], None],
         prefix: str = "") -> T:
    """A composed config as a checked `schema` instance; raises `ConfigError`."""
    data = plain(cfg)
    reject_code(data, prefix)
    obj = build(schema, data, prefix)
    check(obj)
    return obj


def load_run(cfg: DictConfig | dict[str, Any]) -> RunConf:
    """Check a composed `python -m sim` config; raise `ConfigError` on the first problem."""
    return load(cfg, RunConf, validate_run)


def load_scenario(data: DictConfig | dict[str, Any], prefix: str = "scenario") -> ScenarioConf:
    """Check one scenario mapping against the schema and its meaning."""
    return load(data, ScenarioConf, lambda sc: validate_scenario(sc, prefix), prefix)


def search_dirs(overrides: Sequence[str]) -> list[Path]:
    """`conf/` and the user's folders on the search path (`hydra.searchpath=[file://...]`)."""
    return [CONF_DIR, *(d for o in overrides if o.startswith(SEARCHPATH + "=")
                        for d in _folders(o))]


@functools.cache
def _folders(override: str) -> tuple[Path, ...]:
    """The folders (`file://` entries) of a search-path override, read by Hydra's grammar,
    as a folder's name may hold a space or a quote; none if it cannot be read."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        value = OverridesParser.create().parse_override(override).value()
    except Exception:  # Hydra's parser raises several kinds; Hydra itself refuses it later
        return ()
    return tuple(Path(str(p).removeprefix("file://")) for p in (
        value if isinstance(value, list) else [value]) if str(p).startswith("file://"))


def known_configs(group: str, overrides: Sequence[str]) -> list[str]:
    """The config names of a group in `conf/` and the user's folders on the search path."""
    return sorted({p.stem for d in search_dirs(overrides)
                   for p in (d / group.strip("/")).glob("*.yaml") if not p.is_dir()})


def searching(paths: Iterable[Any]) -> str:
    """The override that searches `paths` (`file://DIR`, as in a composed config's
    `hydra.searchpath`), as Hydra and `search_dirs` read it."""
    return f"{SEARCHPATH}=[{','.join(quoted(str(p)) for p in paths)}]"


def quoted(value: str) -> str:
    """A value as one quoted Hydra override value. Hydra's grammar reads a backslash as an
    escape only in a run of them before a quote or at the end, so only those are doubled."""
    return "'" + re.sub(r"(\\*)('|\Z)", lambda m: 2 * m[1] + "\\" * len(m[2]) + m[2],
                        value) + "'"


def listed(group: str, *, _root_: Any) -> str:
    """The configs of a group in `conf/` and the user's folders of a composed config, for
    its `--help` (`${sim.configs:GROUP}`): Hydra's own list leaves the user's out."""
    return ", ".join(known_configs(group, [searching(_root_.hydra.searchpath)])) or "none"


OmegaConf.register_new_resolver("sim.configs", listed, replace=True)


def find_config(name: str, group: str, overrides: Sequence[str] = ()) -> Path:
    """A command's config by path, or by name: <group>/<name>.yaml in conf/ or, after it, in
    the user's folders on the search path of `overrides` (`--config-dir DIR`); an unknown
    name is refused with the known ones."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name).expanduser()
    for folder in search_dirs(overrides):
        if os.path.isfile(folder / group / f"{name}.yaml"):  # False for a name too long
            return folder / group / f"{name}.yaml"
    raise unknown_name(group, name, known_configs(group, overrides), {
        "questions": "bank", "calibrate": "calibration", "explore": "study"}.get(group, group))


def read_config(name: str, group: str, schema: type[T],
                rules: Mapping[type, Rule] | None = None, settings: Sequence[str] = ()) -> T:
    """A command's YAML config (`find_config`) with `key=value` settings on top (a value is
    read by `setting_value`; `a.b=v` sets b in a), as a `schema` instance whose fields' checks and
    `rules` pass; `ConfigError` at the first problem."""
    path = find_config(name, group)
    try:
        data = read_yaml(path.read_text(), str(path))
    except OSError as e:
        raise ConfigError(group, name, f"cannot read {path} ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise ConfigError(group, name, f"{path} is not UTF-8 text (byte {e.start})") from None
    except yaml.MarkedYAMLError as e:
        raise yaml_error(e) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(group, name, f"{path} must hold a mapping of settings (key: value), "
                          f"not a {type(data).__name__}")
    known = [f.name for f in dataclasses.fields(schema)]  # type: ignore[arg-type]
    for key, _, text in (s.partition("=") for s in settings):  # hydra.*: refused by `load`
        if "." in key and key.split(".")[0] not in [*known, "hydra"] and not key.startswith(
                ("+", "~")):  # as written, not a map (+ and ~: told by `with_settings`)
            raise ConfigError(key, setting_value(text), unknown_name(
                key, key.split(".")[0], known, f"key {key.split('.')[0]!r}").allowed)
    return load(resolved(with_settings(data, settings, schema), schema), schema,
                lambda obj: walk(obj, "", Context(obj), rules or {}))


def setting_value(text: str) -> Any:
    """A setting's value as written after `=`, read as Hydra reads an override's, as on
    `python -m sim`'s command line (`{low: 0, high: 1}` or `{low:0,high:1}`); else as YAML
    (a mapping with quoted keys); else kept as the text. Several values (a sweep) are
    kept as the text."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        override = OverridesParser.create().parse_override(f"k={text}")
        return text if override.is_sweep_override() else override.value()
    except Exception:  # Hydra's parser raises several kinds
        pass
    try:
        return read_yaml(text)
    except (yaml.YAMLError, ConfigError):  # not YAML, or not of the size of a config
        return text


def with_settings(data: Any, settings: Sequence[str], schema: type | None = None) -> Any:
    """`data` with `key=value` settings applied (a value read by `setting_value`; `a.b=v`
    sets b in a, and a mapping given merges into the one there, as on `python -m sim`'s
    command line). A key that holds dots itself, such as a factor's, is matched whole, or
    taken whole in a mapping of such keys (or where `schema` makes one a mapping of names):
    `factors.scenario.bargaining.walk_away.low=0.1`, `factors.KEY={low: 0.1, high: 0.3}`."""
    for item in settings:
        key, eq, text = item.partition("=")
        if key[:1] in ("+", "~"):
            raise ConfigError(key, text, "+, ++ and ~ are Hydra's; a setting here is KEY=VALUE, "
                              "which sets a key or adds one")
        if not (eq and key and isinstance(data, dict)):
            raise ConfigError(item, "", "write settings as KEY=VALUE")
        value = setting_value(text)
        parts, node, done = key.split("."), data, 0
        while isinstance(node, dict) and done < len(parts) - 1:
            dotted = any("." in str(k) for k in node) or (  # keyed by dotted names
                done > 0 and schema is not None
                and typing.get_origin(hint_at(schema, ".".join(parts[:done]))) is dict)
            if dotted and isinstance(value, dict):  # the entry given whole
                parts = [*parts[:done], ".".join(parts[done:])]
                break
            end = next((e for e in range(len(parts) - 1, done + 1, -1)
                        if ".".join(parts[done:e]) in node),
                       len(parts) - 1 if dotted else done + 1)  # the longest key there
            node, done = node.setdefault(".".join(parts[done:end]), {}), end
        if not isinstance(node, dict):
            raise under_a_value(key, text, done)
        node[parts[-1]] = _merged(node.get(parts[-1]), value)
    return data


def _merged(old: Any, new: Any) -> Any:
    """`new` merged into `old` where both are mappings, as Hydra merges a mapping given on
    the command line into the one composed; else `new`."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return new
    return {**old, **{k: _merged(old.get(k), v) for k, v in new.items()}}
