"""The library of summits: three cases written in YAML alone, their robust facts, and the
frozen-parameter scoring across them.

Robust facts of each record are checked by mechanism; calibrated figures (P(summit),
Brier skill) are measured and reported in docs/scenarios.md, not pinned. Proportions use
n replications at seed 0 and tolerances of the Wilson 95 % half-width at that n.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import simpy

from sim.analysis.summary import wilson
from sim.config.errors import ConfigError
from sim.forecast.asof import cut
from sim.forecast.library import (
    FROZEN_PARTY,
    LIBRARY,
    POOLED,
    CaseConf,
    draw_library,
    load_library,
    run_library,
    unfrozen,
)
from sim.forecast.questions import check_against, load_bank
from sim.records import ReplicationResult
from sim.runner import Batch, run_batch
from sim.scenario import Scenario, compile_scenario
from sim.streams import streams_for
from sim.world.shocks import strike
from sim.world.state import WorldState
from tests.conftest import compose_run, replications, scenario

ROOT = Path(__file__).resolve().parents[1]
CASES = ("bali_2022", "lima_2024", "singapore_2018")


def runs(sc: Scenario, n: int, trace: bool = False) -> list[ReplicationResult]:
    out = run_batch(sc, Batch(0, 0, 0, n, n if trace else 0))
    assert all(isinstance(r, ReplicationResult) for r in out)
    return [r for r in out if isinstance(r, ReplicationResult)]


def as_of(name: str, origin: str, n: int, *overrides: str) -> np.ndarray:
    """summit_held of n replications of the scenario cut at `origin` (as the backtest cuts)."""
    the_cut = cut(compose_run(f"scenario={name}", *overrides).scenario, origin)
    sc = compile_scenario(compose_run(f"scenario={name}", *overrides,
                                      *the_cut.overrides).scenario)
    return np.array([r.summit_held for r in runs(sc, n)])


# --- YAML alone ----------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_each_case_composes_and_runs_from_yaml_alone(name: str) -> None:
    df = replications(name, 50)
    assert len(df) == 50 and df["outcome"].notna().all()
    bank = load_bank(ROOT / "conf" / "questions" / f"{name}.yaml")
    assert len(bank.questions) >= 10 and all(q.source.text for q in bank.questions)
    check_against(bank, compose_run(f"scenario={name}").scenario)


def _names_of_cases() -> tuple[set[str], set[str]]:
    """Words (countries, leaders) and identifiers (party and issue keys) of every case."""
    words, keys = set(), set()
    for name in (*CASES, "historical_2023"):
        sc = compose_run(f"scenario={name}").scenario
        for key, p in sc.parties.items():
            words |= {p.label, p.leader}
            keys.add(key)
        for key, issue in sc.issues.items():
            keys.add(key)
            words.add(issue.label)
    return {w for w in words if w}, keys


def test_the_package_names_no_country_leader_or_issue_of_any_case() -> None:
    words, keys = _names_of_cases()
    assert {"North Korea", "Kim Jong Un", "China", "Xi"} <= words
    assert {"kp", "denuclearization", "nuclear_control", "taiwan"} <= keys
    patterns = [re.compile(rf"\b{re.escape(w)}\b", re.IGNORECASE) for w in words]
    # a key in code would be a string literal or, with an underscore, an identifier
    patterns += [re.compile(rf"[\"']{re.escape(k)}[\"']") for k in keys]
    patterns += [re.compile(rf"\b{re.escape(k)}\b") for k in keys if "_" in k]
    found = []
    for path in sorted((ROOT / "sim").rglob("*")):
        if path.suffix not in (".py", ".html", ".j2", ".jinja", ".yaml", ".txt"):
            continue
        text = path.read_text()
        found += [f"{path.relative_to(ROOT)}: {p.pattern}" for p in patterns if p.search(text)]
    assert not found, found


# --- bali_2022 -------------------------------------------------------------------------
def test_bali_summit_held_in_most_replications_with_military_talks_closed_and_no_taiwan(
) -> None:
    n = 400
    sc = scenario("bali_2022")
    out = runs(sc, n, trace=True)
    _, low, _ = wilson(sum(r.summit_held for r in out), n)
    assert low > 0.5
    military = "military"
    for r in out:
        kinds = [(ev[1], ev[2]) for ev in r.events if ev[2] == military]
        # closed by China's decision on 5 Aug, and nothing reopens it before the summit
        assert ("channel_suspended", military) in kinds and ("channel_reopened", military) \
            not in kinds
    j = list(compose_run("scenario=bali_2022").scenario.issues).index("taiwan")
    _, _, high = wilson(sum(r.agreed[j] for r in out), n)
    assert high < 0.05


# --- singapore_2018 --------------------------------------------------------------------
N_ASOF = 200


def test_singapore_dips_after_the_call_off_and_recovers_after_the_letter() -> None:
    """P(summit) as of 23 May, 25 May (after the 24 May statement and the US call-off)
    and 2 Jun (after the New York talks and the Oval Office letter); the gaps exceed the
    paired 95 % half-width at n = 200."""
    before, after, back = (as_of("singapore_2018", o, N_ASOF)
                           for o in ("2018-05-23", "2018-05-25", "2018-06-02"))
    for a, b in ((before, after), (back, after)):
        d = a.astype(float) - b.astype(float)
        assert d.mean() > 1.96 * d.std(ddof=1) / math.sqrt(len(d))


def test_the_dip_comes_from_the_us_call_off_policy() -> None:
    """Without the call-off policy the statement of 24 May moves P(summit) as of 25 May
    far less; with it, the US calls the summit off on 24 May in most replications (a
    random provocation may have it call the summit off earlier)."""
    off = "scenario.parties.us.policy.call_off=null"
    with_policy = as_of("singapore_2018", "2018-05-25", N_ASOF)
    without = as_of("singapore_2018", "2018-05-25", N_ASOF, off)
    d = without.astype(float) - with_policy.astype(float)
    assert d.mean() > 1.96 * d.std(ddof=1) / math.sqrt(len(d))
    assert without.mean() > 0.5
    sc = scenario("singapore_2018")
    day = 77.0  # 24 May 2018, 77 days after 8 Mar
    calls = [[ev for ev in r.events if ev[1] == "meeting_cancelled" and ev[2] == sc.name]
             for r in runs(sc, 200, trace=True)]
    assert all(ev[3] == "us" for c in calls for ev in c)
    first_on_24_may = sum(bool(c) and c[0][0] == day for c in calls)
    assert first_on_24_may / 200 > 0.5


# --- lima_2024 -------------------------------------------------------------------------
def test_lima_summit_held_with_few_deliverables() -> None:
    n = 1000
    lima = replications("lima_2024", n)
    _, low, _ = wilson(int(lima["summit_held"].sum()), n)
    assert low > 0.5
    held = lima[lima["summit_held"]]
    core = ["agreed_taiwan", "agreed_export_controls", "agreed_economic"]
    assert (held[core].any(axis=1)).mean() < 0.05
    assert (held["outcome"] != "summit_breakthrough").all()
    count = held.filter(like="agreed_").sum(axis=1)
    w23 = replications("historical_2023", 1000)
    count23 = w23[w23["summit_held"]].filter(like="agreed_").sum(axis=1)
    assert count.mean() < count23.mean() - 1.0  # fewer than Woodside's


def _us_winsets_at_summit(sc: Scenario, rep: int, election: bool) -> list[tuple[float, float]]:
    """The US win-sets on the summit day, with or without the 5 Nov election striking."""
    env = simpy.Environment()
    w = WorldState(sc, streams_for(0, 0, rep), env, trace=False)
    shock = next(s for s in sc.shocks if s.name == "us_election")
    assert shock.day is not None
    env.run(until=shock.day)
    if election:
        strike(w, shock)
    return [(s.low, s.high) for s in (w.stance(0, j, sc.summit.day)
                                      for j in range(len(sc.issues)))]


def test_lima_election_narrows_the_us_win_sets_in_a_paired_comparison() -> None:
    sc = scenario("lima_2024")
    assert sc.parties[0].name == "us"
    narrower = 0
    for rep in range(50):
        with_e = _us_winsets_at_summit(sc, rep, True)
        without = _us_winsets_at_summit(sc, rep, False)
        for (lo1, hi1), (lo0, hi0) in zip(with_e, without, strict=True):
            assert lo1 >= lo0 - 1e-12 and hi1 <= hi0 + 1e-12
        narrower += sum(h1 - l1 < h0 - l0 - 1e-9
                        for (l1, h1), (l0, h0) in zip(with_e, without, strict=True))
    assert narrower >= 50 * 5  # at least five issues narrower in every replication
    # and what the leaders can agree moves with it: trade terms, bridged by noise without
    # the election, almost never with it (paired, common random numbers)
    n = 1000
    on = replications("lima_2024", n)["agreed_economic"].to_numpy(float)
    off_sc = compile_scenario(compose_run(
        "scenario=lima_2024", "++scenario.shocks.us_election.enabled=false").scenario)
    off = np.array([r.agreed[list(sc.issues).index("economic")] for r in runs(off_sc, n)],
                   float)
    d = off - on
    assert d.mean() > 1.96 * d.std(ddof=1) / math.sqrt(n)


# --- frozen parameters -----------------------------------------------------------------
def test_every_case_carries_the_2023_behaviour() -> None:
    lib = load_library()
    ref = compose_run(f"scenario={lib.frozen_from}").scenario
    assert set(lib.cases) == {*CASES, lib.frozen_from}
    for name, case in lib.cases.items():
        assert unfrozen(ref, compose_run(f"scenario={name}").scenario, case.parties,
                        name) == []


def test_a_case_with_other_behaviour_is_refused_naming_the_value() -> None:
    lib = load_library()
    ref = compose_run(f"scenario={lib.frozen_from}").scenario
    changed = compose_run("scenario=singapore_2018",
                          "scenario.parties.kp.attendance.trust=1.0").scenario
    diff = unfrozen(ref, changed, lib.cases["singapore_2018"].parties, "x")
    assert len(diff) == 1 and diff[0].startswith("parties.kp.attendance=")
    assert "attendance" in FROZEN_PARTY
    with pytest.raises(ConfigError, match="map each party"):
        unfrozen(ref, changed, {"us": "us"}, "cases.singapore_2018")


def test_the_library_figure_draws_each_case_against_days_before_the_summit() -> None:
    curves = pd.DataFrame({
        "case": ["a", "a", "b", "b", "b"], "origin": ["", "", "", "", ""],
        "days_before": [30, 2, 90, 10, 1], "p": [0.4, 0.8, 0.6, 0.2, 0.7],
        "ci_low": [0.3, 0.7, 0.5, 0.1, 0.6], "ci_high": [0.5, 0.9, 0.7, 0.3, 0.8]})
    fig = draw_library(curves, "t")
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines() if not ln.get_label().startswith("_")}
    assert set(lines) == {"a", "b"}
    assert list(lines["b"].get_xdata()) == [90, 10, 1]
    assert list(lines["b"].get_ydata()) == [0.6, 0.2, 0.7]
    assert ax.xaxis_inverted() and ax.get_xlabel() == "days before the summit"
    assert len(ax.collections) == 2  # one interval band per case


def test_the_library_run_writes_one_table_and_a_figure(tmp_path: Path) -> None:
    lib = load_library(LIBRARY)
    small = dataclasses.replace(lib, reps=8, bootstrap=50, cases={
        name: dataclasses.replace(c, origins=c.origins[:1] + c.origins[-1:] if c.origins
                                  else ["2023-06-20", "2023-10-25"])
        for name, c in lib.cases.items()})
    table = run_library(small, tmp_path, workers=1, progress=False)
    assert list(table["case"]) == ["historical_2023", *CASES, POOLED]
    assert list(table["in_sample"]) == [True, False, False, False, False]
    assert (tmp_path / "library.json").exists() and (tmp_path / "p_summit.png").exists()
    for name in CASES:  # each case's own backtest directory, complete
        assert (tmp_path / name / "scores.json").exists()
    curves = pd.read_parquet(tmp_path / "p_summit.parquet")
    assert len(curves) == 2 * (len(CASES) + 1)
    assert curves["days_before"].min() >= 1
    row = table.set_index("case").loc[POOLED]
    assert row["n_questions"] == table["n_questions"].iloc[1:-1].sum()  # 2023 not pooled
    assert row["bss_half_low"] <= row["bss_half"] <= row["bss_half_high"]
    md = (tmp_path / "library.md").read_text()
    assert md.count("\n") == 2 + 5 and "historical_2023 (in sample)" in md


def test_a_case_from_whose_origin_no_past_agrees_is_named(tmp_path: Path) -> None:
    lib = dataclasses.replace(load_library(LIBRARY), reps=2, cases={"no_balloon": CaseConf(
        scenario="no_balloon", questions="us_china_2023", origins=["2023-03-01"],
        parties={"us": "us", "cn": "cn"})})
    with pytest.raises(ConfigError) as e:
        run_library(lib, tmp_path, workers=1, progress=False)
    assert (e.value.key, e.value.value) == ("cases.no_balloon.origins[0]", "2023-03-01")
    assert not (tmp_path / "library.json").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--library", "/nonexistent/library.yaml"],
     "error: library='/nonexistent/library.yaml': cannot read /nonexistent/library.yaml (No "
         "such file or directory)"),
    (["--reps", "0"], "error: --reps=0: must be a whole number in [1, 2**63 - 1]"),
    (["--seed", "-1"], "error: --seed=-1: must be a whole number in [0, 2**63 - 1]"),
])
def test_bad_library_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "sim.backtest", "library", *args],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and r.stderr.strip() == message and not r.stdout


def test_a_negative_seed_in_the_library_file_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "library.yaml"
    bad.write_text(LIBRARY.read_text().replace("\nseed: 0\n", "\nseed: -1\n"))
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "sim.backtest", "library", "--library", str(bad),
                        "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    assert r.returncode == 2 and r.stderr.strip() == "error: seed=-1: must be >= 0", r.stderr
    assert not out.exists()


@pytest.mark.parametrize("args", [["library", "--check"], ["--check", "library"]])
def test_the_library_check_checks_every_case_and_runs_nothing(args: list[str],
                                                               tmp_path: Path) -> None:
    import subprocess
    import sys

    lib = load_library()
    r = subprocess.run([sys.executable, "-m", "sim.backtest", *args], capture_output=True,
                       text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"ok: {len(lib.cases)} cases, ")
    assert r.stdout.strip().endswith(f"behaviour frozen from {lib.frozen_from}")
    assert list(tmp_path.iterdir()) == []  # nothing written: no outputs/ folder
    bad = subprocess.run([sys.executable, "-m", "sim.backtest", *args,
                          "scenario.bargaining.walk_away=2"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: scenario.bargaining.walk_away=2.0: must be in [0, 1]"


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_a_case_with_no_origins_is_refused_naming_it(tmp_path: Path, check: list[str]) -> None:
    import subprocess
    import sys

    lib = tmp_path / "library.yaml"
    lib.write_text("frozen_from: historical_2023\ncases:\n  bali_2022:\n"
                   "    parties: {us: us, cn: cn}\n    origins: []\n")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "sim.backtest", "library", "--library", str(lib),
                        "--reps", "2", "--workers", "1", "--quiet", "--out", str(out), *check],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (r.returncode, r.stderr) == (
        2, "error: cases.bali_2022.origins=[]: list at least one origin date\n")
    assert not out.exists()


@pytest.mark.parametrize(("head", "case", "line"), [
    ("frozen_from: nope", "", "error: frozen_from='nope': unknown scenario; known: "),
    ("frozen_from: historical_2023", "    scenario: bali_202\n",
     "error: cases.bali_2022.scenario='bali_202': unknown scenario (did you mean 'bali_2022'?)"),
])
def test_an_unknown_scenario_is_named_by_the_library_key_that_names_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], head: str, case: str,
        line: str) -> None:
    from sim.backtest import main

    lib = tmp_path / "library.yaml"
    lib.write_text(f"{head}\ncases:\n  bali_2022:\n{case}    parties: {{us: us, cn: cn}}\n"
                   "    origins: ['2022-11-09']\n")
    with pytest.raises(SystemExit) as exit_:
        main(["library", "--check", "--library", str(lib)])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.startswith(line) and err.count("\n") == 1, err
