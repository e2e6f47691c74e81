"""Transcripts of the staff tools through the real application and the local Bot API fake."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import signal
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.handlers.staff import STAFF_COMMANDS, install_sighup
from bot.app.telegram_io import to_markup
from bot.clock import ManualClock, local
from bot.sending import Button
from bot.settings import ROOT
from bot.staff.enrolment import EnrolmentService, new_code

from .conftest import PATIENT, STAFF, StaffBot, staff_bot

ALL_STAFF_COMMANDS = [(name, alias) for name, aliases in STAFF_COMMANDS.items() for alias in aliases]


def _code_from(text: str) -> str:
    match = re.search(r"start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


@pytest.mark.parametrize(("name", "command"), ALL_STAFF_COMMANDS)
async def test_staff_commands_are_unknown_to_patients(
    bot: StaffBot, name: str, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    unknown = await bot.say(PATIENT, "/bestaatniet")
    with caplog.at_level(logging.WARNING):
        reply = await bot.say(PATIENT, f"/{command} geheime tekst")
    assert reply.text == unknown.text and reply.labels == unknown.labels
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and f"/{name}" in refused[0]
    assert "geheime" not in caplog.text and str(PATIENT) not in caplog.text
    assert bot.assembly.services.storage.staff.audit_entries() == []


async def test_forged_staff_button_from_a_patient_does_nothing(bot: StaffBot) -> None:
    # A (modified) client could send any callback data; the bot must check the user, not the button.
    markup = to_markup([[Button("x", "bc:send")]])
    await bot.assembly.app.bot.send_message(PATIENT, "x", reply_markup=markup)
    await bot.harness.settle()
    (await bot.press(PATIENT, "bc:send")).assert_contains("Die opdracht ken ik niet")
    assert bot.assembly.services.storage.staff.list_broadcasts() == []


async def test_enrolment_round_trip_with_an_appointment_entered_before(bot: StaffBot) -> None:
    storage = bot.assembly.services.storage
    reply = await bot.say(STAFF, "/inschrijven")
    reply.assert_contains("https://t.me/levermetastasen_test_bot?start=")
    code = _code_from(reply.text)
    assert len(code) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", code)
    [qr] = [m for m in reply if m.document is not None]
    assert qr.document is not None and qr.document.content.startswith(b"\x89PNG")
    assert storage.staff.enrolment_by_hash(code) is None  # only the hash is stored
    # Staff enter an appointment for the code before the patient has it.
    enrolments = EnrolmentService(storage, bot.clock)
    enrolment, chat = enrolments.target(code)
    assert chat is None
    enrolments.add_pending(enrolment, "mri", bot.clock.now() + timedelta(days=5))

    consent = await bot.say(PATIENT, f"/start {code}")
    consent.assert_contains("Wat ik bewaar").assert_buttons("Akkoord", "Liever niet")
    assert storage.get_patient(PATIENT) is None  # nothing before the patient accepts
    done = await bot.press(PATIENT, "Akkoord")
    done.assert_contains("ingeschreven", "1 afspraak")
    patient = storage.get_patient(PATIENT)
    assert patient is not None and patient.consent_at == bot.clock.now() and patient.broadcasts_enabled
    [appointment] = storage.list_appointments(chat_id=PATIENT)
    assert appointment.type == "mri" and storage.reminders_of(appointment.id)

    again = await bot.say(PATIENT + 1, f"/start {code}")
    again.assert_contains("al gebruikt")
    assert storage.get_patient(PATIENT + 1) is None


async def test_declining_consent_links_nothing(bot: StaffBot) -> None:
    code = EnrolmentService(bot.assembly.services.storage, bot.clock).create(STAFF).code
    await bot.say(PATIENT, f"/start {code}")
    (await bot.press(PATIENT, "Liever niet")).assert_contains("ik bewaar niets")
    assert bot.assembly.services.storage.get_patient(PATIENT) is None
    # The code stays usable for a later change of mind.
    (await bot.say(PATIENT, f"/start {code}")).assert_contains("Wat ik bewaar")


async def test_unknown_and_expired_codes_are_refused(bot: StaffBot) -> None:
    storage = bot.assembly.services.storage
    (await bot.say(PATIENT, f"/start {new_code()}")).assert_contains("ken ik niet")
    code = EnrolmentService(storage, bot.clock, days=14).create(STAFF).code
    await bot.say(PATIENT, f"/start {code}")
    bot.clock.advance(timedelta(days=14, seconds=1))
    (await bot.press(PATIENT, "Akkoord")).assert_contains("verlopen")
    (await bot.say(PATIENT, f"/start {code}")).assert_contains("verlopen")
    assert storage.get_patient(PATIENT) is None
    # A chapter id as payload is still a chapter deep link.
    (await bot.say(PATIENT, "/start contact")).assert_not_contains("inschrijfcode")


async def test_broadcast_preview_confirm_delivery_and_report(bot: StaffBot) -> None:
    storage = bot.assembly.services.storage
    now = bot.clock.now()
    for chat in (2001, 2002, 2003):
        storage.upsert_patient(chat, "nl", now, consent_at=now)
    storage.set_broadcasts_enabled(2003, False)  # /meldingen uit: no broadcasts, reminders stay
    (await bot.say(STAFF, "/bericht")).assert_buttons("Alle abonnees", "Komende MRI-scan")
    (await bot.press(STAFF, "Alle abonnees")).assert_contains("Typ de tekst")
    preview = await bot.say(STAFF, "Bij koorts belt u ons. Het spreekuur is <morgen> gesloten.")
    preview.assert_contains("Bericht van het HPB team", "Het spreekuur is <morgen> gesloten", "Ontvangers: 2")
    preview.assert_buttons("✅ Versturen aan 2", "Annuleren")
    assert storage.staff.list_broadcasts() == []  # nothing before the explicit confirmation
    (await bot.press(STAFF, "✅ Versturen aan 2")).assert_contains("staat klaar voor 2")
    delivered = await bot.deliver()
    assert sorted(m.chat_id for m in delivered if m.chat_id != STAFF) == [2001, 2002]
    report = [m for m in delivered if m.chat_id == STAFF]
    assert report and "Verstuurd: 2" in report[0].body
    [entry] = [e for e in storage.staff.audit_entries() if e.action == "broadcast"]
    assert entry.actor == STAFF and "2 recipients" in entry.detail
    # A second tap (Telegram delivers it before the edit lands) finds no draft and sends nothing.
    await bot.assembly.app.bot.send_message(STAFF, "x", reply_markup=to_markup([[Button("again", "bc:send")]]))
    await bot.harness.settle()
    (await bot.press(STAFF, "again")).assert_contains("bestaat niet meer")
    assert len(storage.staff.list_broadcasts()) == 1


async def test_broadcast_of_a_chapter_to_an_appointment_type(bot: StaffBot) -> None:
    storage = bot.assembly.services.storage
    now = bot.clock.now()
    for chat in (2001, 2002):
        storage.upsert_patient(chat, "nl", now, consent_at=now)
    storage.add_appointment(2002, "mri", now + timedelta(days=3), "staff", now)
    await bot.say(STAFF, "/bericht")
    await bot.press(STAFF, "Komende MRI-scan")
    await bot.press(STAFF, "Kies een hoofdstuk")
    (await bot.press(STAFF, "Contact")).assert_contains("Lees in de folder", "Ontvangers: 1")
    await bot.press(STAFF, "✅ Versturen aan 1")
    delivered = await bot.deliver()
    [notice] = [m for m in delivered if m.chat_id == 2002]
    assert [b.callback_data for b in notice.flat_buttons] == ["ch:contact"]
    [b] = storage.staff.list_broadcasts()
    assert b.broadcast.chapter_ids == ("contact",) and (b.broadcast.content_version or "").startswith("contact@")


async def test_cancel_stores_nothing(bot: StaffBot) -> None:
    await bot.say(STAFF, "/bericht")
    await bot.press(STAFF, "Alle abonnees")
    await bot.say(STAFF, "iets")
    (await bot.press(STAFF, "Annuleren")).assert_contains("niets verstuurd")
    assert bot.assembly.services.storage.staff.list_broadcasts() == []
    # Without a draft, staff text is an ordinary question again.
    (await bot.say(STAFF, "koorts")).assert_not_contains("Voorbeeld")


async def test_misses_per_day(bot: StaffBot) -> None:
    storage = bot.assembly.services.storage
    today = local(bot.clock.now()).date()
    storage.count_miss(today)
    storage.count_miss(today)
    (await bot.say(STAFF, "/gemist")).assert_contains("Vragen zonder antwoord", ": 2")


async def test_reload_with_a_broken_file_keeps_the_old_content(tmp_path: Path, clock: ManualClock) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    async with staff_bot(tmp_path, clock, content_dir=content) as bot:
        folder = content / "folder.yaml"
        good = folder.read_text(encoding="utf-8")
        folder.write_text(good + "\n  broken: [unclosed\n", encoding="utf-8")
        (content / "ui.yaml").write_text("nl: {}\n", encoding="utf-8")
        reply = await bot.say(STAFF, "/herladen")
        reply.assert_contains("Herladen geweigerd", "folder.yaml:", "ui.yaml:")
        assert re.search(r"folder\.yaml:\d+", reply.text)
        (await bot.say(PATIENT, "/menu")).assert_contains("Inhoud van de folder")

        shutil.copy(ROOT / "content" / "ui.yaml", content / "ui.yaml")
        folder.write_text(good.replace("Casemanager", "Casemanager (nieuw)", 1), encoding="utf-8")
        changed = await bot.say(STAFF, "/herladen")
        changed.assert_contains("Inhoud herladen", "casemanager")
        now = bot.clock.now()
        bot.assembly.services.storage.upsert_patient(2001, "nl", now, consent_at=now)
        (await bot.press(STAFF, "📣 Abonnees laten weten dat de folder is bijgewerkt")).assert_contains(
            "De folder is bijgewerkt", "Ontvangers: 1"
        )
        await bot.press(STAFF, "✅ Versturen aan 1")
        delivered = await bot.deliver()
        [notice] = [m for m in delivered if m.chat_id == 2001]
        assert "ch:casemanager" in [b.callback_data for b in notice.flat_buttons]
        reminders = bot.assembly.services.reminders
        assert (
            reminders is not None and reminders.rules is bot.assembly.services.knowledge.current.catalog.reminder_rules
        )


async def test_sighup_reloads_and_tells_staff(tmp_path: Path, clock: ManualClock) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    async with staff_bot(tmp_path, clock, content_dir=content) as bot:
        assert install_sighup(bot.assembly.app, bot.staff)
        folder = content / "folder.yaml"
        folder.write_text(folder.read_text(encoding="utf-8").replace("De lever", "De lever (nieuw)", 1), "utf-8")
        os.kill(os.getpid(), signal.SIGHUP)
        await bot.fake.wait_until(lambda: bool(bot.fake.messages_to(STAFF)), within=10, what="the reload report")
        await bot.harness.settle()
        report = bot.fake.messages_to(STAFF)[-1]
        assert "Inhoud herladen" in (report.text or "") and "de-lever" in (report.text or "")
        chapter = bot.assembly.services.knowledge.current.catalog.content.chapter("de-lever")
        assert chapter is not None and chapter.title == "De lever (nieuw)"
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
