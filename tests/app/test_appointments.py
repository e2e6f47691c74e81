"""Transcripts: entering an appointment, the alarm layer inside the dialogue, the list, reminders."""

from __future__ import annotations

from datetime import timedelta

from tests.app.helpers import enter_mri
from tests.chats import PATIENT, Chat


async def test_self_service_with_an_alarm_in_the_middle(chat: Chat) -> None:
    (await chat.say(PATIENT, "/afspraak")).assert_contains("Gaat u akkoord?")
    assert chat.assembly.services.storage.get_patient(PATIENT) is None  # nothing stored before consent
    await chat.press(PATIENT, "Akkoord")
    await chat.press(PATIENT, "MRI-scan")
    alarm = await chat.say(PATIENT, "ik heb 39,5 koorts")
    alarm.assert_count(1).assert_contains("112").assert_not_contains("Klopt het")
    (await chat.say(PATIENT, "overmorgen om half tien")).assert_contains(
        "Klopt dit? MRI-scan: donderdag 3 december, 09:30."
    )
    (await chat.press(PATIENT, "Nee, opnieuw")).assert_contains(
        "Wanneer is uw MRI-scan?", "Bijvoorbeeld: wo 2 dec 10:00"
    )
    (await chat.say(PATIENT, "gisteren 10:00")).assert_contains("al voorbij")
    (await chat.say(PATIENT, "12 blabla")).assert_contains("kan ik niet lezen", "Bijvoorbeeld: wo 2 dec 10:00")
    # Text with nothing of a date in it is not an answer: it gets its own reply, then the step again.
    (await chat.say(PATIENT, "blabla")).assert_contains("Dit staat niet in de folder", "Typ de datum en de tijd")
    (await chat.say(PATIENT, "3-12 om 9.30")).assert_contains("Klopt dit?")
    (await chat.press(PATIENT, "Ja, opslaan")).assert_contains("Opgeslagen: MRI-scan, donderdag 3 december, 09:30.")
    appointments = chat.assembly.services.storage.list_appointments(chat_id=PATIENT)
    assert [(a.type, a.source) for a in appointments] == [("mri", "patient")]


async def test_annuleer_leaves_the_dialogue_and_saves_nothing(chat: Chat) -> None:
    await chat.say(PATIENT, "/afspraak")
    await chat.press(PATIENT, "Akkoord")
    await chat.press(PATIENT, "CT-scan")
    (await chat.say(PATIENT, "/annuleer")).assert_contains("Gestopt. Er is niets opgeslagen.")
    assert chat.assembly.services.storage.list_appointments(chat_id=PATIENT) == []
    # After leaving, free text is a question again, not a date.
    (await chat.say(PATIENT, "hoe lang duurt een ct scan?")).assert_contains("kwartier")


async def test_list_cancel_and_calendar_file(chat: Chat) -> None:
    await enter_mri(chat)
    reply = await chat.say(PATIENT, "/afspraken")
    reply.assert_contains("Uw komende afspraken", "MRI-scan: donderdag 10 december, 13:15")
    reply = await chat.press(PATIENT, "📅 In agenda: MRI-scan 10 december, 13:15")
    document = reply[0].document
    assert document is not None and document.filename.endswith(".ics")
    assert b"BEGIN:VEVENT" in document.content
    reply = await chat.press(PATIENT, "🔕 Geen herinneringen meer: MRI-scan 10 december, 13:15")
    reply.assert_contains("zijn gestopt", "afsprakenlijn", "020 444 11 00")
    (await chat.say(PATIENT, "/afspraken")).assert_contains("geen komende afspraken")


async def test_reminder_arrives_with_folder_facts_and_buttons(chat: Chat) -> None:
    await enter_mri(chat)
    services = chat.assembly.services
    assert services.reminders is not None
    chat.clock.advance(timedelta(days=8, hours=8))  # Wednesday 9 December 18:30
    report = await services.reminders.run_due(chat.clock.now())
    assert len(report.sent) == 1
    await chat.harness.settle()
    reminder = chat.harness.last(PATIENT)
    text = reminder.text or ""
    assert "Herinnering: uw MRI-scan is op donderdag 10 december, 13:15" in text
    assert "alle voorwerpen van metaal" in text
    (await chat.press(PATIENT, "Gelezen")).assert_count(1)
    assert "Gelezen" not in [b.label for b in chat.harness.last(PATIENT).flat_buttons]
    (await chat.press(PATIENT, "Afspraak verzetten?")).assert_contains("020 444 11 00")
    (await chat.press(PATIENT, "Lees over: MRI-scan")).assert_contains("De MRI-scan duurt gemiddeld 30 minuten")


async def test_another_chat_cannot_cancel_my_appointment(chat: Chat) -> None:
    await enter_mri(chat)
    appointment = chat.assembly.services.storage.list_appointments(chat_id=PATIENT)[0]
    await chat.say(2000, "/start")
    other = chat.harness.last(2000)
    chat.fake.press_button(2000, other.message_id, f"appt:del:{appointment.id}", check=False)
    await chat.harness.settle(chat.fake.pending_updates[-1])
    assert not chat.assembly.services.storage.get_appointment(appointment.id).cancelled  # type: ignore[union-attr]
