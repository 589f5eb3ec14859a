"""The compiled hot path (`sim/compiled.py`): the source's results exactly, and never used
once its source has changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.compiled import HOT_MODULES, SOURCE_ONLY, STAMP_NAME, build_matches, extensions

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p.stem for p in (ROOT / "conf" / "scenario").glob("*.yaml"))

needs_build = pytest.mark.skipif(
    not build_matches(), reason="no compiled build of the model (`make compiled`: it needs a "
    "C compiler); the model runs from source")

# Every shipped scenario, traces included: the build that ran, then a hash of the results.
DIGEST = f"""
import hashlib
import sim
from sim.compiled import running_compiled
digest = hashlib.sha256()
for name in {SCENARIOS!r}:
    for result in sim.run_replications(sim.load_scenario(name), reps=60, seed=3, trace_reps=6):
        digest.update(repr(result).encode())
print("compiled" if running_compiled() else "source", digest.hexdigest())
"""


def run(code: str, cwd: Path, **env: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@needs_build
def test_the_compiled_build_gives_exactly_the_source_s_results() -> None:
    compiled = run(DIGEST, ROOT).split()
    source = run(DIGEST, ROOT, **{SOURCE_ONLY: "1"}).split()
    assert compiled[0] == "compiled" and source[0] == "source"
    assert compiled[1] == source[1]


@needs_build
def test_a_build_older_than_its_source_is_not_used(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "sim", tmp_path / "sim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    which = "from sim.compiled import running_compiled; print(running_compiled())"
    assert run(which, tmp_path, PYTHONPATH=str(tmp_path)) == "True"
    edited = tmp_path / HOT_MODULES[-1]
    edited.write_text(edited.read_text() + "\n# edited after the build\n")
    assert run(which, tmp_path, PYTHONPATH=str(tmp_path)) == "False"


def _build_without(tmp_path: Path, cc: str) -> subprocess.CompletedProcess[str]:
    """Build a copy of the package with `cc` as the C compiler; the build's output."""
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns(
        "__pycache__", "*.so", STAMP_NAME))
    done = subprocess.run(
        [sys.executable, "-c", "import sim.compiled; sim.compiled.build()"], cwd=tmp_path,
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(tmp_path), "CC": cc})
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "sim").rglob("*.so")) == []
    assert not (tmp_path / "sim" / STAMP_NAME).exists()
    which = "from sim.compiled import running_compiled; print(running_compiled())"
    assert run(which, tmp_path, PYTHONPATH=str(tmp_path)) == "False"
    return done


def test_without_a_c_compiler_the_build_says_so_at_once_and_the_model_runs_from_source(
        tmp_path: Path) -> None:
    done = _build_without(tmp_path, str(tmp_path / "no-cc"))
    assert done.stderr.startswith(f"note: the model could not be compiled (no C compiler: "
                                  f"{tmp_path / 'no-cc'}); it runs from source"), done.stderr
    assert "compiling" not in done.stdout  # nothing tried: mypyc never started


@pytest.mark.slow  # mypyc type-checks the hot modules for about a minute before cc fails
def test_a_failing_c_compiler_is_a_note_with_the_log_and_the_model_runs_from_source(
        tmp_path: Path) -> None:
    done = _build_without(tmp_path, shutil.which("false") or "/bin/false")
    assert "note: the model could not be compiled (see " in done.stderr, done.stderr


def test_the_build_covers_every_hot_module_and_only_them() -> None:
    """Each hot module exists; a build, when there, has one extension module per hot module
    and the shared library, and compiles nothing else of the package."""
    assert all((ROOT / name).is_file() for name in HOT_MODULES)
    if not build_matches():
        pytest.skip("no compiled build of the model (`make compiled`: it needs a C compiler)")
    built = {str((p.parent / p.name.split(".")[0]).relative_to(ROOT)) for p in extensions()}
    assert built == {name.removesuffix(".py") for name in HOT_MODULES} | {"sim/native__mypyc"}
