"""The layers of docs/architecture.md hold: imports run down, and no module circles back.

Every import of `sim/` is read from the source (with `ast`, so imports inside functions
count too) and checked against the layer table of the page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"


def layers(text: str) -> dict[str, int]:
    """Module prefix -> layer number, from the page's ```layers block."""
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, f"{PAGE} has no ```layers block"
    out: dict[str, int] = {}
    for line in block.group(1).splitlines():
        number, _name, *prefixes = line.split()
        out.update({p: int(number) for p in prefixes})
    return out


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, package: str | None = None) -> set[str]:
    """The `sim` modules a file imports, anywhere in it (`from x import y` may name y).

    `package` is the file's package, for relative imports (by default, from its path).
    """
    tree = ast.parse(path.read_text())
    if package is None:
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m == "sim" or m.startswith("sim.")}


def graph() -> dict[str, set[str]]:
    """Module -> the modules of `sim/` it imports (names that are not modules dropped)."""
    files = {module_name(p): p for p in (ROOT / "sim").rglob("*.py")}
    out = {}
    for name, path in files.items():
        targets = set()
        for m in imports(path):
            while m not in files and "." in m:  # `from sim.x import func`: the module sim.x
                m = m.rpartition(".")[0]
            if m in files and m != name and not name.startswith(m + "."):
                targets.add(m)  # a package's own __init__ is not an import of its parts
        out[name] = targets
    return out


def layer_of(module: str, table: dict[str, int]) -> int | None:
    best = max((p for p in table if module == p or module.startswith(p + ".")),
               key=len, default=None)
    return table[best] if best is not None else None


def upward(g: dict[str, set[str]], table: dict[str, int]) -> list[str]:
    bad = []
    for m, targets in sorted(g.items()):
        for t in sorted(targets):
            a, b = layer_of(m, table), layer_of(t, table)
            if a is not None and b is not None and b > a:
                bad.append(f"{m} (layer {a}) imports {t} (layer {b})")
    return bad


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer() -> None:
    table = layers(PAGE.read_text())
    assert [m for m in graph() if layer_of(m, table) is None] == []


def test_no_import_reaches_a_higher_layer() -> None:
    assert upward(graph(), layers(PAGE.read_text())) == []


def test_no_modules_import_each_other() -> None:
    assert circles(graph()) == []


def test_the_checks_catch_an_upward_import_and_a_circle() -> None:
    table = {"sim.low": 1, "sim.high": 2}
    g = {"sim.low": {"sim.high"}, "sim.high": {"sim.low"}}
    assert upward(g, table) == ["sim.low (layer 1) imports sim.high (layer 2)"]
    assert circles(g) == [["sim.high", "sim.low"]]


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    from sim.world.state import WorldState\n", {"sim.world.state"}),
    ("from . import shocks\n", {"sim.world", "sim.world.shocks"}),
])
def test_imports_inside_functions_and_relative_ones_count(tmp_path: Path, source: str,
                                                          expected: set[str]) -> None:
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert expected <= imports(path, package="sim.world")


def test_the_graph_sees_the_real_imports() -> None:
    g = graph()
    assert "sim.scenario" in g["sim.world.state"]
    assert "sim.executors.base" in g["sim.executors.local"]
    assert "sim.records" in g["sim.runner"]
