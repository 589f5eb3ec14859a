"""The checks a schema field carries, and the one walker that runs them over a config.

A field declares its range or the collection its names come from where it is declared
(`trust: float = checked(0.5, UNIT)`); `walk` visits every field of a config, runs its
checks, then the rule of its class if one is registered (checks that span fields), and
raises `ConfigError` at the first violation, naming the full dotted key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.config.errors import ConfigError, unknown_name

Known = str | Sequence[str]  # names: a list, or a string naming one of the root's collections


@dataclass(frozen=True)
class Context:
    """What a check may consult: the config's root (for its named collections) and window."""

    root: Any
    window: tuple[dt.date, dt.date] | None = None

    def names(self, known: Known) -> Sequence[str]:
        return list(getattr(self.root, known)) if isinstance(known, str) else known


Check = Callable[[str, Any, Context], None]
Rule = Callable[[str, Any, Context], None]


def checked(default: Any, *checks: Check, exact: Any = None) -> Any:
    """A dataclass field with its default (a callable: its factory, such as `list`) and the
    checks its value must pass. `exact` is the type a value is converted to where the
    annotation, which OmegaConf reads, must be looser: OmegaConf refuses a whole number in a
    list of floats inside a mapping (`[0, 1]`; its issue 1054)."""
    metadata = {"checks": checks} | ({"exact": exact} if exact is not None else {})
    if callable(default):
        return field(default_factory=default, metadata=metadata)
    return field(default=default, metadata=metadata)


def walk(obj: Any, key: str, ctx: Context, rules: Mapping[type, Rule],
         skip: tuple[str, ...] = ()) -> None:
    """Check `obj` (a schema dataclass at dotted `key`) and everything in it but `skip`."""
    for name, checks in _checks(obj.__class__):
        if name in skip:
            continue
        value = getattr(obj, name)
        full = f"{key}.{name}" if key else name
        for check in checks:
            check(full, value, ctx)
        _visit(value, full, ctx, rules)
    rule = rules.get(type(obj))
    if rule is not None:
        rule(key, obj, ctx)


@functools.cache
def _checks(cls: Any) -> tuple[tuple[str, tuple[Check, ...]], ...]:
    """Each field of a schema class, with its checks (read once a class: `walk` runs for
    every design point of a sweep)."""
    return tuple((f.name, f.metadata.get("checks", ())) for f in dataclasses.fields(cls))


def _visit(value: Any, key: str, ctx: Context, rules: Mapping[type, Rule]) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _visit(item, f"{key}.{name}", ctx, rules)
    elif dataclasses.is_dataclass(value):
        walk(value, key, ctx, rules)


def fail(key: str, value: Any, allowed: str) -> None:
    raise ConfigError(key, value, allowed)


def within(low: float, high: float, open_ends: bool = False) -> Check:
    """A finite number in [low, high] (or (low, high)); an infinite end is left open."""
    ends = f"({low:g}, {high:g})" if open_ends else f"[{low:g}, {high:g}]"
    ends = ends.replace("inf]", "inf)")

    def check(key: str, value: Any, ctx: Context) -> None:
        if value is None:
            return
        ok = isinstance(value, int | float) and abs(value) < math.inf and (  # nan fails too
            low < value < high if open_ends else low <= value <= high)
        if not ok:
            fail(key, value, f"must be in {ends}")
    return check


def at_least(low: float, strict: bool = False, note: str = "") -> Check:
    """A finite number >= low (or > low)."""
    def check(key: str, value: Any, ctx: Context) -> None:
        if value is not None and not (  # nan and inf fail, an int of any size is finite
                low < value < math.inf if strict else low <= value < math.inf):
            what = "a finite number " if isinstance(value, float) and not math.isfinite(
                value) else ""
            fail(key, value, f"must be {what}{'>' if strict else '>='} {low:g}{note}")
    return check


SEED_MAX = 2**31 - 1  # below 2**32, with room for the seeds a command derives (seed + run)


def library_seed(key: str, value: Any, ctx: Context) -> None:
    """A seed of a command that seeds NumPy's global generator or scikit-learn: they take
    32-bit seeds only (`python -m sim`'s, for NumPy's own streams, may be any of 64 bits)."""
    if not 0 <= value <= SEED_MAX:
        fail(key, value, f"must be in [0, {SEED_MAX}]: a 32-bit seed, as NumPy's global "
             "generator and scikit-learn take")


UNIT = within(0.0, 1.0)
OPEN_UNIT = within(0.0, 1.0, open_ends=True)
POSITIVE = at_least(0.0, strict=True)
NON_NEGATIVE = at_least(0.0)
MAX_ROUNDS = 10_000  # a concession curve is tabled with one entry a round
ROUNDS = within(1, MAX_ROUNDS)  # a negotiation's deadline, in rounds


def named(what: str) -> Check:
    """Not empty: name the `what`."""
    def check(key: str, value: Any, ctx: Context) -> None:
        if not value:
            fail(key, value, f"name the {what}")
    return check


def finite(key: str, value: Any, ctx: Context) -> None:
    if value is not None and not math.isfinite(value):
        fail(key, value, "must be a finite number")


def one_of(known: Known, what: str, optional: bool = False) -> Check:
    """One of the `known` names (`""` allowed if `optional`)."""
    def check(key: str, value: Any, ctx: Context) -> None:
        if not (optional and not value) and value not in ctx.names(known):
            raise unknown_name(key, value, ctx.names(known), what)
    return check


def refs(known: Known, what: str, non_empty: str = "") -> Check:
    """A list of distinct `known` names."""
    def check(key: str, values: Any, ctx: Context) -> None:
        if non_empty and not values:
            fail(key, list(values), non_empty)
        names(key, values, ctx.names(known), what)
    return check


def names(key: str, values: Sequence[str], known: Iterable[str], what: str) -> None:
    """Each of `values` known, none twice."""
    known = list(known)
    for i, v in enumerate(values):
        if v not in known:
            raise unknown_name(f"{key}[{i}]", v, known, what)
        if v in values[:i]:
            fail(f"{key}[{i}]", v, f"duplicate {what}")


def keys_in(known: Known, what: str, each: Check | None = None) -> Check:
    """A mapping keyed by `known` names (values checked by `each`)."""
    def check(key: str, value: Any, ctx: Context) -> None:
        for name, item in value.items():
            one_of(known, what)(f"{key}.{name}", name, ctx)
            if each is not None:
                each(f"{key}.{name}", item, ctx)
    return check


def interval(low: float, high: float, open_ends: bool = False) -> Check:
    """Two numbers [a, b] in [low, high] (or (low, high)) with a <= b."""
    def check(key: str, value: Any, ctx: Context) -> None:
        if len(value) != 2:
            fail(key, list(value), "must be two numbers [low, high]")
        within(low, high, open_ends)(f"{key}[0]", value[0], ctx)
        within(low, high, open_ends)(f"{key}[1]", value[1], ctx)
        if value[0] > value[1]:
            fail(key, list(value), "is an empty interval: low must be <= high")
    return check


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(key: str, value: Any) -> dt.date:
    """A "YYYY-MM-DD" date (only this form, though Python would parse others), or a
    `ConfigError` naming `key`."""
    try:
        if DATE.fullmatch(str(value)):
            return dt.date.fromisoformat(str(value))
    except ValueError:
        pass
    raise ConfigError(key, value, "not a date; write YYYY-MM-DD, a real calendar day")


def date(key: str, value: Any, ctx: Context) -> None:
    """A date, if one is given."""
    if value:
        iso_date(key, value)


CAMEO = re.compile(r"(0[1-9]|1\d|20)\d{0,2}")  # a root code 01 to 20, then up to two digits


def cameo_code(key: str, value: Any, ctx: Context) -> None:
    """A CAMEO event code, if one is given: YAML reads `043` unquoted as a number (35)."""
    if value and not CAMEO.fullmatch(value):
        fail(key, value, "not a CAMEO code: two to four digits, the first two 01 to 20; "
             'write it quoted ("043"), as YAML reads 043 as a number')


def in_window(key: str, value: Any, ctx: Context) -> None:
    """A date in the scenario's window, if one is given (`None`: none)."""
    if value is None or ctx.window is None:
        return
    start, end = ctx.window
    if not start <= iso_date(key, value) <= end:
        fail(key, value, f"must lie in the scenario window {start}..{end}")
