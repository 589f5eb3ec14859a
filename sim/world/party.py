"""A party as an agent: it observes what happens and decides its reactions by its policy.

Each party runs a SimPy process that reads its inbox of observed shocks. A shock by the
other side raises its domestic heat (relaxing with the policy's half-life); it may
suspend the channels the shock names (chance min(1, suspend * severity)) and reviews each
suspension every `review_days`, lifting it once tension is under the channel's threshold
and its heat under `resume_below`; it may retaliate (chance min(1, p * severity)).
Meetings ask it whether it will hold a visit now; the summit asks whether its leader
attends. With a `call_off` policy it calls the planned summit off when a shock leaves
tension at or above a threshold, and re-proposes it once tension has fallen under another:
a leader whose summit is called off does not attend. Its concessions, dated or by
policy, run as its own processes.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import simpy

from sim.model.outcome import attendance_probability
from sim.model.relations import Level
from sim.scenario import CallOff, Meeting, Proposal, Shock
from sim.world import concessions
from sim.world.calendar import meeting
from sim.world.shocks import strike
from sim.world.state import WorldState

FOREVER = math.inf
PROPOSED_MAX_POSTPONEMENTS = 2  # a proposed meeting that keeps slipping is dropped


class PartyAgent:
    """One party's observations, state (domestic heat) and decisions."""

    def __init__(self, w: WorldState, me: int) -> None:
        self.w, self.me = w, me
        self.party = w.sc.parties[me]
        self.policy = self.party.policy
        self.heat = Level(0.0, 0.0, 0.0, self.policy.heat_half_life_days)
        self.inbox: list[tuple[Shock, float]] = []  # observed, not yet reacted to
        self.news = w.env.event()  # fires when the inbox has something
        self.called_off = False  # has it called the summit off (and not re-proposed it)?

    def start(self) -> None:
        env = self.w.env
        env.process(self.observe())
        if self.policy.propose is not None and self.policy.propose.limit > 0:
            env.process(self.propose(self.policy.propose))
        for c in self.w.sc.concessions:
            if c.party == self.me:
                env.process(concessions.concession(self.w, c))

    def tell(self, shock: Shock, severity: float) -> None:
        """A shock has struck (the world's report to this party)."""
        self.inbox.append((shock, severity))
        if len(self.inbox) == 1:  # the first since it last looked: `news` has not fired
            self.news.succeed()

    def observe(self) -> Generator[simpy.Event, object, None]:
        """Wait for news, then react to everything observed, in order."""
        while True:
            yield self.news
            self.news = self.w.env.event()
            seen, self.inbox = self.inbox, []
            for shock, severity in seen:
                self.react(shock, severity)

    # -- decisions -----------------------------------------------------------------
    def react(self, s: Shock, severity: float) -> None:
        w, env = self.w, self.w.env
        if s.target in (self.me, -1):
            self.heat = self.heat.jumped(env.now, s.heat * severity)
        decisions = w.rng.decisions
        if (s.suspend and s.suspended_by == self.me and severity > 0.0
                and float(decisions.random()) < min(1.0, self.policy.suspend * severity)):
            for c in s.suspend:
                w.suspend(c, FOREVER, self.me, s.name)
                if s.lifted_by_review:
                    env.process(self.review(c))
        r = s.retaliation
        if r is not None and retaliator(w, s) == self.me:
            shock, probability, low, high = r
            if float(decisions.random()) < min(1.0, probability * severity):
                delay = low if low == high else low + (high - low) * float(w.rng.severity.random())
                if env.now + delay < w.sc.end_day:
                    env.process(self.retaliate(shock, delay))
        if self.policy.call_off is not None:
            self.consider_calling_off(self.policy.call_off)

    def consider_calling_off(self, plan: CallOff) -> None:
        """Call the summit off if tension is at or above `plan.above` (event
        `meeting_cancelled` naming the scenario), then review it every `review_days`."""
        w, now = self.w, self.w.env.now
        if self.called_off or now >= w.sc.end_day or w.tension.at(now) < plan.above:
            return
        self.called_off = True
        w.record("meeting_cancelled", w.sc.name, actor=self.me, target=1 - self.me,
                 channel=w.sc.summit.channel, detail="summit called off")
        w.env.process(self.reconsider(plan))

    def reconsider(self, plan: CallOff) -> Generator[simpy.Event, object, None]:
        """Re-propose a called-off summit once tension is under `plan.resume_below`."""
        w, env = self.w, self.w.env
        while env.now + plan.review_days < w.sc.end_day:
            yield env.timeout(plan.review_days)
            if w.tension.at(env.now) < plan.resume_below:
                self.called_off = False
                w.record("meeting_proposed", w.sc.name, actor=self.me, target=1 - self.me,
                         channel=w.sc.summit.channel, detail="summit proposed again")
                return

    def retaliate(self, shock: int, delay: float) -> Generator[simpy.Event, object, None]:
        yield self.w.env.timeout(delay)
        strike(self.w, self.w.sc.shocks[shock])

    def review(self, channel: int) -> Generator[simpy.Event, object, None]:
        """Re-decide a suspension every `review_days` until it is lifted."""
        w, env = self.w, self.w.env
        threshold = w.sc.channels[channel].tension_threshold
        while True:
            yield env.timeout(self.policy.review_days)
            now = env.now
            if w.channel_open(channel, now) or now >= w.sc.end_day:
                return
            if w.tension.at(now) < threshold and self.heat.at(now) < self.policy.resume_below:
                w.reopen(channel, self.me)
                return

    def propose(self, plan: Proposal) -> Generator[simpy.Event, object, None]:
        """Propose a meeting after a lull in talks, when relations allow one; it then
        goes through the calendar like any planned meeting."""
        w, env = self.w, self.w.env
        channel = w.sc.channels[plan.channel]
        made = 0
        now = env.now  # read again after each wait only: the loop does not yield elsewhere
        while made < plan.limit:
            wait = max(w.last_talks + plan.lull_days - now, self.policy.review_days)
            if now + wait + plan.notice_days + plan.duration_days >= w.sc.end_day:
                return
            yield env.timeout(wait)
            now = env.now
            if (now - w.last_talks < plan.lull_days or w.tension.at(now) >= plan.below
                    or not w.channel_open(plan.channel, now)
                    or self.heat.at(now) > self.policy.refuse_visit_above):
                continue
            made += 1
            name = f"{self.party.name}_proposal_{made}"
            m = Meeting(name=name, channel=plan.channel, day=now + plan.notice_days,
                        duration_days=plan.duration_days, agenda=channel.issues,
                        host=self.me, tension_relief=plan.tension_relief,
                        trust_gain=plan.trust_gain,
                        retry_days=self.policy.review_days,
                        max_postponements=PROPOSED_MAX_POSTPONEMENTS,
                        code=w.sc.codes["meeting_held"])
            w.record("meeting_proposed", name, actor=self.me, target=1 - self.me,
                     channel=plan.channel)
            w.last_talks = now  # talks are arranged: this lull is over
            env.process(meeting(w, m))

    def refuses(self, m: Meeting, t: float) -> bool:
        """A visit (a meeting hosted by either side) is refused at time t (now) while
        heat is too high."""
        return m.host >= 0 and self.heat.at(t) > self.policy.refuse_visit_above

    def attendance(self, gain: float) -> float:
        """The chance its leader attends, given its expected gain from the summit (0 if
        it has called the summit off)."""
        if self.called_off:
            return 0.0
        w, t = self.w, self.w.env.now
        empty_cost, value, trust, tension = self.party.attendance
        return attendance_probability(empty_cost, value, gain, trust, w.trust[self.me].at(t),
                                      tension, w.tension.at(t))


def retaliator(w: WorldState, s: Shock) -> int:
    """Who decides on a shock's retaliation: the retaliating shock's actor, else the target."""
    assert s.retaliation is not None
    actor = w.sc.shocks[s.retaliation[0]].actor
    return actor if actor >= 0 else s.target
