"""Transcripts: alarms are answered first, everywhere; unreadable messages and crashes still get 112."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.clock import AMSTERDAM, ManualClock
from tests.chats import PATIENT, Chat, running_bot


async def test_alarm_only_message_gets_one_alarm_reply(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "ik moet steeds overgeven")
    reply.assert_count(1).assert_contains("spoedlijn", "06 25 71 60 27", "112")


async def test_alarm_plus_question_gets_alarm_then_answer(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "Ik heb koorts, wat moet ik doen?")
    reply.assert_count(2)
    assert "spoedlijn" in reply[0].text  # type: ignore[operator]
    assert "112" in reply[0].text  # type: ignore[operator]


async def test_emergency_puts_112_first(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "mijn man is bewusteloos")
    first_line = (reply.text or "").strip().splitlines()[0]
    assert "112" in first_line


async def test_out_of_hours_routes_to_huisartsenpost(tmp_path: Path) -> None:
    saturday_night = ManualClock(datetime(2026, 12, 5, 23, 0, tzinfo=AMSTERDAM))
    async with running_bot(tmp_path, saturday_night) as chat:
        reply = await chat.say(PATIENT, "ik heb heel veel pijn")
        first_line = (reply.text or "").strip().splitlines()[0]
        assert "huisartsenpost" in first_line
        reply.assert_contains("112")


async def test_fever_above_38_5_adds_the_seh(chat: Chat) -> None:
    (await chat.say(PATIENT, "koorts 39,2")).assert_contains("020 44 43 636", "112")


async def test_voice_photo_sticker_location_get_spoed_and_112(chat: Chat) -> None:
    for label, inject in (
        ("voice", lambda: chat.fake.send_voice(PATIENT)),
        ("photo", lambda: chat.fake.send_photo(PATIENT)),
        ("sticker", lambda: chat.fake.send_sticker(PATIENT)),
        ("location", lambda: chat.fake.send_location(PATIENT)),
        ("document", lambda: chat.fake.send_document_from_user(PATIENT)),
    ):
        reply = await chat.harness.send(inject, label)
        reply.assert_count(1).assert_contains("kan ik niet lezen", "06 25 71 60 27", "112")


async def test_photo_caption_is_triaged(chat: Chat) -> None:
    reply = await chat.harness.send(lambda: chat.fake.send_photo(PATIENT, caption="ik krijg geen lucht"), "photo")
    assert "112" in (reply[0].text or reply[0].caption or "").splitlines()[0]


async def test_edited_message_with_alarm_is_answered(chat: Chat) -> None:
    update = chat.fake.send_text(PATIENT, "hoe lang duurt de mri")
    (await chat.harness.settle(update)).assert_contains("30 minuten")
    message_id = update["message"]["message_id"]
    reply = await chat.harness.send(lambda: chat.fake.edit_text(PATIENT, message_id, "ik heb 40 graden koorts"), "edit")
    reply.assert_count(1).assert_contains("020 44 43 636", "112")
    reply = await chat.harness.send(lambda: chat.fake.edit_text(PATIENT, message_id, "hoe lang duurt de ct"), "edit")
    reply.assert_silent()


async def test_a_crashing_handler_still_gives_spoed_and_112(tmp_path: Path, clock: ManualClock) -> None:
    async with running_bot(tmp_path, clock, fail_on_handler_errors=False) as chat:

        async def broken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            raise RuntimeError("boom")

        chat.assembly.app.add_handler(MessageHandler(filters.Regex("^crash"), broken), group=-1)
        reply = await chat.say(PATIENT, "crash please")
        reply.assert_contains("Er ging iets mis", "06 25 71 60 27", "112")


async def test_after_a_crash_no_later_handler_answers_the_same_update(tmp_path: Path, clock: ManualClock) -> None:
    # Issue 25, finding 10: the question search (group 0) answered a message after the fallback already had.
    async with running_bot(tmp_path, clock, fail_on_handler_errors=False) as chat:

        async def broken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            raise RuntimeError("boom")

        chat.assembly.app.add_handler(MessageHandler(filters.Regex("^crash"), broken), group=-1)
        reply = await chat.say(PATIENT, "crash: hoe lang duurt de mri?")
        reply.assert_count(1).assert_contains("Er ging iets mis", "112").assert_not_contains("30 minuten")
        (await chat.say(PATIENT, "hoe lang duurt de mri?")).assert_count(1).assert_contains("30 minuten")


# A weekday night and a weekday morning within office hours. In the future: the reminder timer's job
# queue runs on real time, and a job armed in the real past fires during the test.
TUESDAY_00_30 = datetime(2027, 6, 1, 0, 30, tzinfo=AMSTERDAM)
TUESDAY_11_00 = datetime(2027, 6, 1, 11, 0, tzinfo=AMSTERDAM)


@pytest.mark.parametrize("now", [TUESDAY_00_30, TUESDAY_11_00], ids=["night", "office"])
async def test_what_the_bot_does_not_understand_carries_spoed_and_112(tmp_path: Path, now: datetime) -> None:
    spoed = "Bel nu uw huisartsenpost." if now == TUESDAY_00_30 else "Bel nu de spoedlijn: 06 25 71 60 27."
    async with running_bot(tmp_path, ManualClock(now)) as chat:
        for text in ("Yarın randevum saat kaçta?", "أين يمكنني ركن سيارتي؟", "Sonuçlarımı ne zaman öğreneceğim?"):
            reply = (await chat.say(PATIENT, text)).assert_count(1)
            lines = reply.text.splitlines()
            assert spoed in lines[0] and "Levensgevaar? Bel 112." in lines[0]  # the spoed line comes first
            reply.assert_contains("Ik begrijp alleen Nederlands en Engels", "I only understand Dutch and English")
            assert reply.text.count("112") == 2  # Dutch and English: the numbers carry the message
        # A harmless question not in the folder: short, one contact line, the spoed route as the last line.
        reply = (await chat.say(PATIENT, "hoe laat gaat de trein naar Utrecht?")).assert_count(1)
        lines = [line for line in reply.text.splitlines() if line.strip()]
        assert lines[0] == "Dit staat niet in de folder." and "020 444 11 00" in lines[1]
        assert lines[-1] == f"Spoed? {spoed} Levensgevaar? Bel 112." and len(lines) == 3
        english = await chat.say(PATIENT, "what is the capital of Peru?", language_code="en")
        assert english.text.splitlines()[-1].endswith("Life in danger? Call 112.")


async def test_long_and_empty_looking_messages_are_answered(chat: Chat) -> None:
    (await chat.say(PATIENT, "x" * 4000)).assert_contains("Dit staat niet in de folder")
    (await chat.say(PATIENT, "koorts " + "bla " * 900)).assert_contains("112")
