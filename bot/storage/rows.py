"""What the query classes share: rows as records, and the statements more than one of them writes.

`Storage`, `StaffQueries` and `ConsoleQueries` each run their own transactions over the one engine;
the helpers here take the open connection, so a caller's writes stay in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from bot.storage import schema as s
from bot.storage.records import (
    Appointment,
    AppointmentType,
    Broadcast,
    BroadcastKind,
    Enrolment,
    Patient,
    Reminder,
    ReminderStatus,
    Source,
)


def patient_row(m: Mapping[Any, Any]) -> Patient:
    """A `patients` row as a Patient."""
    return Patient(
        chat_id=int(m["chat_id"]),
        language=m["language"],
        consent_at=m["consent_at"],
        broadcasts_enabled=bool(m["broadcasts_enabled"]),
        active=bool(m["active"]),
        created_at=m["created_at"],
    )


def appointment_row(m: Mapping[Any, Any]) -> Appointment:
    """An `appointments` row as an Appointment."""
    return Appointment(
        id=int(m["id"]),
        chat_id=int(m["chat_id"]),
        type=cast(AppointmentType, m["type"]),
        start_at=m["start_at"],
        source=cast(Source, m["source"]),
        external_id=m["external_id"],
        created_at=m["created_at"],
        cancelled_at=m["cancelled_at"],
    )


def reminder_row(m: Mapping[Any, Any]) -> Reminder:
    """A `reminders` row as a Reminder."""
    return Reminder(
        id=int(m["id"]),
        appointment_id=int(m["appointment_id"]),
        rule=m["rule"],
        due_at=m["due_at"],
        status=cast(ReminderStatus, m["status"]),
        attempts=int(m["attempts"]),
        retry_at=m["retry_at"],
        claimed_by=m["claimed_by"],
        claimed_at=m["claimed_at"],
        sent_at=m["sent_at"],
        read_at=m["read_at"],
        error=m["error"],
    )


def enrolment_row(m: Mapping[Any, Any]) -> Enrolment:
    """An `enrolments` row as an Enrolment."""
    return Enrolment(
        id=int(m["id"]),
        code_hash=m["code_hash"],
        created_at=m["created_at"],
        expires_at=m["expires_at"],
        created_by=m["created_by"],
        redeemed_at=m["redeemed_at"],
        chat_id=m["chat_id"],
    )


def broadcast_row(m: Mapping[Any, Any]) -> Broadcast:
    """A `broadcasts` row as a Broadcast."""
    return Broadcast(
        id=int(m["id"]),
        created_at=m["created_at"],
        created_by=m["created_by"],
        kind=cast(BroadcastKind, m["kind"]),
        text=m["text"],
        chapter_ids=tuple(x for x in (m["chapter_ids"] or "").split(",") if x),
        content_version=m["content_version"],
        audience=m["audience"],
        urgent=bool(m["urgent"]),
        recipients=int(m["recipients"]),
        status=m["status"],
        report_chat_id=m["report_chat_id"],
        finished_at=m["finished_at"],
    )


def plain(row: Row[*tuple[Any, ...]]) -> dict[str, Any]:
    """A row as JSON-ready data (dates and times as ISO 8601), for the privacy export."""
    return {k: v.isoformat() if isinstance(v, datetime | date) else v for k, v in row._mapping.items()}


def dialect_insert(conn: Connection) -> Any:
    """The connection's dialect's INSERT, which has ON CONFLICT (PostgreSQL and SQLite alike)."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def insert_reminders(conn: Connection, appointment_id: int, moments: Iterable[tuple[str, datetime]]) -> None:
    """Add the reminders (rule, due time) of an appointment; a rule it has already is left as it is."""
    rows = [
        {"appointment_id": appointment_id, "rule": rule, "due_at": due, "status": "pending", "attempts": 0}
        for rule, due in moments
    ]
    if rows:
        stmt = dialect_insert(conn)(s.reminders).on_conflict_do_nothing(
            index_elements=[s.reminders.c.appointment_id, s.reminders.c.rule]
        )
        conn.execute(stmt, rows)


def write_audit(
    conn: Connection,
    now: datetime,
    actor: int | None,
    action: str,
    detail: str,
    broadcast_id: int | None = None,
    chat_id: int | None = None,
) -> None:
    """Add an audit entry in the caller's transaction (the bot's staff tools and the console share the log)."""
    conn.execute(
        insert(s.audit_log).values(
            at=now, actor=actor, action=action, detail=detail[:400], broadcast_id=broadcast_id, chat_id=chat_id
        )
    )
