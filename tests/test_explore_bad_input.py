"""Bad studies: each is one line on stderr naming the key and the value, exit 2, no results.

Most cases call `python -m sim.explore`'s `main` in this process; one runs as a real
process, as a user runs it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from sim.config.errors import ConfigError
from sim.explore.cli import main
from sim.explore.study import read_study

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
model: summitsim
scenario: historical_2023
sampler: sobol
base_samples: 4
reps: 2
factors:
  scenario.relations.tension_baseline: {low: 0.2, high: 0.5}
  scenario.parties.cn.attendance.empty_cost: {low: 0.0, high: 3.0}
outcomes: [summit_held]
"""


def write_study(tmp: Path, text: str) -> Path:
    path = tmp / "study.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def explore(tmp: Path, capsys: pytest.CaptureFixture[str], text: str, *args: str
            ) -> tuple[int, str]:
    study = write_study(tmp, text)
    with pytest.raises(SystemExit) as done:
        main([str(study), f"out={tmp / 'out'}", "--no-progress", *args])
    err = capsys.readouterr().err
    return int(done.value.code or 0), err


ISHIGAMI = ("model: ishigami\nbase_samples: 4\nreps: 2\noutcomes: [y]\nfactors: "
            "{x1: {low: 0, high: 1}, x2: {low: 0, high: 1}, x3: {low: 0, high: 1}}\n")

CASES = [
    ("unknown-factor-key",
     GOOD.replace("tension_baseline:", "tension_basline:"),
     "factors.scenario.relations.tension_basline='scenario.relations.tension_basline'",
     "did you mean 'tension_baseline'"),
    ("unknown-party",
     GOOD.replace("parties.cn.", "parties.ru."),
     "factors.scenario.parties.ru.attendance.empty_cost=", "unknown party; known: cn, us"),
    ("factor-an-item-past-the-end-of-a-list",
     GOOD.replace("scenario.relations.tension_baseline:", "scenario.concessions."
                  "forensic_institute_delisting.allow.entity_list.5:"),
     "factors.scenario.concessions.forensic_institute_delisting.allow.entity_list.5=",
     "no item 5: scenario.concessions.forensic_institute_delisting.allow.entity_list has 2 "
     "items, numbered from 0"),
    ("low-above-high",
     GOOD.replace("{low: 0.2, high: 0.5}", "{low: 0.6, high: 0.5}"),
     "factors.scenario.relations.tension_baseline.low=0.6", "must be below high=0.5"),
    ("range-beyond-what-the-scenario-takes",  # both ends checked before any point
     GOOD.replace("{low: 0.2, high: 0.5}", "{low: 0.2, high: 7}"),
     "factors.scenario.relations.tension_baseline.high=7.0",
     "the scenario refuses this end of the range "
     "(scenario.relations.tension_baseline=7.0: must be in [0, 1])"),
    ("override-of-the-study-s-own-key", GOOD + "overrides: [scenario=no_balloon]\n",
     "overrides[0]='scenario=no_balloon'",
     "the study sets scenario itself; set the study's own scenario instead"),
    ("override-of-a-key-every-point-fixes", GOOD + "overrides: [scenario.relations.tension=0.3, "
     "+trace_reps=5]\n", "overrides[1]='+trace_reps=5'",
     "the study sets trace_reps itself (its points run untraced, without plots)"),
    ("override-of-several-values", GOOD + 'overrides: ["scenario.relations.tension=0.1,0.2"]\n',
     "scenario.relations.tension='0.1,0.2'", "several values are a sweep, and this command "
     "runs one config: give one value"),  # was "add -m", which a study does not take
    ("unknown-sampler", GOOD.replace("sampler: sobol", "sampler: sobolev"),
     "sampler='sobolev'", "unknown sampler (did you mean 'sobol'?)"),
    ("outcome-not-a-column", GOOD.replace("[summit_held]", "[summit_held, agreed_clmate]"),
     "outcomes[1]='agreed_clmate'", "did you mean 'agreed_climate'"),
    ("discovery-outcome-not-a-column", GOOD + "discovery: {outcome: no_sumit}\n",
     "discovery.outcome='no_sumit'", "unknown outcome column"),
    ("factor-not-a-number",
     GOOD.replace("tension_baseline:", "shocks.balloon.label:").replace(
         "scenario.relations.shocks", "scenario.shocks"),
     "factors.scenario.shocks.balloon.label=", "a factor must be a number"),
    ("sobol-not-power-of-2", GOOD.replace("base_samples: 4", "base_samples: 6"),
     "base_samples=6", "power of 2"),
    ("emulator-without-latin", GOOD.replace("base_samples: 4", "base_samples: 4\nemulator: 64"),
     "emulator=64", "an emulator is fitted to a Latin hypercube study"),
    ("emulator-not-power-of-2", GOOD.replace("sampler: sobol", "sampler: latin").replace(
        "base_samples: 4", "base_samples: 4\nemulator: 100"), "emulator=100", "power of 2"),
    ("unknown-study-key", GOOD + "samples: 5\n", "samples=5",
     "unknown key (did you mean 'sampler'?)"),
    ("unknown-scenario", GOOD.replace("historical_2023", "historical_2032"),
     "scenario='historical_2032'", "did you mean 'historical_2023'"),
    ("norm-without-sd", GOOD.replace("{low: 0.2, high: 0.5}", "{dist: norm, mean: 0.3}"),
     "factors.scenario.relations.tension_baseline=", "a norm factor needs mean and sd"),
    ("ishigami-unknown-factor",
     "model: ishigami\nfactors: {x1: {low: 0, high: 1}, x2: {low: 0, high: 1}, "
     "x4: {low: 0, high: 1}}\noutcomes: [y]\n",
     "factors.x4='x4'", "unknown factor of the ishigami model"),
    ("study-a-list", "- 1\n- 2\n", "explore=", "must hold a mapping of settings (key: value), "
     "not a list"),
    ("study-a-word", "just text\n", "explore=", "must hold a mapping of settings (key: value), "
     "not a str"),
    ("number-too-large-for-a-float",  # an int beyond a float's range is inf, as 1e400 is
     GOOD.replace("{low: 0.2, high: 0.5}", "{low: 0.2, high: 1%s}" % ("0" * 400)),
     "factors.scenario.relations.tension_baseline.high=inf", "must be in [-3.40282e+38, "),
    ("factor-end-infinite",  # the test model has no scenario to refuse it
     ISHIGAMI.replace("x1: {low: 0, high: 1}", "x1: {low: 0, high: .inf}"),
     "factors.x1.high=inf", "must be in [-3.40282e+38, 3.40282e+38]"),
    ("factor-end-beyond-32-bits",  # finite, but the discovery's tree (CART) refused it
     ISHIGAMI.replace("x1: {low: 0, high: 1}", "x1: {low: 0, high: 1.0e+39}"),
     "factors.x1.high=1e+39", "must be in [-3.40282e+38, 3.40282e+38]"),
    ("factor-sd-beyond-32-bits",
     ISHIGAMI.replace("x1: {low: 0, high: 1}", "x1: {dist: norm, mean: 0, sd: 1.0e+308}"),
     "factors.x1.sd=1e+308", "puts draws beyond 3.40282e+38"),
    ("factor-end-nan", ISHIGAMI.replace("x2: {low: 0, high: 1}", "x2: {low: .nan, high: 1}"),
     "factors.x2.low=nan", "must be in [-3.40282e+38, 3.40282e+38]"),
    ("factor-mean-infinite",
     ISHIGAMI.replace("x1: {low: 0, high: 1}", "x1: {dist: norm, mean: -.inf, sd: 1}"),
     "factors.x1.mean=-inf", "must be in [-3.40282e+38, 3.40282e+38]"),
    ("noise-infinite", ISHIGAMI + "noise_sd: .inf\n", "noise_sd=inf",
     "must be a finite number >= 0"),
    ("discovery-threshold-nan", GOOD + "discovery: {threshold: .nan}\n",
     "discovery.threshold=nan", "must be a finite number"),  # no point would be above it
    ("study-empty", "# nothing yet\n", "factors={}", "name the factors"),  # a study of defaults
    ("study-sets-hydra", "hydra:\n  run: {dir: x}\n", "hydra.run.dir='x'",
     "read only by a job that Hydra runs"),
    ("interpolation-of-no-key", GOOD.replace("historical_2023", "${nope}"), "scenario='${nope}'",
     "Interpolation key 'nope' not found"),
    ("a-yaml-set", GOOD.replace("sampler: sobol", "sampler: !!set {sobol}"),
     "sampler=\"{'sobol'}\"", "Value 'set' is not a supported primitive type: give text, a "
     "number, a list or a mapping"),
]


def test_a_studys_settings_interpolate_as_a_composed_configs_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An interpolation in a study's file or settings is resolved as in `python -m sim`'s
    config, naming its keys (given or default) or the environment; escaped, it is text."""
    monkeypatch.setenv("SIM_STUDIES", str(tmp_path))
    path = write_study(tmp_path, GOOD + "out: ${oc.env:SIM_STUDIES}/${sampler}_${seed}\n")
    assert read_study(path, []).out == f"{tmp_path}/sobol_0"
    assert read_study(path, ["seed=3"]).out == f"{tmp_path}/sobol_3"
    assert read_study(path, ["out=runs/\\${seed}"]).out == "runs/${seed}"


def test_a_study_of_too_many_points_is_refused_as_it_is_read(tmp_path: Path) -> None:
    """Sobol over 2 factors runs 4 points a base sample: 2**21 of them (8,388,608 points)
    may run, 2**22 (16,777,216) is refused before any point is drawn."""
    path = write_study(tmp_path, GOOD)
    assert read_study(path, ["base_samples=2097152"]).base_samples == 2097152
    with pytest.raises(ConfigError) as refused:
        read_study(path, ["base_samples=4194304"])
    assert str(refused.value) == ("base_samples=4194304: makes 16,777,216 points, each run on "
                                  "its own; at most 10,000,000")


def test_an_emulator_too_large_to_fit_or_sample_is_refused_as_it_is_read(
        tmp_path: Path) -> None:
    """An emulator is fitted to at most 4,096 points (its fit grows as their square in
    memory), and its Sobol sample (N(D+2) points, 4 a base sample here) is at most
    10,000,000 points: both refused before any point is run, not after every one has."""
    path = write_study(tmp_path, GOOD.replace("sobol", "latin"))
    latin = ["emulator=64", "base_samples=4096"]
    assert read_study(path, latin).base_samples == 4096
    with pytest.raises(ConfigError) as refused:
        read_study(path, ["emulator=64", "base_samples=4097"])
    assert str(refused.value).startswith("base_samples=4097: an emulator is fitted to at most "
                                         "4,096 points")
    assert read_study(path, ["emulator=2097152"]).emulator == 2097152
    with pytest.raises(ConfigError) as refused:
        read_study(path, ["emulator=4194304"])
    assert str(refused.value) == ("emulator=4194304: makes a Sobol sample of 16,777,216 points "
                                  "for the emulator; at most 10,000,000")


@pytest.mark.parametrize(("text", "shown", "allowed"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_study_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          text: str, shown: str, allowed: str) -> None:
    code, err = explore(tmp_path, capsys, text)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {shown}"), lines[0]
    assert allowed in lines[0], lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # every point is checked before anything is written


def _values(node: object) -> int:
    """The values of YAML data without aliases, each mapping and list one too."""
    if isinstance(node, dict):
        return 1 + sum(_values(v) for v in node.values())
    return 1 + sum(_values(v) for v in node) if isinstance(node, list) else 1


def test_a_study_of_aliases_that_expand_to_billions_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A study file is read as a scenario file is (`read_yaml`): it hung, building them."""
    bomb = "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
    code, err = explore(tmp_path, capsys, GOOD + "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + bomb)
    lists = [10]  # a0 and its 9 values; each next one holds 9 of the one before
    for _ in range(8):
        lists.append(1 + 9 * lists[-1])
    size = _values(yaml.safe_load(GOOD)) + sum(lists)
    assert (code, err) == (2, f"error: {tmp_path / 'study.yaml'}='': holds {size:,} values "
                              "once its aliases (*name) are expanded; a config file may hold "
                              "100,000\n")
    assert not (tmp_path / "out").exists()


def test_a_factor_past_the_end_of_a_list_is_told_as_a_factor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A factor varies one number, so the command line's hint for an item past the end
    (`give the whole list, KEY=[...]`) is not given for it."""
    key = "scenario.concessions.forensic_institute_delisting.allow.entity_list"
    code, err = explore(tmp_path, capsys, GOOD.replace("scenario.relations.tension_baseline:",
                                                       f"{key}.5:"))
    assert code == 2, err
    assert err.strip().endswith(f"no item 5: {key} has 2 items, numbered from 0"), err


def test_unknown_sampler_from_the_command_line(tmp_path: Path) -> None:
    """A real process, an override on the command line: one line, exit 2, nothing written."""
    study = write_study(tmp_path, GOOD)
    done = subprocess.run([sys.executable, "-m", "sim.explore", str(study), "sampler=latn",
                           f"out={tmp_path / 'out'}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: sampler='latn': unknown sampler (did you mean 'latin'?); "
        "known: latin, morris, sobol"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("manifest", ['{"digest": "something else"}', "[1, 2]", "{oops"])
def test_a_directory_holding_another_study_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: str) -> None:
    """Another study's manifest, or one damaged past reading, is not this study's."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "study.json").write_text(manifest)
    code, err = explore(tmp_path, capsys, GOOD)
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: out={str(out)!r}: holds the results of another study; choose another out= "
        "or remove that directory"]


def test_unknown_executor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = explore(tmp_path, capsys, GOOD + "executor: daks\n")
    assert code == 2
    assert err.strip() == ("error: executor='daks': unknown executor (did you mean 'dask'?); "
                           "known: dask, local")


def test_a_setting_may_follow_a_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m sim.explore STUDY --no-progress KEY=VALUE`: a setting after a flag is read
    as a setting (here an unknown sampler: its one line, exit 2, nothing written)."""
    code, err = explore(tmp_path, capsys, GOOD, "sampler=latn")
    assert code == 2, err
    assert err.strip().splitlines() == [
        "error: sampler='latn': unknown sampler (did you mean 'latin'?); "
        "known: latin, morris, sobol"]
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc, where none may write")
def test_an_output_folder_that_cannot_be_made_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Tried, not asked: the permission bits let root write anywhere, /proc included."""
    code, err = explore(tmp_path, capsys, GOOD, "out=/proc/summitsim/out")
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: out='/proc/summitsim/out': /proc is not writable"), err


def test_a_users_folder_named_in_the_study_is_checked_as_on_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A study's own `overrides` may name a folder (hydra.searchpath); its files are checked
    as `--config-dir`'s are: here one that the shipped scenario of the same name hides."""
    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "historical_2023.yaml").write_text("relations: {tension: 0.9}\n")
    searchpath = f'overrides: ["hydra.searchpath=[file://{folder}]"]\n'
    code, err = explore(tmp_path, capsys, GOOD + searchpath)
    assert code == 2
    assert err.splitlines() == [
        f"error: hydra.searchpath='{folder}': scenario/historical_2023.yaml is never read, as "
        "the shipped conf/scenario/historical_2023.yaml is found first; rename it (it may "
        "build on the shipped one with defaults: [historical_2023, _self_])"]
    assert not (tmp_path / "out").exists()


def test_the_check_checks_every_point_and_runs_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--check` says how many points the study has and writes nothing; a point that only
    its combination of factors makes bad (a severity whose low end passes its high end,
    each end good alone, as the study is read) is refused as the run would refuse it."""
    study = write_study(tmp_path, GOOD)
    assert main([str(study), f"out={tmp_path / 'out'}", "--check"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == ("ok: 16 points of 2 factors, 2 replications each, into "
                           f"{tmp_path / 'out'}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.yaml"]
    crossing = GOOD.replace(
        "  scenario.relations.tension_baseline: {low: 0.2, high: 0.5}\n"
        "  scenario.parties.cn.attendance.empty_cost: {low: 0.0, high: 3.0}\n",
        "  scenario.shocks.balloon.severity.low: {low: 0.1, high: 0.95}\n"
        "  scenario.shocks.balloon.severity.high: {low: 0.72, high: 1.0}\n")
    read_study(write_study(tmp_path, crossing), [])  # each end alone is good
    code, err = explore(tmp_path, capsys, crossing, "--check")
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith("error: scenario.shocks.balloon.severity=[")
    assert line.endswith(": is an empty interval: low must be <= high")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.yaml"]
