"""The question bank: its form, its sources, and the one-line errors for bad questions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.config.errors import ConfigError
from sim.forecast.questions import KINDS, TESTS, check_against, load_bank
from tests.conftest import compose_run

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "conf" / "questions" / "us_china_2023.yaml"
TIMELINE = ROOT.parent / "shared" / "reference" / "timeline-2022-2023.md"


def test_the_bank_has_at_least_30_sourced_questions_of_both_kinds() -> None:
    bank = load_bank(BANK)
    assert len(bank.questions) >= 30
    kinds = {k: sum(q.kind == k for q in bank.questions) for k in KINDS}
    assert kinds["path"] >= 15 and kinds["end_state"] >= 10, kinds
    assert {q.answer for q in bank.questions} == {True, False}
    for q in bank.questions:
        assert q.source.date and q.source.text, q.id
        assert q.open <= q.settled <= q.close, q.id


def test_the_bank_names_only_what_historical_2023_has() -> None:
    check_against(load_bank(BANK), compose_run("scenario=historical_2023").scenario)


def test_the_bank_uses_most_of_the_vocabulary() -> None:
    used = {q.predicate.test for q in load_bank(BANK).questions}
    assert len(used) >= 8 and used <= set(TESTS), used


@pytest.mark.skipif(not TIMELINE.exists(), reason="the reference timeline is not alongside")
def test_every_source_is_quoted_from_the_reference_timeline() -> None:
    text = TIMELINE.read_text()
    flat = " ".join(text.split())
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.match(r"\d{4}-\d{2}", cells[0]):
            rows.setdefault(cells[0], []).append(line)
    for q in load_bank(BANK).questions:
        assert q.source.text in flat, (q.id, q.source.text)
        in_rows = [d for d, lines in rows.items() if any(q.source.text in r for r in lines)]
        if in_rows:  # quoted from a timeline row: the row of that date
            assert q.source.date in in_rows, (q.id, q.source, in_rows)


def _bank_with(tmp_path: Path, **changes: object) -> Path:
    """The shipped bank with the first question's fields (or predicate fields) changed."""
    data = yaml.safe_load(BANK.read_text())
    first = data["questions"][0]
    for key, value in changes.items():
        if key in ("meeting", "issue", "channel", "test", "at", "after", "by", "party"):
            first["predicate"][key] = value
        else:
            first[key] = value
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.mark.parametrize(("changes", "line"), [
    ({"meeting": "blinken_moscow"},
     "questions[0].predicate.meeting='blinken_moscow': unknown meeting"),
    ({"test": "agreed", "meeting": "", "issue": "trade_war"},
     "questions[0].predicate.issue='trade_war': unknown issue"),
    ({"test": "reopened", "meeting": "", "channel": "hotline"},
     "questions[0].predicate.channel='hotline': unknown channel"),
    ({"test": "agreed", "meeting": "", "issue": "mil_mil", "at": "moscow"},
     "questions[0].predicate.at='moscow': unknown meeting"),
    ({"close": "2024-03-01"}, "questions[0].close='2024-03-01': outside the scenario's span"),
])
def test_a_question_naming_what_the_scenario_lacks_is_refused(
        tmp_path: Path, changes: dict[str, object], line: str) -> None:
    bank = load_bank(_bank_with(tmp_path, **changes))
    with pytest.raises(ConfigError) as e:
        check_against(bank, compose_run("scenario=historical_2023").scenario)
    assert str(e.value).startswith(line), str(e.value)


@pytest.mark.parametrize(("changes", "line"), [
    ({"open": "2022-12-01", "close": "2022-11-30", "known": ""},
     "questions[0].open='2022-12-01': opens after it closes"),
    ({"test": "flew"}, "questions[0].predicate.test='flew': unknown question test"),
    ({"kind": "vibes"}, "questions[0].kind='vibes': unknown question kind"),
    ({"close": "2023-02-30"}, "questions[0].close='2023-02-30': not a date"),
    ({"known": "2023-01-01"}, "questions[0].known='2023-01-01': must lie between"),
    ({"answr": True}, "questions[0].answr=True: unknown key"),
    ({"test": "summit_held", "by": "2023-11-01"},
     "questions[0].predicate.by='2023-11-01': test 'summit_held' reads the end state"),
    ({"test": "held", "meeting": ""}, "questions[0].predicate.meeting='': test 'held' needs"),
    ({"id": "munich_held"}, "questions[4].id='munich_held': duplicate question id"),
])
def test_a_malformed_question_is_refused_before_any_scenario(
        tmp_path: Path, changes: dict[str, object], line: str) -> None:
    path = _bank_with(tmp_path, **changes)
    if "id" in changes:  # the duplicate is found at the question that repeats it
        data = yaml.safe_load(path.read_text())
        data["questions"][0]["id"] = "siem_reap_held"
        data["questions"][4]["id"] = "siem_reap_held"
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        line = "questions[4].id='siem_reap_held': duplicate question id"
    with pytest.raises(ConfigError) as e:
        load_bank(path)
    assert str(e.value).startswith(line), str(e.value)
    assert "\n" not in str(e.value)


def test_an_empty_bank_and_a_scenario_without_one_are_one_line(tmp_path: Path) -> None:
    from sim.forecast.questions import bank_for

    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(ConfigError, match=r"^questions=\[\]: a bank needs at least one question"):
        load_bank(empty)
    known = ", ".join(sorted(p.stem for p in BANK.parent.glob("*.yaml")))
    with pytest.raises(ConfigError) as e:
        bank_for("from_malta")
    assert str(e.value) == ("questions='': no bank is written for scenario 'from_malta'; "
                            f"give one as questions=NAME or PATH (known: {known})")
