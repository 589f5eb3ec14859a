"""The question bank: dated binary questions with their real answers, as YAML.

A question is metadata (id, text, open and close dates, the real answer, its source and
whether it is about the path or the end state) plus one machine-checkable `Predicate`
over a replication's event trace and its replication row. The predicate vocabulary is
small and names only scenario entities (meetings, issues, channels, parties, outcome
classes), so banks for other summits are written in YAML alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.config.checks import iso_date
from sim.config.errors import ConfigError, unknown_name
from sim.config.load import find_config, known_configs, read_config, read_yaml
from sim.config.schema import ScenarioConf
from sim.model.outcome import OUTCOMES

KINDS = ("path", "end_state")
SUMMIT = "summit"  # `at: summit`: agreed by the leaders at the summit itself

# test -> (trace event kind it reads, or "" for the replication row; the entity it names)
TESTS: dict[str, tuple[str, str]] = {
    "held": ("meeting_held", "meeting"),  # a meeting is held (its last day) in the window
    "postponed": ("meeting_postponed", "meeting"),  # a meeting is postponed in the window
    "cancelled": ("meeting_cancelled", "meeting"),  # a meeting is called off in the window
    "agreed": ("agreement", "issue"),  # an issue is agreed in the window [at a meeting]
    "reopened": ("channel_reopened", "channel"),  # a channel is reopened in the window
    "suspended": ("channel_suspended", "channel"),  # a channel is suspended in the window
    "summit_held": ("", ""),  # both leaders attend (replication column `summit_held`)
    "attended": ("", "party"),  # a party's leader attends (column `attended_<party>`)
    "deliverable": ("", "issue"),  # an issue is among the summit's deliverables (`agreed_<i>`)
    "outcome": ("", "outcomes"),  # the outcome class is one of `outcomes`
}
ENTITY_FIELDS = ("meeting", "issue", "channel", "party")


@dataclass(frozen=True)
class Source:
    """The row of the reference timeline a question comes from, quoted by date and text."""

    date: str = ""
    text: str = ""


@dataclass(frozen=True)
class Predicate:
    """What must be true of a replication for the question to resolve yes.

    Trace tests (`held`, `postponed`, `cancelled`, `agreed`, `reopened`, `suspended`) are
    true when at least one event of their kind names the entity and is dated within
    [after, by] (inclusive; `by` defaults to the question's close date); `agreed` with
    `at` counts only agreements reached at that meeting (or `summit`). Row tests
    (`summit_held`, `attended`, `deliverable`, `outcome`) read the replication row.
    `negate` turns the answer around ("no agreement at meeting X").
    """

    test: str = ""
    meeting: str = ""
    issue: str = ""
    channel: str = ""
    party: str = ""
    at: str = ""
    after: str = ""
    by: str = ""
    outcomes: list[str] = field(default_factory=list)
    negate: bool = False

    @property
    def entity(self) -> str:
        """The scenario name the test is about ("" for `summit_held` and `outcome`)."""
        what = TESTS[self.test][1]
        return str(getattr(self, what)) if what in ENTITY_FIELDS else ""

    @property
    def on_trace(self) -> bool:
        """Does the test read the event trace (rather than the replication row)?"""
        return bool(TESTS[self.test][0])


@dataclass(frozen=True)
class Question:
    """A dated binary question with its real answer.

    The question may be forecast from `open` on; it resolves on `close`. `known` is the
    date the real record settled the answer (the event's date for an event that happened;
    `close` by default), so a forecast made on or after `known` is not a forecast.
    """

    id: str = ""
    text: str = ""
    open: str = ""
    close: str = ""
    answer: bool = False
    kind: str = ""
    source: Source = field(default_factory=Source)
    predicate: Predicate = field(default_factory=Predicate)
    known: str = ""

    @property
    def settled(self) -> str:
        """The date from which the answer is known: `known`, else `close`."""
        return self.known or self.close

    def open_at(self, origin: str) -> bool:
        """Is the question open and unsettled at `origin` (an ISO date)?"""
        return self.open <= origin < self.settled


@dataclass(frozen=True)
class Bank:
    """A question bank: the scenario it was written for and its questions."""

    name: str = ""
    scenario: str = ""
    questions: list[Question] = field(default_factory=list)

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def load_bank(path: Path, key: str = "questions") -> Bank:
    """Read and type-check a question bank file; raise `ConfigError` naming the bad key."""
    bank = read_config(str(path), key, Bank)
    check_form(bank)
    return bank


def check_form(bank: Bank) -> None:
    """Checks that need no scenario: ids, kinds, tests, dates in order."""
    if not bank.questions:
        raise ConfigError("questions", [], "a bank needs at least one question")
    seen: set[str] = set()
    for i, q in enumerate(bank.questions):
        k = f"questions[{i}]"
        if not q.id:
            raise ConfigError(f"{k}.id", q.id, "every question needs an id")
        if q.id in seen:
            raise ConfigError(f"{k}.id", q.id, "duplicate question id")
        seen.add(q.id)
        if not q.text:
            raise ConfigError(f"{k}.text", q.text, "every question needs its text")
        if q.kind not in KINDS:
            raise unknown_name(f"{k}.kind", q.kind, KINDS, "question kind")
        if not (q.source.date and q.source.text):
            raise ConfigError(f"{k}.source", q.source, "quote the source row: its date and text")
        opened, closed = iso_date(f"{k}.open", q.open), iso_date(f"{k}.close", q.close)
        if opened > closed:
            raise ConfigError(f"{k}.open", q.open, f"opens after it closes ({q.close})")
        if q.known:
            known = iso_date(f"{k}.known", q.known)
            if not opened <= known <= closed:
                raise ConfigError(f"{k}.known", q.known,
                                  f"must lie between open ({q.open}) and close ({q.close})")
        p = q.predicate
        if p.test not in TESTS:
            raise unknown_name(f"{k}.predicate.test", p.test, TESTS, "question test")
        what = TESTS[p.test][1]
        if what in ENTITY_FIELDS and not p.entity:
            raise ConfigError(f"{k}.predicate.{what}", "", f"test {p.test!r} needs a {what}")
        if what == "outcomes" and not p.outcomes:
            raise ConfigError(f"{k}.predicate.outcomes", [], "list the outcome classes")
        for j, o in enumerate(p.outcomes):
            if o not in OUTCOMES:
                raise unknown_name(f"{k}.predicate.outcomes[{j}]", o, OUTCOMES, "outcome")
        if p.at and p.test != "agreed":
            raise ConfigError(f"{k}.predicate.at", p.at, "only the test 'agreed' takes `at`")
        after = iso_date(f"{k}.predicate.after", p.after) if p.after else None
        by = iso_date(f"{k}.predicate.by", p.by) if p.by else closed
        if after is not None and after > by:
            raise ConfigError(f"{k}.predicate.after", p.after, f"is after `by` ({by})")
        if (p.after or p.by) and not p.on_trace:
            raise ConfigError(f"{k}.predicate.by", p.by or p.after,
                              f"test {p.test!r} reads the end state; it takes no dates")


def check_against(bank: Bank, sc: ScenarioConf) -> None:
    """Every name a question uses must exist in the scenario, and its dates lie in its span;
    where they do not, a bank written for another scenario says so."""
    try:
        _check_against(bank, sc)
    except ConfigError as err:
        if bank.scenario in ("", sc.name):
            raise
        raise ConfigError(err.key, err.value, f"{err.allowed}; the bank {bank.name or ''} is "
                          f"written for scenario {bank.scenario}, not {sc.name}") from None


def _check_against(bank: Bank, sc: ScenarioConf) -> None:
    known: dict[str, Mapping[str, object]] = {
        "meeting": sc.meetings, "issue": sc.issues, "channel": sc.channels, "party": sc.parties,
    }
    start, end = sc.start, sc.summit.date
    for i, q in enumerate(bank.questions):
        k = f"questions[{i}]"
        p = q.predicate
        what = TESTS[p.test][1]
        # the summit itself is a meeting named as the scenario (a party may call it off)
        summit_itself = what == "meeting" and p.entity == sc.name
        if what in known and p.entity not in known[what] and not summit_itself:
            raise unknown_name(f"{k}.predicate.{what}", p.entity, known[what], what)
        if p.at and p.at != SUMMIT and p.at not in sc.meetings:
            raise unknown_name(f"{k}.predicate.at", p.at, [*sc.meetings, SUMMIT], "meeting")
        for name in ("open", "close"):
            value = getattr(q, name)
            if not start <= value <= end:
                raise ConfigError(f"{k}.{name}", value,
                                  f"outside the scenario's span [{start}, {end}]")


def bank_for(scenario: str, overrides: Sequence[str] = ()) -> Path:
    """The one question bank written for `scenario` in conf/questions, or the user's folders
    on the search path of `overrides`."""
    banks = [find_config(name, "questions", overrides)
             for name in known_configs("questions", overrides)]
    found = [p for p in banks if (read_yaml(p.read_text()) or {}).get("scenario") == scenario]
    if len(found) != 1:
        written = f"{len(found)} banks are" if found else "no bank is"
        raise ConfigError("questions", "", f"{written} written for scenario {scenario!r}; give "
                          f"one as questions=NAME or PATH (known: "
                          f"{', '.join(p.stem for p in banks)})")
    return found[0]
