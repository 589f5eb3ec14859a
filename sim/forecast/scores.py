"""Proper scores of binary forecasts, Murphy's decomposition, skill and bootstrap intervals.

Brier and log scores come from `scoringrules`; the binned Murphy (1973) decomposition,
the skill scores and the cluster bootstrap over questions are written here, because that
library has none of them.

Baselines for the Brier skill score (BSS = 1 - BS / BS_ref):

- `half`: always 0.5.
- `base_rate`: the share of yes answers among the scored (origin, question) pairs of the
  same set (in-sample climatology: it knows the answers' mix, which favours it).
- `persistence`: the answer the question would have if nothing more happened after the
  origin: no further event, no summit (see `sim.forecast.resolve.nothing_happens`). For
  a question still open at the origin that is 0 for "will X happen" and 1 for "will X
  not happen".

`best` is the baseline with the lowest Brier score on the same set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scoringrules as sr

from sim.saved import Estimate, ScoreSet

FloatArray = npt.NDArray[np.float64]
BASELINES = ("half", "base_rate", "persistence")
BINS = 10  # equal-width forecast bins for the decomposition and the reliability diagram
BOOTSTRAP = 2000
SEED = 20231115


def brier(p: npt.ArrayLike, y: npt.ArrayLike) -> FloatArray:
    """Brier score of each forecast p of a binary outcome y: (p - y)^2."""
    return np.asarray(sr.brier_score(np.asarray(y, float), np.asarray(p, float)), float)


def log_score(p: npt.ArrayLike, y: npt.ArrayLike) -> FloatArray:
    """Negative log likelihood of each outcome (lower is better; inf for a sure miss)."""
    with np.errstate(divide="ignore"):
        return np.asarray(sr.log_score(np.asarray(y, float), np.asarray(p, float)), float)


def smoothed(p: npt.ArrayLike, n: npt.ArrayLike) -> FloatArray:
    """A share k/n of replications as (k + 1/2) / (n + 1), never 0 or 1 (for the log score).

    A simulated share of 0 or 1 means "fewer than about 1 in n", not impossibility.
    """
    p, n = np.asarray(p, float), np.asarray(n, float)
    return (p * n + 0.5) / (n + 1.0)


def bin_index(p: npt.ArrayLike, bins: int = BINS) -> npt.NDArray[np.int64]:
    """Equal-width bin of each forecast in [0, 1]: [0, 1/b), ..., [(b-1)/b, 1]."""
    return np.minimum((np.asarray(p, float) * bins).astype(np.int64), bins - 1)


def murphy(p: npt.ArrayLike, y: npt.ArrayLike, bins: int = BINS) -> dict[str, float]:
    """Binned Murphy decomposition: BS = REL - RES + UNC + within.

    REL = sum_k n_k (fbar_k - obar_k)^2 / N, RES = sum_k n_k (obar_k - obar)^2 / N and
    UNC = obar (1 - obar), with fbar_k and obar_k the mean forecast and the observed
    frequency in bin k. `within` = within-bin variance of the forecasts minus twice their
    within-bin covariance with the outcomes (Stephenson et al. 2008); it is 0 when every
    forecast equals its bin's mean forecast, and then the identity is exact.
    """
    p, y = np.asarray(p, float), np.asarray(y, float)
    n = len(p)
    if n == 0:
        return {k: math.nan for k in ("brier", "reliability", "resolution", "uncertainty",
                                      "within")}
    k = bin_index(p, bins)
    counts = np.bincount(k, minlength=bins).astype(float)
    used = counts > 0
    fbar = np.bincount(k, weights=p, minlength=bins)[used] / counts[used]
    obar_k = np.bincount(k, weights=y, minlength=bins)[used] / counts[used]
    obar = float(y.mean())
    rel = float(np.sum(counts[used] * (fbar - obar_k) ** 2) / n)
    res = float(np.sum(counts[used] * (obar_k - obar) ** 2) / n)
    unc = obar * (1.0 - obar)
    full = np.zeros(bins)
    full[used] = fbar
    d = p - full[k]
    within = float(np.sum(d * d - 2.0 * d * y) / n)
    return {"brier": float(brier(p, y).mean()), "reliability": rel, "resolution": res,
            "uncertainty": unc, "within": within}


def reliability_table(p: npt.ArrayLike, y: npt.ArrayLike, bins: int = BINS) -> pd.DataFrame:
    """Per used bin: the count, the mean forecast and the observed frequency."""
    df = pd.DataFrame({"bin": bin_index(p, bins), "p": np.asarray(p, float),
                       "y": np.asarray(y, float)})
    out = df.groupby("bin").agg(n=("p", "size"), forecast=("p", "mean"), observed=("y", "mean"))
    return out.reset_index()


def skill(score: float, reference: float) -> float:
    """Skill score 1 - score / reference (NaN when the reference is perfect)."""
    return 1.0 - score / reference if reference > 0 else math.nan


def baseline_forecasts(df: pd.DataFrame) -> dict[str, FloatArray]:
    """The baselines' forecasts for the rows of `df` (needs `answer` and `persistence`)."""
    y = df["answer"].to_numpy(float)
    return {
        "half": np.full(len(df), 0.5),
        "base_rate": np.full(len(df), y.mean() if len(y) else math.nan),
        "persistence": df["persistence"].to_numpy(float),
    }


def point_scores(df: pd.DataFrame) -> dict[str, float]:
    """Mean Brier and log scores of the model and the baselines, and the model's BSS."""
    y = df["answer"].to_numpy(float)
    out: dict[str, float] = {"brier": float(brier(df["p"], y).mean()),
                             "log": float(log_score(smoothed(df["p"], df["n"]), y).mean())}
    refs = baseline_forecasts(df)
    for name, f in refs.items():
        out[f"brier_{name}"] = float(brier(f, y).mean())
        out[f"log_{name}"] = float(log_score(f, y).mean())
    best = min(BASELINES, key=lambda b: out[f"brier_{b}"])
    for name in BASELINES:
        out[f"bss_{name}"] = skill(out["brier"], out[f"brier_{name}"])
    out["bss_best"] = skill(out["brier"], out[f"brier_{best}"])
    return out


def bootstrap(df: pd.DataFrame, reps: int = BOOTSTRAP, seed: int = SEED
              ) -> dict[str, tuple[float, float]]:
    """Percentile 95 % intervals of `point_scores`, resampling questions with replacement.

    A question's rows at every origin are drawn together (they are not independent), and
    the best baseline is chosen anew in each resample.
    """
    rng = np.random.default_rng(seed)
    groups = [g for _, g in df.groupby("question", sort=True)]
    if not groups:
        return {}
    draws: dict[str, list[float]] = {}
    for _ in range(reps):
        pick = rng.integers(0, len(groups), len(groups))
        sample = pd.concat([groups[i] for i in pick], ignore_index=True)
        for key, value in point_scores(sample).items():
            draws.setdefault(key, []).append(value)
    out = {}
    for key, values in draws.items():
        arr = np.asarray(values, float)
        arr = arr[np.isfinite(arr)]
        out[key] = ((float(np.percentile(arr, 2.5)), float(np.percentile(arr, 97.5)))
                    if len(arr) else (math.nan, math.nan))
    return out


def score_set(df: pd.DataFrame, bins: int = BINS, reps: int = BOOTSTRAP,
              seed: int = SEED) -> ScoreSet:
    """Everything `scores.json` says about one set of forecasts (one kind of question)."""
    if df.empty:
        return {"n_forecasts": 0, "n_questions": 0}
    point = point_scores(df)
    intervals = bootstrap(df, reps, seed)
    best = min(BASELINES, key=lambda b: point[f"brier_{b}"])
    y = df["answer"].to_numpy(float)
    return {
        "n_forecasts": len(df),
        "n_questions": int(df["question"].nunique()),
        "n_origins": int(df["origin"].nunique()) if "origin" in df else 1,
        "brier": _with(point, intervals, "brier"),
        "log": _with(point, intervals, "log"),
        "murphy": murphy(df["p"], y, bins),
        "baselines": {b: {"brier": point[f"brier_{b}"], "log": _finite(point[f"log_{b}"])}
                      for b in BASELINES},
        "best_baseline": best,
        "bss": {name: _with(point, intervals, f"bss_{name}") for name in (*BASELINES, "best")},
        "bootstrap": {"reps": reps, "seed": seed, "unit": "question"},
    }


def _with(point: dict[str, float], intervals: dict[str, tuple[float, float]],
          key: str) -> Estimate:
    low, high = intervals.get(key, (math.nan, math.nan))
    return {"estimate": _finite(point[key]), "ci_low": _finite(low), "ci_high": _finite(high)}


def _finite(x: float) -> float | None:
    """JSON has no inf or NaN: those become null."""
    return float(x) if math.isfinite(x) else None


def by_kind(df: pd.DataFrame, kinds: Sequence[str], **kw: Any) -> dict[str, ScoreSet]:
    """`score_set` for each kind of question and for all of them together."""
    out = {k: score_set(df[df["kind"] == k], **kw) for k in kinds}
    out["all"] = score_set(df, **kw)
    return out
