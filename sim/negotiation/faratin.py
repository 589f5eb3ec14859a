"""Faratin, Sierra & Jennings (1998) negotiators: time-dependent and imitative tactics.

The concession alpha comes from `sim.model.tactics`: a tabulated polynomial or
exponential curve (boulware beta = 0.2, linear 1, conceder 5), or tit-for-tat. The
offer on each issue is the ideal point moved a share alpha toward the reservation (the
win-set edge toward the opponent), as in the simulator's protocol. Acceptance is
Faratin's rule: accept an offer that is worth at least as much as one's own next offer.

Tit-for-tat sees only offers, so it measures the opponent's concession by its own
utility: the n-th offer has conceded b_n = (u_n - u_1) / (u_best - u_1), the share of the
way from the opponent's opening offer to one's own best, clipped to [0, 1].
"""

from __future__ import annotations

from sim.model.tactics import TitForTat, alpha_table
from sim.negotiation.negotiator import EPS, Builder, History, Negotiator, Offer, Seat


def time_dependent(kind: str, preset_beta: float) -> Builder:
    """A builder for the time-dependent tactic `kind` ("polynomial" or "exponential")."""

    def build(seat: Seat) -> Negotiator:
        beta = preset_beta if seat.beta is None else seat.beta
        alphas = alpha_table(kind, seat.t_max, seat.kappa, beta)
        last, score = len(alphas) - 1, seat.scorer
        # the offer last computed, its utility, and the open interval of alphas giving it
        current: Offer = ()
        current_utility, cell_lo, cell_hi = 0.0, 1.0, 0.0

        def plan(k: int) -> tuple[Offer, float]:
            """Own offer in round k and its utility; on a grid the last offer is reused
            while alpha stays inside its grid cell."""
            nonlocal current, current_utility, cell_lo, cell_hi
            alpha = alphas[k if k < last else last]
            if not cell_lo < alpha < cell_hi:
                current = seat.offer_at(alpha)
                current_utility = score(current)
                cell_lo, cell_hi = seat.grid_cell(alpha)
            return current, current_utility

        def propose(k: int, history: History) -> Offer:
            return plan(k)[0]

        def accepts(k: int, offer: Offer, utility: float, history: History) -> bool:
            return utility >= plan(k + 1)[1] - EPS and seat.within_own(offer)

        return Negotiator(propose, accepts)

    return build


def perceived_concessions(received: list[float], best: float) -> list[float]:
    """The opponent's concessions as one's own utility sees them (see the module doc)."""
    if not received:
        return []
    first = received[0]
    room = best - first
    if room <= EPS:
        return [1.0] * len(received)
    return [min(1.0, max(0.0, (u - first) / room)) for u in received]


def tit_for_tat(relative: bool) -> Builder:
    """A builder for tit-for-tat (relative: ratios of concessions; else differences)."""

    def build(seat: Seat) -> Negotiator:
        tactic = TitForTat(seat.kappa, relative=relative)
        score = seat.scorer
        best = score(seat.offer_at(0.0))

        def offer_after(k: int, received: list[float]) -> Offer:
            alpha = tactic.alpha(k, seat.t_max, perceived_concessions(received, best))
            return seat.offer_at(alpha)

        def propose(k: int, history: History) -> Offer:
            return offer_after(k, history.received)

        def accepts(k: int, offer: Offer, utility: float, history: History) -> bool:
            own_next = score(offer_after(k + 1, history.received))
            return utility >= own_next - EPS and seat.within_own(offer)

        return Negotiator(propose, accepts)

    return build
