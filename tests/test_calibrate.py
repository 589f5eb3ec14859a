"""Calibration: the record's statistics, the contraction, ABC-SMC end to end (inline and
on a real Dask cluster), posterior draws in forecasts, SBC, and bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.calibrate.abc import contraction, resample, sampler
from sim.calibrate.check import sbc_tests
from sim.calibrate.conf import Prior, load_conf
from sim.calibrate.plots import draw_ppc, draw_sbc
from sim.calibrate.run import RESULT, run_calibration
from sim.calibrate.setup import build_problem
from sim.calibrate.stats import Window, first_days, held_by_month, months, record_events
from sim.executors.base import default_workers
from sim.forecast.questions import load_bank

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "conf" / "calibrate" / "us_china_2023.yaml"
BANK = load_bank(ROOT / "conf" / "questions" / "us_china_2023.yaml")
TINY = {"population": 16, "generations": 2, "ppc_draws": 10, "executor": "inline", "workers": 1}


def test_the_shipped_calibration_names_at_least_eight_parameters_of_each_kind() -> None:
    conf = load_conf("us_china_2023")
    assert len(conf.priors) >= 8
    text = " ".join(conf.priors)
    for part in ("attendance", "walk_away", "policy", "rate_per_year"):
        assert part in text
    problem = build_problem(conf)
    assert len(problem.observed) == len(problem.stats.names)
    assert len(problem.later.names) > 0


def test_the_record_is_the_banks_yes_answers_as_dated_events() -> None:
    events = record_events(BANK.questions, "2022-11-14")
    assert (8.0, "meeting_held", "austin_wei_siem_reap") in events  # held 22 Nov 2022
    assert (81.0, "meeting_postponed", "blinken_beijing") in events  # postponed 3 Feb 2023
    assert not any(name == "blinken_beijing" and kind == "meeting_held" and day < 200
                   for day, kind, name in events)  # held only in June


def test_first_days_and_monthly_counts() -> None:
    ev = [(3.0, "meeting_held", "a"), (40.0, "meeting_held", "b"), (10.0, "meeting_held", "a"),
          (70.0, "meeting_postponed", "a")]
    w = Window(0.0, 60.0)
    pairs = [("meeting_held", "a"), ("meeting_held", "b"), ("meeting_postponed", "a")]
    assert first_days(ev, pairs, w).tolist() == [3.0, 40.0, 60.0]  # censored at the end
    edges = months("2023-01-15", w)
    assert edges == [0.0, 17.0, 45.0]  # 15 Jan, 1 Feb, 1 Mar
    assert held_by_month(ev, edges, w.hi).tolist() == [2.0, 1.0, 0.0]  # day 40: February


def test_contraction_is_one_minus_the_variance_ratio() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    priors = {"a": Prior(0.0, 1.0), "b": Prior(0.0, 4.0)}
    post = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(1.0, 1.4, n),
                         "weight": np.full(n, 1.0 / n)})
    c = contraction(post, priors)
    se = 4 / np.sqrt(n)  # the sample variance's relative error is about sqrt(2/n)*... < 4/sqrt(n)
    assert c["a"] == pytest.approx(0.0, abs=se)
    assert c["b"] == pytest.approx(1 - (0.4**2 / 12) / (16 / 12), abs=se)
    weighted = post.assign(weight=np.where(post["a"] < 0.5, 2.0, 0.0) / n)
    assert contraction(weighted, priors)["a"] == pytest.approx(0.75, abs=se)  # U(0, .5)


def test_sbc_tests_count_ranks_and_flag_a_skewed_histogram() -> None:
    uniform = pd.DataFrame({"rank_k": np.tile(np.arange(20), 5)})
    t = sbc_tests(uniform, ["k"], draws=19, bins=5)["k"]
    assert t["counts"] == [20] * 5 and t["p_value"] == pytest.approx(1.0)
    skewed = pd.DataFrame({"rank_k": np.r_[np.zeros(80, int), np.arange(20)]})
    assert sbc_tests(skewed, ["k"], draws=19, bins=5)["k"]["p_value"] < 1e-6
    fig = draw_sbc({"scenario.x.k": t})
    assert [b.get_height() for b in fig.axes[0].patches] == [20] * 5


def test_sbc_runs_side_by_side_give_the_rows_of_one_process() -> None:
    """Each SBC run is seeded by its index: two worker processes give the same ranks."""
    from sim.calibrate.check import sbc_ranks

    problem = build_problem(load_conf("us_china_2023"))
    args = dict(runs=3, population=8, generations=1, draws=3, seed=5)
    one = sbc_ranks(problem, **args, workers=1)  # type: ignore[arg-type]
    two = sbc_ranks(problem, **args, workers=2)  # type: ignore[arg-type]
    assert one["run"].tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(one, two)


def test_sbc_runs_side_by_side_start_at_most_one_process_per_cpu() -> None:
    """`workers` far beyond the CPUs (and the runs) forks no more processes than CPUs: more
    would only share them, each forked at a cost."""
    import threading

    import psutil

    from sim.calibrate.check import sbc_ranks
    from sim.executors.base import default_workers

    problem = build_problem(load_conf("us_china_2023"))
    me = psutil.Process()
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for child in me.children():
                try:
                    if child.cmdline() == me.cmdline():  # forked from this process
                        seen.add(child.pid)
                except psutil.Error:  # a child that ended as it was read
                    pass
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        ranks = sbc_ranks(problem, runs=default_workers() + 1, population=8,
                          generations=1, draws=3, seed=5, workers=1000)
    finally:
        done.set()
        watcher.join()
    assert len(ranks) == default_workers() + 1
    assert 1 <= len(seen) <= default_workers(), seen


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("cal")
    conf = replace(load_conf("us_china_2023"), **TINY)  # type: ignore[arg-type]
    summary = run_calibration(build_problem(conf), out)
    return out, summary


def test_a_tiny_calibration_writes_its_posterior_diagnostics_and_ppc(
        tiny: tuple[Path, dict[str, object]]) -> None:
    out, summary = tiny
    assert summary["reproducible"] is True  # the inline sampler
    conf = load_conf("us_china_2023")
    post = pd.read_parquet(out / "posterior.parquet")
    assert list(post.columns) == [*conf.priors, "weight"]
    assert post["weight"].sum() == pytest.approx(1.0)
    for k, p in conf.priors.items():
        assert post[k].between(p.low, p.high).all()
    data = json.loads((out / RESULT).read_text())
    gens = data["generations"]
    assert len(gens) == 2 and all(g["particles"] == 16 for g in gens)
    assert gens[1]["epsilon"] < gens[0]["epsilon"]  # the schedule tightens
    assert all(0 < g["acceptance"] <= 1 and 1 <= g["ess"] <= 16 for g in gens)
    assert data["unidentified"] == [k for k, c in data["contraction"].items() if c < 0.2]
    table = pd.read_parquet(out / "ppc.parquet")
    after = table[table["window"] == "after the cutoff"]
    assert data["ppc"]["coverage_after"] == pytest.approx(after["covered"].mean())
    fig = draw_ppc(table)
    ax = fig.axes[1]
    observed = next(ln for ln in ax.get_lines() if ln.get_label() == "record")
    assert np.allclose(observed.get_xdata(), after["observed"])
    assert (out / "ppc.png").stat().st_size > 0


def test_the_inline_sampler_is_seed_reproducible(tiny: tuple[Path, dict[str, object]],
                                                  tmp_path: Path) -> None:
    out, _ = tiny
    conf = replace(load_conf("us_china_2023"), **TINY)  # type: ignore[arg-type]
    run_calibration(build_problem(conf), tmp_path)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "posterior.parquet"),
                                  pd.read_parquet(tmp_path / "posterior.parquet"))


def test_a_forecast_draws_its_parameters_from_the_posterior(
        tiny: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    from sim.forecast.asof import CUT, Setup, forecast_as_of

    out, _ = tiny
    post = pd.read_parquet(out / "posterior.parquet")
    setup = Setup("historical_2023", workers=1, posterior=str(out / "posterior.parquet"),
                  draws=3)
    forecast_as_of(setup, BANK.questions, "2023-09-18", 30, 0, tmp_path)
    info = json.loads((tmp_path / CUT).read_text())
    assert info["rounds"] >= 3 and len(info["parameter_sets"]) == 3
    rows = {tuple(round(float(v), 12) for v in r) for r in post.drop(columns="weight").values}
    for overrides in info["parameter_sets"]:
        values = tuple(round(float(o.split("=")[1]), 12) for o in overrides)
        assert values in rows
        assert [o.split("=")[0] for o in overrides] == list(post.columns[:-1])
    # each round ran at its parameter set: the composed run config says so
    from sim.forecast.asof import round_dir

    first = json.loads((round_dir(tmp_path, 0) / "summary.json").read_text())
    assert first["config_hash"] != json.loads(
        (round_dir(tmp_path, 1) / "summary.json").read_text())["config_hash"] or \
        info["parameter_sets"][0] == info["parameter_sets"][1]


def test_a_calibration_runs_on_a_real_dask_cluster(tmp_path: Path) -> None:
    conf = replace(load_conf("us_china_2023"), **{**TINY, "executor": "dask", "workers": 2})  # type: ignore[arg-type]
    summary = run_calibration(build_problem(conf), tmp_path)
    post = pd.read_parquet(tmp_path / "posterior.parquet")
    assert len(post) == 16 and post["weight"].sum() == pytest.approx(1.0)
    assert summary["executor"] == "dask" and summary["reproducible"] is False



def test_the_samplers_start_no_more_processes_than_cores() -> None:
    """As the executors' pools: more processes than cores only share them, each started at
    a cost."""
    many = default_workers() + 2
    with sampler("local", many) as local:
        assert local.n_procs == default_workers()
    with sampler("dask", many) as dask:
        assert len(dask.client.nthreads()) == default_workers()

def write_conf(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load(CONF.read_text())
    for key, value in changes.items():
        if key == "priors":
            assert isinstance(value, dict)
            data["priors"].update(value)
        else:
            data[key] = value
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(("changes", "args", "line"), [
    ({"priors": {"scenario.bargaining.walk_away": {"low": 0.3, "high": 0.1}}}, [],
     "error: priors.scenario.bargaining.walk_away.low=0.3: must be below high (0.1)"),
    ({"priors": {"scenario.bargaining.walk_awy": {"low": 0.0, "high": 0.1}}}, [],
     "error: priors.scenario.bargaining.walk_awy='scenario.bargaining.walk_awy': unknown key "
     "(did you mean 'walk_away'?)"),
    ({"priors": {"scenario.shocks.balon.tension": {"low": 0.0, "high": 0.1}}}, [],
     "error: priors.scenario.shocks.balon.tension='scenario.shocks.balon.tension': unknown "
     "shock (did you mean 'balloon'?)"),
    ({"priors": {"scenario.bargaining.walk_away": {"low": 0.0, "high": 1.5}}}, [],
     "error: priors.scenario.bargaining.walk_away.high=1.5: the scenario refuses this end of "
     "the range (scenario.bargaining.walk_away=1.5: must be in [0, 1])"),
    ({}, ["priors.scenario.bargaining.walk_away.low=nan"],  # not "must be below high"
     "error: priors.scenario.bargaining.walk_away.low=nan: must be a finite number"),
    ({}, ["priors.scenario.bargaining.walkaway.high=0.3"],
     "error: priors.scenario.bargaining.walkaway='scenario.bargaining.walkaway': unknown key "
     "(did you mean 'walk_away'?)"),
    ({"priors": {"scenario.parties.us.attendance.empty_cost": {"low": -1.7e308,
                                                               "high": 1.7e308}}}, [],
     "error: priors.scenario.parties.us.attendance.empty_cost.high=1.7e+308: is too far from "
     "low (-1.7e+308): the prior's variance, (high - low)**2 / 12, must be a finite number"),
    ({}, ["--check", "priors.scenario.parties.us.attendance.empty_cost={low: -1e200, high: 0}"],
     "error: priors.scenario.parties.us.attendance.empty_cost.high=0.0: is too far from low "
     "(-1e+200): the prior's variance"),
    ({"priors": {"scenario.summit.rounds": {"low": 1, "high": 3}}}, [],
     "error: priors.scenario.summit.rounds='scenario.summit.rounds': is a whole number, and a "
     "prior is uniform over [low, high], drawing fractions: calibrate a parameter that takes "
     "any number in its range\n"),
    ({}, ["--check", "priors.scenario.summit.rounds={low: 1, high: 3}"],
     "error: priors.scenario.summit.rounds='scenario.summit.rounds': is a whole number"),
    ({"priors": {"scenario.name": {"low": 0, "high": 1}}}, [],  # its processes crashed
     "error: priors.scenario.name='historical_2023': a prior must be a number in the "
     "scenario; this key holds str\n"),
    ({"priors": {"scenario.shocks.balloon.label": {"low": 0, "high": 1}}}, [],  # it ran
     "error: priors.scenario.shocks.balloon.label='Balloon over the US, shot down 4 Feb': a "
     "prior must be a number in the scenario; this key holds str\n"),
    ({"priors": {"scenario.parties.cn[.policy.suspend": {"low": 0, "high": 1}}}, [],
     "error: priors.scenario.parties.cn[.policy.suspend='scenario.parties.cn[.policy.suspend'"
     ": unknown party (did you mean 'cn'?); known: cn, us\n"),  # not Hydra's parse error
    ({"cutoff": "2024-02-01"}, [], "error: cutoff='2024-02-01': outside the scenario's span"),
    ({}, ["executor=ray"], "error: executor='ray': unknown executor"),
    ({}, ["populaton=5"], "error: populaton=5: unknown key (did you mean 'population'?)"),
    ({}, ["population=many"], "error: population='many': must be a whole number"),
    ({}, ["population=1"], "error: population=1: must be >= 2"),
    ({}, ["seed=-1"], "error: seed=-1: must be in [0, 2147483647]"),
    ({}, ["min_acceptance=2"], "error: min_acceptance=2.0: must be in [0, 1]"),
    ({}, ["min_epsilon=-0.1"], "error: min_epsilon=-0.1: must be >= 0"),
    ({}, ["cutoff=2023-02-30"], "error: cutoff='2023-02-30': not a date"),
])
def test_bad_calibration_input_is_one_line_exit_2_nothing_written(
        tmp_path: Path, changes: dict[str, object], args: list[str], line: str) -> None:
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "sim.calibrate",
                           str(write_conf(tmp_path, **changes)), *args, "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(line), proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not out.exists()


def test_an_impossible_date_written_unquoted_in_a_config_file_is_one_line(
        tmp_path: Path) -> None:
    """YAML would read 2023-02-30 as a date and fail; it is read as text, then checked."""
    path = write_conf(tmp_path)
    path.write_text(re.sub(r"(?m)^cutoff: .*$", "cutoff: 2023-02-30", path.read_text()))
    proc = subprocess.run([sys.executable, "-m", "sim.calibrate", str(path), "--check"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == ("error: cutoff='2023-02-30': not a date; write YYYY-MM-DD, a real "
                           "calendar day\n")


def test_resample_follows_the_weights() -> None:
    post = pd.DataFrame({"a": [0.0, 1.0], "weight": [0.25, 0.75]})
    draws = resample(post, 4000, np.random.default_rng(1))
    share = draws["a"].mean()
    assert share == pytest.approx(0.75, abs=4 * np.sqrt(0.75 * 0.25 / 4000))


def prior_wide_generation_ess(scaling: float, n: int, dim: int, seed: int) -> float:
    """ESS of the importance weights (prior / kernel density) of `n` particles proposed
    by pyabc's kernel from `n` uniform particles in `dim` dimensions: the kernel alone."""
    import pyabc
    from pyabc.weighted_statistics import effective_sample_size

    rng = np.random.default_rng(seed)
    np.random.seed(seed)  # pyabc's kernel draws from NumPy's global generator
    cols = [f"p{i}" for i in range(dim)]
    kernel = pyabc.MultivariateNormalTransition(scaling=scaling)
    kernel.fit(pd.DataFrame(rng.uniform(0, 1, (n, dim)), columns=cols), np.full(n, 1.0 / n))
    proposed: list[dict[str, float]] = []
    while len(proposed) < n:  # as pyabc does: a proposal outside the prior is drawn again
        theta = dict(kernel.rvs())
        if all(0.0 <= v <= 1.0 for v in theta.values()):
            proposed.append(theta)
    w = 1.0 / np.asarray(kernel.pdf(pd.DataFrame(proposed)[cols]), dtype=float)
    return float(effective_sample_size(w / w.sum()))


def test_a_wider_kernel_keeps_the_importance_weights_of_ten_parameters_even() -> None:
    """With pyabc's default kernel (scaling 1) a generation of 100 particles over ten
    parameters keeps an ESS of a few particles from the kernel alone, before any data
    (SBC's over-confident posteriors); `kernel_scaling=4` keeps most of them."""
    conf = load_conf("us_china_2023")
    dim, n = len(conf.priors), conf.sbc_population
    wide = [prior_wide_generation_ess(4.0, n, dim, s) for s in range(3)]
    default = [prior_wide_generation_ess(1.0, n, dim, s) for s in range(3)]
    assert min(wide) > n / 2
    assert sorted(default)[1] < n / 5  # the median of three: its ESS is heavy-tailed


def test_the_calibration_passes_its_kernel_scaling_and_prior_box_to_the_kernel(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sim.calibrate.abc import safe
    from sim.calibrate.kernel import BoxedNormalTransition

    fitted: list[tuple[float, dict[str, tuple[float, float]]]] = []
    real = BoxedNormalTransition.fit

    def spy(self: BoxedNormalTransition, X: pd.DataFrame, w: np.ndarray) -> None:
        fitted.append((self.scaling, self.bounds))
        real(self, X, w)

    monkeypatch.setattr(BoxedNormalTransition, "fit", spy)
    conf = replace(load_conf("us_china_2023"),  # type: ignore[arg-type]
                   **{**TINY, "kernel_scaling": 2.5})
    summary = run_calibration(build_problem(conf), tmp_path)
    assert fitted and summary["kernel_scaling"] == 2.5
    box = {safe(k): (p.low, p.high) for k, p in conf.priors.items()}
    assert all(scaling == 2.5 and bounds == box for scaling, bounds in fitted)


def test_the_boxed_kernel_draws_what_pyabc_draws_with_its_redraws_outside_the_prior() -> None:
    """The kernel mixture truncated to the prior's box, as pyabc's kernel draws it when
    it draws again outside the prior: two-sample Kolmogorov-Smirnov tests of 4,000 draws
    of each, on every coordinate and two projections, at 0.1 % each."""
    import pyabc
    from scipy.stats import ks_2samp

    from sim.calibrate.kernel import BoxedNormalTransition

    rng = np.random.default_rng(0)
    n, k = 40, 4000
    X = pd.DataFrame(rng.uniform(0.0, 1.0, (n, 3)), columns=["a", "b", "c"])
    X["b"] = 0.5 * X["a"] + 0.5 * X["b"]  # correlated, as a posterior's particles are
    w = rng.uniform(0.1, 1.0, n)
    w /= w.sum()
    boxed = BoxedNormalTransition({"a": (0.0, 1.0), "b": (0.2, 0.8), "c": (0.0, 1.0)}, 4.0)
    plain = pyabc.MultivariateNormalTransition(scaling=4.0)
    boxed.fit(X, w)
    plain.fit(X, w)
    np.random.seed(1)
    ours = pd.DataFrame([boxed.rvs() for _ in range(k)])
    kept: list[dict[str, float]] = []
    while len(kept) < k:
        theta = dict(plain.rvs())
        if 0 <= theta["a"] <= 1 and 0.2 <= theta["b"] <= 0.8 and 0 <= theta["c"] <= 1:
            kept.append(theta)
    theirs = pd.DataFrame(kept)
    assert ours["b"].between(0.2, 0.8).all() and ours[["a", "c"]].stack().between(0, 1).all()
    for f in (lambda d: d["a"], lambda d: d["b"], lambda d: d["c"],
              lambda d: d["a"] + d["b"] + d["c"], lambda d: d["a"] - d["b"]):
        assert ks_2samp(f(ours), f(theirs)).pvalue > 0.001


def test_the_calibration_is_told_a_line_a_parameter(
        tiny: tuple[Path, dict[str, object]]) -> None:
    """What `python -m sim.calibrate` prints: the run, each parameter's contraction (those
    the data do not identify flagged), then the coverage of the predictive check."""
    from sim.calibrate.run import format_calibration, format_sbc

    _, summary = tiny
    lines = format_calibration(summary).splitlines()
    contraction = summary["contraction"]
    unidentified = summary["unidentified"]
    assert isinstance(contraction, dict) and isinstance(unidentified, list)
    assert lines[0].startswith("2 generations in ") and "ESS" in lines[0]
    assert len(lines) == len(contraction) + 2 and lines[-1].startswith("PPC 90 % coverage")
    for line, (key, c) in zip(lines[1:-1], contraction.items(), strict=True):
        assert line.startswith(f"  {key}: contraction {c:.2f}")
        assert line.endswith("(not identified)") == (key in unidentified)
    sbc = {"tests": {"walk_away": {"counts": [3, 1], "p_value": 0.3173}}}
    assert format_sbc(sbc) == "walk_away: ranks [3, 1], chi2 p = 0.317"


@pytest.mark.slow
def test_simulation_based_calibration_ranks_are_uniform(tmp_path: Path) -> None:
    """Talts et al. (2018): parameters from the prior, synthetic records, ABC-SMC posteriors;
    the true value's rank among posterior draws is uniform for every parameter.

    One chi-squared test per parameter: at 1 % each, a correct procedure would fail one of
    ten about 10 % of the time, so the family is tested at 1 % (Bonferroni: each test at
    0.01 / number of parameters). The per-parameter p-values are in `sbc.json`."""
    from sim.calibrate.run import run_sbc

    conf = load_conf("us_china_2023")
    summary = run_sbc(build_problem(conf), tmp_path)
    assert (tmp_path / "sbc.png").exists()
    level = 0.01 / len(summary["tests"])
    for key, t in summary["tests"].items():
        assert sum(t["counts"]) == conf.sbc_runs
        assert t["p_value"] > level, (key, t)


def test_settings_may_follow_a_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m sim.calibrate us_china_2023 --sbc kernel_scaling=4`, as the docs write it:
    a setting after a flag is read as a setting (here one out of range: its one line)."""
    from sim.calibrate.cli import main

    assert main(["us_china_2023", "--check", "population=50"]) == 0
    with pytest.raises(SystemExit) as exit_:
        main(["us_china_2023", "--check", "population=0"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip() == "error: population=0: must be >= 2"


def test_a_prior_is_set_on_the_command_line_by_its_whole_key() -> None:
    # A prior is named by a dotted key of the scenario; a setting reaches it whole.
    key = "scenario.bargaining.walk_away"
    before = load_conf("us_china_2023").priors[key]
    after = load_conf("us_china_2023", [f"priors.{key}.high=0.3"]).priors[key]
    assert after == Prior(before.low, 0.3) != before
    new = "scenario.bargaining.failure_trust"  # not in the file: a new prior, named whole
    assert load_conf("us_china_2023", [f"priors.{new}.high=0.3"]).priors[new] == Prior(0.0, 0.3)


@pytest.mark.parametrize(("flags", "kind"), [([], "calibration"),
                                             (["--sbc"], "simulation-based calibration check")])
def test_the_check_refuses_an_output_folder_holding_a_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], kind: str) -> None:
    """As the calibration would: its files would be mixed with the run's."""
    from sim.calibrate.cli import main

    run = tmp_path / "run"
    subprocess.run([sys.executable, "-m", "sim", "reps=2", "plots=false", "progress=false",
                    "workers=1", f"hydra.run.dir={run}"], check=True, capture_output=True,
                   cwd=ROOT, timeout=120)
    with pytest.raises(SystemExit) as exit_:
        main(["us_china_2023", "--check", *flags, "--out", str(run)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        f"error: --out='{run}': holds a run (summary.json), whose files this {kind}'s would "
        "replace or be mixed with; give it a folder of its own\n")


def test_a_prior_may_be_a_number_in_a_list() -> None:
    """A number in a list (a concession's allowed range) is a parameter like any other: each
    particle's scenario is the one composed with `key.1=v` (it was refused as unknown)."""
    from sim.forecast.runs import with_values
    from tests.conftest import compose_run

    key = "scenario.concessions.forensic_institute_delisting.allow.entity_list.1"
    conf = load_conf("us_china_2023", [f"priors={{'{key}': {{low: 0.5, high: 0.9}}}}"])
    problem = build_problem(conf)
    composed = compose_run(f"scenario={conf.scenario}", f"{key}=0.7").scenario
    assert with_values(problem.simulator.scenario, {key: 0.7}) == composed
    assert composed != problem.simulator.scenario
