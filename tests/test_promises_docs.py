"""Every command line the README and docs/ show for a command that runs is taken as written.

A key renamed in the schema, a scenario, study or strategy renamed, an override the grammar
no longer reads, a flag dropped: each would leave a page telling users to type what the
commands refuse. A Hydra command's line is composed and checked as the command does it
(`sim.command`), every job of a sweep included; an analysis command's is given to the
command with its `--check` (the forecast's settings are read and checked as it reads them);
nothing runs. Lines with a placeholder (`NAME`, `DIR`, `HOST`) and the examples of a
scenario the page writes first (`a_b_2030`) are passed over, as are `sim.report` and
`sim.compare`, which read results a checkout does not hold.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMAND = re.compile(r"^(?:\$ )?(?:\.venv/bin/)?python -m (sim|sim\.negotiate|sim\.tournament) ")
ANALYSIS = re.compile(
    r"^(?:\$ )?(?:\.venv/bin/)?python -m sim\.(backtest|calibrate|explore|forecast) ")
PLACEHOLDER = re.compile(r"\b(NAME|DIR|HOST|HEAD|SWEEP)\b|a_b_2030")
PLUG_IN = "hydra/launcher=submitit"  # an extra of its own (docs/cluster.md), not installed here


def documented(command: re.Pattern[str] = COMMAND) -> list[tuple[str, str, list[str]]]:
    """(page, module, arguments) of each line of `command` in the pages' code blocks; a
    line shown again (on another page, or with --help) is checked where it is first."""
    found, seen = [], set()
    for page in PAGES:
        for block in re.findall(r"```[a-z]*\n(.*?)```", page.read_text(), re.S):
            for line in block.replace("\\\n", " ").splitlines():
                m = command.match(line.strip())
                if m and not PLACEHOLDER.search(line) and PLUG_IN not in line:
                    args = shlex.split(line.strip()[m.end():], comments=True)
                    same = (m.group(1), "-m" in args, *(a for a in args if a[0] != "-"))
                    if same not in seen:
                        seen.add(same)
                        found.append((page.name, m.group(1), args))
    return found


LINES = documented()
ANALYSIS_LINES = documented(ANALYSIS)


def test_the_pages_show_command_lines_of_each_hydra_command() -> None:
    """The extraction finds what it is meant to check (a page's format changed would
    leave nothing to check, and the test below would pass on nothing)."""
    assert {module for _, module, _ in LINES} == {"sim", "sim.negotiate", "sim.tournament"}
    assert {page for page, _, _ in LINES} >= {"README.md", "scenarios.md", "negotiation.md"}
    assert sum("-m" in args for _, _, args in LINES) >= 4


@pytest.mark.parametrize(("page", "module", "args"), LINES,
                         ids=[f"{p}:{m} {' '.join(a)}" for p, m, a in LINES])
def test_a_documented_command_line_is_taken(page: str, module: str, args: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from sim.command import check_jobs, composed
    from sim.config.schema import RunConf
    from sim.config.validate import validate_run
    from sim.negotiation.config import (
        NegotiationConf,
        TournamentConf,
        check_negotiation,
        check_tournament,
        register,
    )

    register()
    config, schema, check = {
        "sim": ("config", RunConf, validate_run),
        "sim.negotiate": ("negotiate", NegotiationConf, check_negotiation),
        "sim.tournament": ("tournament", TournamentConf, check_tournament)}[module]
    flags = [a for a in args if a.startswith("-")]
    assert set(flags) <= {"-m", "--help"}, f"{page}: a flag this test does not know: {flags}"
    overrides = [a for a in args if a not in flags]
    try:
        if "-m" in flags:
            check_jobs(overrides, config, schema, check)  # type: ignore[arg-type]
        else:
            composed(overrides, config, schema, check)  # type: ignore[arg-type]
    except SystemExit:
        pytest.fail(f"{page}: python -m {module} {shlex.join(args)}: "
                    f"{capsys.readouterr().err.strip()}")


def test_the_pages_show_command_lines_of_each_analysis_command() -> None:
    assert {module for _, module, _ in ANALYSIS_LINES} == {
        "backtest", "calibrate", "explore", "forecast"}


@pytest.mark.parametrize(("page", "module", "args"), ANALYSIS_LINES,
                         ids=[f"{p}:sim.{m} {' '.join(a)}" for p, m, a in ANALYSIS_LINES])
def test_a_documented_analysis_command_line_is_taken(page: str, module: str, args: list[str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The command checks the line, with `--check`, as it would before running; a study is
    checked at two base samples, so that its every point is checked in seconds (its
    factors, outcomes and settings are the line's)."""
    import importlib

    if module == "forecast":
        from sim.forecast.cli import parse

        parse(args)  # ConfigError if a key or value is refused
        return
    if module == "explore":
        args = [*args, "base_samples=2"]
    main = importlib.import_module({"backtest": "sim.backtest", "calibrate": "sim.calibrate.cli",
                                    "explore": "sim.explore.cli"}[module]).main
    try:
        assert main([*args, "--check"]) == 0
    except SystemExit as e:
        pytest.fail(f"{page}: python -m sim.{module} {shlex.join(args)}: exit {e.code}: "
                    f"{capsys.readouterr().err.strip()}")
    assert capsys.readouterr().out.startswith("ok: ")
