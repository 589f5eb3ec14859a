"""A folder is written by one command at a time, holds one command's results, and a
command's default folder is its own.

A second command writing into a folder that one is writing took away the first one's
files in the making (it failed with a traceback) or mixed the two's tables; a command
given a folder of another's results wrote its own beside them (and its config over theirs,
in `.hydra/`); two commands started in the same second shared a default folder named to
the second.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.config.errors import ConfigError
from sim.results import check_holds, holdings
from tests.promises_helpers import QUIET, sim

ROOT = Path(__file__).resolve().parents[1]
BUSY = "another command is writing there now; wait for it to end, or give another folder"
HOLDER = """
import sys
from pathlib import Path
from sim.results import holding
with holding(Path(sys.argv[1]), "k", "v", None):
    print("held", flush=True)
    sys.stdin.read()
"""


def holder(folder: Path) -> subprocess.Popen[str]:
    """Another process, holding `folder` until its input is closed."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A folder that another process is writing, until the test ends."""
    process = holder(tmp_path / "busy")
    yield tmp_path / "busy"
    process.communicate("")


def command(module: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_a_run_or_sweep_into_a_folder_being_written_is_refused(held: Path) -> None:
    """A run, a sweep under either launcher: refused, the folder left as it was."""
    for args, key in (
            (("reps=2", *QUIET, f"hydra.run.dir={held}"), "hydra.run.dir"),
            (("-m", "seed=1,2", "reps=2", *QUIET, f"hydra.sweep.dir={held}"),
             "hydra.sweep.dir"),
            (("-m", "hydra/launcher=basic", "seed=1,2", "reps=2", *QUIET,
              f"hydra.sweep.dir={held}"), "hydra.sweep.dir")):
        done = sim(*args)
        assert (done.returncode, done.stderr) == (2, f"error: {key}='{held}': {BUSY}\n")
    assert [p.name for p in held.iterdir()] == [".lock"]


def test_the_run_goes_ahead_once_the_other_command_ends(tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    process = holder(folder)
    assert sim("reps=2", *QUIET, f"hydra.run.dir={folder}").returncode == 2
    process.communicate("")
    assert sim("reps=2", *QUIET, f"hydra.run.dir={folder}").returncode == 0
    assert (folder / "summary.json").is_file()
    assert not (folder / ".lock").exists()  # a hold leaves nothing behind


def test_a_sweep_under_hydras_basic_sweeper_holds_its_folder_until_it_ends(
        tmp_path: Path) -> None:
    """As summitsim's sweeper does: another command is refused while it runs, and the
    hold leaves nothing behind once it ends."""
    folder = tmp_path / "sweep"
    long = subprocess.Popen(
        [sys.executable, "-m", "sim", "-m", "hydra/sweeper=basic", "seed=1,2", "reps=100000",
         "workers=1", *QUIET, f"hydra.sweep.dir={folder}"], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while long.poll() is None and not (folder / "multirun.yaml").exists():
            time.sleep(0.05)
        assert long.poll() is None, "the sweep ended before it could be tried"
        for sweeper in ((), ("hydra/sweeper=basic",)):  # another sweep of the same kind
            done = sim("-m", *sweeper, "seed=3,4", "reps=2", *QUIET, f"hydra.sweep.dir={folder}")
            assert (done.returncode, done.stderr) == (
                2, f"error: hydra.sweep.dir='{folder}': {BUSY}\n")
    finally:
        os.killpg(long.pid, signal.SIGKILL)
        long.wait()
    ended = tmp_path / "ended"
    done = sim("-m", "hydra/sweeper=basic", "seed=1,2", "reps=2", *QUIET,
               f"hydra.sweep.dir={ended}")
    assert done.returncode == 0, done.stderr
    assert (ended / "multirun.yaml").is_file() and not (ended / ".lock").exists()



def test_a_sweep_holds_its_folder_until_it_has_gathered_its_jobs(tmp_path: Path) -> None:
    """Its table and plots are written after the last job: a command that could take the
    folder then would have them mixed with its own. Tried again and again from the last
    job's end: refused until the sweep's table and plots are there."""
    from sim.results import holding

    folder, jobs = tmp_path / "sweep", 4
    sweep = subprocess.Popen(
        [sys.executable, "-m", "sim", "-m", f"seed=range(0,{jobs})", "reps=2", "workers=1",
         "progress=false", f"hydra.sweep.dir={folder}"], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    refused = 0
    try:
        while sweep.poll() is None:
            if all((folder / str(job) / "summary.json").exists() for job in range(jobs)):
                try:
                    with holding(folder, "hydra.sweep.dir", str(folder), None):
                        if sweep.poll() is None:  # taken while the sweep still ran
                            written = {"sweep.parquet", "outcome_shares.png",
                                       "agreement_heatmap.png"}
                            assert written <= {p.name for p in folder.iterdir()}
                except ConfigError:
                    refused += 1
            time.sleep(0.005)
    finally:
        if sweep.poll() is None:  # a failed check
            os.killpg(sweep.pid, signal.SIGKILL)
            sweep.wait()
    assert sweep.returncode == 0
    assert refused > 0  # tried while the jobs were gathered


# Every command that writes a folder: how the folder is given, and what it holds after.
COMMANDS = [
    ("sim.explore", ("ishigami", "base_samples=2", "--no-progress", "out={}"), "out", "study"),
    ("sim.forecast", ("scenario=historical_2023", "as_of=2023-06-01", "reps=20", "out={}"),
     "out", "forecast"),
    ("sim.backtest", ("us_china_2023", "--reps", "20", "--out", "{}"), "--out", "backtest"),
    ("sim.backtest", ("library", "--reps", "20", "--out", "{}"), "--out", "backtest library"),
    ("sim.calibrate", ("us_china_2023", "--out", "{}"), "--out", "calibration"),
    ("sim.calibrate", ("us_china_2023", "--sbc", "--out", "{}"), "--out",
     "simulation-based calibration check"),
    ("sim", ("--run", "reps=2", *QUIET, "hydra.run.dir={}"), "hydra.run.dir", "run"),
    ("sim", ("-m", "hydra/sweeper=basic", "seed=1,2", "reps=2", *QUIET, "hydra.sweep.dir={}"),
     "hydra.sweep.dir", "sweep"),
    ("sim.negotiate", ("hydra.run.dir={}",), "hydra.run.dir", "negotiation"),
    ("sim.negotiate", ("-r", "hydra.run.dir={}"), "hydra.run.dir", "negotiation"),
    ("sim.negotiate", ("-m", "deadline=5,6", "plot=false", "hydra.sweep.dir={}"),
     "hydra.sweep.dir", "sweep of python -m sim.negotiate"),
    ("sim.tournament", ("hydra.run.dir={}",), "hydra.run.dir", "tournament"),
    ("sim.tournament", ("-m", "agendas=2,3", "hydra.sweep.dir={}"), "hydra.sweep.dir",
     "sweep of python -m sim.tournament"),
]


@pytest.mark.parametrize(("module", "args", "key", "kind"), COMMANDS)
def test_a_command_into_a_folder_being_written_is_refused(
        module: str, args: tuple[str, ...], key: str, kind: str, held: Path) -> None:
    done = command(module, *(a.format(held) for a in args))
    assert (done.returncode, done.stderr) == (2, f"error: {key}='{held}': {BUSY}\n")
    assert [p.name for p in held.iterdir()] == [".lock"]


@pytest.mark.parametrize(("module", "args", "key", "kind"), COMMANDS)
def test_a_command_into_a_folder_of_other_results_is_refused(
        module: str, args: tuple[str, ...], key: str, kind: str, tmp_path: Path) -> None:
    """Known by the file each command writes there (`sim.results.HOLDS`): its own results
    would replace those or be mixed with them. The folder is left as it was."""
    name, other = ("tournament.json", "tournament") if kind != "tournament" else (
        "negotiation.json", "negotiation")
    (tmp_path / name).write_text("{}")
    done = command(module, *(a.format(tmp_path) for a in args))
    assert (done.returncode, done.stderr) == (2, (
        f"error: {key}='{tmp_path}': holds a {other} ({name}), whose files this {kind}'s "
        "would replace or be mixed with; give it a folder of its own\n"))
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(("module", "args", "key", "kind"), [  # checked as a folder to
    c for c in COMMANDS if c[3] in ("study", "forecast", "run")] + [  # write, as one to hold
    ("sim", ("-m", "seed=1,2", "reps=2", *QUIET, "hydra.sweep.dir={}"), "hydra.sweep.dir",
     "sweep")])
def test_a_command_into_the_configs_folder_is_refused(
        module: str, args: tuple[str, ...], key: str, kind: str) -> None:
    """`hydra.run.dir=conf hydra.output_subdir=.` wrote Hydra's record of the run over
    conf/config.yaml, every run's config; any folder in conf/ has its files taken for
    configs. Refused before the folder is made: conf/ is left as it was."""
    conf = ROOT / "conf"
    before = sorted((p, p.stat().st_mtime_ns) for p in [conf, *conf.rglob("*")])
    folder = conf / f"out-{kind.replace(' ', '-')}"
    done = command(module, *(a.format(folder) for a in args))
    assert (done.returncode, done.stderr) == (2, (
        f"error: {key}='{folder}': is in {conf}, the configs every command reads, which its "
        "files would replace or be taken for; give a folder of its own, outside it\n"))
    assert sorted((p, p.stat().st_mtime_ns) for p in [conf, *conf.rglob("*")]) == before


def test_the_labs_commands_and_python_m_sim_keep_to_folders_of_their_own(
        tmp_path: Path) -> None:
    """A negotiation into a run's folder, and a sweep of the lab into a sweep's of
    `python -m sim` (both Hydra's multirun.yaml), or the other way round, under either
    sweeper: refused, each folder as it was; a sweep of the lab into its own sweep's folder
    goes ahead."""
    run, sweep, lab = tmp_path / "run", tmp_path / "sweep", tmp_path / "lab"
    assert sim("reps=2", *QUIET, f"hydra.run.dir={run}").returncode == 0
    assert sim("-m", "seed=1,2", "reps=2", *QUIET, f"hydra.sweep.dir={sweep}").returncode == 0
    lab_sweep = ("-m", "deadline=5,6", "plot=false", f"hydra.sweep.dir={lab}")
    assert command("sim.negotiate", *lab_sweep).returncode == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    basic = "hydra/sweeper=basic"  # which saves the sweep's config before any job starts
    refused = [
        ("run (summary.json)", command("sim.negotiate", f"hydra.run.dir={run}")),
        *(("sweep (multirun.yaml)", command("sim.negotiate", "-m", *sweeper, "deadline=5,6",
                                            f"hydra.sweep.dir={sweep}"))
          for sweeper in ((), (basic,))),
        *(("sweep of python -m sim.negotiate (multirun.yaml)", sim(
            "-m", *sweeper, "seed=3,4", "reps=2", *QUIET, f"hydra.sweep.dir={lab}"))
          for sweeper in ((), (basic,))),
    ]
    for held_there, done in refused:
        assert done.returncode == 2 and f"holds a {held_there}, whose files" in done.stderr, (
            done.stderr)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    again = command("sim.negotiate", *lab_sweep[:-1], "seed=1", f"hydra.sweep.dir={lab}")
    assert again.returncode == 0, again.stderr


def test_two_commands_started_together_get_folders_of_their_own(tmp_path: Path) -> None:
    """A default folder is named to the microsecond, as a run's, not to the second."""
    done = command("sim.forecast", "scenario=historical_2023", "as_of=2023-06-01", "reps=20",
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = done.stdout.splitlines()[-1]
    assert re.fullmatch(r"results: outputs/forecast/historical_2023/2023-06-01_"
                        r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-\d{6}", shown), shown


def test_a_run_into_a_job_of_a_sweep_or_study_is_refused(tmp_path: Path) -> None:
    """It would replace the job's tables under the sweep's, which would no longer match;
    the sweep itself runs again into its folder, and a job's plots are redrawn there."""
    sweep = tmp_path / "sweep"
    assert sim("-m", "seed=1,2", "reps=2", *QUIET, f"hydra.sweep.dir={sweep}").returncode == 0
    before = {p: p.read_bytes() for p in sweep.rglob("*") if p.is_file()}
    done = sim("reps=3", *QUIET, f"hydra.run.dir={sweep / '0'}")
    assert (done.returncode, done.stderr) == (2, (
        f"error: hydra.run.dir='{sweep / '0'}': is job 0 of the sweep in {sweep} "
        "(multirun.yaml), whose tables would no longer match it; give a folder of its own, "
        "outside it, or run the sweep again\n"))
    assert {p: p.read_bytes() for p in sweep.rglob("*") if p.is_file()} == before
    assert sim("-m", "seed=1,2", "reps=2", *QUIET, f"hydra.sweep.dir={sweep}").returncode == 0
    assert command("sim.report", str(sweep / "0")).returncode == 0
    study = tmp_path / "study"  # a study's points likewise
    assert command("sim.explore", "ishigami", "base_samples=2", "--no-progress",
                   f"out={study}").returncode == 0
    done = sim("reps=3", *QUIET, f"hydra.run.dir={study / '0'}")
    assert (done.returncode, done.stderr) == (2, (
        f"error: hydra.run.dir='{study / '0'}': is point 0 of the study in {study} "
        "(study.json), whose tables would no longer match it; give a folder of its own, "
        "outside it, or run the study again\n"))



@pytest.mark.parametrize(("marker", "below", "refused"), [
    ("multirun.yaml", "3", "is job 3 of the sweep"),
    ("study.json", "0", "is point 0 of the study"),
    ("forecast.json", "round_02", "is inside the forecast"),
    ("scores.json", "origins/2023-06-20/round_00", "is inside the backtest"),
    ("library.json", "us_china_2023/origins/2023-06-20", "is inside the backtest library"),
    ("summary.json", "outputs/a", None),
    ("multirun.yaml", "notes", None),
    ("scores.json", "notes/origins", None),
])
def test_what_a_command_wrote_inside_its_folder_is_known_by_its_name(
        marker: str, below: str, refused: str | None, tmp_path: Path) -> None:
    """`sim.results.INSIDE`, by the file that says what the folder above holds."""
    (tmp_path / marker).write_text("{}")
    folder = tmp_path / below
    try:
        check_holds(folder, "k", str(folder), "run")
    except ConfigError as e:
        assert refused is not None and e.allowed.startswith(f"{refused} in {tmp_path} ({marker})")
    else:
        assert refused is None

def test_a_sweeps_damaged_saved_config_is_read_as_python_m_sims(tmp_path: Path) -> None:
    """A `multirun.yaml` damaged past UTF-8 (a disk, a copy) was read as text, and the
    UnicodeDecodeError told as bad overrides; it is the folder of a sweep, whose command
    does not say, so `python -m sim`'s, which the same sweep may run into again."""
    (tmp_path / "multirun.yaml").write_bytes(b"hydra:\n  job: {config_name: \x82}\n")
    assert holdings(tmp_path) == [("multirun.yaml", "sweep")]
    check_holds(tmp_path, "hydra.sweep.dir", str(tmp_path), "sweep")


def test_a_folder_below_results_but_not_in_what_they_wrote_is_a_folder_of_its_own(
        tmp_path: Path) -> None:
    """A run below a run's folder (as after `hydra.run.dir=.`, every default folder is), or
    a sweep below a sweep's folder beside its jobs: goes ahead. Only a folder that the
    command above wrote is refused (`sim.results.INSIDE`)."""
    assert sim("reps=2", *QUIET, f"hydra.run.dir={tmp_path}").returncode == 0
    done = sim("reps=2", *QUIET, f"hydra.run.dir={tmp_path / 'outputs' / 'a'}")
    assert done.returncode == 0, done.stderr
    sweep = tmp_path / "sweep"
    for folder in (sweep, sweep / "again"):
        done = sim("-m", "seed=1,2", "reps=2", *QUIET, f"hydra.sweep.dir={folder}")
        assert done.returncode == 0, done.stderr

@pytest.mark.parametrize(("module", "args"), [
    ("sim.negotiate", ("-m", "deadline=5,6", "plot=false")),
    ("sim.tournament", ("-m", "agendas=2,3", "strategies=[linear,conceder]")),
])
def test_a_sweep_of_the_lab_gets_a_folder_of_its_own(module: str, args: tuple[str, ...],
                                                     tmp_path: Path) -> None:
    """Named for its command and to the microsecond, as a run's, not in Hydra's default
    folder named to the second, which two sweeps started together shared."""
    done = command(module, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (folder,) = (tmp_path / "multirun").iterdir()
    assert folder.name == module.rpartition(".")[2]
    (sweep,) = folder.iterdir()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-\d{6}", sweep.name), sweep.name
    assert sorted(p.name for p in sweep.iterdir() if p.is_dir()) == ["0", "1"]


def test_a_report_on_a_folder_being_written_waits_for_it(held: Path) -> None:
    """A report redraws into the folder, and gathers a sweep's table there: not while a
    sweep (or any command) is writing it."""
    done = command("sim.report", str(held))
    assert (done.returncode, done.stderr) == (2, f"error: {held}: {BUSY}\n")
    assert [p.name for p in held.iterdir()] == [".lock"]


@pytest.mark.parametrize(("module", "args", "marker"), [
    ("sim.forecast", ("scenario=historical_2023", "as_of=2023-06-01", "reps=20", "out=~/x"),
     "forecast.json"),
    ("sim.explore", ("ishigami", "base_samples=2", "reps=2", "--no-progress", "out=~/x"),
     "study.json"),
    ("sim.calibrate", ("us_china_2023", "population=4", "generations=1", "ppc_draws=2",
                       "executor=inline", "--out", "~/x"), "calibration.json"),
])
def test_a_folder_given_from_home_is_in_home(module: str, args: tuple[str, ...], marker: str,
                                             tmp_path: Path) -> None:
    """`out='~/x'` as a shell leaves it (quoted, or in zsh): the folder was made as ./~/x,
    and the tables written to the home's x, which did not exist: a traceback."""
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HOME": str(home)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert (home / "x" / marker).is_file() and not (tmp_path / "~").exists()
    assert done.stdout.splitlines()[-1] == f"results: {home / 'x'}"


@pytest.mark.parametrize("args", [("us_china_2023",), ("library",)])
def test_a_backtests_folder_given_from_home_is_the_homes(args: tuple[str, ...],
                                                        tmp_path: Path) -> None:
    """As above, for a backtest and the library, told by the check of the folder (`--check`,
    which runs nothing): the home's x, which cannot be made where the home is a file."""
    home = tmp_path / "home"
    home.write_text("")
    done = subprocess.run([sys.executable, "-m", "sim.backtest", *args, "--check", "--out",
                           "~/x"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(tmp_path)})
    assert (done.returncode, done.stderr) == (
        2, f"error: --out='{home / 'x'}': {home} is not a directory\n")


def test_paths_given_from_home_are_read_from_home(tmp_path: Path) -> None:
    """`--config-dir=~/mine` (bash leaves ~ there), a study file, runs to compare or report
    and the comparison's file, each given from the home folder: found there (a user's folder
    was "no such folder", a study file could not be read)."""
    home = tmp_path / "home"
    (home / "mine" / "scenario").mkdir(parents=True)
    (home / "mine" / "scenario" / "own.yaml").write_text(
        "defaults:\n  - historical_2023\n  - _self_\nname: own\n")
    (home / "ishigami.yaml").write_text((ROOT / "conf" / "explore" / "ishigami.yaml").read_text())
    env = {**os.environ, "HOME": str(home)}

    def run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", module, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)

    for out in ("a", "b"):
        done = run("sim", "--config-dir=~/mine", "scenario=own", "reps=4", *QUIET,
                   f"hydra.run.dir={home / out}")
        assert done.returncode == 0, done.stderr
    assert run("sim.compare", "~/a", "~/b", "--json=~/c.json").returncode == 0
    assert json.loads((home / "c.json").read_text())["a"]["path"] == str(home / "a")
    assert run("sim.report", "~/a").returncode == 0
    done = run("sim.explore", "~/ishigami.yaml", "base_samples=2", "reps=2", "--no-progress",
               f"out={tmp_path / 'study'}")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "~").exists()
