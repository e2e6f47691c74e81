from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.clock import AMSTERDAM, ManualClock
from bot.reminders.ics import appointment_ics
from bot.reminders.import_rows import read_import_file
from bot.reminders.rules import ReminderRules
from bot.reminders.service import ReminderService
from bot.reminders.timer import ReminderTimer
from bot.sending import Blocked, RecordingSender, RetryLater
from bot.storage import Storage

START = datetime(2026, 12, 10, 13, 15, tzinfo=AMSTERDAM)  # day-before 9 Dec 18:00, two-hours 11:15
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM)
CHAT = 4242


def make(
    storage: Storage, rules: ReminderRules, clock: ManualClock, sender: RecordingSender | None = None, **kwargs: Any
) -> tuple[ReminderService, RecordingSender]:
    sender = sender or RecordingSender()
    return ReminderService(storage, rules, sender, clock, timedelta(hours=6), **kwargs), sender


def fresh(engine_factory: Callable[[], Engine]) -> Storage:
    storage = Storage(engine_factory())
    storage.migrate()
    return storage


async def test_reminder_due_during_downtime_is_sent_once_after_two_restarts(
    engine_factory: Callable[[], Engine], rules: ReminderRules
) -> None:
    clock = ManualClock(NOW)
    first, _ = make(fresh(engine_factory), rules, clock)
    first.storage.upsert_patient(CHAT, "nl", clock.now())
    appt = first.add_appointment(CHAT, "mri", START.astimezone(UTC), "staff")
    assert first.next_due() == datetime(2026, 12, 9, 17, 0, tzinfo=UTC)
    # Down from 1 Dec to 9 Dec 19:30 (one and a half hours after the day-before moment).
    clock.set(datetime(2026, 12, 9, 19, 30, tzinfo=AMSTERDAM))
    second, sender2 = make(fresh(engine_factory), rules, clock)
    report = await second.run_due(clock.now())
    assert len(report.sent) == 1 and len(sender2.sent) == 1
    assert "dinsdag 10 december, 13:15" not in sender2.sent[0].html  # 2026: a Thursday
    assert "donderdag 10 december, 13:15" in sender2.sent[0].html
    third, sender3 = make(fresh(engine_factory), rules, clock)
    assert (await third.run_due(clock.now())).handled == 0 and sender3.sent == []
    clock.set(datetime(2026, 12, 10, 11, 16, tzinfo=AMSTERDAM))
    await third.run_due(clock.now())
    assert len(sender3.sent) == 1 and third.next_due() is None
    assert [r.status for r in third.storage.reminders_of(appt.id)] == ["sent", "sent"]


async def test_cancelled_appointment_sends_nothing(storage: Storage, rules: ReminderRules) -> None:
    clock = ManualClock(NOW)
    service, sender = make(storage, rules, clock)
    storage.upsert_patient(CHAT, "nl", clock.now())
    appt = service.add_appointment(CHAT, "ct", START.astimezone(UTC), "patient")
    assert service.cancel_appointment(appt.id)
    clock.set(START - timedelta(minutes=1))
    assert (await service.run_due(clock.now())).handled == 0
    assert sender.sent == [] and service.next_due() is None and service.upcoming(CHAT, clock.now()) == []


async def test_too_late_and_past_appointments_are_skipped(storage: Storage, rules: ReminderRules) -> None:
    clock = ManualClock(NOW)
    service, sender = make(storage, rules, clock)
    storage.upsert_patient(CHAT, "nl", clock.now())
    appt = service.add_appointment(CHAT, "pet", START.astimezone(UTC), "staff")
    # Back up at 10 Dec 00:30: the day-before reminder is 6.5 h late.
    clock.set(datetime(2026, 12, 10, 0, 30, tzinfo=AMSTERDAM))
    report = await service.run_due(clock.now())
    assert len(report.skipped) == 1 and sender.sent == []
    clock.set(START + timedelta(minutes=5))  # missed the two-hour one and the appointment itself
    report = await service.run_due(clock.now())
    assert len(report.skipped) == 1
    assert [(r.status, r.error) for r in storage.reminders_of(appt.id)] == [
        ("skipped", "too-late"),
        ("skipped", "appointment-passed"),
    ]


async def test_blocked_marks_inactive_and_retry_later_keeps_pending(storage: Storage, rules: ReminderRules) -> None:
    clock = ManualClock(NOW)
    service, sender = make(storage, rules, clock)
    for chat in (1, 2):
        storage.upsert_patient(chat, "en", clock.now())
        service.add_appointment(chat, "uitslag", START.astimezone(UTC), "staff")
    sender.fail_with = {1: Blocked("blocked"), 2: RetryLater(30)}
    clock.set(datetime(2026, 12, 9, 18, 0, tzinfo=AMSTERDAM))
    report = await service.run_due(clock.now())
    assert len(report.failed) == 1 and len(report.retry) == 1
    patient = storage.get_patient(1)
    assert patient is not None and not patient.active
    assert service.next_due() == clock.now() + timedelta(seconds=30)
    sender.fail_with = {}
    clock.advance(timedelta(seconds=30))
    report = await service.run_due(clock.now())
    assert len(report.sent) == 1 and sender.sent[0].chat_id == 2 and "Reminder:" in sender.sent[0].html
    # The inactive chat's next reminder is skipped, not sent.
    clock.set(START - timedelta(hours=1))
    report = await service.run_due(clock.now())
    assert len(report.sent) == 1 and len(report.skipped) == 1


async def test_two_services_racing_never_double_send(
    engine_factory: Callable[[], Engine], rules: ReminderRules
) -> None:
    clock = ManualClock(NOW)
    setup, _ = make(fresh(engine_factory), rules, clock)
    chats = range(100, 160)
    for chat in chats:
        setup.storage.upsert_patient(chat, "nl", clock.now())
        setup.add_appointment(chat, "ct", START.astimezone(UTC), "staff")
    clock.set(datetime(2026, 12, 9, 18, 1, tzinfo=AMSTERDAM))

    class SlowSender(RecordingSender):
        async def send_message(self, chat_id: int, html: str, keyboard: Any = ()) -> int:
            await asyncio.sleep(0.001)
            return await super().send_message(chat_id, html, keyboard)

    shared = SlowSender()
    services = [make(fresh(engine_factory), rules, clock, shared, batch_size=7)[0] for _ in range(3)]

    async def run(service: ReminderService) -> None:
        # Each in its own thread, so database calls truly overlap.
        await asyncio.to_thread(lambda: asyncio.run(service.run_due(clock.now())))

    await asyncio.gather(*(run(s) for s in services))
    sent = sorted(m.chat_id for m in shared.sent)
    assert sent == list(chats)


async def test_timer_sleeps_until_the_earliest_due_time_and_wakes_on_changes(
    storage: Storage, rules: ReminderRules
) -> None:
    clock = ManualClock(NOW)
    service, sender = make(storage, rules, clock)
    storage.upsert_patient(CHAT, "nl", clock.now())
    timer = ReminderTimer(service, poll=timedelta(days=30))
    assert await timer.next_wake() == timedelta(days=30).total_seconds()
    service.add_appointment(CHAT, "ct", START.astimezone(UTC), "staff")
    await timer.next_wake()
    assert timer.armed_for == datetime(2026, 12, 9, 17, 0, tzinfo=UTC)
    clock.set(timer.armed_for)
    assert await timer.next_wake() == 0
    assert len((await timer.run_batch()).sent) == 1 and len(sender.sent) == 1
    await timer.next_wake()
    assert timer.armed_for == datetime(2026, 12, 10, 10, 15, tzinfo=UTC)


async def test_a_running_timer_sends_what_another_process_adds_when_signalled(
    storage: Storage, rules: ReminderRules
) -> None:
    clock = ManualClock(NOW)
    service, sender = make(storage, rules, clock)
    storage.upsert_patient(CHAT, "nl", clock.now())
    timer = ReminderTimer(service, poll=timedelta(days=30))
    timer.start()
    try:
        # "Another process": a second service on the same database adds a reminder that is due now.
        other, _ = make(storage, rules, ManualClock(NOW - timedelta(days=9)))
        other.add_appointment(CHAT, "ct", START.astimezone(UTC), "staff")
        clock.set(datetime(2026, 12, 9, 17, 0, tzinfo=UTC))
        timer.signal()
        for _ in range(200):
            if sender.sent:
                break
            await asyncio.sleep(0.01)
        assert len(sender.sent) == 1
    finally:
        await timer.stop()


async def test_move_appointment_recomputes_reminders(storage: Storage, rules: ReminderRules) -> None:
    clock = ManualClock(NOW)
    service, _ = make(storage, rules, clock)
    storage.upsert_patient(CHAT, "nl", clock.now())
    appt = service.add_appointment(CHAT, "ct", START.astimezone(UTC), "patient")
    moved = service.move_appointment(appt.id, (START + timedelta(days=1)).astimezone(UTC))
    assert moved is not None
    assert [r.due_at.astimezone(AMSTERDAM).day for r in storage.reminders_of(appt.id)] == [10, 11]


def test_ics(rules: ReminderRules, storage: Storage) -> None:
    clock = ManualClock(NOW)
    service, _ = make(storage, rules, clock)
    storage.upsert_patient(CHAT, "nl", clock.now())
    appt = service.add_appointment(CHAT, "mri", START.astimezone(UTC), "staff")
    data = appointment_ics(appt, rules, clock.now())
    assert b"BEGIN:VEVENT" in data and b"DTSTART:20261210T121500Z" in data and b"MRI-scan" in data


def test_import_reports_bad_rows_with_lines(tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(
        "external_id,chat_id,type,at\nE1,1,ct,2026-12-10 09:00\nE2,x,ct,2026-12-10 09:00\n"
        "E3,1,scan,2026-12-10 09:00\nE4,1,mri,10-12-2026\n",
        encoding="utf-8",
    )
    rows, problems = read_import_file(csv_file)
    assert [r.external_id for r in rows] == ["E1"] and [p.line for p in problems] == [3, 4, 5]
    assert rows[0].start_utc == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    yaml_file = tmp_path / "a.yaml"
    yaml_file.write_text(
        "appointments:\n  - {external_id: Y1, chat_id: 1, type: pet, at: '2026-12-10 09:00'}\n"
        "  - {external_id: Y2, chat_id: 1, type: pet}\n",
        encoding="utf-8",
    )
    rows, problems = read_import_file(yaml_file)
    assert [r.external_id for r in rows] == ["Y1"] and problems[0].line == 3 and "missing at" in problems[0].message
