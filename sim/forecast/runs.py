"""The one place that calls the project's compose and run entry points.

Forecasts, backtests and calibrations compose `python -m sim`'s config with Hydra
overrides and run design points through the project's run path; they do it only through
these functions, so a change of those entry points is made here alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sim.config.compose import compose_checked
from sim.config.schema import RunConf, ScenarioConf
from sim.saved import Summary


def compose_run(scenario: str, overrides: Sequence[str] = ()) -> RunConf:
    """Compose and check `python -m sim`'s config for a scenario plus Hydra overrides."""
    return compose_checked([f"scenario={scenario}", *overrides])


def run_point(run: RunConf, out_dir: Path, design_point: int) -> Summary:
    """Run one design point into `out_dir` through the project's run path; its summary."""
    from sim.design_point import run_design_point

    return run_design_point(run, out_dir, design_point=design_point)


def scheduled_entries(run: RunConf) -> list[dict[str, str]]:
    """The scenario's dated meetings, shocks and concessions, for plots."""
    from sim.design_point import scheduled

    return scheduled(run.scenario)


def with_values(sc: ScenarioConf, values: dict[str, float]) -> ScenarioConf:
    """The scenario with each `scenario.a.b.c` key set to its value (nested copies only).

    For calibration's many particles: the keys were checked once by `compose_run` over
    their prior bounds, so each particle skips Hydra and the schema checks.
    """
    out = sc
    for key, value in values.items():
        out = _set(out, key.split(".")[1:], value)
    return out


def _set(node: Any, path: list[str], value: float) -> Any:
    head, rest = path[0], path[1:]
    if isinstance(node, list):  # an item by its number
        i = int(head)
        return [*node[:i], _set(node[i], rest, value) if rest else value, *node[i + 1:]]
    if isinstance(node, dict):
        return {**node, head: _set(node[head], rest, value) if rest else value}
    return replace(node, **{head: _set(getattr(node, head), rest, value) if rest else value})
