"""Debian's headless Chromium for tests that look at a page as a person would.

`browser()` returns its path, installing the `chromium` package with apt-get when it is
missing and this user may; where it cannot be had, the test is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def browser() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        reason = "chromium is not installed, and apt-get cannot install it for this user"
    else:
        done = subprocess.run(
            "apt-get update -qq && apt-get install -y -qq chromium", shell=True,
            capture_output=True, text=True, timeout=1200,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which("chromium")
        if found:
            return found
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        reason = f"apt-get install chromium failed: {last}"
    print(f"skipped: {reason}")
    pytest.skip(reason)


def run(page: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Open a local page in a fresh profile with the given extra flags."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [browser(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
            capture_output=True, text=True, timeout=timeout)


def screenshot(page: Path, out: Path, size: str = "1200,3000") -> Path:
    done = run(page, f"--screenshot={out}", f"--window-size={size}")
    assert out.exists(), done.stderr[-2000:]
    return out


PROBE = """<script>
window.addEventListener("load", () => {
  const seen = Array.from(document.images).map(
    (img) => `${img.alt}=${img.complete}:${img.naturalWidth}x${img.naturalHeight}`);
  const out = document.createElement("pre");
  out.id = "image-probe";
  out.textContent = seen.join("\\n");
  document.body.appendChild(out);
});
</script>
"""


def loaded_images(page: Path) -> dict[str, tuple[bool, int, int]]:
    """Each image of the page as the browser loaded it: complete, natural width and height.

    A copy of the page with a probe script appended is opened with --dump-dom; the script
    writes what the browser knows of each image into the DOM after the load event.
    """
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    try:
        done = run(probe, "--dump-dom", "--virtual-time-budget=10000")
    finally:
        probe.unlink()
    text = done.stdout.split('<pre id="image-probe">', 1)
    assert len(text) == 2, done.stderr[-2000:]
    out = {}
    for line in text[1].split("</pre>", 1)[0].strip().splitlines():
        name, _, state = line.rpartition("=")
        complete, _, size = state.partition(":")
        w, _, h = size.partition("x")
        out[name] = (complete == "true", int(w), int(h))
    return out
