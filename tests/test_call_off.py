"""A party's policy of calling a planned summit off, and of proposing it again.

The call-off is a decision on the state (tension after a shock), never a dated entry:
the same shock calls the summit off or not depending on the policy, and the summit comes
back only when something lowers tension under the policy's threshold.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.config.errors import ConfigError
from sim.config.schema import CallOffConf, ConcessionConf, SeverityConf, ShockConf
from sim.config.validate import validate_scenario
from sim.scenario import CallOff, Scenario
from tests.test_world_mechanisms import OVERLAPPING, runs, small

N = 300
# Tension 0.3; a provocation on 1 May (31 days before the 1 Jun summit) adds 0.5.
PROVOCATION = {"provocation": ShockConf(date="2030-05-01", actor="b", target="a",
                                        severity=SeverityConf(1.0, 1.0), tension=0.5)}
# A conciliatory gesture on 10 May takes 0.3 off again.
GESTURE = {"gesture": ConcessionConf(party="b", date="2030-05-10", tension=0.3)}
POLICY = CallOff(above=0.7, resume_below=0.5, review_days=7.0)


def _scenario(policy: CallOff | None, gesture: bool) -> Scenario:
    sc = small(*OVERLAPPING, tension=0.3, value=20.0, shocks=PROVOCATION,
               concessions=GESTURE if gesture else None)
    a = sc.parties[0]
    a = dataclasses.replace(a, policy=dataclasses.replace(a.policy, call_off=policy))
    return dataclasses.replace(sc, parties=(a, sc.parties[1]))


def _held(sc: Scenario) -> np.ndarray:
    return np.array([r.summit_held for r in runs(sc, N)])


def test_a_provocation_makes_the_party_call_the_summit_off() -> None:
    without = _held(_scenario(None, gesture=False))
    called_off = _held(_scenario(POLICY, gesture=False))
    # tension is 0.8 on 1 May and still 0.3 + 0.5 * 2^(-31/60) = 0.65 > 0.5 on 1 Jun
    assert without.mean() > 0.5
    assert called_off.sum() == 0
    r = runs(_scenario(POLICY, gesture=False), 1, trace=True)[0]
    off = [ev for ev in r.events if ev[1] == "meeting_cancelled"]
    assert [(ev[0], ev[2], ev[3], ev[9]) for ev in off] == [
        (120.0, "small", "a", "summit called off")]
    assert not any(ev[1] == "meeting_proposed" for ev in r.events)
    decline = next(ev for ev in r.events if ev[1] == "summit_decline" and ev[3] == "a")
    assert decline[9].startswith("p=0.00")


def test_the_summit_is_proposed_again_once_tension_falls() -> None:
    """After the gesture tension is under 0.5: at the next review (7 days after the
    call-off) the party proposes the summit again, and every replication then ends as it
    would have with no call-off policy at all."""
    back = _scenario(POLICY, gesture=True)
    r = runs(back, 1, trace=True)[0]
    kinds = [(ev[0], ev[1]) for ev in r.events if ev[2] == "small" and ev[1].startswith("meeting")]
    assert kinds == [(120.0, "meeting_cancelled"), (134.0, "meeting_proposed")]
    assert np.array_equal(_held(back), _held(_scenario(None, gesture=True)))


def test_a_threshold_above_the_tension_reached_calls_nothing_off() -> None:
    high = dataclasses.replace(POLICY, above=0.9)
    assert np.array_equal(_held(_scenario(high, gesture=False)),
                          _held(_scenario(None, gesture=False)))


@pytest.mark.parametrize(("conf", "message"), [
    (CallOffConf(above=1.2), "scenario.parties.a.policy.call_off.above=1.2: must be in [0, 1]"),
    (CallOffConf(above=0.5, resume_below=0.6),
     "scenario.parties.a.policy.call_off.resume_below=0.6: must be <= call_off.above (0.5)"),
    (CallOffConf(above=0.5, review_days=0.0),
     "scenario.parties.a.policy.call_off.review_days=0.0: must be > 0"),
])
def test_a_bad_call_off_policy_is_refused_naming_its_key(conf: CallOffConf, message: str
                                                         ) -> None:
    from sim.config.schema import (
        ChannelConf,
        IssueConf,
        PartyConf,
        PolicyConf,
        ScenarioConf,
        StanceConf,
        SummitConf,
    )
    sc = ScenarioConf(
        name="bad", start="2030-01-01",
        parties={p: PartyConf(stances={"x": StanceConf()},
                              policy=PolicyConf(call_off=conf if p == "a" else None))
                 for p in ("a", "b")},
        issues={"x": IssueConf()}, channels={"leaders": ChannelConf(issues=["x"])},
        summit=SummitConf(date="2030-06-01"))
    with pytest.raises(ConfigError) as e:
        validate_scenario(sc)
    assert str(e.value) == message
