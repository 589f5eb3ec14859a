"""The negotiation lab: one negotiation, its trace, and how it compares with theory.

`run_lab` plays the configured strategies on the configured agenda, measures the outcome
against the Nash, Kalai-Smorodinsky and maximum-welfare points of the agenda's Pareto
frontier, and writes `negotiation.json` (and `negotiation.png`) into the run directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.model.bargaining.agenda import Agenda, Link, Package, Point, make_party
from sim.model.bargaining.frontier import frontier_of
from sim.model.bargaining.session import SessionResult, negotiate
from sim.model.bargaining.solutions import Solution, assess
from sim.model.bargaining.strategies import StrategySpec
from sim.negotiation.config import SIDES, NegotiationConf, SideConf
from sim.results import NEGOTIATION, write_json


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
    """The two sides' strategies (name and parameters), a and b, as the session takes them."""
    a, b = conf.a, conf.b
    return StrategySpec(a.strategy, a.kappa, a.beta), StrategySpec(b.strategy, b.kappa, b.beta)


def _pair(u: Point) -> dict[str, float]:
    return {"a": u[0], "b": u[1]}


def _positions(agenda: Agenda, package: Package | None) -> dict[str, float | None]:
    """Each issue's agreed position; None for an issue left at status quo (or no deal)."""
    return {name: None if package is None or j not in agenda.negotiable else package[j]
            for j, name in enumerate(agenda.issues)}


def _solution(agenda: Agenda, s: Solution) -> dict[str, Any]:
    return {"utilities": _pair(s.utilities), "agreement": _positions(agenda, s.package)}


def report(conf: NegotiationConf, agenda: Agenda, result: SessionResult) -> dict[str, Any]:
    """Everything about one negotiation, as plain JSON-ready data."""
    frontier = frontier_of(agenda)
    verdict = assess(frontier, result.utilities(agenda), conf.power)
    sides = {key: {"label": side.label or key, "strategy": side.strategy, "kappa": side.kappa,
                   "beta": side.beta, "discount": side.discount, "pressure": side.pressure}
             for key, side in zip(SIDES, (conf.a, conf.b), strict=True)}
    return {
        "issues": list(agenda.issues),
        "negotiable": [agenda.issues[j] for j in agenda.negotiable],
        "status_quo": dict(zip(agenda.issues, agenda.status_quo, strict=True)),
        "sides": sides,
        "first": conf.first,
        "deadline": conf.deadline,
        "levels": conf.levels,
        "agreed": result.agreement is not None,
        "walked_away": None if result.walked_away is None else SIDES[result.walked_away],
        "agreement": _positions(agenda, result.agreement),
        "rounds": result.rounds,
        "utilities": _pair(verdict.utilities),
        "discounted_utilities": _pair(result.discounted_utilities(agenda)),
        "disagreement": _pair(frontier.disagreement),
        "nash_power": conf.power,
        "nash_point": _solution(agenda, verdict.nash),
        "nash_distance": verdict.nash_distance,
        "kalai_smorodinsky_point": _solution(agenda, verdict.kalai_smorodinsky),
        "kalai_smorodinsky_distance": verdict.ks_distance,
        "max_welfare_point": _solution(agenda, verdict.max_welfare),
        "max_welfare_distance": verdict.welfare_distance,
        "pareto_optimal": verdict.pareto_optimal,
        "frontier": {"continuous": frontier.continuous,
                     "points": [list(p) for p in frontier.points]},
        "offers": [{"round": k, "by": SIDES[result.proposer(k)],
                    "offer": {agenda.issues[j]: offer[j] for j in agenda.negotiable},
                    "utilities": _pair(agenda.utilities(offer)),
                    "ratifiable": agenda.ratified(offer)}
                   for k, offer in enumerate(result.offers)],
    }


def run_lab(conf: NegotiationConf, out_dir: Path) -> dict[str, Any]:
    """Run the configured negotiation; write negotiation.json (and .png) into `out_dir`."""
    agenda = agenda_of(conf)
    result = negotiate(agenda, specs_of(conf), conf.deadline, SIDES.index(conf.first), conf.seed)
    data = report(conf, agenda, result)
    out_dir.mkdir(parents=True, exist_ok=True)
    if conf.plot:
        from sim.negotiation.plot import plot_negotiation  # matplotlib: only where it draws

        plot_negotiation(data, out_dir / "negotiation.png")
    write_json(data, out_dir / NEGOTIATION)
    return data


def format_report(data: dict[str, Any]) -> str:
    """The offer trace and the outcome, as a plain-text table."""
    names = data["negotiable"]
    width = max([8, *(len(n) for n in names)])
    lines = ["round  by  " + "".join(f"{n:>{width}} " for n in names) + "     u_a     u_b"]
    for o in data["offers"]:
        cells = "".join(f"{o['offer'][n]:>{width}.3f} " for n in names)
        lines.append(f"{o['round']:>5}  {o['by']:>2}  {cells}{o['utilities']['a']:>8.3f}"
                     f"{o['utilities']['b']:>8.3f}")
    u, d, nash = data["utilities"], data["disagreement"], data["nash_point"]["utilities"]
    if data["agreed"]:
        deal = ", ".join(f"{n}={x:.3f}" for n, x in data["agreement"].items() if x is not None)
        lines.append(f"agreement in round {data['rounds'] - 1}: {deal}")
    elif data["walked_away"]:
        who = data["sides"][data["walked_away"]]["label"]
        lines.append(f"no agreement: {who} walked away after {data['rounds']} offers")
    else:
        lines.append(f"no agreement in {data['rounds']} rounds")
    fixed = [n for n in data["issues"] if n not in names]
    if fixed:
        lines.append("no overlap of win-sets, left at status quo: " + ", ".join(
            f"{n}={data['status_quo'][n]:.3f}" for n in fixed))
    lines.append(f"utilities a={u['a']:.4f} b={u['b']:.4f} "
                 f"(disagreement a={d['a']:.4f} b={d['b']:.4f})")
    lines.append(f"nash point a={nash['a']:.4f} b={nash['b']:.4f}, distance "
                 f"{data['nash_distance']:.4f}; pareto-optimal: "
                 f"{'yes' if data['pareto_optimal'] else 'no'}")
    return "\n".join(lines)
