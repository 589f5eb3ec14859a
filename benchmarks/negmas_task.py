"""The negotiation benchmark's task in NegMAS 0.16 (`pip install -e '.[bench]'`).

The same problem as in `negotiation.py`: the outcomes are the ratifiable packages (per
issue, the grid values inside both win-sets), each party's utility is the same additive
tent utility (a `LinearAdditiveUtilityFunction` of per-issue tables with the same
weights) and its reserved value is its utility of the status quo. Both parties play
NegMAS's time-based conceding negotiator with the same polynomial curves as Boulware and
Conceder here: NegMAS asks for 1 - t^e of its range, Faratin's alpha is t^(1/beta), so
e = 1 / beta. An `SAOMechanism` with one offer per step and as many steps as the
deadline's rounds, party a proposing first, runs the alternating offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.model.bargaining.agenda import Agenda, Package

NEGMAS_VERSION = "0.16"


def missing() -> str | None:
    """Why NegMAS cannot be compared here (None when it can)."""
    try:
        import negmas
    except ImportError:
        return "negmas is not installed (pip install -e '.[bench]')"
    if not negmas.__version__.startswith(NEGMAS_VERSION):
        return f"negmas {negmas.__version__} is installed; the comparison is with {NEGMAS_VERSION}"
    return None


@dataclass(frozen=True)
class Problem:
    """One agenda as NegMAS sees it, built up front as the agendas are here."""

    agenda: Agenda
    outcome_space: Any
    ufuns: tuple[Any, Any]


def problem(agenda: Agenda) -> Problem:
    """The outcome space and both utility functions of a discretised agenda."""
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    space = make_os([make_issue(list(agenda.options(j)), name=agenda.issues[j])
                     for j in agenda.negotiable])
    d = agenda.disagreement_point()
    ufuns = []
    for i, party in enumerate(agenda.parties):
        stances = [party.stances[j] for j in agenda.negotiable]
        values = [TableFun({x: s.value(x) for x in agenda.options(j)})
                  for j, s in zip(agenda.negotiable, stances, strict=True)]
        ufuns.append(LinearAdditiveUtilityFunction(
            values, weights=[s.weight for s in stances], outcome_space=space,
            reserved_value=d[i]))
    return Problem(agenda, space, (ufuns[0], ufuns[1]))


def negotiate(p: Problem, betas: tuple[float, float], deadline: int) -> Package | None:
    """Run one NegMAS negotiation; the agreed package (every agenda issue), or None."""
    from negmas import SAOMechanism
    from negmas.negotiators.helpers import PolyAspiration
    from negmas.sao import TimeBasedConcedingNegotiator

    mechanism = SAOMechanism(outcome_space=p.outcome_space, n_steps=deadline,
                             one_offer_per_step=True)
    for beta, ufun in zip(betas, p.ufuns, strict=True):
        mechanism.add(TimeBasedConcedingNegotiator(
            offering_curve=PolyAspiration(1.0, 1.0 / beta), stochastic=False), ufun=ufun)
    agreement = mechanism.run().agreement
    if agreement is None:
        return None
    package = list(p.agenda.status_quo)
    for j, x in zip(p.agenda.negotiable, agreement, strict=True):
        package[j] = float(x)
    return tuple(package)
