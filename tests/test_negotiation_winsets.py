"""Two-level games: a deal only where the win-sets overlap (Putnam; models.md section 6)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.bargaining.agenda import Agenda, Party, make_party, random_agenda
from sim.model.bargaining.session import StrategySpec, negotiate
from sim.model.bargaining.strategies import STRATEGIES
from sim.model.preferences import Stance

NAMES = sorted(STRATEGIES)


def _apart(agenda: Agenda, j: int, cut: float, gap: float) -> Agenda:
    """Issue j's win-sets pushed apart: a's inside [0, cut], b's inside [cut + gap, 1]."""
    def moved(p: Party, low: float, high: float) -> Party:
        s = p.stances[j]
        ideal = min(high, max(low, s.ideal))
        stances = list(p.stances)
        stances[j] = Stance(ideal, s.weight, max(low, min(s.low, ideal)),
                            min(high, max(s.high, ideal)))
        return Party(p.name, tuple(stances), p.discount)

    a, b = agenda.parties
    parties = (moved(a, 0.0, cut), moved(b, cut + gap, 1.0))
    return Agenda(agenda.issues, agenda.status_quo, parties, agenda.levels, agenda.disagreement)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), levels=st.sampled_from([0, 5, 11]),
       cut=st.floats(0.05, 0.8), gap=st.floats(0.01, 0.15))
def test_no_agreement_ever_on_an_issue_without_overlap(seed: int, levels: int, cut: float,
                                                       gap: float) -> None:
    rng = np.random.default_rng(seed)
    agenda = _apart(random_agenda(rng, 3, levels), 0, cut, gap)
    assert 0 not in agenda.negotiable
    for x, y in itertools.product(NAMES, NAMES):
        kappa = 0.1 if "exponential" in (x, y) else 0.0
        result = negotiate(agenda, (StrategySpec(x, kappa), StrategySpec(y, kappa)), 15,
                           first=int(rng.integers(2)), seed=seed)
        for offer in result.offers:
            assert offer[0] == agenda.status_quo[0]  # never on the table
        if result.agreement is not None:
            for j in agenda.negotiable:  # and every agreed issue is ratifiable by both
                for s in (p.stances[j] for p in agenda.parties):
                    assert s.low - 1e-9 <= result.agreement[j] <= s.high + 1e-9


def test_putnam_reference_overlap_and_shrinking() -> None:
    """W_US = [0.4, 1], W_CN = [0, 0.55] overlap on [0.4, 0.55]; W_CN = [0, 0.35]: no deal.
    No agreement is worth nothing to either (d = (0, 0)), so any ratifiable deal beats it."""
    us = make_party("us", [0.9], [1.0], [(0.4, 1.0)])
    cn = make_party("cn", [0.1], [1.0], [(0.0, 0.55)])
    agenda = Agenda(("x",), (0.0,), (us, cn), disagreement=(0.0, 0.0))
    assert agenda.negotiable == (0,) and agenda.overlaps == ((0.4, 0.55),)
    deal = negotiate(agenda, (StrategySpec("linear"), StrategySpec("linear")), 20)
    assert deal.agreement is not None and 0.4 <= deal.agreement[0] <= 0.55
    pressed = agenda.with_pressure(1, 1.0 - (0.35 - 0.1) / (0.55 - 0.1))  # high 0.55 -> 0.35
    assert abs(pressed.parties[1].stances[0].high - 0.35) < 1e-12
    assert pressed.negotiable == ()
    for x, y in itertools.product(NAMES, NAMES):
        specs = (StrategySpec(x, 0.1), StrategySpec(y, 0.1))
        assert negotiate(pressed, specs, 20).agreement is None


def test_a_smaller_win_set_gives_leverage() -> None:
    """Shrinking b's win-set (still overlapping) moves the deal toward b's ideal."""
    us = make_party("us", [0.9], [1.0], [(0.2, 1.0)])
    cn = make_party("cn", [0.1], [1.0], [(0.0, 0.8)])
    agenda = Agenda(("x",), (0.0,), (us, cn), disagreement=(0.0, 0.0))
    specs = (StrategySpec("linear"), StrategySpec("linear"))
    loose = negotiate(agenda, specs, 20).agreement
    tight = negotiate(agenda.with_pressure(1, 0.5), specs, 20).agreement
    assert loose is not None and tight is not None and tight[0] < loose[0]
