"""`python -m sim.report DIR --html`: one self-contained page, opened in headless Chromium."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from sim.config.load import find_config
from sim.design_point import run_design_point
from sim.explore.pipeline import run_study
from sim.explore.study import read_study
from sim.forecast.backtest import load_conf, plan, run_backtest
from sim.report import main
from tests import chromium
from tests.conftest import compose_run

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run, a sweep of two jobs, a small explore study and a small backtest."""
    base = tmp_path_factory.mktemp("pages")
    run_design_point(compose_run("reps=200", "progress=false"), base / "run")
    done = subprocess.run([sys.executable, "-m", "sim", "-m", "scenario=historical_2023,"
                           "no_balloon", "reps=100", "progress=false",
                           f"hydra.sweep.dir={base / 'sweep'}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    study = read_study(find_config("summit_levers", "explore"), ["base_samples=8", "reps=10",
                                                     f"out={base / 'study'}"])
    run_study(study, progress=False)
    conf = replace(load_conf("us_china_2023"), origins=["2023-06-20", "2023-10-25"], reps=20,
                   bootstrap=100)
    run_backtest(plan(conf, (), workers=1), base / "backtest", progress=False)
    return {"run": base / "run", "sweep": base / "sweep", "explore": base / "study",
            "backtest": base / "backtest"}


def page_of(path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main([str(path), "--html"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1] == str(path / "report.html")  # the page's path, printed last
    return path / "report.html"


@pytest.mark.parametrize("kind", ["run", "sweep", "explore", "backtest"])
def test_page_is_self_contained(dirs: dict[str, Path], kind: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    page = page_of(dirs[kind], capsys)
    html = page.read_text()
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == len(list(dirs[kind].glob("*.png"))) > 0
    for src in sources:  # inline PNGs: nothing to fetch
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<h2>Provenance</h2>" in html and "<h2>Configuration</h2>" in html


def test_run_page_shows_the_summary_with_intervals(dirs: dict[str, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    html = page_of(dirs["run"], capsys).read_text()
    s = json.loads((dirs["run"] / "summary.json").read_text())
    p = s["p_summit"]
    assert (f"<td>{p['estimate']:.3f}</td><td>[{p['ci_low']:.3f}, {p['ci_high']:.3f}]</td>"
            in html)
    assert s["git_commit"] in html and f"<dd>{s['seed']}</dd>" in html


def test_sweep_page_compares_the_jobs(dirs: dict[str, Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    html = page_of(dirs["sweep"], capsys).read_text()
    rows = re.findall(r"<tr><td class=\"text\">(\d+)</td><td class=\"text\">([^<]+)</td>",
                      html)
    assert [(job, cell.split()[0]) for job, cell in rows] == [
        ("0", "scenario=historical_2023"), ("1", "scenario=no_balloon")]
    assert "P(summit)" in html and "share no_summit" in html


def test_study_page_shows_indices_box_and_study(dirs: dict[str, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    html = page_of(dirs["explore"], capsys).read_text()
    idx = json.loads((dirs["explore"] / "indices.json").read_text())["outcomes"]
    st = idx["summit_held"]["indices"]["scenario.parties.cn.attendance.empty_cost"]
    assert f"<td>{st['ST']:.3f}</td><td>[{st['ST'] - st['ST_conf']:.3f}, " in html
    assert "Noise floor" in html and "sampler: sobol" in html
    assert ("PRIM box" in html) or ("no PRIM box" in html)


def test_backtest_page_shows_the_scores_with_intervals(
        dirs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    html = page_of(dirs["backtest"], capsys).read_text()
    s = json.loads((dirs["backtest"] / "scores.json").read_text())
    for kind, sc in s["scores"].items():
        b, skill = sc["brier"], sc["bss"]["best"]
        assert f"Scores: {kind} questions" in html
        assert (f"<td>{b['estimate']:.3f}</td><td>[{b['ci_low']:.3f}, {b['ci_high']:.3f}]"
                "</td>") in html
        assert f"<td>{skill['estimate']:.3f}</td>" in html
    assert html.count("<tr><td class=\"text\">2023-") == len(s["p_summit"])  # P(summit) rows


def test_what_a_user_wrote_is_shown_as_text_not_markup(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario's name reaches the page escaped: the template's name (`.html.j2`) is not
    one that Jinja escapes by default, and a `<script>` in the name ran."""
    written = "<script>alert('x & y')</script>"
    run_design_point(compose_run("reps=20", "progress=false", "plots=false", "workers=1",
                                 f"scenario.name=\"{written}\""), tmp_path / "run")
    html = page_of(tmp_path / "run", capsys).read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x &amp; y&#39;)&lt;/script&gt;" in html


def test_pages_render_in_chromium_with_every_image_loaded(
        dirs: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chromium.browser()
    for kind in ("run", "sweep", "explore", "backtest"):
        page = page_of(dirs[kind], capsys)
        shot = chromium.screenshot(page, tmp_path / f"{kind}.png")
        pixels = imread(shot)
        assert pixels.shape[1] == 1200 and float(np.std(pixels)) > 0.01  # not a blank page
        images = chromium.loaded_images(page)
        names = sorted(p.name for p in dirs[kind].glob("*.png"))
        assert sorted(images) == names
        for name, (complete, width, height) in images.items():
            assert complete and width > 0 and height > 0, (kind, name)
