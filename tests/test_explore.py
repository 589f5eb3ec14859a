"""Studies through the real pipeline: Ishigami's known indices, the noise floor on the
simulator, rankings across root seeds, PRIM on a real study, and resume after a kill.

The same checks at the sizes that make them sharp (thousands of points, a second root
seed, independent streams) are `slow`; the default suite checks each at a size that
still resolves it."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.stats import kendalltau

from sim.config.errors import ConfigError
from sim.config.load import find_config
from sim.explore.pipeline import run_study
from sim.explore.study import read_study
from sim.explore.testmodels import ishigami_indices
from tests.promises_helpers import damage_pages

ROOT = Path(__file__).resolve().parents[1]


def study(name: str, out: Path, **overrides: Any) -> dict[str, Any]:
    """Run a study under conf/explore/ with overrides, in this process; its indices.json."""
    settings = [f"{k}={v}" for k, v in overrides.items()] + [f"out={out}"]
    s = read_study(find_config(name, "explore"), settings)
    done = run_study(s, progress=False)
    result: dict[str, Any] = json.loads((done / "indices.json").read_text())
    return result


@pytest.fixture(scope="module")
def levers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """summit_levers at root seed 0 (N=32, R=20: 224 points)."""
    path = tmp_path_factory.mktemp("levers")
    study("summit_levers", path, base_samples=32, reps=20, seed=0)
    return path


def outcomes(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((path / "indices.json").read_text())["outcomes"]
    return data


@pytest.mark.parametrize("base_samples", [128, pytest.param(1024, marks=pytest.mark.slow)])
def test_ishigami_indices_lie_within_their_intervals_of_the_analytic_values(
        base_samples: int, tmp_path: Path) -> None:
    """N base samples x 5 points of the Ishigami function with seeded noise, through the
    pool (N = 1,024 as conf/explore/ishigami.yaml asks: 5,120 points); 95 % bootstrap
    intervals, which narrow as N grows."""
    got = study("ishigami", tmp_path, base_samples=base_samples,
                reps=2)["outcomes"]["y"]["indices"]
    truth = ishigami_indices()
    for kind in ("S1", "ST"):
        for x in ("x1", "x2", "x3"):
            est, half = got[x][kind], got[x][f"{kind}_conf"]
            assert abs(est - truth[kind][x]) <= half, (kind, x, est, half, truth[kind][x])
    # every point is a job directory with the same files as a sweep's job
    last = tmp_path / str(base_samples * 5 - 1)
    assert (last / "summary.json").exists() and (last / "replications.parquet").exists()
    assert not (tmp_path / str(base_samples * 5)).exists()


def test_an_emulator_of_a_small_latin_study_recovers_ishigamis_first_order_indices(
        tmp_path: Path) -> None:
    """64 Latin-hypercube points, 2 replications each: the emulator's first-order indices
    (from its Saltelli sample of 256 x 5 points) lie within their intervals of the
    analytic values; so few points bias its total indices, which the next test checks."""
    a = study("ishigami", tmp_path, sampler="latin", base_samples=64, reps=2,
              emulator=256)["outcomes"]["y"]
    emulated, truth = a["emulator"], ishigami_indices()["S1"]
    assert emulated["points"] == 256 * 5
    for x in ("x1", "x2", "x3"):
        est, half = emulated["indices"][x]["S1"], emulated["indices"][x]["S1_conf"]
        assert abs(est - truth[x]) <= half, (x, est, half, truth[x])


@pytest.mark.slow
def test_a_gaussian_process_emulator_recovers_ishigami_from_a_latin_study(
        tmp_path: Path) -> None:
    """512 Latin-hypercube points of the noisy Ishigami function, 4 replications each; the
    GP emulator fitted to their means, sampled by Saltelli at N = 1,024, gives Sobol
    indices within their intervals of the analytic values."""
    a = study("ishigami", tmp_path, sampler="latin", base_samples=512, reps=4,
              emulator=1024)["outcomes"]["y"]
    emulated, truth = a["emulator"], ishigami_indices()
    assert emulated["points"] == 1024 * 5 and emulated["r2"] > 0.95
    for kind in ("S1", "ST"):
        for x in ("x1", "x2", "x3"):
            est, half = emulated["indices"][x][kind], emulated["indices"][x][f"{kind}_conf"]
            assert abs(est - truth[kind][x]) <= half, (kind, x, est, half, truth[kind][x])


def test_the_emulator_predicts_its_sample_in_parts_of_bounded_memory() -> None:
    """Fitted to 60 points, the emulator predicts 25,000 and 100,000 rows with a peak of
    memory that grows only by the means (a kernel of all rows by the fitted points would
    take 4 times as much for the second), and the same means as all rows at once."""
    import tracemalloc

    from sim.explore.emulator import PREDICTED_ROWS, fit, predict

    rng = np.random.default_rng(0)
    x = rng.random((60, 2))
    gp = fit(x, np.sin(3 * x[:, 0]) + x[:, 1] ** 2, np.full(60, 0.01), seed=0)
    peaks = []
    for n in (25_000, 100_000):
        rows = rng.random((n, 2))
        tracemalloc.start()
        y = predict(gp, rows)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert y.shape == (n,)
    assert peaks[1] - peaks[0] <= 16 * 75_000, peaks  # all that grows: the means, and their
    # parts before they are joined, 8 bytes a row each
    part = slice(PREDICTED_ROWS - 5, PREDICTED_ROWS + 5)  # across a boundary of the parts
    np.testing.assert_allclose(y[part], gp.predict(rows[part]), rtol=1e-12)


def test_the_emulator_warns_of_a_bound_only_where_it_limits_the_fit() -> None:
    """Means whose given seed noise explains all their scatter leave the GP's own noise
    term at its floor, as the design intends: no warning. A length scale at its bound (a
    factor the means do not depend on) still warns."""
    from sklearn.exceptions import ConvergenceWarning

    from sim.explore.emulator import fit

    rng = np.random.default_rng(0)
    x = rng.random((60, 2))
    smooth = np.sin(3 * x[:, 0]) + x[:, 1] ** 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(x, smooth, np.full(60, 0.01), seed=0)
    with pytest.warns(ConvergenceWarning, match="length_scale is close to the specified upper"):
        fit(x, np.sin(3 * x[:, 0]), np.full(60, 0.01), seed=0)


def test_with_common_random_numbers_a_dummy_factors_index_is_zero(levers: Path) -> None:
    """historical_2023: every point draws the same streams, so a factor the model never
    reads changes nothing, and its total index is exactly 0."""
    for o, a in outcomes(levers).items():
        if a["noise_floor"]["ci_high"] is not None:
            assert a["indices"]["dummy"]["ST"] == 0.0 <= a["noise_floor"]["ci_high"], o


@pytest.mark.slow
def test_with_independent_streams_a_dummy_factor_estimates_the_noise_floor(
        tmp_path: Path) -> None:
    """historical_2023 with streams of its own at each point (384 points): a dummy's ST
    is the seed noise alone, within the interval of the noise floor."""
    factors = {"scenario.parties.cn.attendance.empty_cost": {"low": 0.0, "high": 7.0},
               "dummy": {"low": 0, "high": 1, "dummy": True}}
    indep = study("summit_levers", tmp_path, base_samples=64, reps=20, crn=False,
                  factors=factors, outcomes=["summit_held"])["outcomes"]["summit_held"]
    dummy, floor = indep["indices"]["dummy"], indep["noise_floor"]
    assert dummy["ST"] > 0
    assert dummy["ST"] - dummy["ST_conf"] <= floor["ci_high"], (dummy, floor)
    assert dummy["ST"] + dummy["ST_conf"] >= floor["ci_low"], (dummy, floor)


@pytest.mark.slow
def test_factor_rankings_of_two_root_seeds_agree(levers: Path, tmp_path: Path) -> None:
    """The study again at root seed 1 ranks the factors as seed 0 did."""
    study("summit_levers", tmp_path, base_samples=32, reps=20, seed=1)
    a, b = outcomes(levers), outcomes(tmp_path)
    for o in ("summit_held", "agreed_climate", "utility_us"):
        names = list(a[o]["importance"])
        tau = kendalltau([a[o]["importance"][n] for n in names],
                         [b[o]["importance"][n] for n in names]).statistic
        assert tau >= 0.8, (o, tau, a[o]["importance"], b[o]["importance"])


def test_the_leader_s_cost_of_an_empty_summit_matters_most_to_whether_one_is_held(
        levers: Path) -> None:
    importance = outcomes(levers)["summit_held"]["importance"]
    assert max(importance, key=importance.get) == "scenario.parties.cn.attendance.empty_cost"


def test_prim_reports_a_no_summit_box_on_a_real_study(levers: Path) -> None:
    found = json.loads((levers / "discovery.json").read_text())
    box = found["prim"]
    assert found["outcome"] == "no_summit" and 0 < found["points_of_interest"] < 224
    assert box["density"] >= 0.8 and box["coverage"] > 0.5
    assert box["density"] > box["base_rate"]
    cost = box["restricted"]["scenario.parties.cn.attendance.empty_cost"]
    assert cost["low"] > 0  # a no-summit world: China's leader counts an empty summit dear
    assert cost["qp_value"] < 0.01
    cart = found["cart"]  # better than guessing the commoner case, split first on the cost
    assert cart["accuracy"] > max(box["base_rate"], 1 - box["base_rate"])
    assert max(cart["importance"], key=cart["importance"].get) == (
        "scenario.parties.cn.attendance.empty_cost")
    assert cart["rules"].startswith("|--- scenario.parties.cn.attendance.empty_cost")


def test_convergence_is_reported_in_the_number_of_base_samples(levers: Path) -> None:
    conv = outcomes(levers)["summit_held"]["convergence"]
    assert [c["base_samples"] for c in conv] == [4, 8, 16, 32]
    assert [c["points"] for c in conv] == [4 * 7, 8 * 7, 16 * 7, 32 * 7]
    assert conv[-1]["importance"] == outcomes(levers)["summit_held"]["importance"]


RESUME = """
model: summitsim
scenario: historical_2023
sampler: sobol
base_samples: 8
reps: 20
workers: 1
factors:
  scenario.relations.tension_baseline: {low: 0.1, high: 0.7}
  scenario.parties.cn.attendance.empty_cost: {low: 0.0, high: 7.0}
  scenario.bargaining.walk_away: {low: 0.02, high: 0.4}
outcomes: [summit_held, utility_us]
"""


def explore(*args: str, **kw: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sim.explore", *args, "--no-progress"],
                            cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, **kw)


def test_a_factor_s_bound_is_set_on_the_command_line_by_its_whole_key() -> None:
    # A factor is named by a dotted key of the scenario; a setting reaches it whole.
    key = "scenario.relations.tension_baseline"
    s = read_study(find_config("summit_levers", "explore"), [f"factors.{key}.low=0.2"])
    assert [(f.low, f.high) for f in s.factors if f.key == key] == [(0.2, 0.7)]
    with pytest.raises(ConfigError, match=r"^factors\.dummy\.low='abc': must be a number"):
        read_study(find_config("summit_levers", "explore"), ["factors.dummy.low=abc"])
    with pytest.raises(ConfigError, match="scenario is a single value, not a mapping; it has "
                                          "no key 'x'"):
        read_study(find_config("summit_levers", "explore"), ["scenario.x=1"])


def test_a_factor_is_given_whole_on_the_command_line_by_its_whole_key() -> None:
    """`factors.KEY={...}` merges into the factor there, or adds a new one, as the file
    would have it (it was read as a factor named by all but the key's last part)."""
    key, new = "scenario.relations.tension_baseline", "scenario.bargaining.failure_trust"
    s = read_study(find_config("summit_levers", "explore"),
                   [f"factors.{key}={{high: 0.6}}", f"factors.{new}={{low: 0.1, high: 0.2}}"])
    bounds = {f.key: (f.low, f.high) for f in s.factors}
    assert (bounds[key], bounds[new]) == ((0.1, 0.6), (0.1, 0.2))
    assert len(bounds) == len(read_study(find_config("summit_levers", "explore")).factors) + 1



def test_a_study_without_factors_in_its_file_takes_them_on_the_command_line(
        tmp_path: Path) -> None:
    """With no factor in the file to go by, the schema says `factors` is keyed by names:
    a factor's whole key is its name, as when the file has some."""
    spec = tmp_path / "bare.yaml"
    spec.write_text("model: summitsim\nscenario: historical_2023\noutcomes: [summit_held]\n")
    key = "scenario.bargaining.walk_away"
    for given in ([f"factors.{key}.low=0.1", f"factors.{key}.high=0.3"],
                  [f"factors.{key}={{low: 0.1, high: 0.3}}"]):
        s = read_study(spec, given)
        assert [(f.key, f.low, f.high) for f in s.factors] == [(key, 0.1, 0.3)]


def test_a_killed_study_resumes_to_the_same_indices(tmp_path: Path) -> None:
    spec = tmp_path / "resume.yaml"
    spec.write_text(RESUME)
    whole = explore(str(spec), f"out={tmp_path / 'whole'}")
    assert whole.wait(timeout=600) == 0, whole.stderr.read() if whole.stderr else ""
    killed_dir = tmp_path / "killed"
    first = explore(str(spec), f"out={killed_dir}")
    deadline = time.monotonic() + 300
    while len(list(killed_dir.glob("*/summary.json"))) < 8:  # 40 points in all
        assert first.poll() is None, "finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    done = sorted(killed_dir.glob("*/summary.json"))
    done_before = len(done)
    assert done_before < 40 and not (killed_dir / "indices.json").exists()
    done[0].write_text("[1, 2]")  # a summary damaged past reading: that point runs again
    again = explore(str(spec), f"out={killed_dir}")
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert err.count("complete, skipped") == done_before - 1
    a = json.loads((tmp_path / "whole" / "indices.json").read_text())["outcomes"]
    b = json.loads((killed_dir / "indices.json").read_text())["outcomes"]
    assert a == b


@pytest.mark.slow
def test_a_study_on_dask_gives_the_same_indices_as_on_local_workers(tmp_path: Path) -> None:
    """The same points through a real Dask LocalCluster (two worker processes); slow only
    for the cluster's start-up (about 30 s)."""
    spec = tmp_path / "small.yaml"
    spec.write_text(RESUME.replace("base_samples: 8", "base_samples: 4").replace(
        "workers: 1", "workers: 2"))
    got = {}
    for executor in ("local", "dask"):
        s = read_study(spec, [f"executor={executor}", f"out={tmp_path / executor}"])
        done = run_study(s, progress=False)
        got[executor] = json.loads((done / "indices.json").read_text())["outcomes"]
    assert got["local"] == got["dask"]


ISHIGAMI_WITH_DUMMY = {x: {"low": -3.141592653589793, "high": 3.141592653589793}
                       for x in ("x1", "x2", "x3")} | {"dummy": {"low": 0, "high": 1,
                                                                 "dummy": True}}


def test_morris_screens_out_a_dummy_on_ishigami(tmp_path: Path) -> None:
    """50 Morris trajectories (250 points): the dummy's elementary effects are all 0."""
    y = study("ishigami", tmp_path, sampler="morris", base_samples=50, reps=2,
              factors=ISHIGAMI_WITH_DUMMY)["outcomes"]["y"]["indices"]
    assert y["dummy"]["mu_star"] == 0.0 and y["dummy"]["sigma"] == 0.0
    for x in ("x1", "x2", "x3"):
        assert y[x]["mu_star"] - y[x]["mu_star_conf"] > 0, (x, y[x])
    assert (tmp_path / "morris_y.png").exists()


def test_latin_hypercube_first_order_indices_of_ishigami(tmp_path: Path) -> None:
    """1,000 Latin hypercube points, RBD-FAST: S1 within its interval of the analytic one."""
    got = study("ishigami", tmp_path, sampler="latin", base_samples=1000,
                reps=2)["outcomes"]["y"]["indices"]
    truth = ishigami_indices()["S1"]
    for x in ("x1", "x2", "x3"):
        assert abs(got[x]["S1"] - truth[x]) <= got[x]["S1_conf"], (x, got[x], truth[x])


def test_a_study_of_many_points_keeps_few_files_open(tmp_path: Path) -> None:
    """640 points under a limit of 128 open files: each job's tables are opened when its
    first batch arrives and closed when it ends, not all at once."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    done = subprocess.run([sys.executable, "-m", "sim.explore", "ishigami", "base_samples=128",
                           "reps=2", "workers=1", f"out={tmp_path}", "--no-progress"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          preexec_fn=limit)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list(tmp_path.glob("*/summary.json"))) == 640


def test_a_settings_value_is_read_as_on_python_m_sims_command_line() -> None:
    """`{low:-1,high:1}` as Hydra's grammar reads it (YAML reads it as keys 'low:-1' and
    'high:1'), with or without spaces; a mapping with quoted keys as YAML reads it."""
    path = find_config("ishigami", "explore")
    for written in ("{low:-1,high:1}", "{low: -1, high: 1}", "{'low': -1, 'high': 1}"):
        s = read_study(path, [f"factors.x1={written}"])
        assert (s.factors[0].key, s.factors[0].low, s.factors[0].high) == ("x1", -1, 1), written
    for word, value in (("yes", True), ("Off", False)):  # as python -m sim crn=yes takes it
        assert read_study(path, [f"crn={word}"]).crn is value


def test_a_setting_merges_into_the_mapping_there_as_on_python_m_sims_command_line() -> None:
    """`factors.x1={low: -1}` changes one end and keeps the other, as Hydra merges a mapping
    given into the one composed (the setting replaced the factor, which then had no high);
    a factor's dotted name is one key in any study's factors, not keys within keys."""
    path = find_config("ishigami", "explore")
    s = read_study(path, ["factors.x1={low: -1}", "discovery={threshold: 2.5}"])
    assert (s.factors[0].key, s.factors[0].low, s.factors[0].high) == ("x1", -1, math.pi)
    assert (s.discovery.outcome, s.discovery.threshold) == ("y", 2.5)
    s = read_study(path, ["factors.a.b.low=0", "factors.a.b.high=1"])
    assert [f.key for f in s.factors] == ["x1", "x2", "x3", "a.b"]


def test_a_point_whose_summary_lacks_a_field_or_has_one_of_the_wrong_type_runs_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A test model's point, as a run's job: its summary is read as its record
    (`sim.saved.TestPointSummary`), and one damaged since is not taken as complete."""
    from sim.explore.cli import main

    args = ["ishigami", "base_samples=8", "bootstrap=50", "discovery.threshold=100",
            "--no-progress", f"out={tmp_path}"]  # no PRIM box to find: fast
    assert main(args) == 0
    indices = (tmp_path / "indices.json").read_text()
    summary = tmp_path / "3" / "summary.json"
    written = json.loads(summary.read_text())
    for damaged in ({k: v for k, v in written.items() if k != "y_mean"},
                    written | {"values": {"x1": "high"}}):
        summary.write_text(json.dumps(damaged))
        capsys.readouterr()
        assert main(args) == 0
        assert "1 design points" in capsys.readouterr().err  # that point alone ran again
        assert json.loads(summary.read_text()).keys() == written.keys()
        assert (tmp_path / "indices.json").read_text() == indices


def test_a_point_whose_table_was_damaged_since_it_ran_is_run_again_or_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A point's table cut short after it ran (a copy, a disk) was taken as complete, and
    reading it was a traceback: now the point runs again, to the same indices. A table
    whose pages are damaged behind a whole footer is one line naming it, exit 2."""
    from sim.explore.cli import main

    args = ["ishigami", "base_samples=8", "bootstrap=50", "discovery.threshold=100",
            "--no-progress", f"out={tmp_path}"]  # no PRIM box to find: fast
    assert main(args) == 0
    indices = (tmp_path / "indices.json").read_text()
    table = tmp_path / "3" / "replications.parquet"
    table.write_bytes(table.read_bytes()[:100])
    capsys.readouterr()
    assert main(args) == 0
    assert "1 design points" in capsys.readouterr().err  # that point alone ran again
    assert (tmp_path / "indices.json").read_text() == indices
    damage_pages(table)
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: out='{tmp_path}': cannot read saved results: {table}: ")
    assert err.endswith(f"; remove {table.parent} to run that point again\n")
    assert err.count("\n") == 1


def test_a_factor_may_be_a_number_in_a_list() -> None:
    """A number in a list (a concession's allowed range) is a factor like any other: both
    ends checked against the scenario, and each point's value set, as `key.1=v` sets it in
    a run (it was refused as an unknown key)."""
    from sim.explore.models import Simulator

    key = "scenario.concessions.forensic_institute_delisting.allow.entity_list.1"
    s = read_study(find_config("summit_levers", "explore"),
                   [f"factors={{'{key}': {{low: 0.5, high: 0.9}}}}"])
    model = Simulator(s)
    x = np.array([[0.7 if f.key == key else f.low for f in s.factors]])
    (point,) = model.plan(x, Path("unused"))
    assert point.run.scenario.concessions["forensic_institute_delisting"].allow == {
        "entity_list": [0.0, 0.7]}
    with pytest.raises(ConfigError, match=rf"^factors\.{key}\.high=1\.5: the scenario refuses"):
        Simulator(read_study(find_config("summit_levers", "explore"),
                             [f"factors={{'{key}': {{low: 0.5, high: 1.5}}}}"]))
