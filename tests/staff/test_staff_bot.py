"""Transcripts of the staff tools through the real application and the local Bot API fake."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app.handlers.staff_access import STAFF_COMMANDS
from bot.app.handlers.staff_tools import install_sighup
from bot.app.telegram_io import to_markup
from bot.clock import AMSTERDAM, ManualClock, local
from bot.sending import Button
from bot.settings import ROOT
from bot.staff.enrolment import EnrolmentService, new_code
from tests.chats import PATIENT, STAFF, Chat, staff_bot

ALL_STAFF_COMMANDS = [(name, alias) for name, aliases in STAFF_COMMANDS.items() for alias in aliases]


def _code_from(text: str) -> str:
    match = re.search(r"start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


@pytest.mark.parametrize(("name", "command"), ALL_STAFF_COMMANDS)
async def test_staff_commands_are_unknown_to_patients(
    chat: Chat, name: str, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    unknown = await chat.say(PATIENT, "/bestaatniet")
    with caplog.at_level(logging.WARNING):
        reply = await chat.say(PATIENT, f"/{command} geheime tekst")
    assert reply.text == unknown.text and reply.labels == unknown.labels
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and f"/{name}" in refused[0]
    assert "geheime" not in caplog.text and str(PATIENT) not in caplog.text
    assert chat.assembly.services.storage.staff.audit_entries() == []


async def test_forged_staff_button_from_a_patient_does_nothing(chat: Chat) -> None:
    # A (modified) client could send any callback data; the bot must check the user, not the button.
    markup = to_markup([[Button("x", "bc:send")]])
    await chat.assembly.app.bot.send_message(PATIENT, "x", reply_markup=markup)
    await chat.harness.settle()
    (await chat.press(PATIENT, "bc:send")).assert_contains("Die opdracht ken ik niet")
    assert chat.assembly.services.storage.staff.list_broadcasts() == []


async def test_enrolment_round_trip_with_an_appointment_entered_before(chat: Chat) -> None:
    storage = chat.assembly.services.storage
    reply = await chat.say(STAFF, "/inschrijven")
    reply.assert_contains("https://t.me/levermetastasen_test_bot?start=")
    code = _code_from(reply.text)
    assert len(code) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", code)
    [qr] = [m for m in reply if m.document is not None]
    assert qr.document is not None and qr.document.content.startswith(b"\x89PNG")
    assert storage.staff.enrolment_by_hash(code) is None  # only the hash is stored
    # Staff enter an appointment for the code before the patient has it.
    enrolments = EnrolmentService(storage, chat.clock)
    enrolment, linked_chat = enrolments.target(code)
    assert linked_chat is None
    enrolments.add_pending(enrolment, "mri", chat.clock.now() + timedelta(days=5))

    consent = await chat.say(PATIENT, f"/start {code}")
    consent.assert_contains("Wat ik bewaar").assert_buttons("Akkoord", "Liever niet")
    assert storage.get_patient(PATIENT) is None  # nothing before the patient accepts
    done = await chat.press(PATIENT, "Akkoord")
    done.assert_contains("ingeschreven", "1 afspraak")
    patient = storage.get_patient(PATIENT)
    assert patient is not None and patient.consent_at == chat.clock.now() and patient.broadcasts_enabled
    [appointment] = storage.list_appointments(chat_id=PATIENT)
    assert appointment.type == "mri" and storage.reminders_of(appointment.id)

    again = await chat.say(PATIENT + 1, f"/start {code}")
    again.assert_contains("al gebruikt")
    assert storage.get_patient(PATIENT + 1) is None


async def test_declining_consent_links_nothing(chat: Chat) -> None:
    code = EnrolmentService(chat.assembly.services.storage, chat.clock).create(STAFF).code
    await chat.say(PATIENT, f"/start {code}")
    (await chat.press(PATIENT, "Liever niet")).assert_contains("ik bewaar niets")
    assert chat.assembly.services.storage.get_patient(PATIENT) is None
    # The code stays usable for a later change of mind.
    (await chat.say(PATIENT, f"/start {code}")).assert_contains("Wat ik bewaar")


async def test_unknown_and_expired_codes_are_refused(chat: Chat) -> None:
    storage = chat.assembly.services.storage
    (await chat.say(PATIENT, f"/start {new_code()}")).assert_contains("ken ik niet")
    code = EnrolmentService(storage, chat.clock, days=14).create(STAFF).code
    await chat.say(PATIENT, f"/start {code}")
    chat.clock.advance(timedelta(days=14, seconds=1))
    (await chat.press(PATIENT, "Akkoord")).assert_contains("verlopen")
    (await chat.say(PATIENT, f"/start {code}")).assert_contains("verlopen")
    assert storage.get_patient(PATIENT) is None
    # A chapter id as payload is still a chapter deep link.
    (await chat.say(PATIENT, "/start contact")).assert_not_contains("inschrijfcode")


async def test_broadcast_preview_confirm_delivery_and_report(chat: Chat) -> None:
    storage = chat.assembly.services.storage
    now = chat.clock.now()
    for chat_id in (2001, 2002, 2003):
        storage.upsert_patient(chat_id, "nl", now, consent_at=now)
    storage.set_broadcasts_enabled(2003, False)  # /meldingen uit: no broadcasts, reminders stay
    (await chat.say(STAFF, "/bericht")).assert_buttons("Alle abonnees", "Komende MRI-scan")
    (await chat.press(STAFF, "Alle abonnees")).assert_contains("Typ de tekst")
    preview = await chat.say(STAFF, "Bij koorts belt u ons. Het spreekuur is <morgen> gesloten.")
    preview.assert_contains("Bericht van het HPB team", "Het spreekuur is <morgen> gesloten", "Ontvangers: 2")
    preview.assert_buttons("✅ Versturen aan 2", "Annuleren")
    assert storage.staff.list_broadcasts() == []  # nothing before the explicit confirmation
    (await chat.press(STAFF, "✅ Versturen aan 2")).assert_contains("staat klaar voor 2")
    delivered = await chat.deliver()
    assert sorted(m.chat_id for m in delivered if m.chat_id != STAFF) == [2001, 2002]
    report = [m for m in delivered if m.chat_id == STAFF]
    assert report and "Verstuurd: 2" in report[0].body
    [entry] = [e for e in storage.staff.audit_entries() if e.action == "broadcast"]
    assert entry.actor == STAFF and "2 recipients" in entry.detail
    # A second tap (Telegram delivers it before the edit lands) finds no draft and sends nothing.
    await chat.assembly.app.bot.send_message(STAFF, "x", reply_markup=to_markup([[Button("again", "bc:send")]]))
    await chat.harness.settle()
    (await chat.press(STAFF, "again")).assert_contains("bestaat niet meer")
    assert len(storage.staff.list_broadcasts()) == 1


async def test_broadcast_of_a_chapter_to_an_appointment_type(chat: Chat) -> None:
    storage = chat.assembly.services.storage
    now = chat.clock.now()
    for chat_id in (2001, 2002):
        storage.upsert_patient(chat_id, "nl", now, consent_at=now)
    storage.add_appointment(2002, "mri", now + timedelta(days=3), "staff", now)
    await chat.say(STAFF, "/bericht")
    await chat.press(STAFF, "Komende MRI-scan")
    await chat.press(STAFF, "Kies een hoofdstuk")
    (await chat.press(STAFF, "Contact")).assert_contains("Lees in de folder", "Ontvangers: 1")
    await chat.press(STAFF, "✅ Versturen aan 1")
    delivered = await chat.deliver()
    [notice] = [m for m in delivered if m.chat_id == 2002]
    assert [b.callback_data for b in notice.flat_buttons] == ["ch:contact"]
    [b] = storage.staff.list_broadcasts()
    assert b.broadcast.chapter_ids == ("contact",) and (b.broadcast.content_version or "").startswith("contact@")


async def test_cancel_stores_nothing(chat: Chat) -> None:
    await chat.say(STAFF, "/bericht")
    await chat.press(STAFF, "Alle abonnees")
    await chat.say(STAFF, "iets")
    (await chat.press(STAFF, "Annuleren")).assert_contains("niets verstuurd")
    assert chat.assembly.services.storage.staff.list_broadcasts() == []
    # Without a draft, staff text is an ordinary question again.
    (await chat.say(STAFF, "koorts")).assert_not_contains("Voorbeeld")


async def test_misses_per_day(chat: Chat) -> None:
    storage = chat.assembly.services.storage
    today = local(chat.clock.now()).date()
    storage.count_miss(today)
    storage.count_miss(today)
    (await chat.say(STAFF, "/gemist")).assert_contains("Vragen zonder antwoord", ": 2")


async def test_reload_with_a_broken_file_keeps_the_old_content(tmp_path: Path, clock: ManualClock) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    async with staff_bot(tmp_path, clock, content_dir=content) as chat:
        folder = content / "folder.yaml"
        good = folder.read_text(encoding="utf-8")
        folder.write_text(good + "\n  broken: [unclosed\n", encoding="utf-8")
        (content / "ui.yaml").write_text("nl: {}\n", encoding="utf-8")
        reply = await chat.say(STAFF, "/herladen")
        reply.assert_contains("Herladen geweigerd", "folder.yaml:", "ui.yaml:")
        assert re.search(r"folder\.yaml:\d+", reply.text)
        (await chat.say(PATIENT, "/menu")).assert_contains("Inhoud van de folder")

        shutil.copy(ROOT / "content" / "ui.yaml", content / "ui.yaml")
        folder.write_text(good.replace("Casemanager", "Casemanager (nieuw)", 1), encoding="utf-8")
        changed = await chat.say(STAFF, "/herladen")
        changed.assert_contains("Inhoud herladen", "casemanager")
        now = chat.clock.now()
        chat.assembly.services.storage.upsert_patient(2001, "nl", now, consent_at=now)
        (await chat.press(STAFF, "📣 Abonnees laten weten dat de folder is bijgewerkt")).assert_contains(
            "De folder is bijgewerkt", "Ontvangers: 1"
        )
        await chat.press(STAFF, "✅ Versturen aan 1")
        delivered = await chat.deliver()
        [notice] = [m for m in delivered if m.chat_id == 2001]
        assert "ch:casemanager" in [b.callback_data for b in notice.flat_buttons]
        reminders = chat.assembly.services.reminders
        assert (
            reminders is not None and reminders.rules is chat.assembly.services.knowledge.current.catalog.reminder_rules
        )


async def test_sighup_reloads_and_tells_staff(tmp_path: Path, clock: ManualClock) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    async with staff_bot(tmp_path, clock, content_dir=content) as chat:
        assert install_sighup(chat.assembly.app, chat.staff)
        folder = content / "folder.yaml"
        folder.write_text(folder.read_text(encoding="utf-8").replace("De lever", "De lever (nieuw)", 1), "utf-8")
        os.kill(os.getpid(), signal.SIGHUP)
        await chat.fake.wait_until(lambda: bool(chat.fake.messages_to(STAFF)), within=10, what="the reload report")
        await chat.harness.settle()
        report = chat.fake.messages_to(STAFF)[-1]
        assert "Inhoud herladen" in (report.text or "") and "de-lever" in (report.text or "")
        chapter = chat.assembly.services.knowledge.current.catalog.content.chapter("de-lever")
        assert chapter is not None and chapter.title == "De lever (nieuw)"
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)


async def test_waiting_appointments_that_cannot_be_planned_never_block_the_enrolment(chat: Chat) -> None:
    # Issue 25, findings 1 and 3: an "open end" 9999-12-31 and an external id another chat took since
    # were stored waiting for the code (as before the checks); "Akkoord" answered "Er ging iets mis".
    storage = chat.assembly.services.storage
    now = chat.clock.now()
    storage.upsert_patient(PATIENT + 1, "nl", now, consent_at=now)
    enrolments = EnrolmentService(storage, chat.clock)
    created = enrolments.create(STAFF)
    open_end = datetime(9999, 12, 31, 23, 30, tzinfo=AMSTERDAM)
    storage.staff.add_pending_appointment(created.enrolment.id, "mri", open_end, now, "HIX-OPEN")
    storage.staff.add_pending_appointment(created.enrolment.id, "ct", now + timedelta(days=3), now, "HIX-TAKEN")
    storage.staff.add_pending_appointment(created.enrolment.id, "pet", now + timedelta(days=4), now, "HIX-GOOD")
    with storage.engine.begin() as conn:  # another chat got HIX-TAKEN meanwhile (data from before the checks)
        conn.exec_driver_sql(
            "INSERT INTO appointments (chat_id, type, start_at, source, external_id, created_at) "
            "VALUES (?, 'ct', ?, 'staff', 'HIX-TAKEN', ?)",
            (PATIENT + 1, (now + timedelta(days=5)).astimezone(UTC).replace(tzinfo=None), now.replace(tzinfo=None)),
        )
    await chat.say(PATIENT, f"/start {created.code}")
    done = await chat.press(PATIENT, "Akkoord")
    done.assert_contains("ingeschreven", "1 afspraak").assert_not_contains("Er ging iets mis")
    assert [a.external_id for a in storage.list_appointments(chat_id=PATIENT)] == ["HIX-GOOD"]
    refused = storage.staff.audit_entries_of("enrol-appointment-refused", now - timedelta(days=1))
    details = sorted(entry.detail for entry in refused)
    assert len(details) == 2 and all(entry.chat_id == PATIENT for entry in refused)
    assert "HIX-OPEN" in details[0] and "more than two years ahead" in details[0]
    assert "HIX-TAKEN" in details[1] and "belongs to another patient" in details[1]
