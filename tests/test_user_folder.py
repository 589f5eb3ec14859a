"""A scenario kept outside the checkout runs with `--config-dir DIR`, like a shipped one.

The bad inputs of such a folder are in the catalogue (`test_bad_input.py`, `folder-*`);
here: it runs, builds on the shipped scenarios, and takes the same overrides, including
one of a key its file leaves at the schema's default.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
QUIET = ["reps=4", "workers=1", "trace_reps=4", "progress=false", "plots=false"]


def sim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_a_user_folder_runs_and_takes_overrides_of_defaults(tmp_path: Path) -> None:
    """The first run writes into the folder, as `--config-dir .` does where one works: the
    second reads it, Hydra's record of the first (`.hydra/hydra.yaml`, whose `???` are
    Hydra's own) included."""
    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    plain = sim("--config-dir", str(folder), "scenario=calm", *QUIET,
                f"hydra.run.dir={folder / 'plain'}")
    assert plain.returncode == 0, plain.stderr
    assert (folder / "plain" / ".hydra" / "hydra.yaml").is_file()
    no_balloon = sim("--config-dir", str(folder), "scenario=calm", *QUIET,
                     "scenario.shocks.balloon.enabled=false",
                     f"hydra.run.dir={tmp_path / 'no_balloon'}")
    assert no_balloon.returncode == 0, no_balloon.stderr
    summaries = [json.loads((d / "summary.json").read_text())
                 for d in (folder / "plain", tmp_path / "no_balloon")]
    assert [s["scenario"] for s in summaries] == ["calm", "calm"]
    assert summaries[0]["config_hash"] != summaries[1]["config_hash"]
    names = [set(pd.read_parquet(d / "events.parquet")["name"])
             for d in (folder / "plain", tmp_path / "no_balloon")]
    assert "balloon" in names[0] and "balloon" not in names[1]


def test_a_concession_s_allowance_may_be_written_in_whole_numbers(tmp_path: Path) -> None:
    """`allow: {entity_list: [0, 1]}`, as a user writes it, in a concession of their own
    (in a file, or on the command line): OmegaConf refuses a whole number in a list inside
    a mapping (its issue 1054), and both were refused (`must be a list`)."""
    from sim import load_run

    offer = "{offer: {party: us, date: '2023-11-05', allow: {entity_list: [0, 1]}}}"
    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "calm.yaml").write_text(
        f"defaults:\n  - historical_2023\n  - _self_\nname: calm\nconcessions: {offer}\n")
    for run in (load_run(f"hydra.searchpath=[file://{folder}]", "scenario=calm"),
                load_run(f"++scenario.concessions={offer}")):
        allowed = run.scenario.concessions["offer"].allow["entity_list"]
        assert allowed == [0.0, 1.0] and all(type(x) is float for x in allowed)


@pytest.mark.parametrize("stray", ["scenario/calm.yml", "calm.yaml"])
def test_a_scenario_file_hydra_does_not_read_is_pointed_to(tmp_path: Path, stray: str) -> None:
    """A `.yml` file, or one outside `scenario/`, is not found: the line names the file and
    where it belongs, not only the scenarios that are known."""
    folder = tmp_path / "mine"
    (folder / stray).parent.mkdir(parents=True, exist_ok=True)
    (folder / stray).write_text("defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    done = sim("--config-dir", str(folder), "scenario=calm", *QUIET)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: scenario='calm': {folder / stray} is not read; a folder's scenario is the "
        f"file {folder / 'scenario' / 'calm.yaml'}"]


def test_a_file_of_the_folder_that_is_not_text_is_named(tmp_path: Path) -> None:
    """Hydra would fail on it as it composes, naming no file; the folder's files are read
    first, so the line names it, even when only a base of the scenario run is at fault."""
    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    (folder / "base").mkdir()
    (folder / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - /base/calm_base@_here_\n  - _self_\nname: calm\n")
    (folder / "base" / "calm_base.yaml").write_bytes(b"relations: {tension: 0.3}\n\xd0\x00\n")
    done = sim("--config-dir", str(folder), "scenario=calm", *QUIET)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: {folder / 'base' / 'calm_base.yaml'}='': not UTF-8 text (byte 26)"]


def test_a_folder_named_as_a_file_is_passed_over_and_a_link_to_nothing_is_named(
        tmp_path: Path) -> None:
    """Both were a traceback (exit 1) as the folder's files were read. A folder called
    `old.yaml` is not a config, to Hydra or to the checks, nor a known name, nor a name
    alone's pointer (`python -m sim old`: write scenario=old); a link that
    leads nowhere (or round in a circle) cannot be read, and is named."""
    folder = tmp_path / "mine"
    (folder / "scenario" / "old.yaml").mkdir(parents=True)
    (folder / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    ran = sim("--config-dir", str(folder), "scenario=calm", *QUIET,
              f"hydra.run.dir={tmp_path / 'run'}")
    assert ran.returncode == 0, ran.stderr
    old = sim("--config-dir", str(folder), "scenario=old", *QUIET)
    assert old.returncode == 2, old.stderr
    assert old.stderr.startswith("error: scenario='old': unknown scenario; known: ")
    assert "calm" in old.stderr and "old," not in old.stderr
    for name, pointer in (("calm", True), ("old", False)):  # a name alone: which group has it
        bare = sim("--config-dir", str(folder), name)
        assert bare.returncode == 2 and ("write scenario=" in bare.stderr) == pointer, bare.stderr
    link = folder / "scenario" / "link.yaml"
    for target, reason in (("nowhere.yaml", "No such file or directory"),
                           ("link.yaml", "Too many levels of symbolic links")):
        link.unlink(missing_ok=True)
        link.symlink_to(target)
        done = sim("--config-dir", str(folder), "scenario=calm", *QUIET)
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [f"error: {link}='': cannot be read ({reason})"]


@pytest.mark.parametrize("name", ["my scenarios", "it's mine", "back\\slash", "ends\\"])
def test_a_folder_whose_name_has_a_space_a_quote_or_a_backslash_is_checked_and_listed(
        tmp_path: Path, name: str) -> None:
    """The folder's own checks and the help's list read the search path with Hydra's
    grammar: a folder named with a space or a quote was cut at it, one with a backslash
    looked for with it doubled, so a file of its own named as a shipped one ran silently as
    the shipped one, and the help left it out."""
    folder = tmp_path / name
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    helped = sim("--config-dir", str(folder), "--help")
    assert helped.returncode == 0, helped.stderr
    assert "calm, fentanyl_linkage" in helped.stdout
    (folder / "scenario" / "no_balloon.yaml").write_text("relations: {tension: 0.9}\n")
    done = sim("--config-dir", str(folder), "scenario=calm", *QUIET)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"error: --config-dir={str(folder)!r}: scenario/no_balloon.yaml is never read, as the "
        "shipped conf/scenario/no_balloon.yaml is found first; rename it (it may build on the "
        "shipped one with defaults: [no_balloon, _self_])"]


def test_the_analysis_commands_read_a_user_folder_as_python_m_sim_does(tmp_path: Path) -> None:
    """A backtest, a calibration, a forecast and a study name a scenario of the user's folder with
    `--config-dir`, and compose it, overrides and all, as `python -m sim` does."""
    import sim
    from sim.config.load import CONF_DIR

    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\nrelations: {tension: 0.31}\n")
    bank = tmp_path / "bank.yaml"
    bank.write_text((CONF_DIR / "questions" / "us_china_2023.yaml").read_text().replace(
        "\nscenario: historical_2023\n", "\nscenario: calm\n"))
    backtest = tmp_path / "backtest.yaml"
    backtest.write_text((CONF_DIR / "backtest" / "us_china_2023.yaml").read_text().replace(
        "\nscenario: historical_2023\n", "\nscenario: calm\n").replace(
        "\nquestions: us_china_2023\n", f"\nquestions: {bank}\n"))
    assert "scenario: calm" in backtest.read_text() and str(bank) in backtest.read_text()

    def command(module: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", module, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)

    without = command("sim.backtest", str(backtest), "--check")
    assert without.returncode == 2 and "scenario='calm': unknown scenario" in without.stderr
    checked = command("sim.backtest", str(backtest), "--check", "--config-dir", str(folder))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip().endswith("origins, scenario calm")
    calibration = tmp_path / "calibrate.yaml"
    calibration.write_text((CONF_DIR / "calibrate" / "us_china_2023.yaml").read_text().replace(
        "\nscenario: historical_2023\n", "\nscenario: calm\n").replace(
        "\nquestions: us_china_2023 ", f"\nquestions: {bank} "))
    assert str(bank) in calibration.read_text()
    calibrated = command("sim.calibrate", str(calibration), "--check", "--config-dir", str(folder))
    assert calibrated.returncode == 0, calibrated.stderr
    assert calibrated.stdout.startswith("ok: ")
    bad = command("sim.forecast", "scenario=calm", "as_of=2023-05-01", f"questions={bank}",
                  "--config-dir", str(folder), "scenario.relations.tension=2")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: scenario.relations.tension=2.0: must be in [0, 1]"

    searchpath = f"hydra.searchpath=[file://{folder}]"  # what --config-dir gives
    run = sim.load_run(searchpath, "scenario=calm", "scenario.bargaining.walk_away=0.2")
    assert (run.scenario.name, run.scenario.relations.tension) == ("calm", 0.31)
    assert run.scenario.bargaining.walk_away == 0.2
    (folder / "scenario" / "no_balloon.yaml").write_text("relations: {tension: 0.9}\n")
    with pytest.raises(ConfigError, match=r"^hydra.searchpath=.*scenario/no_balloon.yaml is "
                                          r"never read"):  # checked as --config-dir is
        sim.load_run(searchpath, "scenario=calm")
    (folder / "scenario" / "no_balloon.yaml").unlink()
    study = tmp_path / "study.yaml"
    study.write_text("model: summitsim\nscenario: calm\nsampler: latin\nbase_samples: 4\n"
                     "reps: 2\nfactors:\n  scenario.relations.tension_baseline: "
                     "{low: 0.2, high: 0.5}\noutcomes: [summit_held]\n")
    done = command("sim.explore", str(study), f"out={tmp_path / 'study'}", "--no-progress",
                   "--config-dir", str(folder))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "study" / "study.json").read_text())["study"][
        "overrides"] == [f"hydra.searchpath=['file://{folder}']"]
    point = json.loads((tmp_path / "study" / "0" / "summary.json").read_text())
    assert (point["scenario"], point["relations"]["tension"]) == ("calm", 0.31)  # the folder's


def test_the_analysis_commands_find_their_own_files_by_name_in_a_user_folder(
        tmp_path: Path) -> None:
    """The folder has the layout of conf/: a backtest, calibration, study or question bank in
    DIR/backtest/, DIR/calibrate/, DIR/explore/ or DIR/questions/ is named as a shipped one
    is, and an unknown name lists the folder's files with the shipped ones."""
    from sim.config.load import CONF_DIR

    folder = tmp_path / "mine"
    for group in ("scenario", "questions", "backtest", "calibrate", "explore"):
        (folder / group).mkdir(parents=True)
    (folder / "scenario" / "calm.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: calm\n")
    (folder / "questions" / "calm_bank.yaml").write_text(
        (CONF_DIR / "questions" / "us_china_2023.yaml").read_text().replace(
            "\nscenario: historical_2023\n", "\nscenario: calm\n"))
    (folder / "backtest" / "calm_bt.yaml").write_text(
        "scenario: calm\nquestions: calm_bank\nreps: 2\norigins: ['2023-06-20']\n")
    (folder / "calibrate" / "calm_cal.yaml").write_text(
        (CONF_DIR / "calibrate" / "us_china_2023.yaml").read_text().replace(
            "\nscenario: historical_2023\n", "\nscenario: calm\n").replace(
            "\nquestions: us_china_2023 ", "\nquestions: calm_bank "))
    (folder / "explore" / "calm_study.yaml").write_text(
        "model: summitsim\nscenario: calm\nsampler: latin\nbase_samples: 4\nreps: 2\n"
        "factors:\n  scenario.relations.tension_baseline: {low: 0.2, high: 0.5}\n"
        "outcomes: [summit_held]\n")
    mine = ("--config-dir", str(folder))

    def command(module: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", module, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)

    backtest = command("sim.backtest", "calm_bt", "--check", *mine)
    assert (backtest.returncode, backtest.stdout.strip()) == (
        0, "ok: 47 questions, 1 origins, scenario calm"), backtest.stderr
    calibration = command("sim.calibrate", "calm_cal", "--check", *mine)
    assert calibration.returncode == 0 and calibration.stdout.startswith("ok: "), (
        calibration.stderr)
    study = command("sim.explore", "calm_study", "reps=1", *mine)  # found, read, then refused
    assert study.stderr.strip() == "error: reps=1: must be >= 2"
    # the bank written for the folder's scenario is found there: the forecast gets as far as
    # its output folder, which is refused
    forecast = command("sim.forecast", "scenario=calm", "as_of=2023-06-20", "out=/proc/x",
                       *mine)
    assert forecast.returncode == 2 and forecast.stderr.startswith("error: out='/proc/x'"), (
        forecast.stderr)
    library = tmp_path / "library.yaml"  # a library of one's own names the folder's backtest
    library.write_text("frozen_from: historical_2023\ncases:\n  calm:\n    backtest: calm_bt\n"
                       "    parties: {us: us, cn: cn}\n")
    cases = command("sim.backtest", "library", "--library", str(library), "--check", *mine)
    assert cases.stdout.startswith("ok: 1 cases, 47 questions, 1 origins"), cases.stderr
    unknown = command("sim.backtest", "calm_bt", "--check")  # not without the folder
    assert unknown.stderr.strip() == (
        "error: backtest='calm_bt': unknown backtest; known: us_china_2023")
    typo = command("sim.explore", "calm_stdy", *mine)
    assert typo.returncode == 2
    assert typo.stderr.strip() == (
        "error: explore='calm_stdy': unknown study (did you mean 'calm_study'?); known: "
        "calm_study, ishigami, summit_levers, ten_factors")


def test_a_shared_folder_cannot_run_code_through_the_jobs_environment_or_a_scheduler(
        tmp_path: Path) -> None:
    """A folder someone shares set PYTHONPATH for the jobs to its own `sitecustomize.py`,
    which a sweep's new worker processes then ran; the same variable given on the command
    line is the user's choice, and runs. The threads of numeric libraries may be set in a
    file; a Dask scheduler to connect to may not (its replies are unpickled here)."""
    folder, ran = tmp_path / "shared", tmp_path / "ran"
    (folder / "lib").mkdir(parents=True)
    (folder / "lib" / "sitecustomize.py").write_text(
        f"import pathlib\npathlib.Path({str(ran)!r}).write_text('code of the folder')\n")
    (folder / "scenario").mkdir()
    (folder / "scenario" / "nice.yaml").write_text(
        "# @package _global_\ndefaults:\n  - /scenario/historical_2023@scenario\n  - _self_\n"
        f"hydra: {{job: {{env_set: {{PYTHONPATH: {folder / 'lib'}, OMP_NUM_THREADS: '1'}}}}}}\n")
    sweep = ["-m", "seed=1,2", "--config-dir", str(folder), "scenario=nice", *QUIET]
    refused = sim(*sweep, f"hydra.sweep.dir={tmp_path / 'refused'}")
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith(
        f"error: hydra.job.env_set.PYTHONPATH='{folder / 'lib'}': a config file sets the jobs' "
        "threads"), refused.stderr
    assert not ran.exists()
    chosen = sim(*sweep, "workers=2", f"hydra.job.env_set.PYTHONPATH={folder / 'lib'}",
                 f"hydra.sweep.dir={tmp_path / 'chosen'}")
    assert chosen.returncode == 0, chosen.stderr
    assert ran.read_text() == "code of the folder"  # what the file alone would have done
    (folder / "scenario" / "nice.yaml").write_text(
        "# @package _global_\ndefaults:\n  - /scenario/historical_2023@scenario\n  - _self_\n"
        "hydra: {job: {env_set: {OMP_NUM_THREADS: '1'}}}\n")
    (folder / "experiment").mkdir()
    (folder / "experiment" / "cluster.yaml").write_text(
        "# @package _global_\nexecutor: dask\ndask: {address: 'tcp://127.0.0.1:1'}\n")
    threads = sim("--config-dir", str(folder), "scenario=nice", *QUIET,
                  f"hydra.run.dir={tmp_path / 'threads'}")
    assert threads.returncode == 0, threads.stderr
    scheduler = sim("--config-dir", str(folder), "scenario=nice", "+experiment=cluster", *QUIET)
    assert scheduler.returncode == 2, scheduler.stderr
    assert scheduler.stderr.splitlines() == [
        "error: dask.address='tcp://127.0.0.1:1': a config file does not choose a scheduler to "
        "connect to (its replies are unpickled here: one run by someone else could run code); "
        "give dask.address on the command line"]


def test_a_value_left_to_be_given_is_refused_only_where_it_would_be_dropped(
        tmp_path: Path) -> None:
    """??? in a config of the folder is merged over the value the key has, and dropped; in a
    defaults list it is Hydra's "choose one", and Hydra's own node is full of them by design.
    Files that no command chooses (a run's record, a `.venv`) are not held to it."""
    from sim.config.compose import check_folders
    from sim.config.load import searching

    folder = tmp_path / "mine"
    for name, text in (("experiment/pick.yaml", "# @package _global_\ndefaults:\n"
                        "  - override /scenario: ???\nhydra: {job: {num: ???}}\nreps: 3\n"),
                       ("plain/.hydra/hydra.yaml", "hydra: {hydra_help: {hydra_help: ???}}\n"),
                       (".venv/lib/pkg/config.yaml", "key: ???\n")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    check_folders([searching([f"file://{folder}"])])
    (folder / "experiment" / "pick.yaml").write_text("# @package _global_\nseed: ???\n")
    with pytest.raises(ConfigError) as refused:
        check_folders([searching([f"file://{folder}"])])
    assert (refused.value.key, refused.value.value) == ("seed", "???")
    assert refused.value.allowed.endswith(f"; in {folder / 'experiment' / 'pick.yaml'}")


def test_a_variant_is_filed_under_a_name_of_its_own(tmp_path: Path) -> None:
    """A variant that left its name to the scenario it builds on, or kept the name of the
    one it was copied from, ran as that one: its results in `outputs/historical_2023/`,
    its rows of a sweep labelled historical_2023. Both are refused, naming the file; a name
    no other scenario has is the variant's own, even if it is not the file's."""
    import sim
    from sim.config.load import searching

    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    calm = folder / "scenario" / "calm.yaml"
    base = "defaults:\n  - historical_2023\n  - _self_\n"
    for written, taken, how in (("", "historical_2023", "builds on it and sets no name"),
                                ("name: no_balloon\n", "no_balloon", "names itself so")):
        calm.write_text(base + written)
        with pytest.raises(ConfigError) as refused:
            sim.load_run(searching([f"file://{folder}"]), "scenario=calm")
        assert str(refused.value).startswith(
            f"scenario.name='{taken}': is scenario {taken}'s: calm.yaml {how}, ")
        assert str(refused.value).endswith(f"(name: calm); in {calm}")
    calm.write_text(base + "name: calm_quiet\n")
    run = sim.load_run(searching([f"file://{folder}"]), "scenario=calm")
    assert run.scenario.name == "calm_quiet"


def test_a_variant_that_lists_its_base_after_self_is_refused(tmp_path: Path) -> None:
    """With `_self_` before the scenario it builds on, the base's keys win over the file's
    own: its name, so its results were filed as the base's, and every value it changed (here
    the summit's date), so it ran as the base. Refused, naming the file and the order that
    works; a base of `base/` listed after `_self_`, as historical_2023 lists its risks, sets
    no name and stays allowed."""
    import sim
    from sim.config.load import searching

    folder = tmp_path / "mine"
    (folder / "scenario").mkdir(parents=True)
    calm = folder / "scenario" / "calm.yaml"
    own = "name: calm\nsummit: {date: '2023-12-01'}\n"
    calm.write_text("defaults:\n  - _self_\n  - historical_2023\n" + own)
    with pytest.raises(ConfigError) as refused:
        sim.load_run(searching([f"file://{folder}"]), "scenario=calm")
    assert str(refused.value) == (
        "scenario.name='historical_2023': is scenario historical_2023's: calm.yaml lists it "
        "after _self_ in its defaults, so its keys, the name among them, win over the file's "
        "own, and its results would be filed as that one's; list _self_ after it (defaults: "
        f"[historical_2023, _self_]); in {calm}")
    calm.write_text("defaults:\n  - historical_2023\n  - _self_\n"
                    "  - /base/us_china_risks_2023@_here_\n" + own)
    run = sim.load_run(searching([f"file://{folder}"]), "scenario=calm")
    assert (run.scenario.name, run.scenario.summit.date) == ("calm", "2023-12-01")
