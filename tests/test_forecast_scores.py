"""Scores: textbook values, the Murphy identity, skill against baselines, bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.forecast.scores import (
    bin_index,
    bootstrap,
    brier,
    by_kind,
    log_score,
    murphy,
    point_scores,
    reliability_table,
    skill,
    smoothed,
)


def test_brier_and_log_score_textbook_values() -> None:
    # Brier (1950): (p - y)^2; the log score is -ln of the probability given to what happened
    assert brier([0.2, 0.7, 1.0], [1, 0, 1]) == pytest.approx([0.64, 0.49, 0.0])
    assert log_score([0.8, 0.25, 0.5], [1, 0, 1]) == pytest.approx(
        [-math.log(0.8), -math.log(0.75), math.log(2)])
    assert log_score([0.0], [1])[0] == math.inf


def test_smoothing_keeps_simulated_shares_off_0_and_1() -> None:
    assert smoothed([0.0, 1.0, 0.5], [99, 99, 99]) == pytest.approx([0.005, 0.995, 0.5])


def test_murphy_decomposition_of_a_worked_example() -> None:
    # Six forecasts at three bin values; by hand: obar = 2/3, UNC = 2/9,
    # REL = (2*0.16 + 0 + 2*0.01)/6, RES = (4*(1/6)^2 + 2*(1/3)^2)/6, BS = 1.34/6.
    p = [0.1, 0.1, 0.5, 0.5, 0.9, 0.9]
    y = [0, 1, 0, 1, 1, 1]
    m = murphy(p, y)
    assert m["uncertainty"] == pytest.approx(2 / 9)
    assert m["reliability"] == pytest.approx(0.34 / 6)
    assert m["resolution"] == pytest.approx((4 / 36 + 2 / 9) / 6)
    assert m["brier"] == pytest.approx(1.34 / 6)
    assert m["within"] == pytest.approx(0.0, abs=1e-15)


def test_the_identity_is_exact_when_forecasts_take_the_bin_values() -> None:
    rng = np.random.default_rng(7)
    values = (np.arange(10) + 0.5) / 10  # one value per bin
    p = rng.choice(values, 500)
    y = rng.random(500) < p
    m = murphy(p, y)
    assert m["brier"] == pytest.approx(m["reliability"] - m["resolution"] + m["uncertainty"],
                                       abs=1e-12)
    assert m["within"] == pytest.approx(0.0, abs=1e-12)
    # perfectly reliable forecasts in expectation: REL is small, about bins/(4n)
    assert m["reliability"] < 3 * 10 / (4 * 500)


def test_with_spread_in_the_bins_the_within_terms_close_the_identity() -> None:
    rng = np.random.default_rng(8)
    p = rng.random(300)
    y = rng.random(300) < p
    m = murphy(p, y)
    assert m["within"] != 0.0
    assert m["brier"] == pytest.approx(
        m["reliability"] - m["resolution"] + m["uncertainty"] + m["within"], abs=1e-12)


def test_bins_cover_zero_to_one() -> None:
    assert bin_index([0.0, 0.0999, 0.1, 0.95, 1.0]).tolist() == [0, 0, 1, 9, 9]
    t = reliability_table([0.05, 0.05, 0.95], [0, 1, 1])
    assert t["n"].tolist() == [2, 1] and t["observed"].tolist() == [0.5, 1.0]


def frame(p: list[float], y: list[bool], persistence: list[float] | None = None,
          questions: list[str] | None = None) -> pd.DataFrame:
    n = len(p)
    return pd.DataFrame({
        "origin": ["2023-01-01"] * n, "question": questions or [f"q{i}" for i in range(n)],
        "kind": ["path"] * n, "p": p, "n": [100] * n, "answer": y,
        "persistence": persistence if persistence is not None else [0.0] * n})


def test_skill_against_each_baseline() -> None:
    df = frame([0.9, 0.8, 0.1, 0.3], [True, True, False, False], [0.0, 0.0, 0.0, 1.0])
    s = point_scores(df)
    bs = (0.01 + 0.04 + 0.01 + 0.09) / 4
    assert s["brier"] == pytest.approx(bs)
    assert s["brier_half"] == pytest.approx(0.25)
    assert s["brier_base_rate"] == pytest.approx(0.25)  # base rate 0.5 here
    assert s["brier_persistence"] == pytest.approx(3 / 4)
    assert s["bss_half"] == pytest.approx(1 - bs / 0.25)
    assert s["bss_persistence"] == pytest.approx(1 - bs / 0.75)
    assert s["bss_best"] == pytest.approx(1 - bs / 0.25)
    assert math.isnan(skill(0.1, 0.0))


def test_persistence_can_be_the_best_baseline() -> None:
    df = frame([0.5, 0.5, 0.5], [False, False, True], [0.0, 0.0, 1.0])
    s = point_scores(df)
    assert s["brier_persistence"] == 0.0
    assert math.isnan(s["bss_best"])  # a perfect reference leaves no room for skill


def test_bootstrap_is_reproducible_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(3)
    p = rng.random(60).round(2).tolist()
    y = (rng.random(60) < np.array(p)).tolist()
    df = pd.concat([frame(p, y), frame(p, y).assign(origin="2023-02-01")], ignore_index=True)
    a = bootstrap(df, reps=300, seed=1)
    b = bootstrap(df, reps=300, seed=1)
    assert a == b
    point = point_scores(df)
    for key in ("brier", "bss_half", "bss_best"):
        assert a[key][0] <= point[key] <= a[key][1], key
    # questions are resampled, not rows: each question's two rows move together, so the
    # interval has the width of 60 independent scores, sqrt(2) times that of 120
    wide = bootstrap(df, reps=1000, seed=2)["brier"]
    sd = float(np.std(brier(df["p"], df["answer"].astype(float))))
    rows_scale = 2 * 1.96 * sd / math.sqrt(120)
    assert 1.2 * rows_scale < wide[1] - wide[0] < 1.7 * rows_scale


def test_scores_per_kind_and_all() -> None:
    df = pd.concat([frame([0.9, 0.2], [True, False]),
                    frame([0.6, 0.4], [False, True]).assign(kind="end_state",
                                                             question=["e0", "e1"])])
    out = by_kind(df, ["path", "end_state"], reps=50)
    assert out["path"]["brier"]["estimate"] == pytest.approx((0.01 + 0.04) / 2)
    assert out["end_state"]["brier"]["estimate"] == pytest.approx(0.36)
    assert out["all"]["n_forecasts"] == 4 and out["all"]["n_questions"] == 4
    assert out["path"]["bss"]["best"]["estimate"] > 0 > out["end_state"]["bss"]["best"]["estimate"]
