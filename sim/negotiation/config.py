"""The schemas of `python -m sim.negotiate` and `python -m sim.tournament`, and their checks.

The dataclasses are registered as Hydra structured configs, so a wrong type or an
unknown key is caught with its dotted path; `check_*` then checks meaning (ranges, known
strategy names) and raises `ConfigError`, shown to the user as one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore

from sim.config.checks import (
    OPEN_UNIT,
    ROUNDS,
    UNIT,
    Context,
    at_least,
    checked,
    fail,
    interval,
    keys_in,
    one_of,
    refs,
    walk,
    within,
)
from sim.config.schema import STRATEGY, StanceConf
from sim.config.validate import RULES, check_stances, check_strategy
from sim.model.bargaining.strategies import STRATEGIES

SIDES = ("a", "b")
MAX_LEVELS = 101
MAX_ISSUES = 100  # a random agenda's frontier: 1,000 issues take minutes and gigabytes
FIRST = one_of(SIDES, "side")


def levels(key: str, value: Any, ctx: Context) -> None:
    if value != 0 and not 2 <= value <= MAX_LEVELS:
        fail(key, value, f"must be 0 (continuous) or in [2, {MAX_LEVELS}]")


@dataclass
class AgendaIssueConf:
    label: str = ""
    status_quo: float = checked(0.0, UNIT)  # the position if nothing is agreed


@dataclass
class SideConf:
    """One party: its strategy (a registered name), patience, pressure and stances."""

    label: str = ""
    strategy: str = checked("linear", STRATEGY)
    kappa: float | None = None  # initial concession; None: the strategy's default
    beta: float | None = None  # concession exponent; None: the strategy's default
    discount: float = checked(0.95, OPEN_UNIT)  # delta in (0, 1)
    pressure: float = checked(0.0, UNIT)  # share of win-set slack removed by domestic pressure
    stances: dict[str, StanceConf] = checked(dict, keys_in("issues", "issue"))


@dataclass
class NegotiationConf:
    """One bilateral negotiation (`python -m sim.negotiate`)."""

    issues: dict[str, AgendaIssueConf] = field(default_factory=dict)
    a: SideConf = field(default_factory=SideConf)
    b: SideConf = field(default_factory=SideConf)
    levels: int = checked(0, levels)  # 0: continuous positions; n >= 2: n evenly spaced values
    deadline: int = checked(20, ROUNDS)
    first: str = checked("a", FIRST)  # who proposes in round 0
    disagreement: list[float] | None = None  # [u_a, u_b]; None: the status quo's utilities
    power: float = checked(0.5, OPEN_UNIT)  # party a's bargaining power in the Nash point
    seed: int = checked(0, at_least(0))  # for the random strategy
    plot: bool = True


@dataclass
class PressureConf:
    a: float = checked(0.0, UNIT)
    b: float = checked(0.0, UNIT)


@dataclass
class TournamentConf:
    """Every listed strategy against every other on random agendas (`python -m sim.tournament`)."""

    strategies: list[str] = checked(lambda: [
        "boulware", "linear", "conceder", "tit_for_tat", "zeuthen", "rubinstein", "random"],
        refs(list(STRATEGIES), "strategy", "list at least one strategy"))
    agendas: int = checked(100, at_least(1))  # random agendas; every ordered pair plays each once
    issues: int = checked(3, within(1, MAX_ISSUES))
    levels: int = checked(7, levels)  # 0: continuous positions
    deadline: int = checked(100, ROUNDS)
    first: str = checked("a", FIRST)
    kappa: float | None = checked(None, UNIT)  # for those that take one; None: each one's default
    discounts: list[float] = checked(lambda: [0.8, 0.99], interval(0, 1, True))  # drawn uniformly
    pressure: PressureConf = field(default_factory=PressureConf)  # win-set slack removed
    seed: int = checked(0, at_least(0))
    pairs: bool = False  # also print the table of every ordered pair


def register() -> None:
    cs = ConfigStore.instance()
    cs.store(name="negotiate_schema", node=NegotiationConf)
    cs.store(name="tournament_schema", node=TournamentConf)


def check_negotiation(conf: NegotiationConf) -> None:
    """Check a lab config's meaning; raise `ConfigError` at the first violation."""
    if not conf.issues:
        fail("issues", {}, "the agenda is empty; define at least one issue")
    walk(conf, "", Context(conf), RULES | {SideConf: _side, NegotiationConf: _negotiation})


def _side(key: str, side: SideConf, ctx: Context) -> None:
    check_strategy(key, side.strategy, side.kappa, side.beta)
    check_stances(f"{key}.stances", side.stances, ctx.names("issues"))
    for iname, s in side.stances.items():
        if s.linked is not None and ctx.root.levels:
            fail(f"{key}.stances.{iname}.linked", s.linked.needs,
                 "linkage needs a continuous agenda (levels=0)")


def _negotiation(key: str, conf: NegotiationConf, ctx: Context) -> None:
    if conf.disagreement is not None:
        if len(conf.disagreement) != 2:
            fail("disagreement", list(conf.disagreement), "must be [u_a, u_b] or null")
        for i, u in enumerate(conf.disagreement):
            UNIT(f"disagreement[{i}]", u, ctx)


def check_tournament(conf: TournamentConf) -> None:
    """Check a tournament config's meaning; raise `ConfigError` at the first violation."""
    walk(conf, "", Context(conf), {})
    if conf.kappa is not None and "exponential" in conf.strategies and conf.kappa <= 0.0:
        fail("kappa", conf.kappa, "must be > 0 when exponential plays")
