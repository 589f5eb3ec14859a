"""The schemas of `python -m sim.negotiate` and `python -m sim.tournament`, and their checks.

The dataclasses are registered as Hydra structured configs, so a wrong type or an
unknown key is caught with its dotted path; `check_*` then checks meaning (ranges, known
strategy names) and raises `ConfigError`, shown to the user as one line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore

from sim.config.errors import ConfigError, unknown_name
from sim.config.schema import StanceConf
from sim.config.validate import check_stances, check_strategy
from sim.model.bargaining.agenda import Agenda, Link, make_party
from sim.model.bargaining.strategies import STRATEGIES, StrategySpec

SIDES = ("a", "b")
MAX_LEVELS = 101


@dataclass
class AgendaIssueConf:
    label: str = ""
    status_quo: float = 0.0  # the position if nothing is agreed


@dataclass
class SideConf:
    """One party: its strategy (a registered name), patience, pressure and stances."""

    label: str = ""
    strategy: str = "linear"
    kappa: float | None = None  # initial concession; None: the strategy's default
    beta: float | None = None  # concession exponent; None: the strategy's default
    discount: float = 0.95  # delta in (0, 1)
    pressure: float = 0.0  # share of win-set slack removed by domestic pressure, [0, 1]
    stances: dict[str, StanceConf] = field(default_factory=dict)


@dataclass
class NegotiationConf:
    """One bilateral negotiation (`python -m sim.negotiate`)."""

    issues: dict[str, AgendaIssueConf] = field(default_factory=dict)
    a: SideConf = field(default_factory=SideConf)
    b: SideConf = field(default_factory=SideConf)
    levels: int = 0  # 0: continuous positions; n >= 2: n evenly spaced values
    deadline: int = 20  # rounds
    first: str = "a"  # who proposes in round 0
    disagreement: list[float] | None = None  # [u_a, u_b]; None: the status quo's utilities
    power: float = 0.5  # party a's bargaining power in the Nash point
    seed: int = 0  # for the random strategy
    plot: bool = True


@dataclass
class PressureConf:
    a: float = 0.0
    b: float = 0.0


@dataclass
class TournamentConf:
    """Every listed strategy against every other on random agendas (`python -m sim.tournament`)."""

    strategies: list[str] = field(default_factory=lambda: [
        "boulware", "linear", "conceder", "tit_for_tat", "zeuthen", "rubinstein", "random"])
    agendas: int = 100  # random agendas; every ordered pair plays each once
    issues: int = 3
    levels: int = 7  # 0: continuous positions
    deadline: int = 100
    first: str = "a"
    kappa: float | None = None  # for the strategies that take one; None: each one's default
    discounts: list[float] = field(default_factory=lambda: [0.8, 0.99])  # drawn uniformly
    pressure: PressureConf = field(default_factory=PressureConf)  # win-set slack removed
    seed: int = 0
    pairs: bool = False  # also print the table of every ordered pair


def register() -> None:
    cs = ConfigStore.instance()
    cs.store(name="negotiate_schema", node=NegotiationConf)
    cs.store(name="tournament_schema", node=TournamentConf)


def _within(key: str, value: float, low: float, high: float, open_ends: bool = False) -> None:
    ok = isinstance(value, int | float) and math.isfinite(value) and (
        low < value < high if open_ends else low <= value <= high)
    if not ok:
        ends = f"({low:g}, {high:g})" if open_ends else f"[{low:g}, {high:g}]"
        raise ConfigError(key, value, f"must be in {ends}")


def _known(key: str, value: str, known: Iterable[str], what: str) -> None:
    names = list(known)
    if value not in names:
        raise unknown_name(key, value, names, what)


def _levels(key: str, value: int) -> None:
    if value != 0 and not 2 <= value <= MAX_LEVELS:
        raise ConfigError(key, value, f"must be 0 (continuous) or in [2, {MAX_LEVELS}]")


def _at_least(key: str, value: int, low: int) -> None:
    if value < low:
        raise ConfigError(key, value, f"must be >= {low}")


def check_negotiation(conf: NegotiationConf) -> None:
    """Check a lab config's meaning; raise `ConfigError` at the first violation."""
    if not conf.issues:
        raise ConfigError("issues", {}, "the agenda is empty; define at least one issue")
    for name, issue in conf.issues.items():
        _within(f"issues.{name}.status_quo", issue.status_quo, 0.0, 1.0)
    for key in SIDES:
        side: SideConf = getattr(conf, key)
        check_strategy(key, side.strategy, side.kappa, side.beta, name_key="strategy")
        _within(f"{key}.discount", side.discount, 0.0, 1.0, open_ends=True)
        _within(f"{key}.pressure", side.pressure, 0.0, 1.0)
        check_stances(f"{key}.stances", side.stances, list(conf.issues))
    _levels("levels", conf.levels)
    if conf.levels:
        for key in SIDES:
            for iname, s in getattr(conf, key).stances.items():
                if s.linked is not None:
                    raise ConfigError(f"{key}.stances.{iname}.linked", s.linked.needs,
                                      "linkage needs a continuous agenda (levels=0)")
    _at_least("deadline", conf.deadline, 1)
    _known("first", conf.first, SIDES, "side")
    if conf.disagreement is not None:
        if len(conf.disagreement) != 2:
            raise ConfigError("disagreement", list(conf.disagreement), "must be [u_a, u_b] or null")
        for i, u in enumerate(conf.disagreement):
            _within(f"disagreement[{i}]", u, 0.0, 1.0)
    _within("power", conf.power, 0.0, 1.0, open_ends=True)


def check_tournament(conf: TournamentConf) -> None:
    """Check a tournament config's meaning; raise `ConfigError` at the first violation."""
    if not conf.strategies:
        raise ConfigError("strategies", [], "list at least one strategy")
    for i, name in enumerate(conf.strategies):
        _known(f"strategies[{i}]", name, STRATEGIES, "strategy")
    if len(set(conf.strategies)) != len(conf.strategies):
        raise ConfigError("strategies", list(conf.strategies), "each strategy at most once")
    if conf.kappa is not None:
        _within("kappa", conf.kappa, 0.0, 1.0)
        if "exponential" in conf.strategies and conf.kappa <= 0.0:
            raise ConfigError("kappa", conf.kappa, "must be > 0 when exponential plays")
    _at_least("agendas", conf.agendas, 1)
    _at_least("issues", conf.issues, 1)
    _levels("levels", conf.levels)
    _at_least("deadline", conf.deadline, 1)
    _known("first", conf.first, SIDES, "side")
    if len(conf.discounts) != 2 or conf.discounts[0] > conf.discounts[1]:
        raise ConfigError("discounts", list(conf.discounts), "must be [low, high], low <= high")
    for i, delta in enumerate(conf.discounts):
        _within(f"discounts[{i}]", delta, 0.0, 1.0, open_ends=True)
    _within("pressure.a", conf.pressure.a, 0.0, 1.0)
    _within("pressure.b", conf.pressure.b, 0.0, 1.0)


def agenda_of(conf: NegotiationConf) -> Agenda:
    """The agenda a checked lab config describes, with each side's pressure applied."""
    issues = list(conf.issues)
    parties = []
    for key in SIDES:
        side: SideConf = getattr(conf, key)
        stances = [side.stances[i] for i in issues]
        parties.append(make_party(side.label or key, [s.ideal for s in stances],
                                  [s.weight for s in stances],
                                  [(s.win_set[0], s.win_set[1]) for s in stances], side.discount))
    d = None if conf.disagreement is None else (conf.disagreement[0], conf.disagreement[1])
    links = tuple(
        Link(p, issues.index(i), issues.index(link.needs), link.at_least, *link.win_set)
        for p, key in enumerate(SIDES) for i, s in getattr(conf, key).stances.items()
        if (link := s.linked) is not None)
    agenda = Agenda(tuple(issues), tuple(conf.issues[i].status_quo for i in issues),
                    (parties[0], parties[1]), conf.levels, d, links)
    for i, key in enumerate(SIDES):
        pressure = getattr(conf, key).pressure
        if pressure > 0.0:
            agenda = agenda.with_pressure(i, pressure)
    return agenda


def specs_of(conf: NegotiationConf) -> tuple[StrategySpec, StrategySpec]:
    a, b = conf.a, conf.b
    return StrategySpec(a.strategy, a.kappa, a.beta), StrategySpec(b.strategy, b.kappa, b.beta)
