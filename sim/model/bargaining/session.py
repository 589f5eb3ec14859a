"""One bilateral negotiation: alternating offers of whole packages up to a deadline.

Round k = 0, 1, ... : the proposer (the `first` party in even rounds, the other in odd
ones) makes an offer; the responder accepts or rejects it. An accepted offer becomes the
agreement only if both parties' constituents ratify it (Level II, Putnam): every
negotiable issue inside both win-sets. Issues whose win-sets do not overlap are never on
the table and stay at status quo; with none left there is no session. No agreement by
the deadline leaves everything at the status quo, the disagreement point; so does a
proposer walking away.

Scenario meetings, the summit, the lab and the tournament all bargain here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.model.bargaining.agenda import Agenda, Point
from sim.model.bargaining.negotiator import EPS, History, Negotiator, Offer, Schedule, Seat
from sim.model.bargaining.strategies import StrategySpec, build_negotiator, resolve


@dataclass(frozen=True, slots=True)
class SessionResult:
    """The offer trace and how it ended."""

    offers: tuple[Offer, ...]  # offers[k] was made in round k
    first: int  # the party that proposed in round 0
    agreement: Offer | None
    walked_away: int | None = None  # the party that ended the talks, if one did

    @property
    def rounds(self) -> int:
        """Rounds with an offer: the agreement's round + 1, or all that were played."""
        return len(self.offers)

    def proposer(self, k: int) -> int:
        return self.first ^ (k & 1)

    def utilities(self, agenda: Agenda) -> Point:
        """Both utilities of the outcome (the disagreement point if there is no deal)."""
        if self.agreement is None:
            return agenda.disagreement_point()
        return agenda.utilities(self.agreement)

    def discounted_utilities(self, agenda: Agenda) -> Point:
        """d_i + delta_i^k (u_i - d_i) for an agreement in round k."""
        d, u = agenda.disagreement_point(), self.utilities(agenda)
        if self.agreement is None:
            return d
        k = self.rounds - 1
        da, db = (p.discount ** k for p in agenda.parties)
        return d[0] + da * (u[0] - d[0]), d[1] + db * (u[1] - d[1])


def run_session(agenda: Agenda, negotiators: Sequence[Negotiator], deadline: int,
                first: int = 0, rounds: int | None = None) -> SessionResult:
    """Alternate offers between two negotiators until one is accepted and ratified.

    `deadline` is the negotiators' time scale; the talks break off after `rounds`
    rounds if that is sooner (a walk-out)."""
    if not agenda.negotiable:
        return SessionResult((), first, None)  # no win-sets overlap: nothing to bargain over
    n = deadline if rounds is None else min(rounds, deadline)
    a, b = negotiators[0].schedule, negotiators[1].schedule
    if (a is not None and b is not None and a.agenda() is agenda and b.agenda() is agenda
            and a.me == 0 and b.me == 1):
        return _scheduled(agenda, a, b, n, first)
    if not (negotiators[0].reads_history or negotiators[1].reads_history):
        return _on_the_clock(agenda, negotiators, n, first)
    histories = (History(), History())
    propose = (negotiators[0].propose, negotiators[1].propose)
    accepts = (negotiators[0].accepts, negotiators[1].accepts)
    scorers = agenda.scorers
    trace: list[Offer] = []
    proposer = first
    for k in range(n):
        responder = 1 - proposer
        offer = propose[proposer](k, histories[proposer])
        if offer is None:
            return SessionResult(tuple(trace), first, None, walked_away=proposer)
        trace.append(offer)
        histories[proposer].own.append(offer)
        seen = histories[responder]
        seen.theirs.append(offer)
        utility = scorers[responder](offer)
        seen.received.append(utility)
        if accepts[responder](k, offer, utility, seen) and agenda.ratified(offer):
            return SessionResult(tuple(trace), first, offer)
        proposer = responder
    return SessionResult(tuple(trace), first, None)


def _on_the_clock(agenda: Agenda, negotiators: Sequence[Negotiator], n: int, first: int
                  ) -> SessionResult:
    """`run_session`'s rounds when neither negotiator reads the history: the same offers
    and decisions, without keeping the histories nobody reads."""
    unread = History()
    propose = (negotiators[0].propose, negotiators[1].propose)
    accepts = (negotiators[0].accepts, negotiators[1].accepts)
    scorers = agenda.scorers
    trace: list[Offer] = []
    proposer = first
    for k in range(n):
        responder = 1 - proposer
        offer = propose[proposer](k, unread)
        if offer is None:
            return SessionResult(tuple(trace), first, None, walked_away=proposer)
        trace.append(offer)
        if (accepts[responder](k, offer, scorers[responder](offer), unread)
                and agenda.ratified(offer)):
            return SessionResult(tuple(trace), first, offer)
        proposer = responder
    return SessionResult(tuple(trace), first, None)


def _scheduled(agenda: Agenda, a: Schedule, b: Schedule, n: int, first: int) -> SessionResult:
    """`run_session`'s rounds when both negotiators follow plans (`Schedule`): the offer
    and its utility to the responder are read off the proposer's plan, the responder's
    threshold off its own; the same offers and decisions, without calling either."""
    trace: list[Offer] = []
    proposer = first
    for k in range(n):
        own, other = (a, b) if proposer == 0 else (b, a)
        offer, _, to_other = own.entry(k)
        trace.append(offer)
        # the responder's threshold: its own offer of the next round, to itself
        if (to_other >= other.entry(k + 1)[1] - EPS and agenda.ratifies(1 - proposer, offer)
                and agenda.ratified(offer)):
            return SessionResult(tuple(trace), first, offer)
        proposer = 1 - proposer
    return SessionResult(tuple(trace), first, None)


def negotiate(agenda: Agenda, strategies: tuple[StrategySpec, StrategySpec], deadline: int,
              first: int = 0, seed: int = 0, stream: tuple[int, ...] = (),
              rounds: int | None = None) -> SessionResult:
    """Build both negotiators from their registered names and run the session."""
    if not agenda.negotiable:
        return SessionResult((), first, None)
    a, b = strategies
    # two scheduled negotiators depend on the agenda, the specs and the deadline only (not
    # on the seed): the pair is kept with the agenda, under a key of plain values
    key = ("negotiators", deadline, a.name, a.kappa, a.beta, b.name, b.kappa, b.beta)
    derived = agenda.derived
    shared = derived.get(key)
    if shared is not None:
        return run_session(agenda, shared, deadline, first, rounds)  # type: ignore[arg-type]
    negotiators = []
    for i, spec in enumerate(strategies):
        r = resolve(spec)
        seat = Seat(agenda, i, deadline, r.kappa or 0.0, r.beta, seed, stream)
        negotiators.append(build_negotiator(r, seat))
    if negotiators[0].schedule is not None and negotiators[1].schedule is not None:
        derived[key] = negotiators
    return run_session(agenda, negotiators, deadline, first, rounds)
