"""The plots of a run, checked on what they draw against the saved tables.

README: `outcomes.png`, `timeline.png` ("tension fan chart with the scheduled events") and
`goldstein.png` ("mean Goldstein score per month"). Each figure is caught as it is saved
(the real `save_png` still writes the file) and its artists are compared with numbers
computed here from `replications.parquet`, `events.parquet` and `summary.json`.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from statsmodels.stats.proportion import proportion_confint

from sim.analysis import plots
from sim.design_point import run_design_point
from sim.model.outcome import OUTCOMES
from tests.conftest import compose_run


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Figure]]:
    """A real run of 60 replications, 12 traced, with every figure it drew."""
    out = tmp_path_factory.mktemp("run")
    figures: dict[str, Figure] = {}
    real = plots.save_png

    def keep(fig: Figure, path: Path, dpi: int = 120) -> Path:
        figures[path.name] = fig
        return real(fig, path, dpi)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plots, "save_png", keep)
        run_design_point(compose_run("reps=60", "trace_reps=12", "seed=2", "workers=1",
                                     "progress=false"), out)
    assert sorted(figures) == ["goldstein.png", "outcomes.png", "timeline.png"]
    for name in figures:
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    return out, figures


def _summary(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "summary.json").read_text())
    return data


def _reference_path(times: np.ndarray, after: np.ndarray, start: float, base: float,
                    half_life: float, days: int) -> np.ndarray:
    """Tension on each day: the last event's value (or the start), relaxed since then."""
    out = []
    for day in range(days):
        past = [(t, i, v) for i, (t, v) in enumerate(zip(times, after, strict=True))
                if t <= day]
        t0, _, v0 = max(past) if past else (0.0, 0, start)  # same time: the last recorded
        out.append(base + (v0 - base) * 0.5 ** ((day - t0) / half_life))
    return np.array(out)


def _fill_bounds(coll: PolyCollection, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper y of a `fill_between` over n x values."""
    v = coll.get_paths()[0].vertices
    return v[1:n + 1, 1], v[n + 2:2 * n + 2, 1][::-1]


def test_the_timeline_draws_the_tension_fan_of_the_traced_replications(
        drawn: tuple[Path, dict[str, Figure]]) -> None:
    out, figures = drawn
    summary = _summary(out)
    rel = summary["relations"]
    start, end = date.fromisoformat(summary["start"]), date.fromisoformat(summary["end"])
    days = (end - start).days + 1
    events = pd.read_parquet(out / "events.parquet")
    assert sorted(events["rep"].unique()) == list(range(12))
    paths = np.array([
        _reference_path(g["time"].to_numpy(), g["tension_after"].to_numpy(), rel["tension"],
                        rel["tension_baseline"], rel["tension_half_life_days"], days)
        for _, g in events.groupby("rep")])
    assert np.ptp(paths) > 0.2, "the traced replications' tension hardly moves"

    ax = figures["timeline.png"].axes[0]
    median = [ln for ln in ax.lines if ln.get_label() == "median"]
    assert len(median) == 1
    x = mdates.date2num(median[0].get_xdata())
    assert np.array_equal(x, mdates.date2num([start + timedelta(days=d) for d in range(days)]))
    np.testing.assert_allclose(median[0].get_ydata(), np.quantile(paths, 0.5, axis=0),
                               atol=1e-9)
    fills = {c.get_label(): c for c in ax.collections if isinstance(c, PolyCollection)}
    for label, (lo, hi) in {"10-90%": (0.1, 0.9), "25-75%": (0.25, 0.75)}.items():
        low, high = _fill_bounds(fills[label], days)
        np.testing.assert_allclose(low, np.quantile(paths, lo, axis=0), atol=1e-9)
        np.testing.assert_allclose(high, np.quantile(paths, hi, axis=0), atol=1e-9)
    assert ax.get_ylim() == (0.0, 1.0)
    assert ax.get_title().endswith("12 traced replications")


def test_the_timeline_marks_each_scheduled_event(drawn: tuple[Path, dict[str, Figure]]) -> None:
    out, figures = drawn
    scheduled = _summary(out)["scheduled"]
    assert {e["kind"] for e in scheduled} >= {"meeting", "shock"}
    ax = figures["timeline.png"].axes[0]
    vlines = [ln for ln in ax.lines if ln.get_label() != "median"
              and len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]]
    colour = {"meeting": "tab:blue", "shock": "tab:red", "concession": "tab:green"}
    got = sorted((float(ln.get_xdata()[0]), ln.get_color()) for ln in vlines)
    want = sorted((float(mdates.date2num(date.fromisoformat(e["date"]))), colour[e["kind"]])
                  for e in scheduled)
    assert got == want
    shock_names = sorted(e["name"] for e in scheduled if e["kind"] == "shock")
    assert sorted(t.get_text() for t in ax.texts) == shock_names
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["10-90%", "25-75%", "median"]
    assert set(legend[3:]) == {e["kind"] for e in scheduled}


def _error_segments(ax: Any) -> list[Any]:
    """The error-bar segments of the one bar chart on `ax`, bar by bar."""
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    return list(bars.errorbar.lines[2][0].get_segments())


def _bar_heights(ax: Any) -> list[float]:
    return [p.get_height() for p in ax.patches]


def test_outcomes_draws_each_share_with_its_wilson_interval(
        drawn: tuple[Path, dict[str, Figure]]) -> None:
    out, figures = drawn
    reps = pd.read_parquet(out / "replications.parquet")
    n = len(reps)
    left, right = figures["outcomes.png"].axes
    counts = [int((reps["outcome"] == o).sum()) for o in OUTCOMES]
    np.testing.assert_allclose(_bar_heights(left), [k / n for k in counts])
    segments = _error_segments(left)
    for (lo_pt, hi_pt), k in zip(segments, counts, strict=True):
        want = proportion_confint(k, n, method="wilson")
        assert (lo_pt[1], hi_pt[1]) == pytest.approx(want, abs=1e-12)

    issues = _summary(out)["issues"]
    widths = [p.get_width() for p in right.patches]
    np.testing.assert_allclose(widths, [reps[f"agreed_{i}"].mean() for i in issues])
    segments = _error_segments(right)
    for (lo_pt, hi_pt), i in zip(segments, issues, strict=True):
        want = proportion_confint(int(reps[f"agreed_{i}"].sum()), n, method="wilson")
        assert (lo_pt[0], hi_pt[0]) == pytest.approx(want, abs=1e-12)
    assert [t.get_text() for t in right.get_yticklabels()] == [i.replace("_", " ")
                                                               for i in issues]


def test_goldstein_draws_the_mean_monthly_sum(drawn: tuple[Path, dict[str, Figure]]) -> None:
    out, figures = drawn
    summary = _summary(out)
    events = pd.read_parquet(out / "events.parquet")
    month = events["date"].str[:7]
    sums = events.groupby(month)["goldstein"].sum() / events["rep"].nunique()
    months = pd.period_range(summary["start"], summary["end"], freq="M").strftime("%Y-%m")
    want = [float(sums.get(m, 0.0)) for m in months]
    assert any(w != 0 for w in want)
    ax = figures["goldstein.png"].axes[0]
    np.testing.assert_allclose(_bar_heights(ax), want, atol=1e-9)
    red, green = (0.839, 0.153, 0.157), (0.173, 0.627, 0.173)
    for p, w in zip(ax.patches, want, strict=True):
        assert p.get_facecolor()[:3] == pytest.approx(green if w >= 0 else red, abs=1e-3)
    assert len(ax.get_xticklabels()) == len(months)


def test_a_single_traced_replication_is_drawn_as_its_own_line(tmp_path: Path) -> None:
    figures: list[Figure] = []
    real = plots.save_png
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plots, "save_png",
                   lambda fig, path, dpi=120: (figures.append(fig), real(fig, path, dpi))[1])
        run_design_point(compose_run("reps=5", "trace_reps=1", "workers=1", "progress=false"),
                         tmp_path)
    timeline = next(f for f in figures if "tension" in f.axes[0].get_ylabel())
    summary = _summary(tmp_path)
    rel = summary["relations"]
    events = pd.read_parquet(tmp_path / "events.parquet")
    days = (date.fromisoformat(summary["end"]) - date.fromisoformat(summary["start"])).days + 1
    (line,) = [ln for ln in timeline.axes[0].lines if ln.get_label() == "tension"]
    np.testing.assert_allclose(
        line.get_ydata(),
        _reference_path(events["time"].to_numpy(), events["tension_after"].to_numpy(),
                        rel["tension"], rel["tension_baseline"], rel["tension_half_life_days"],
                        days), atol=1e-9)


def test_a_name_is_drawn_as_written_not_read_as_tex(tmp_path: Path) -> None:
    """A scenario named `a $\\frac$ b` stopped the run in its plots (matplotlib read the name
    as TeX and could not parse it), before its summary: the results looked incomplete."""
    name = "a $\\frac$ b"
    run_design_point(compose_run("reps=5", "workers=1", "progress=false",
                                 f"scenario.name='{name}'"), tmp_path)
    assert _summary(tmp_path)["scenario"] == name
    assert {p.name for p in tmp_path.glob("*.png")} == {"outcomes.png", "timeline.png",
                                                         "goldstein.png"}
