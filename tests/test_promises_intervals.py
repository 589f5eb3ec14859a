"""The 95 % intervals of every summary, against independent references.

README: `summary.json` has `p_summit` and per-issue agreement "with Wilson 95 % intervals".
The interval is checked against statsmodels and SciPy at many (k, n), asymmetric ones
included, where a wrongly centred or wrongly scaled interval differs; its coverage is
checked by simulation under `slow`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, binomtest, norm
from statsmodels.stats.proportion import proportion_confint

from sim.analysis.summary import Z95, format_sweep, format_table, share, summarize, wilson
from sim.model.outcome import OUTCOMES

# (k, n): edges, small n, strongly asymmetric shares, and a large n.
CASES = [(0, 1), (1, 1), (0, 10), (1, 10), (3, 10), (9, 10), (10, 10), (1, 40), (3, 40),
         (37, 40), (50, 100), (7, 100), (93, 100), (1, 1000), (999, 1000), (413, 1000),
         (12345, 20000)]


def test_z_is_the_two_sided_95_quantile() -> None:
    assert pytest.approx(norm.ppf(0.975), abs=1e-12) == Z95


@pytest.mark.parametrize(("k", "n"), CASES)
def test_wilson_matches_statsmodels_and_scipy(k: int, n: int) -> None:
    est, low, high = wilson(k, n)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    sp = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert est == k / n
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)
    assert low == pytest.approx(sp.low, abs=1e-12)
    assert high == pytest.approx(sp.high, abs=1e-12)


def test_wilson_textbook_value() -> None:
    """Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662."""
    _, low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_wilson_is_exact_at_the_edges_and_nan_without_data() -> None:
    assert wilson(0, 25)[1] == 0.0 and wilson(25, 25)[2] == 1.0
    assert all(math.isnan(v) for v in wilson(0, 0))
    assert all(math.isnan(v) for v in wilson(3, -1))


def test_wilson_with_another_z() -> None:
    z = norm.ppf(0.95)  # a 90 % interval
    _, low, high = wilson(7, 30, z=z)
    ref = proportion_confint(7, 30, alpha=0.10, method="wilson")
    assert (low, high) == pytest.approx(ref, abs=1e-12)


def test_share_names_the_three_numbers() -> None:
    s = share(7, 100)
    ref = proportion_confint(7, 100, method="wilson")
    assert s == pytest.approx({"estimate": 0.07, "ci_low": ref[0], "ci_high": ref[1]})


def _table(held: list[bool], outcomes: list[str], agreed: dict[str, list[bool]]) -> pd.DataFrame:
    return pd.DataFrame({"summit_held": held, "outcome": outcomes,
                         **{f"agreed_{i}": v for i, v in agreed.items()}})


def test_summarize_counts_what_the_table_says() -> None:
    rng = np.random.default_rng(4)
    n = 257
    outcome = rng.choice(OUTCOMES, size=n, p=[0.3, 0.2, 0.4, 0.1])
    held = outcome != "no_summit"
    agreed = {"trade": list(held & (rng.uniform(size=n) < 0.6)),
              "climate": list(held & (rng.uniform(size=n) < 0.1))}
    s = summarize(_table(list(held), list(outcome), agreed), ["trade", "climate"])
    low, high = proportion_confint(int(held.sum()), n, method="wilson")
    assert s["p_summit"] == pytest.approx({"estimate": held.mean(), "ci_low": low,
                                           "ci_high": high})
    assert list(s["outcome_shares"]) == list(OUTCOMES)
    for o in OUTCOMES:
        assert s["outcome_shares"][o] == pytest.approx(float(np.mean(outcome == o)))
    assert list(s["p_agreed"]) == ["trade", "climate"]
    for issue, values in agreed.items():
        k = int(np.sum(values))
        low, high = proportion_confint(k, n, method="wilson")
        assert s["p_agreed"][issue] == pytest.approx({"estimate": k / n, "ci_low": low,
                                                      "ci_high": high})


def test_summarize_gives_zero_share_to_outcomes_never_seen() -> None:
    s = summarize(_table([False, False], ["no_summit", "no_summit"], {}), [])
    assert s["outcome_shares"] == {o: (1.0 if o == "no_summit" else 0.0) for o in OUTCOMES}
    assert s["p_summit"]["estimate"] == 0.0 and s["p_summit"]["ci_low"] == 0.0
    assert s["p_agreed"] == {}


def _summary() -> dict[str, object]:
    return {"scenario": "demo", "reps": 40, "seed": 9,
            "p_summit": share(30, 40),
            "outcome_shares": {o: v for o, v in zip(OUTCOMES, (0.25, 0.5, 0.2, 0.05),
                                                     strict=True)},
            "p_agreed": {"trade": share(3, 40)},
            "perf": {"replications_per_second": 1234.4, "simpy_events_per_replication": 88.6}}


def test_format_table_prints_each_share_with_its_interval() -> None:
    lines = format_table(_summary()).splitlines()
    assert lines[0] == "scenario demo: 40 replications, seed 9"
    assert lines[1].split() == ["share", "95%", "interval"]
    assert (lines[3], lines[8]) == ("  outcomes:", "  agreed at the summit:")
    p = share(30, 40)
    assert lines[2].split() == ["p_summit", "0.750",
                                f"[{p['ci_low']:.3f},", f"{p['ci_high']:.3f}]"]
    assert [ln.split() for ln in lines[4:8]] == [
        ["no_summit", "0.250"], ["summit_no_deal", "0.500"], ["summit_partial", "0.200"],
        ["summit_breakthrough", "0.050"]]
    t = share(3, 40)
    assert lines[9].split() == ["trade", "0.075", f"[{t['ci_low']:.3f},",
                                f"{t['ci_high']:.3f}]"]
    assert lines[-1].split()[:1] == ["1234"] and "89 SimPy events" in lines[-1]


def test_format_table_without_perf_has_no_throughput_line() -> None:
    summary = _summary()
    del summary["perf"]
    assert "replications/s" not in format_table(summary)


def test_format_sweep_one_line_per_job() -> None:
    table = pd.DataFrame({"job": [0, 1], "p_summit": [0.5, 0.25],
                          "p_summit_ci_low": [0.4, 0.2], "p_summit_ci_high": [0.6, 0.3],
                          "overrides": ["a=1", "a=2"]})
    lines = format_sweep(table).splitlines()
    assert len(lines) == 3
    assert lines[0].split() == ["job", "p_summit", "95%", "interval", "overrides"]
    assert lines[1].split() == ["0", "0.500", "[0.400,", "0.600]", "a=1"]
    assert lines[2].split() == ["1", "0.250", "[0.200,", "0.300]", "a=2"]


def _exact_coverage(p: float, n: int) -> float:
    """P(the interval covers p) summed exactly over the binomial distribution."""
    covered = [k for k in range(n + 1) if wilson(k, n)[1] <= p <= wilson(k, n)[2]]
    return float(binom.pmf(covered, n, p).sum())


@pytest.mark.slow
@pytest.mark.parametrize("n", [50, 400])
@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9])
def test_wilson_coverage_by_simulation(p: float, n: int) -> None:
    """Simulated coverage matches the exact one, and is close to 95 %.

    With M intervals the simulated coverage has standard error sqrt(c(1-c)/M); it must lie
    within 4 of them of the exact coverage. Wilson's coverage oscillates around the nominal
    level (Brown, Cai & DasGupta 2001); from n = 50 it stays within 0.93..0.975.
    """
    m = 20_000
    rng = np.random.default_rng(2024)
    ks = rng.binomial(n, p, size=m)
    bounds = {k: wilson(int(k), n) for k in np.unique(ks)}
    hits = sum(bounds[k][1] <= p <= bounds[k][2] for k in ks)
    simulated = hits / m
    exact = _exact_coverage(p, n)
    assert abs(simulated - exact) <= 4 * math.sqrt(exact * (1 - exact) / m)
    assert 0.93 <= exact <= 0.975
    assert 0.93 - 4 * math.sqrt(0.95 * 0.05 / m) <= simulated


@pytest.mark.slow
def test_wilson_mean_coverage_is_nominal() -> None:
    """Averaged over p, the exact coverage is within a point of 95 % (n = 100, 400)."""
    for n in (100, 400):
        grid = np.linspace(0.02, 0.98, 49)
        assert abs(np.mean([_exact_coverage(p, n) for p in grid]) - 0.95) < 0.01
