"""Migration 2 tables (enrolments, pending appointments, broadcasts, outbox, audit) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import Storage
from bot.storage.staff_queries import DuplicatePendingExternalId

NOW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def _moments(kind: str, start: datetime) -> list[tuple[str, datetime]]:
    return [("day-before", start - timedelta(days=1))]


def _subscriber(storage: Storage, chat_id: int, **flags: bool) -> None:
    storage.upsert_patient(chat_id, "nl", NOW, consent_at=NOW)
    if flags.get("off"):
        storage.set_broadcasts_enabled(chat_id, False)
    if flags.get("inactive"):
        storage.set_active(chat_id, False)


def test_enrolment_round_trip_moves_waiting_appointments(storage: Storage) -> None:
    enrolment = storage.staff.create_enrolment("h" * 64, 42, NOW, NOW + timedelta(days=14))
    storage.staff.add_pending_appointment(enrolment.id, "mri", NOW + timedelta(days=5), NOW, "EXT-1")
    storage.staff.add_pending_appointment(enrolment.id, "ct", NOW + timedelta(hours=1), NOW)  # passes before redemption
    with pytest.raises(DuplicatePendingExternalId):
        storage.staff.add_pending_appointment(enrolment.id, "ct", NOW + timedelta(days=6), NOW, "EXT-1")
    later = NOW + timedelta(days=1)
    assert storage.staff.redeem_enrolment("h" * 64, 555, "en", later, _moments).outcome == "ok"
    patient = storage.get_patient(555)
    assert patient is not None and patient.consent_at == later and patient.language == "en"
    [appt] = storage.list_appointments(chat_id=555)
    assert appt.type == "mri" and appt.external_id == "EXT-1" and appt.source == "staff"
    assert [r.rule for r in storage.reminders_of(appt.id)] == ["day-before"]
    assert storage.staff.pending_appointments_of(enrolment.id) == 0
    # The reminder service's claim joins appointments to patients: the moved reminder is claimable.
    claimed = storage.reminder_queue.claim_due(NOW + timedelta(days=4, hours=1), "r", LEASE)
    assert [c.appointment.chat_id for c in claimed] == [555]
    assert storage.staff.redeem_enrolment("h" * 64, 556, "nl", later, _moments).outcome == "used"
    assert storage.get_patient(556) is None


def test_refused_codes_change_nothing(storage: Storage) -> None:
    storage.staff.create_enrolment("e" * 64, None, NOW - timedelta(days=15), NOW - timedelta(days=1))
    assert storage.staff.redeem_enrolment("e" * 64, 7, "nl", NOW, _moments).outcome == "expired"
    assert storage.staff.redeem_enrolment("x" * 64, 7, "nl", NOW, _moments).outcome == "unknown"
    assert storage.get_patient(7) is None
    assert storage.staff.purge_enrolments(NOW) == 1
    assert storage.staff.enrolment_by_hash("e" * 64) is None


def test_broadcast_audience_and_unique_rows(storage: Storage) -> None:
    for chat in (1, 2, 3, 4):
        _subscriber(storage, chat, off=chat == 3, inactive=chat == 4)
    storage.upsert_patient(5, "nl", NOW)  # no consent
    storage.add_appointment(2, "mri", NOW + timedelta(days=3), "staff", NOW)
    assert storage.staff.count_audience("all", NOW) == 2
    assert storage.staff.count_audience("type:mri", NOW) == 1
    assert storage.staff.count_audience("type:ct", NOW) == 0
    with pytest.raises(ValueError, match="audience"):
        storage.staff.count_audience("type:nonsense", NOW)
    broadcast = storage.staff.create_broadcast(now=NOW, created_by=42, kind="text", audience="all", text="Hallo")
    assert broadcast.recipients == 2 and broadcast.status == "sending"
    assert storage.outbox.counts(broadcast.id) == {"queued": 2}
    [entry] = [e for e in storage.staff.audit_entries() if e.action == "broadcast"]
    assert entry.actor == 42 and entry.broadcast_id == broadcast.id and "2 recipients" in entry.detail


def test_one_broadcast_summary_without_the_list(storage: Storage) -> None:
    for chat in (1, 2):
        _subscriber(storage, chat)
    first = storage.staff.create_broadcast(now=NOW, created_by=1, kind="text", audience="all", text="een")
    second = storage.staff.create_broadcast(now=NOW, created_by=1, kind="text", audience="all", text="twee")
    [claimed, _] = storage.outbox.claim(NOW, "a", LEASE, limit=2)
    storage.outbox.finish(claimed.id, "a", "sent", NOW)
    summary = storage.staff.broadcast_summary(first.id)
    assert summary is not None and summary.broadcast == first and summary.sent == 1
    assert storage.staff.broadcast_summary(second.id) == next(
        s for s in storage.staff.list_broadcasts() if s.broadcast.id == second.id
    )
    assert storage.staff.broadcast_summary(second.id + 1) is None


def test_claim_finish_release_and_report_once(storage: Storage) -> None:
    for chat in (1, 2, 3):
        _subscriber(storage, chat)
    b = storage.staff.create_broadcast(now=NOW, created_by=1, kind="chapter", audience="all", chapter_ids=["mri"])
    claimed = storage.outbox.claim(NOW, "a", LEASE, limit=2)
    assert [c.chat_id for c in claimed] == [1, 2] and all(c.deliverable for c in claimed)
    assert storage.outbox.claim(NOW, "b", LEASE, limit=5)[0].chat_id == 3  # others are taken
    assert storage.outbox.finish(claimed[0].id, "a", "sent", NOW)
    assert not storage.outbox.finish(claimed[1].id, "b", "sent", NOW)  # not b's claim
    assert storage.outbox.release(claimed[1].id, "a", NOW + timedelta(seconds=5))
    assert storage.outbox.claim(NOW, "a", LEASE) == []  # waits until not_before
    assert storage.outbox.next_due(LEASE) == NOW + timedelta(seconds=5)
    again = storage.outbox.claim(NOW + timedelta(seconds=5), "a", LEASE)
    assert [c.chat_id for c in again] == [2]
    storage.outbox.finish(again[0].id, "a", "blocked", NOW)
    assert storage.staff.finish_broadcasts(NOW) == []  # chat 3 is still with "b"
    # "b" died: its claim expires after the lease and the row is claimable again.
    late = NOW + LEASE
    [taken] = storage.outbox.claim(late, "c", LEASE)
    storage.outbox.finish(taken.id, "c", "sent", late)
    [summary] = storage.staff.finish_broadcasts(late)
    assert (summary.sent, summary.blocked, summary.broadcast.id) == (2, 1, b.id)
    assert summary.duration_seconds == LEASE.total_seconds()
    assert storage.staff.finish_broadcasts(late) == []


def test_urgent_only_claims_and_restart_release(storage: Storage) -> None:
    _subscriber(storage, 1)
    storage.staff.create_broadcast(now=NOW, created_by=1, kind="text", audience="all", text="gewoon")
    urgent = storage.staff.create_broadcast(
        now=NOW, created_by=1, kind="text", audience="all", text="dringend", urgent=True
    )
    [row] = storage.outbox.claim(NOW, "a", LEASE, urgent_only=True)
    assert row.broadcast_id == urgent.id
    assert storage.outbox.release_claims("a") == 1
    assert len(storage.outbox.claim(NOW, "a", LEASE)) == 2


def test_delete_and_export_cover_staff_rows(storage: Storage) -> None:
    storage.staff.create_enrolment("d" * 64, 9, NOW, NOW + timedelta(days=14))
    storage.staff.redeem_enrolment("d" * 64, 77, "nl", NOW, _moments)
    storage.staff.create_broadcast(now=NOW, created_by=9, kind="text", audience="all", text="x")
    exported = storage.export_chat(77)
    assert len(exported["enrolments"]) == 1 and exported["broadcast_deliveries"][0]["status"] == "queued"
    assert "code_hash" not in exported["enrolments"][0]
    counts = storage.delete_chat(77)
    assert counts["outbox"] == 1 and counts["enrolments"] == 1 and counts["audit_references"] == 1
    assert all(e.chat_id is None for e in storage.staff.audit_entries())
    assert storage.export_chat(77)["enrolments"] == []
