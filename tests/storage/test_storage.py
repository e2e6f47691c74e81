from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table
from sqlalchemy.engine import Connection

from bot.observability.pseudonyms import hash_chat_id
from bot.storage import DuplicateExternalId, Storage, UnknownPatient
from bot.storage.migrations import MIGRATIONS, Migration, migrate

NOW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def _patient_with_appointment(storage: Storage, chat_id: int = 1, start: timedelta = timedelta(days=2)) -> int:
    storage.upsert_patient(chat_id, "nl", NOW, consent_at=NOW)
    appt = storage.add_appointment(
        chat_id, "mri", NOW + start, "staff", NOW, reminders=[("a", NOW + timedelta(hours=1)), ("b", NOW + start / 2)]
    )
    return appt.id


def test_migrations_are_idempotent(engine_factory: Callable[[], Engine]) -> None:
    first = Storage(engine_factory())
    numbers = [m.number for m in MIGRATIONS]
    assert first.migrate() == numbers
    assert first.migrate() == []
    assert Storage(engine_factory()).migrate() == []
    assert first.schema_version() == numbers[-1]


def test_the_shipped_migrations_keep_their_numbers_names_and_order() -> None:
    # They are recorded in every database's schema_version: moving them into modules changed none of this.
    assert [(m.number, m.name) for m in MIGRATIONS] == [
        (1, "patients, appointments, reminders, miss counts"),
        (2, "enrolment codes, broadcasts, outbox, audit log"),
        (3, "staff console: sign-in links, sessions, sign-offs, patient identifiers, daily counts"),
        (4, "secrets the bot generates itself (the log pseudonym salt)"),
        (5, "seen webhook updates and dialog state"),
        (6, "questions to the team: threads, their encrypted messages, staff notices"),
        (7, "running instances: shares of the send budget, send queues"),
    ]


def test_a_second_migration_is_one_function(engine_factory: Callable[[], Engine]) -> None:
    def add_table(conn: Connection) -> None:
        md = MetaData()
        Table("extra", md, Column("id", Integer, primary_key=True))
        md.create_all(conn)

    engine = engine_factory()
    extra = len(MIGRATIONS) + 1
    steps = [*MIGRATIONS, Migration(extra, "extra", add_table)]
    assert migrate(engine, steps) == list(range(1, extra + 1))
    assert migrate(engine, steps) == []
    assert Storage(engine).schema_version() == extra


def test_migration_gaps_are_refused(engine_factory: Callable[[], Engine]) -> None:
    with pytest.raises(RuntimeError, match="without gaps"):
        migrate(engine_factory(), [*MIGRATIONS, Migration(len(MIGRATIONS) + 2, "x", lambda conn: None)])


def test_times_come_back_aware_utc(storage: Storage) -> None:
    appt_id = _patient_with_appointment(storage)
    appt = storage.get_appointment(appt_id)
    assert appt is not None and appt.start_at == NOW + timedelta(days=2)
    assert appt.start_at.tzinfo == UTC
    assert all(r.due_at.tzinfo == UTC for r in storage.reminders_of(appt_id))
    with pytest.raises(ValueError, match="aware"):
        storage.add_appointment(1, "ct", datetime(2026, 12, 1, 9), "staff", NOW)  # noqa: DTZ001


def test_patients(storage: Storage) -> None:
    patient = storage.upsert_patient(7, "nl", NOW, consent_at=NOW)
    assert patient.active and patient.broadcasts_enabled and patient.consent_at == NOW
    assert storage.set_active(7, False) and storage.set_language(7, "en")
    assert storage.set_broadcasts_enabled(7, False)
    patient2 = storage.get_patient(7)
    assert patient2 is not None and not patient2.active and patient2.language == "en"
    assert storage.upsert_patient(7, "en", NOW + timedelta(days=1)).active  # coming back reactivates
    assert storage.get_patient(8) is None and not storage.set_active(8, False)


def test_appointment_rules(storage: Storage) -> None:
    with pytest.raises(UnknownPatient):
        storage.add_appointment(99, "ct", NOW, "staff", NOW)
    storage.upsert_patient(1, "nl", NOW)
    storage.add_appointment(1, "ct", NOW + timedelta(days=1), "staff", NOW, external_id="X1")
    with pytest.raises(DuplicateExternalId):
        storage.add_appointment(1, "ct", NOW + timedelta(days=1), "staff", NOW, external_id="X1")
    assert storage.appointment_by_external_id("X1") is not None


def test_reminder_exists_once_per_rule(storage: Storage) -> None:
    appt_id = _patient_with_appointment(storage)
    storage.reschedule_appointment(appt_id, NOW + timedelta(days=3), [("a", NOW + timedelta(hours=2))])
    rules = [r.rule for r in storage.reminders_of(appt_id)]
    assert sorted(rules) == ["a"]


def test_cancel_skips_pending(storage: Storage) -> None:
    appt_id = _patient_with_appointment(storage)
    assert storage.cancel_appointment(appt_id, NOW)
    assert not storage.cancel_appointment(appt_id, NOW)
    assert {r.status for r in storage.reminders_of(appt_id)} == {"skipped"}
    assert storage.reminder_queue.next_due(LEASE) is None


def test_claims_are_exclusive_and_leases_expire(storage: Storage) -> None:
    _patient_with_appointment(storage)
    due = NOW + timedelta(hours=1)
    first = storage.reminder_queue.claim_due(due, "one", LEASE)
    assert [c.reminder.rule for c in first] == ["a"]
    assert storage.reminder_queue.claim_due(due, "two", LEASE) == []
    assert storage.reminder_queue.next_due(LEASE) == due + LEASE
    # "one" died after claiming: after the lease another instance takes over.
    taken = storage.reminder_queue.claim_due(due + LEASE, "two", LEASE)
    assert [c.reminder.id for c in taken] == [first[0].reminder.id]
    assert not storage.reminder_queue.finish_reminder(first[0].reminder.id, "one", "sent", due)
    assert storage.reminder_queue.finish_reminder(first[0].reminder.id, "two", "sent", due + LEASE)
    reminder = storage.get_reminder(first[0].reminder.id)
    assert reminder is not None and reminder.status == "sent" and reminder.sent_at == due + LEASE
    assert storage.mark_read(reminder.id, due + LEASE)


def test_a_claim_takes_at_most_limit_rows(storage: Storage) -> None:
    for chat_id in range(1, 6):
        _patient_with_appointment(storage, chat_id)
    due = NOW + timedelta(hours=1)
    batches = [storage.reminder_queue.claim_due(due, "one", LEASE, limit=2) for _ in range(4)]
    assert [len(b) for b in batches] == [2, 2, 1, 0]
    assert len({c.reminder.id for b in batches for c in b}) == 5


def test_release_for_retry(storage: Storage) -> None:
    _patient_with_appointment(storage)
    due = NOW + timedelta(hours=1)
    (claimed,) = storage.reminder_queue.claim_due(due, "one", LEASE)
    assert storage.reminder_queue.release_reminder(
        claimed.reminder.id, "one", due + timedelta(seconds=30), "RetryLater"
    )
    assert storage.reminder_queue.next_due(LEASE) == due + timedelta(seconds=30)
    assert storage.reminder_queue.claim_due(due + timedelta(seconds=29), "one", LEASE) == []
    assert len(storage.reminder_queue.claim_due(due + timedelta(seconds=30), "one", LEASE)) == 1


def test_miss_counts(storage: Storage) -> None:
    for day in (date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 2)):
        storage.count_miss(day)
    assert storage.miss_counts(date(2026, 11, 1)) == [(date(2026, 11, 1), 1), (date(2026, 11, 2), 2)]
    assert storage.miss_counts(date(2026, 11, 2)) == [(date(2026, 11, 2), 2)]


def test_export_delete_and_purge(storage: Storage) -> None:
    appt_id = _patient_with_appointment(storage, chat_id=1)
    _patient_with_appointment(storage, chat_id=2, start=timedelta(days=40))
    exported = storage.export_chat(1)
    assert exported["patient"]["chat_id"] == 1
    assert [a["id"] for a in exported["appointments"]] == [appt_id]
    assert len(exported["reminders"]) == 2 and exported["appointments"][0]["start_at"].endswith("+00:00")
    assert storage.purge_appointments(NOW + timedelta(days=33), days=30) == {"reminders": 2, "appointments": 1}
    assert storage.delete_chat(2) == {
        "reminders": 2,
        "appointments": 1,
        "patients": 1,
        "patient_identifiers": 0,
        "dialogs": 0,
        "outbox": 0,
        "enrolments": 0,
        "audit_references": 0,
        "inbox_messages": 0,
        "inbox_threads": 0,
    }
    exported = storage.export_chat(2)
    assert exported["patient"] is None and not any(exported.values())
    assert {"appointments", "reminders", "dialogs", "enrolments", "hospital_patient_numbers", "inbox_threads"} <= set(
        exported
    )


def test_hash_chat_id_hides_the_id() -> None:
    hashed = hash_chat_id(123456789)
    assert "123456789" not in hashed and hashed == hash_chat_id(123456789) != hash_chat_id(123456780)


def test_sqlite_directory_is_created(tmp_path: object) -> None:
    from pathlib import Path

    from bot.storage import open_storage

    base = Path(str(tmp_path)) / "deep" / "data"
    store = open_storage(f"sqlite:///{base / 'bot.db'}")
    assert (base / "bot.db").exists() and store.schema_version() == len(MIGRATIONS)
    store.close()


def test_dialog_state_is_exported_deleted_and_expires(storage: Storage) -> None:
    dialogs = storage.dialogs
    dialogs.save("chat", "7", '{"appointment_draft": {"step": "when"}}', NOW, chat_id=7)
    assert dialogs.load_one("chat", "7", NOW + timedelta(hours=1)) is not None
    assert dialogs.load_one("chat", "7", NOW + timedelta(hours=25)) is None  # expired
    assert [d["kind"] for d in storage.export_chat(7)["dialogs"]] == ["chat"]
    assert storage.delete_chat(7)["dialogs"] == 1
    dialogs.save("chat", "8", "{}", NOW, chat_id=8)
    assert dialogs.take_update(1, NOW) and not dialogs.take_update(1, NOW)
    assert dialogs.purge(NOW + timedelta(days=2)) == {"seen_updates": 1, "dialog_state": 1}
