"""Round robin: every listed strategy against every other (and itself) on random agendas.

Agenda i is drawn from `SeedSequence(seed, spawn_key=(i,))`, and the random strategy of
the pair (x, y) on it from `SeedSequence(seed, spawn_key=(i, x, y, side))`, so the same
config gives the same table. Every ordered pair plays each agenda once, party a (the
first strategy) proposing first unless `first = b`.

Intervals are 95 % normal intervals over agendas: the agendas are independent draws,
the matches on one agenda are not, so each strategy's results are first averaged per
agenda. Each interval is clipped to the values its quantity can take (a share, a utility
in [0, 1], a distance in [0, √2]), which a normal interval over a few agendas can leave.
A pair's agreement rate (one match per agenda) has a Wilson interval.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from sim.analysis.summary import Z95, normal_interval, wilson
from sim.model.bargaining.agenda import random_agenda
from sim.model.bargaining.frontier import frontier_of
from sim.model.bargaining.session import negotiate
from sim.model.bargaining.solutions import nash_point
from sim.model.bargaining.strategies import STRATEGIES, StrategySpec
from sim.negotiation.config import SIDES, TournamentConf


@dataclass(frozen=True, slots=True)
class Match:
    """One negotiation of the tournament."""

    agenda: int
    a: str
    b: str
    agreed: bool
    utility_a: float
    utility_b: float
    nash_distance: float
    rounds: int


def play(conf: TournamentConf) -> list[Match]:
    """Every ordered pair of `conf.strategies` on each of `conf.agendas` random agendas."""
    matches = []
    names = list(conf.strategies)
    for i in range(conf.agendas):
        rng = np.random.default_rng(np.random.SeedSequence(conf.seed, spawn_key=(i,)))
        agenda = random_agenda(rng, conf.issues, conf.levels,
                               (conf.discounts[0], conf.discounts[1]))
        for side, share in enumerate((conf.pressure.a, conf.pressure.b)):
            if share > 0.0:
                agenda = agenda.with_pressure(side, share)
        nash = nash_point(frontier_of(agenda)).utilities
        for x, name_a in enumerate(names):
            for y, name_b in enumerate(names):
                specs = (_spec(name_a, conf.kappa), _spec(name_b, conf.kappa))
                result = negotiate(agenda, specs, conf.deadline, SIDES.index(conf.first),
                                   conf.seed, (i, x, y))
                u = result.utilities(agenda)
                matches.append(Match(i, name_a, name_b, result.agreement is not None, u[0], u[1],
                                     math.dist(u, nash), result.rounds))
    return matches


UNIT_RANGE = (0.0, 1.0)  # shares and utilities
DISTANCE_RANGE = (0.0, math.sqrt(2.0))  # between two points of the unit square


def mean_interval(values: Sequence[float], support: tuple[float, float] = UNIT_RANGE
                  ) -> dict[str, float]:
    """Mean with its 95 % normal interval, clipped to `support`, the values the quantity
    can take (NaN width for fewer than two values)."""
    mean = statistics.fmean(values)
    half = Z95 * statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.nan
    low, high = normal_interval(mean, half, *support)
    return {"estimate": mean, "ci_low": low, "ci_high": high}


def _per_agenda(pairs: list[tuple[int, float]]) -> list[float]:
    """Average the (agenda, value) pairs within each agenda."""
    by: dict[int, list[float]] = {}
    for i, v in pairs:
        by.setdefault(i, []).append(v)
    return [statistics.fmean(vs) for _, vs in sorted(by.items())]


def strategy_table(matches: list[Match], names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per strategy: its mean utility, agreement rate and Nash distance, with intervals."""
    table = {}
    for s in names:
        own = [(m.agenda, m.utility_a) for m in matches if m.a == s]
        own += [(m.agenda, m.utility_b) for m in matches if m.b == s]
        played = [m for m in matches if s in (m.a, m.b)]
        table[s] = {
            "utility": mean_interval(_per_agenda(own)),
            "agreement": mean_interval(_per_agenda([(m.agenda, m.agreed) for m in played])),
            "nash_distance": mean_interval(_per_agenda([(m.agenda, m.nash_distance)
                                                        for m in played]), DISTANCE_RANGE),
        }
    return table


def pair_table(matches: list[Match]) -> list[dict[str, Any]]:
    """Per ordered pair: both mean utilities, agreement rate and Nash distance."""
    rows = []
    for a, b in dict.fromkeys((m.a, m.b) for m in matches):
        ms = [m for m in matches if (m.a, m.b) == (a, b)]
        deals = sum(m.agreed for m in ms)
        est, lo, hi = wilson(deals, len(ms))
        rows.append({"a": a, "b": b,
                     "utility_a": mean_interval([m.utility_a for m in ms]),
                     "utility_b": mean_interval([m.utility_b for m in ms]),
                     "agreement": {"estimate": est, "ci_low": lo, "ci_high": hi},
                     "nash_distance": mean_interval([m.nash_distance for m in ms],
                                                    DISTANCE_RANGE),
                     "rounds": statistics.fmean(m.rounds for m in ms)})
    return rows


def side_table(matches: list[Match]) -> dict[str, dict[str, Any]]:
    """Per side, over all pairs: its mean utility overall and in the deals made; and the
    agreement rate (the same for both sides)."""
    deals = [m for m in matches if m.agreed]
    agreement = mean_interval(_per_agenda([(m.agenda, m.agreed) for m in matches]))
    out = {}
    for side in SIDES:
        def utility(ms: list[Match], side: str = side) -> dict[str, float]:
            return mean_interval(_per_agenda([(m.agenda, getattr(m, f"utility_{side}"))
                                              for m in ms])) if ms else {}

        out[side] = {"utility": utility(matches), "utility_in_deals": utility(deals),
                     "agreement": agreement}
    return out


def summarize(conf: TournamentConf, matches: list[Match]) -> dict[str, Any]:
    """The tournament's tables and config, as plain JSON-ready data."""
    return {"config": asdict(conf), "strategies": strategy_table(matches, conf.strategies),
            "sides": side_table(matches), "pairs": pair_table(matches)}


def _ci(s: dict[str, float], digits: int = 3) -> str:
    """An estimate and its interval; of one agenda's value, none (`mean_interval`: NaN)."""
    if math.isnan(s["ci_low"]):
        return f"{s['estimate']:.{digits}f} [no CI: n=1]"
    return f"{s['estimate']:.{digits}f} [{s['ci_low']:.{digits}f}, {s['ci_high']:.{digits}f}]"


def format_tables(summary: dict[str, Any], pairs: bool = False) -> str:
    """The strategy table (and, if asked, the pair table) as plain text."""
    c = summary["config"]
    grid = f"{c['levels']} values" if c["levels"] else "continuous"
    lines = [f"{len(c['strategies'])} strategies, every ordered pair on {c['agendas']} agenda"
             f"{'s' * (c['agendas'] != 1)} "
             f"({c['issues']} issues, {grid}), deadline {c['deadline']}, seed {c['seed']}, "
             f"pressure a={c['pressure']['a']:g} b={c['pressure']['b']:g}",
             f"{'strategy':<22}{'utility [95% CI]':<25}{'agreement [95% CI]':<25}"
             "Nash distance [95% CI]"]
    for name, row in summary["strategies"].items():
        lines.append(f"{name:<22}{_ci(row['utility']):<25}{_ci(row['agreement']):<25}"
                     f"{_ci(row['nash_distance'])}")
    for side, row in summary["sides"].items():
        in_deals = _ci(row["utility_in_deals"]) if row["utility_in_deals"] else "no deals"
        lines.append(f"{f'(side {side})':<22}{_ci(row['utility']):<25}"
                     f"{_ci(row['agreement']):<25}utility in deals {in_deals}")
    if pairs:
        lines += ["", f"{'a':<21} {'b':<21} {'utility a':<23}{'utility b':<23}"
                  f"{'agreement':<23}Nash distance"]
        for r in summary["pairs"]:
            lines.append(f"{r['a']:<21} {r['b']:<21} {_ci(r['utility_a']):<23}"
                         f"{_ci(r['utility_b']):<23}{_ci(r['agreement'], 2):<23}"
                         f"{_ci(r['nash_distance'])}")
    return "\n".join(line.rstrip() for line in lines)


def _spec(name: str, kappa: float | None) -> StrategySpec:
    """The tournament's kappa for the strategies that take one; the rest play as named."""
    return StrategySpec(name, kappa if STRATEGIES[name].kappa is not None else None)
