"""Summary statistics of the dated record, read alike off the record and off a trace.

The record is the bank's answers made into a trace: every trace question answered yes
(a meeting held or postponed, an issue agreed, a channel suspended or reopened) is an
event on the day the record settled it. A trace — observed or simulated — is reduced to
(1) for each (event kind, name) the bank asks about, the day of its first event in a
window, censored at the window's end, and (2) the number of meetings held in each month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.forecast.questions import TESTS, Question

Event = tuple[float, str, str]  # day since the scenario's start, kind, name


@dataclass(frozen=True)
class Window:
    """The days [lo, hi) of the scenario that statistics are read from."""

    lo: float
    hi: float


def day_of(start: str, date: str) -> float:
    return float((dt.date.fromisoformat(date) - dt.date.fromisoformat(start)).days)


def record_events(questions: Sequence[Question], start: str) -> list[Event]:
    """The record as a trace: the events the bank's yes-answers say happened, dated."""
    out = set()
    for q in questions:
        kind = TESTS[q.predicate.test][0]
        if kind and q.answer and not q.predicate.negate:
            out.add((day_of(start, q.settled), kind, q.predicate.entity))
    return sorted(out)


def pairs_asked(questions: Sequence[Question], start: str, window: Window
                ) -> list[tuple[str, str]]:
    """The (event kind, name) pairs the bank asks about, settled within the window."""
    out = set()
    for q in questions:
        kind = TESTS[q.predicate.test][0]
        if kind and window.lo <= day_of(start, q.settled) < window.hi:
            out.add((kind, q.predicate.entity))
    return sorted(out)


def first_days(events: Iterable[Event], pairs: Sequence[tuple[str, str]], window: Window
               ) -> np.ndarray:
    """Per pair, the day of its first event in the window; the window's end if none."""
    first = dict.fromkeys(pairs, window.hi)
    for day, kind, name in events:
        key = (kind, name)
        if key in first and window.lo <= day < window.hi and day < first[key]:
            first[key] = day
    return np.array([first[p] for p in pairs], dtype=float)


def months(start: str, window: Window) -> list[float]:
    """The first day of each calendar month that begins in the window (and day lo)."""
    d0 = dt.date.fromisoformat(start)
    edges = [window.lo]
    d = (d0 + dt.timedelta(days=window.lo)).replace(day=1)
    while True:
        d = (d + dt.timedelta(days=32)).replace(day=1)
        day = float((d - d0).days)
        if day >= window.hi:
            return edges
        edges.append(day)


def held_by_month(events: Iterable[Event], edges: Sequence[float], hi: float) -> np.ndarray:
    """Meetings held in each month of the window (months start at `edges`)."""
    days = [day for day, kind, _ in events if kind == "meeting_held" and edges[0] <= day < hi]
    counts, _ = np.histogram(days, bins=[*edges, hi])
    return counts.astype(float)


@dataclass(frozen=True)
class Statistics:
    """How a trace becomes the summary statistics of a window: names and values."""

    start: str
    window: Window
    pairs: tuple[tuple[str, str], ...]
    edges: tuple[float, ...]

    @property
    def names(self) -> list[str]:
        return ([f"first_{k}_{n}" for k, n in self.pairs]
                + [f"held_month_{i}" for i in range(len(self.edges))])

    def of(self, events: Iterable[Event]) -> np.ndarray:
        ev = list(events)
        return np.concatenate([first_days(ev, self.pairs, self.window),
                               held_by_month(ev, self.edges, self.window.hi)])


def statistics(questions: Sequence[Question], start: str, window: Window) -> Statistics:
    """The statistics of the record's window that the bank can speak to."""
    return Statistics(start, window, tuple(pairs_asked(questions, start, window)),
                      tuple(months(start, window)))
