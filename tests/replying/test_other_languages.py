"""What a patient writing in a language the bot does not read sees: an alarm with its numbers in Dutch
and English, or the safety net with the spoed lines and 112."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.knowledge import Knowledge
from bot.replying.compose import assess, compose
from bot.triage.levels import Level
from tests.replying.conftest import NIGHT, OFFICE, SEH, SPOEDLIJN
from tests.triage.other_language_cases import FALLS, OTHER_LANGUAGE_ALARMS, OTHER_LANGUAGE_BENIGN


@pytest.mark.parametrize("now", [OFFICE, NIGHT], ids=["office", "night"])
def test_every_other_language_alarm_is_answered_with_its_numbers_in_dutch_and_english(
    knowledge: Knowledge, now: datetime
) -> None:
    for lang, text, level, _ in OTHER_LANGUAGE_ALARMS:
        reply = compose(text, now, "nl", knowledge)
        assert reply.level == level and reply.alarm is not None, (lang, text)
        message = reply.alarm.text
        assert "Bel nu" in message and "Call" in message, (lang, text)  # the instruction, in both
        assert "belt u 112" in message and "call 112" in message, (lang, text)
        assert (SPOEDLIJN in message) if now == OFFICE else ("huisartsenpost" in message), (lang, text)
        if level is Level.SEH:  # under "Bel nu 112." the SEH sentence shows only when fever is a reason
            assert SEH in message, (lang, text)


@pytest.mark.parametrize("now", [OFFICE, NIGHT], ids=["office", "night"])
def test_other_language_messages_without_an_alarm_get_the_spoed_lines_and_112(
    knowledge: Knowledge, now: datetime
) -> None:
    for lang, text in OTHER_LANGUAGE_BENIGN + FALLS:
        reply = compose(text, now, "nl", knowledge)
        assert reply.level == Level.NONE and reply.text is not None, (lang, text)
        if reply.text.kind == "feeling":  # "merci beaucoup": a thank-you is understood, and needs no 112
            continue
        message = "\n".join(reply.messages)
        assert "112" in message, (lang, text, reply.text.kind)
        assert (SPOEDLIJN in message) if now == OFFICE else ("huisartsenpost" in message), (lang, text)


def test_alarm_words_of_other_languages_do_not_make_a_message_dutch(knowledge: Knowledge) -> None:
    """ "annem bayildi uyanmiyor": the two alarm words are no Dutch, so the message stays foreign."""
    assert assess("annem bayildi uyanmiyor", knowledge).reading.foreign
    assert not assess("koortss diarrhee", knowledge).reading.foreign  # Dutch typos still read as Dutch


def test_an_other_language_alarm_in_a_dutch_looking_message_is_answered_in_both(knowledge: Knowledge) -> None:
    for text in ("ma mere est tombee et ne se reveille pas", "mama is tay7at en makatfi9ch", "atesim 39.6"):
        assert assess(text, knowledge).reading.foreign, text
