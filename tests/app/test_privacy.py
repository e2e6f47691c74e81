"""Transcripts: /stop deletes everything after one confirmation; /meldingen; /privacy."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock
from tests.app.helpers import enter_mri
from tests.chats import PATIENT, Chat, running_bot


async def test_stop_deletes_everything_after_confirmation(chat: Chat) -> None:
    await enter_mri(chat)
    storage = chat.assembly.services.storage
    (await chat.say(PATIENT, "/stop")).assert_contains("Wilt u alles wissen").assert_buttons(
        "Ja, alles wissen", "Nee, bewaren"
    )
    (await chat.press(PATIENT, "Nee, bewaren")).assert_contains("Er is niets gewist")
    assert storage.get_patient(PATIENT) is not None
    await chat.say(PATIENT, "/verwijder")
    reply = await chat.press(PATIENT, "Ja, alles wissen")
    reply.assert_contains("Gewist: 1 inschrijving, 1 afspraken, 2 herinneringen")
    assert storage.get_patient(PATIENT) is None
    assert not any(storage.export_chat(PATIENT).values())


async def test_stop_with_nothing_stored(chat: Chat) -> None:
    await chat.say(PATIENT, "/stop")
    (await chat.press(PATIENT, "Ja, alles wissen")).assert_contains("Er was niets over u bewaard")


async def test_broadcasts_off_and_on_keeps_reminders(chat: Chat) -> None:
    (await chat.say(PATIENT, "/meldingen")).assert_contains("nog geen berichten")
    (await chat.press(PATIENT, "Berichten aan")).assert_contains("Gaat u akkoord?")
    (await chat.press(PATIENT, "Akkoord")).assert_contains("staan <b>aan</b>".replace("<b>", "").replace("</b>", ""))
    (await chat.say(PATIENT, "/meldingen uit")).assert_contains("staan uit", "herinneringen krijgt u hoe dan ook")
    patient = chat.assembly.services.storage.get_patient(PATIENT)
    assert patient is not None and not patient.broadcasts_enabled


async def test_privacy_explains_what_is_stored(chat: Chat) -> None:
    (await chat.say(PATIENT, "/privacy")).assert_contains("Wat u typt, bewaar ik niet", "30 dagen", "/stop")


async def test_stop_answers_an_english_speaking_patient_in_english(tmp_path: Path, clock: ManualClock) -> None:
    async with running_bot(tmp_path, clock) as chat:
        await chat.say(PATIENT, "/taal")
        (await chat.press(PATIENT, "English")).assert_contains("I will use English now")
        (await chat.say(PATIENT, "/meldingen aan")).assert_contains("Do you agree?")
        (await chat.press(PATIENT, "I agree")).assert_contains("Messages from the HPB team are on")
    async with running_bot(tmp_path, clock) as chat:  # after a restart the language comes from the database
        (await chat.say(PATIENT, "/stop")).assert_contains("Do you want to delete everything")
        reply = await chat.press(PATIENT, "Yes, delete everything")
        reply.assert_contains("Deleted: 1 enrolment", "The bot stores nothing about you any more")
        # Nothing is remembered now: Telegram's language (Dutch here) again.
        (await chat.say(PATIENT, "/stop")).assert_contains("Wilt u alles wissen")
