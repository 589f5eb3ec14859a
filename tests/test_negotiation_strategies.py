"""The strategy library against theory: Rubinstein, Zeuthen, Faratin (models.md 1, 3, 4)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.bargaining.agenda import Agenda, make_party, random_agenda, unit_pie
from sim.model.bargaining.curves import alpha_table, exponential_alpha, offer, polynomial_alpha
from sim.model.bargaining.frontier import concession_range, frontier_of
from sim.model.bargaining.negotiator import History, Negotiator, Offer, Seat
from sim.model.bargaining.rubinstein import rubinstein_split
from sim.model.bargaining.session import SessionResult, negotiate
from sim.model.bargaining.solutions import nash_point
from sim.model.bargaining.strategies import STRATEGIES, StrategySpec, build_negotiator
from sim.model.bargaining.zeuthen import concedes, zeuthen_risk

TOL = 1e-12
DELTAS = (0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99)


def proposal(negotiator: Negotiator, k: int, history: History) -> Offer:
    offer = negotiator.propose(k, history)
    assert offer is not None
    return offer


def build(name: str, seat: Seat) -> Negotiator:
    return build_negotiator(StrategySpec(name), seat)


def both(name: str, **kw: float) -> tuple[StrategySpec, StrategySpec]:
    return StrategySpec(name, **kw), StrategySpec(name, **kw)  # type: ignore[arg-type]


# --- Rubinstein (models.md section 1) ---------------------------------------------


@pytest.mark.parametrize(("d1", "d2"), list(itertools.product(DELTAS, DELTAS)))
def test_rubinstein_parties_agree_at_once_on_the_equilibrium_split(d1: float, d2: float) -> None:
    pie = unit_pie(d1, d2)
    first = negotiate(pie, both("rubinstein"), deadline=50, first=0)
    assert first.rounds == 1 and first.agreement is not None
    assert first.agreement[0] == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-9)
    second = negotiate(pie, both("rubinstein"), deadline=50, first=1)
    assert second.rounds == 1 and second.agreement is not None
    assert 1 - second.agreement[0] == pytest.approx((1 - d1) / (1 - d1 * d2), abs=1e-9)


@pytest.mark.parametrize(("d1", "d2", "x1"), [
    (0.9, 0.9, 0.526316), (0.95, 0.9, 0.689655), (0.9, 0.95, 0.344828)])
def test_rubinstein_reference_values(d1: float, d2: float, x1: float) -> None:
    assert rubinstein_split(d1, d2) == pytest.approx(x1, abs=5e-7)
    result = negotiate(unit_pie(d1, d2), both("rubinstein"), deadline=10)
    assert result.agreement is not None and result.agreement[0] == pytest.approx(x1, abs=5e-7)


def test_rubinstein_equal_patience_gives_the_proposer_one_over_one_plus_delta() -> None:
    result = negotiate(unit_pie(0.8, 0.8), both("rubinstein"), deadline=10)
    assert result.agreement is not None
    assert result.agreement[0] == pytest.approx(1 / 1.8, abs=1e-9)


def test_rubinstein_rejects_less_than_its_discounted_share() -> None:
    seat = Seat(unit_pie(0.9, 0.9), me=1, deadline=10)
    responder = build("rubinstein", seat)
    fair = 1 - 1 / 1.9  # what a proposing party 1 leaves it
    assert responder.accepts(0, (1 - fair,), fair, History())
    assert not responder.accepts(0, (1 - fair + 0.01,), fair - 0.01, History())


# --- Zeuthen (models.md section 3) ------------------------------------------------


def test_zeuthen_reference_risks() -> None:
    risk_1, risk_2 = zeuthen_risk(0.8, 0.3), zeuthen_risk(0.7, 0.2)
    assert risk_1 == pytest.approx(0.625, abs=TOL)
    assert risk_2 == pytest.approx(0.7142857142857143, abs=TOL)
    assert concedes(risk_1, risk_2) and not concedes(risk_2, risk_1)
    assert pytest.approx((0.16, 0.21)) == (0.8 * 0.2, 0.3 * 0.7)  # Harsanyi: 0.16 < 0.21
    assert zeuthen_risk(0.0, 0.0) == 1.0


def test_zeuthen_party_with_the_smaller_risk_concedes() -> None:
    """Proposals (0.8, 0.2) by party 1 and (0.3, 0.7) by party 2 on a linear pie."""
    pie = unit_pie(levels=11)
    one = build("zeuthen", Seat(pie, 0, 20))
    two = build("zeuthen", Seat(pie, 1, 20))
    x1, x2 = (0.8,), (0.3,)
    assert proposal(one, 2, History([x1], [x2], [0.3])) != x1  # Risk1 = 0.625 < 0.714
    assert proposal(two, 3, History([x2], [x1], [0.2])) == x2  # Risk2 is the larger: firm
    conceded = proposal(one, 2, History([x1], [x2], [0.3]))[0]
    assert conceded < 0.8 and conceded * (1 - conceded) > 0.21  # now party 2 must concede


@pytest.mark.parametrize("levels", [5, 11, 21, 101])
@pytest.mark.parametrize(("d", "first"), [((0.0, 0.0), 0), ((0.0, 0.0), 1), ((0.2, 0.1), 0),
                                          ((0.3, 0.0), 1)])
def test_zeuthen_parties_end_at_the_nash_point(levels: int, d: tuple[float, float],
                                               first: int) -> None:
    pie = unit_pie(levels=levels, disagreement=d)
    result = negotiate(pie, both("zeuthen"), deadline=500, first=first)
    assert result.agreement is not None
    nash = d[0] + (1 - d[0] - d[1]) / 2  # models.md section 2
    assert abs(result.agreement[0] - nash) <= 1 / (levels - 1) + TOL


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_zeuthen_parties_reach_the_best_nash_product_of_the_grid(seed: int) -> None:
    agenda = random_agenda(np.random.default_rng(seed), 2, levels=5)
    frontier = frontier_of(agenda)
    best = nash_point(frontier)
    result = negotiate(agenda, both("zeuthen"), deadline=400)
    d = frontier.disagreement
    u = result.utilities(agenda)
    gains = (u[0] - d[0]) * (u[1] - d[1])
    target = (best.utilities[0] - d[0]) * (best.utilities[1] - d[1])
    assert gains == pytest.approx(target, abs=1e-9)


# --- Faratin (models.md section 4) -----------------------------------------------


def _line(low_ideal: bool) -> Agenda:
    """One issue split like a pie (d = (0, 0)); a's score falls with the value (ideal 0)
    or rises (ideal 1)."""
    a = make_party("a", [0.0 if low_ideal else 1.0], [1.0], [(0.0, 1.0)])
    b = make_party("b", [1.0 if low_ideal else 0.0], [1.0], [(0.0, 1.0)])
    return Agenda(("x",), (0.5,), (a, b), disagreement=(0.0, 0.0))


@pytest.mark.parametrize(("name", "alpha"), [
    ("boulware", 0.03125), ("linear", 0.5), ("conceder", 0.8705505632961241)])
def test_faratin_reference_alphas_and_offers(name: str, alpha: float) -> None:
    """On one issue the trade-off offer is Faratin's offer: min + alpha (max - min)."""
    beta = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}[name]
    assert polynomial_alpha(5, 10, 0.0, beta) == pytest.approx(alpha, abs=TOL)
    assert alpha_table("polynomial", 10, 0.0, beta)[5] == pytest.approx(alpha, abs=TOL)
    for low_ideal in (True, False):
        negotiator = build(name, Seat(_line(low_ideal), 0, deadline=11, beta=beta))
        expected = offer(0.0, 1.0, alpha, score_rises=not low_ideal)
        assert proposal(negotiator, 5, History())[0] == pytest.approx(expected, abs=TOL)


def test_faratin_exponential_reference() -> None:
    assert exponential_alpha(5, 10, 0.1, 1.0) == pytest.approx(math.sqrt(0.1), abs=TOL)
    negotiator = build("exponential", Seat(_line(True), 0, 11, kappa=0.1, beta=1.0))
    assert proposal(negotiator, 5, History())[0] == pytest.approx(math.sqrt(0.1), abs=TOL)


@settings(max_examples=60, deadline=None)
@given(kappa=st.floats(0.0, 1.0), beta=st.floats(0.05, 20.0), t_max=st.integers(1, 80))
def test_faratin_alpha_end_points(kappa: float, beta: float, t_max: int) -> None:
    table = alpha_table("polynomial", t_max, kappa, beta)
    assert table[0] == pytest.approx(kappa, abs=TOL) and table[-1] == 1.0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), beta=st.floats(0.05, 20.0), kappa=st.floats(0.0, 0.9),
       levels=st.sampled_from([0, 3, 7, 21]), kind=st.sampled_from(["polynomial", "exponential"]))
def test_faratin_offers_concede_along_the_frontier(
        seed: int, beta: float, kappa: float, levels: int, kind: str) -> None:
    """Each offer is the tabulated alpha's aspiration, on the Pareto frontier, worth no
    more to the proposer than the one before; the last one gives the other its best."""
    agenda = random_agenda(np.random.default_rng(seed), 3, levels)
    kappa = max(kappa, 0.01) if kind == "exponential" else kappa
    frontier = frontier_of(agenda)
    for me in (0, 1):
        seat = Seat(agenda, me, deadline=30, kappa=kappa, beta=beta)
        negotiator = build(kind, seat)
        if seat.aspirations is None:  # nothing beats disagreement for both: it walks away
            assert negotiator.propose(0, History()) is None
            continue
        offers = [proposal(negotiator, k, History()) for k in range(32)]
        alphas = alpha_table(kind, seat.t_max, kappa, beta)
        for k, o in enumerate(offers):
            assert o == seat.offer_at(alphas[min(k, seat.t_max)])
            assert not frontier.dominates(agenda.utilities(o), tol=1e-7)
            assert agenda.ratified(o)
        worth = [seat.scorer(o) for o in offers]
        assert all(w2 <= w1 + 1e-9 for w1, w2 in itertools.pairwise(worth))
        assert worth[-1] <= seat.aspirations[1] + 1e-9 or levels  # a grid may overshoot


def test_faratin_accepts_an_offer_as_good_as_its_own_next() -> None:
    seat = Seat(_line(True), 0, deadline=11, beta=1.0)
    negotiator = build("linear", seat)
    next_offer = proposal(negotiator, 6, History())  # x = 0.6: worth 0.4 to party a
    assert negotiator.accepts(5, next_offer, seat.scorer(next_offer), History())
    worse = (next_offer[0] + 0.01,)
    assert not negotiator.accepts(5, worse, seat.scorer(worse), History())


# --- the registry and the baseline ------------------------------------------------


def test_registry_holds_the_library() -> None:
    assert {"boulware", "linear", "conceder", "polynomial", "exponential", "tit_for_tat",
            "tit_for_tat_absolute", "zeuthen", "rubinstein", "random"} <= set(STRATEGIES)


def test_tit_for_tat_answers_concession_with_concession() -> None:
    """Against a partner that does not move, tit-for-tat holds its opening until its
    deadline fallback; against one that concedes, it concedes earlier."""
    agenda = _line(True)
    firm = negotiate(agenda, (StrategySpec("tit_for_tat"), StrategySpec("boulware")), 40)
    soft = negotiate(agenda, (StrategySpec("tit_for_tat"), StrategySpec("conceder")), 40)

    def own(result: SessionResult, k: int) -> float:
        return result.offers[k][0]

    assert own(firm, 0) == pytest.approx(0.1)  # the GRIT opening: a small concession
    assert own(soft, 4) > own(firm, 4) + 0.1  # it answered the conceder's concessions


@pytest.mark.parametrize("relative", [True, False])
def test_tit_for_tat_pairs_agree_where_win_sets_overlap(relative: bool) -> None:
    """Two reciprocators do not deadlock: the opening concession and the deadline
    fallback carry them to agreement (Baarslag et al. 2013; Osgood's GRIT)."""
    name = "tit_for_tat" if relative else "tit_for_tat_absolute"
    rng = np.random.default_rng(11)
    tried = agreed = 0
    while tried < 200:
        agenda = random_agenda(rng, 3, 0)
        if concession_range(frontier_of(agenda), 0) is None:
            continue  # no package better than disagreement for both: nothing to agree
        tried += 1
        agreed += negotiate(agenda, both(name), 20).agreement is not None
    assert agreed / tried >= 0.80


def test_random_baseline_is_reproducible_and_stays_in_its_win_set() -> None:
    agenda = random_agenda(np.random.default_rng(4), 3, 7)
    specs = (StrategySpec("random"), StrategySpec("random"))
    one = negotiate(agenda, specs, 30, seed=9, stream=(1,))
    assert one == negotiate(agenda, specs, 30, seed=9, stream=(1,))
    assert one != negotiate(agenda, specs, 30, seed=10, stream=(1,))
    for k, o in enumerate(one.offers):
        assert Seat(agenda, one.proposer(k), 30).within_own(o)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), levels=st.sampled_from([0, 3, 7, 21]),
       x=st.sampled_from(["zeuthen", "rubinstein", "random"]),
       y=st.sampled_from(["zeuthen", "rubinstein", "random"]))
def test_equilibrium_strategies_never_agree_below_disagreement(seed: int, levels: int, x: str,
                                                                y: str) -> None:
    agenda = random_agenda(np.random.default_rng(seed), 3, levels)
    result = negotiate(agenda, (StrategySpec(x), StrategySpec(y)), 40, seed=seed)
    d = agenda.disagreement_point()
    u = result.utilities(agenda)
    assert u[0] >= d[0] - 1e-9 and u[1] >= d[1] - 1e-9
    nash = nash_point(frontier_of(agenda))
    if x == y == "rubinstein" and nash.package is not None and nash.utilities != d:
        # a deal better than disagreement exists (else nothing is on the table)
        assert result.rounds == 1 and result.agreement is not None  # agreement at once
