"""The one error a user sees for bad input: key, value and what is allowed, on one line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

MAX_VALUE_CHARS = 160


class ConfigError(ValueError):
    """A config value is wrong. `str()` is the one line shown to the user."""

    def __init__(self, key: str, value: object, allowed: str):
        self.key, self.value, self.allowed = key, value, one_line(allowed)
        shown = repr(value)
        if len(shown) > MAX_VALUE_CHARS:
            shown = shown[: MAX_VALUE_CHARS - 3] + "..."
        super().__init__(f"{one_line(key)}={shown}: {self.allowed}")


def unknown_name(key: str, value: str, known: Iterable[str], what: str) -> ConfigError:
    """An unknown name, with the known ones and a "did you mean" suggestion."""
    names = sorted(known)
    close = difflib.get_close_matches(str(value), names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = ", ".join(names) if names else "none defined"
    return ConfigError(key, value, f"unknown {what}{hint}; known: {listed}")


def under_a_value(key: str, value: object, depth: int) -> ConfigError:
    """A dotted `key` that goes on below a single value, its first `depth` parts (`seed.x`)."""
    parts = key.split(".")
    return ConfigError(key, value, f"{'.'.join(parts[:depth])} is a single value, not a "
                       f"mapping; it has no key {parts[depth]!r}")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def exception_chain(e: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from, outermost first."""
    out: list[BaseException] = []
    cur: BaseException | None = e
    while cur is not None and cur not in out:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def yaml_error(err: yaml.MarkedYAMLError) -> ConfigError:
    """A malformed YAML file: the dotted key of a duplicate, else the file, line and text."""
    mark = err.problem_mark or err.context_mark
    if mark is None:
        return ConfigError("<yaml>", "", f"malformed YAML: {one_line(str(err))}")
    path, line = str(mark.name), mark.line + 1
    if err.problem and err.problem.startswith("found duplicate key"):
        dup = _duplicate(path, mark.line, mark.column)
        if dup is not None:
            key, value, first = dup
            return ConfigError(key, value, f"duplicate key: already set on line {first} of "
                               f"{path}; a key may appear only once in a mapping")
    try:
        source = Path(path).read_text().splitlines()[mark.line].strip()
    except (OSError, IndexError):
        source = ""
    what = ", ".join(one_line(p) for p in (err.context, err.problem) if p)
    opened = ""
    if err.context_mark is not None and err.problem_mark is not None and (
        err.context_mark.line != err.problem_mark.line
    ):
        opened = f" (opened on line {err.context_mark.line + 1})"
    return ConfigError(f"{path}:{line}", source,
                       f"malformed YAML at column {mark.column + 1}: {what}{opened}; "
                       "fix the syntax (indent with spaces, close brackets, quote dates)")


def package_of(path: Path, text: str) -> str:
    """Where a config file's keys land: its `# @package` header, else its group's name."""
    header = re.match(r"\s*#\s*@package\s+(\S+)", text)
    if header:
        return "" if header.group(1) == "_global_" else header.group(1)
    return path.parent.name if path.parent.name == "scenario" else ""


def _duplicate(path: str, line: int, column: int) -> tuple[str, str, int] | None:
    """(dotted key, its second value, line first set) of the duplicate key at line:column."""
    try:
        text = Path(path).read_text()
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return None
    package = package_of(Path(path), text)

    def pairs(node: yaml.Node, where: str) -> Iterator[tuple[str, yaml.Node, yaml.Node, int]]:
        """(dotted key, key, value, line the key is first set on) of every mapping entry."""
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for k, v in node.value:
                full = f"{where}.{k.value}" if where else str(k.value)
                yield full, k, v, first.setdefault(str(k.value), k.start_mark.line + 1)
                yield from pairs(v, full)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                yield from pairs(v, f"{where}[{i}]")

    for full, k, v, first in pairs(root, package) if root is not None else ():
        if (k.start_mark.line, k.start_mark.column) == (line, column):
            shown = v.value if isinstance(v, yaml.ScalarNode) else one_line(
                text[v.start_mark.index:v.end_mark.index])
            return full, shown, first
    return None
