"""Transcripts: /stop deletes everything after one confirmation; /meldingen; /privacy."""

from __future__ import annotations

from tests.app.conftest import PATIENT, Chat
from tests.app.test_appointments import enter_mri


async def test_stop_deletes_everything_after_confirmation(chat: Chat) -> None:
    await enter_mri(chat)
    storage = chat.assembly.services.storage
    (await chat.say("/stop")).assert_contains("Wilt u alles wissen").assert_buttons("Ja, alles wissen", "Nee, bewaren")
    (await chat.press("Nee, bewaren")).assert_contains("Er is niets gewist")
    assert storage.get_patient(PATIENT) is not None
    await chat.say("/verwijder")
    reply = await chat.press("Ja, alles wissen")
    reply.assert_contains("Gewist: 1 inschrijving, 1 afspraken, 2 herinneringen")
    assert storage.get_patient(PATIENT) is None
    assert not any(storage.export_chat(PATIENT).values())


async def test_stop_with_nothing_stored(chat: Chat) -> None:
    await chat.say("/stop")
    (await chat.press("Ja, alles wissen")).assert_contains("Er was niets over u bewaard")


async def test_broadcasts_off_and_on_keeps_reminders(chat: Chat) -> None:
    (await chat.say("/meldingen")).assert_contains("nog geen berichten")
    (await chat.press("Berichten aan")).assert_contains("Gaat u akkoord?")
    (await chat.press("Akkoord")).assert_contains("staan <b>aan</b>".replace("<b>", "").replace("</b>", ""))
    (await chat.say("/meldingen uit")).assert_contains("staan uit", "herinneringen krijgt u hoe dan ook")
    patient = chat.assembly.services.storage.get_patient(PATIENT)
    assert patient is not None and not patient.broadcasts_enabled


async def test_privacy_explains_what_is_stored(chat: Chat) -> None:
    (await chat.say("/privacy")).assert_contains("Wat u typt, bewaar ik niet", "30 dagen", "/stop")
