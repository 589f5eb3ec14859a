"""The hot path compiled to C, used only while it matches its source.

`make` compiles the modules of one replication (the world's processes and the pure
model, less the agenda and the outcome rules) with mypyc into extension modules beside
their sources, and writes a stamp of the sources it compiled (`sim.compiled.build`; about
a minute, once). Python imports an extension module before a source file of the same
name, so a build left behind by an edit would run the old code: when `sim` is imported,
the sources are hashed and, if they no longer match the stamp, imported from source
instead. `SUMMITSIM_SOURCE=1` imports them from source always (for tracebacks with line
numbers, or to compare the two builds).

Without a C compiler the build is skipped with a note and everything runs from source, a
replication taking a third longer; results are identical either way
(`tests/test_compiled.py`).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
STAMP_NAME = "compiled.stamp"  # in sim/, beside the build it stamps
LIBRARY = "sim.native"  # the shared library of the compiled modules: sim/native__mypyc.*.so
SOURCE_ONLY = "SUMMITSIM_SOURCE"

# Left out: the agenda, which a negotiator refers to weakly (a compiled class cannot be),
# and the outcome rules, whose thresholds travel with a scenario to worker processes (a
# compiled frozen dataclass cannot be unpickled).
HOT_MODULES = (
    "sim/model/preferences.py",
    "sim/model/relations.py",
    *(f"sim/model/bargaining/{name}.py" for name in (
        "baseline", "curves", "faratin", "frontier", "negotiator", "rubinstein", "session",
        "solutions", "strategies", "zeuthen")),
    *(f"sim/world/{name}.py" for name in (
        "calendar", "concessions", "party", "replication", "shocks", "state", "summit",
        "talks")),
)


def sources_digest(root: Path = ROOT) -> str:
    """A hash of the hot modules' sources (their paths and bytes)."""
    digest = hashlib.sha256()
    for name in HOT_MODULES:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    return digest.hexdigest()


def extensions(root: Path = ROOT) -> list[Path]:
    """The compiled files in the package: a build's, or any left by an earlier one."""
    return sorted((root / "sim").rglob("*.so"))


def build_matches(root: Path = ROOT) -> bool:
    """Whether a build is there and was made from the sources as they are now."""
    stamp = _stamp(root)
    return stamp.exists() and stamp.read_text().strip() == sources_digest(root)


def _stamp(root: Path) -> Path:
    return root / "sim" / STAMP_NAME


def import_from_source(package_dir: Path = PACKAGE) -> None:
    """Have the hot modules' folders import source files only, ignoring extension modules
    (the folders' finders are the ones Python would make, less the extension loader)."""
    from importlib.machinery import (
        BYTECODE_SUFFIXES,
        SOURCE_SUFFIXES,
        FileFinder,
        SourceFileLoader,
        SourcelessFileLoader,
    )

    folders = {os.path.join(str(package_dir), *Path(name).parent.parts[1:])
               for name in HOT_MODULES}
    for folder in folders:
        sys.path_importer_cache[folder] = FileFinder(
            folder, (SourceFileLoader, SOURCE_SUFFIXES), (SourcelessFileLoader, BYTECODE_SUFFIXES))


def running_compiled() -> bool:
    """Whether this process runs the compiled build (once the hot modules are imported)."""
    import sim.world.replication

    return not sim.world.replication.__file__.endswith(".py")


def guard(package_dir: str) -> None:
    """Called when `sim` is imported: use the build only if it matches the sources."""
    package = Path(package_dir)
    if os.environ.get(SOURCE_ONLY) == "1" or not build_matches(package.parent):
        import_from_source(package)


def build(root: Path = ROOT) -> None:
    """Compile the hot modules if their build is missing or stale; a note when it cannot
    be done (the model then runs from source)."""
    if build_matches(root) and extensions(root):
        return
    import shutil
    import subprocess
    import sysconfig
    import tempfile

    stamp = _stamp(root)
    stamp.unlink(missing_ok=True)
    for path in extensions(root):
        path.unlink()
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:  # said at once, not after a minute of mypyc
        print(f"note: the model could not be compiled (no C compiler: {compiler}); it runs "
              "from source, with the same results, a third slower", file=sys.stderr)
        return
    print("compiling the model to C, once (about a minute) ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="summitsim-build-") as tmp:
        script = (
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            f"setup(name='summitsim-native', script_args=['build_ext', '--inplace', "
            f"'--build-temp', {tmp!r}, '--build-lib', {tmp!r}], "
            f"ext_modules=mypycify({list(HOT_MODULES)!r}, opt_level='3', "
            f"group_name={LIBRARY!r}, target_dir={tmp!r}))\n"
        )
        log = Path(tmp) / "build.log"
        with log.open("w") as out:
            done = subprocess.run([sys.executable, "-c", script], cwd=root, stdout=out,
                                  stderr=subprocess.STDOUT).returncode == 0
        if not done:
            kept = Path(tempfile.gettempdir()) / "summitsim-build.log"
            shutil.copyfile(log, kept)
            for path in extensions(root):
                path.unlink()
            print(f"note: the model could not be compiled (see {kept}); it runs from "
                  "source, with the same results, a third slower", file=sys.stderr)
            return
    stamp.write_text(sources_digest(root) + "\n")
