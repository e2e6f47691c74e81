"""Reply texts: folder sentences, numbers from the contacts, 112 always, safe HTML."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM
from bot.content.model import Contact, Content, Lang
from bot.triage.alarm_texts import (
    render_alarm_reply,
    render_error_fallback,
    render_spreekuur_reply,
    render_unreadable_reply,
)
from bot.triage.levels import Level
from bot.triage.match import Match, TriageResult
from bot.triage.matcher import Triage
from bot.triage.reply_templates import AlarmReplies, check_extra_contacts, check_reason_concepts, load_alarm_replies
from bot.triage.routing import route
from tests.triage.conftest import CONTENT_DIR

OFFICE = dt.datetime(2026, 4, 22, 11, 0, tzinfo=AMSTERDAM)
NIGHT = dt.datetime(2026, 4, 22, 23, 0, tzinfo=AMSTERDAM)
SPOEDLIJN = "06 25 71 60 27"
SEH = "020 44 43 636"
ALARM = "112"  # numbers are plain text, which Telegram apps make tappable


def reply(
    triage: Triage, content: Content, replies: AlarmReplies, text: str, now: dt.datetime, lang: Lang = "nl"
) -> str:
    result = triage.assess(text)
    return render_alarm_reply(result, route(result.level, now, content), content, lang, replies)


def test_urgent_in_office_instructs_then_quotes_the_folder(
    triage: Triage, content: Content, replies: AlarmReplies
) -> None:
    text = reply(triage, content, replies, "ik moet steeds overgeven", OFFICE)
    assert text.startswith(f"<b>Bel nu de spoedlijn: {SPOEDLIJN}.</b>\n")
    assert "Bel dan 112." in text.splitlines()[1]  # the one escalation line
    assert f"Neem dan contact op met de verpleegkundige spoedlijn {SPOEDLIJN}." in text
    assert f"Bij levensbedreigende situaties belt u {ALARM}." in text
    assert "huisartsenpost" not in text


def test_urgent_at_night_names_the_huisartsenpost(triage: Triage, content: Content, replies: AlarmReplies) -> None:
    text = reply(triage, content, replies, "ik heb diarree", NIGHT)
    assert text.startswith("<b>Bel nu uw huisartsenpost.</b>")
    assert "Buiten kantooruren kunt u bij spoed contact opnemen met uw huisartsenpost." in text
    assert SPOEDLIJN not in text
    assert ALARM in text


def test_seh_adds_the_seh_number(triage: Triage, content: Content, replies: AlarmReplies) -> None:
    text = reply(triage, content, replies, "39,4 koorts", NIGHT)
    assert SEH in text and "dienstdoende arts" in text and ALARM in text


def test_emergency_puts_112_first_and_alone(triage: Triage, content: Content, replies: AlarmReplies) -> None:
    text = reply(triage, content, replies, "he is not breathing", OFFICE, "en")
    assert text.split("\n\n")[0] == f"<b>Call {ALARM} now.</b>"
    assert SEH not in text  # the SEH sentence is about fever
    assert f"In life-threatening situations, call {ALARM}." in text  # the folder's own, under it


def test_none_gets_the_spreekuur(triage: Triage, content: Content, replies: AlarmReplies) -> None:
    text = reply(triage, content, replies, "Hoe lang duurt een MRI?", NIGHT)
    assert "020 444 11 00" in text
    assert "Het spreekuur is weer open: morgen, donderdag 23 april, 10:00." in text
    assert "medische vraag (1)" in text


def test_spreekuur_open_now(content: Content, replies: AlarmReplies) -> None:
    text = render_spreekuur_reply(dt.datetime(2026, 4, 20, 10, 30, tzinfo=AMSTERDAM), content, "en", replies)
    assert "It is open now." in text


@pytest.mark.parametrize("render", [render_unreadable_reply, render_error_fallback])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_unreadable_and_error_carry_the_spoed_lines(
    content: Content, replies: AlarmReplies, render: object, lang: Lang
) -> None:
    for now in (OFFICE, NIGHT):
        text = render(now, content, lang, replies)  # type: ignore[operator]
        assert ALARM in text
        assert (SPOEDLIJN in text) is (now == OFFICE)


def test_contact_values_are_escaped(triage: Triage, content: Content, replies: AlarmReplies) -> None:
    evil = dataclasses.replace(content.contacts["spoedlijn"], phone="<b>06</b>", tel='+31"6')
    contacts = {**content.contacts, "spoedlijn": evil}
    odd = Content((), contacts, content.spreekuur, content.spreekuur_menu, content.office_hours)
    text = reply(triage, odd, replies, "pijn", OFFICE)
    assert "&lt;b&gt;06&lt;/b&gt;" in text and "<b>06" not in text


def test_no_phone_number_is_in_the_templates(replies: AlarmReplies) -> None:
    for lang in replies.langs.values():
        for template in [*lang.lines.values(), *lang.texts.values()]:
            assert not any(ch.isdigit() and template.count(ch) > 2 for ch in template), template


def test_missing_contact_never_breaks_the_reply(triage: Triage, content: Content, replies: AlarmReplies) -> None:
    contacts: dict[str, Contact] = {k: v for k, v in content.contacts.items() if k != "seh"}
    odd = Content((), contacts, content.spreekuur, content.spreekuur_menu, content.office_hours)
    result = triage.assess("39,5")
    text = render_alarm_reply(result, route(Level.SEH, OFFICE, odd), odd, "nl", replies)
    assert ALARM in text


def test_replies_loader_reports_problems(tmp_path: Path) -> None:
    path = tmp_path / "alarm_replies.yaml"
    path.write_text("nl:\n  lines:\n    alarmnummer: 'Bel {politie}.'\n  extra: x\nen: {}\n", encoding="utf-8")
    replies, problems = load_alarm_replies(path)
    assert replies is None
    messages = [str(p) for p in problems]
    assert any(":3: " in m and "{politie}" in m for m in messages)
    assert any(":4: " in m and "unknown key 'extra'" in m for m in messages)
    assert any("missing key 'spoedlijn'" in m for m in messages)


def test_extra_lines_are_checked(tmp_path: Path, content: Content) -> None:
    path = tmp_path / "alarm_replies.yaml"
    text = (CONTENT_DIR / "alarm_replies.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace(": {zelfmoordpreventie}.", ": {seh} of 0800-0113.", 1), encoding="utf-8")
    replies, problems = load_alarm_replies(path)
    assert replies is None
    messages = [p.message for p in problems]
    assert "nl.extra_lines.zelfmoordpreventie: unknown placeholder {seh}" in messages
    assert "nl.extra_lines.zelfmoordpreventie: write phone numbers as placeholders, not digits" in messages
    loaded, problems = load_alarm_replies(CONTENT_DIR / "alarm_replies.yaml")
    assert loaded is not None
    without = Content((), dict(content.contacts), content.spreekuur, (), content.office_hours)  # no 113
    found = check_extra_contacts(loaded, without, path)
    assert [p.message for p in found] == [
        "nl.extra_lines: 'zelfmoordpreventie' is not a contact in contacts.yaml",
        "en.extra_lines: 'zelfmoordpreventie' is not a contact in contacts.yaml",
    ]


def _result(level: Level, *concepts: str) -> TriageResult:
    return TriageResult(level, tuple(Match(c, level, (c,), "exact", False, c) for c in concepts))


@pytest.mark.parametrize("now", [OFFICE, NIGHT])
def test_the_seh_sentence_goes_with_fever_only(content: Content, replies: AlarmReplies, now: dt.datetime) -> None:
    """A concept at SEH level for another reason (a black tarry stool, a red swollen calf) gets the SEH
    instruction without the folder's fever sentence; fever gets it at every level, also under 112."""
    folder_seh = "Bij koorts (&gt; 38,5 °C)"
    other = render_alarm_reply(
        _result(Level.SEH, "black_stool"), route(Level.SEH, now, content), content, "nl", replies
    )
    assert other.startswith(f"<b>Bel nu de Spoedeisende Hulp van het VUmc: {SEH}.</b>") and folder_seh not in other
    fever = render_alarm_reply(_result(Level.SEH, "fever"), route(Level.SEH, now, content), content, "nl", replies)
    assert folder_seh in fever
    collapse = _result(Level.EMERGENCY, "unconscious")
    text = render_alarm_reply(collapse, route(Level.EMERGENCY, now, content), content, "nl", replies)
    assert text.startswith("<b>Bel nu 112.</b>\n\n") and SEH not in text
    both = _result(Level.EMERGENCY, "unconscious", "high_fever")
    assert folder_seh in render_alarm_reply(both, route(Level.EMERGENCY, now, content), content, "nl", replies)


def test_reasons_name_alarm_concepts_and_the_wording_awaits_sign_off(tmp_path: Path) -> None:
    replies, problems = load_alarm_replies(CONTENT_DIR / "alarm_replies.yaml")
    assert replies is not None and replies.review.awaiting_sign_off, problems
    assert check_reason_concepts(replies, {"fever", "high_fever"}, tmp_path / "x.yaml")[0].message == (
        "folder_lines_for.seh: 'other_language_fever' is not an alarm concept in alarms.yaml"
    )
