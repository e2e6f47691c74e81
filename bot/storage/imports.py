"""Writing an appointment import in one transaction: every addition, move and cancellation, or none.

That covers appointments of chats and those waiting for an enrolment code (`pending_appointments`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.storage import schema as s
from bot.storage.records import AppointmentType
from bot.storage.rows import insert_reminders
from bot.storage.signals import REMINDERS, notify
from bot.storage.store import Storage
from bot.storage.types import require_aware


class ImportConflict(RuntimeError):
    """The database changed between checking and writing an import; nothing was written."""


@dataclass(frozen=True)
class NewAppointment:
    """An appointment to insert, with its reminder moments (rule, due UTC)."""

    chat_id: int
    type: AppointmentType
    start_at: datetime
    external_id: str
    reminders: Sequence[tuple[str, datetime]]


@dataclass(frozen=True)
class Reschedule:
    """A known appointment that moves; its unsent reminders are replaced."""

    appointment_id: int
    chat_id: int
    start_at: datetime
    reminders: Sequence[tuple[str, datetime]]


@dataclass(frozen=True)
class NewPending:
    """An appointment to keep for an enrolment code that is not redeemed yet."""

    enrolment_id: int
    type: AppointmentType
    start_at: datetime
    external_id: str


@dataclass(frozen=True)
class PendingMove:
    """A waiting appointment that moves."""

    pending_id: int
    start_at: datetime


def import_appointments(
    storage: Storage,
    adds: Sequence[NewAppointment],
    moves: Sequence[Reschedule],
    now: datetime,
    *,
    cancels: Sequence[int] = (),
    waiting: Sequence[NewPending] = (),
    waiting_moves: Sequence[PendingMove] = (),
    waiting_drops: Sequence[int] = (),
) -> None:
    """Apply a whole import in one transaction; ImportConflict (and no change) when a row no longer fits."""
    require_aware(now)
    with storage.engine.begin() as conn:
        for new in adds:
            require_aware(new.start_at)
            if conn.execute(select(s.patients.c.chat_id).where(s.patients.c.chat_id == new.chat_id)).first() is None:
                raise ImportConflict(f"chat {new.chat_id} is no longer known")
            if _external_id_taken(conn, new.external_id):
                raise ImportConflict(f"external_id {new.external_id!r} was added meanwhile")
            new_id = conn.execute(
                insert(s.appointments)
                .values(
                    chat_id=new.chat_id,
                    type=new.type,
                    start_at=new.start_at,
                    source="staff",
                    external_id=new.external_id,
                    created_at=now,
                )
                .returning(s.appointments.c.id)
            ).scalar_one()
            insert_reminders(conn, new_id, new.reminders)
        for move in moves:
            require_aware(move.start_at)
            found = conn.execute(
                update(s.appointments)
                .where(
                    s.appointments.c.id == move.appointment_id,
                    s.appointments.c.chat_id == move.chat_id,
                    s.appointments.c.cancelled_at.is_(None),
                )
                .values(start_at=move.start_at)
            ).rowcount
            if not found:
                raise ImportConflict(f"appointment {move.appointment_id} was cancelled or deleted meanwhile")
            conn.execute(
                delete(s.reminders).where(
                    s.reminders.c.appointment_id == move.appointment_id, s.reminders.c.status == "pending"
                )
            )
            insert_reminders(conn, move.appointment_id, move.reminders)
        for appointment_id in cancels:
            a, r = s.appointments.c, s.reminders.c
            if not conn.execute(
                update(s.appointments).where(a.id == appointment_id, a.cancelled_at.is_(None)).values(cancelled_at=now)
            ).rowcount:
                raise ImportConflict(f"appointment {appointment_id} was cancelled or deleted meanwhile")
            conn.execute(
                update(s.reminders)
                .where(r.appointment_id == appointment_id, r.status == "pending")
                .values(status="skipped", error="cancelled")
            )
        _write_waiting(conn, now, waiting, waiting_moves, waiting_drops)
        if adds or moves or cancels:
            notify(conn, REMINDERS)


def _external_id_taken(conn: Connection, external_id: str) -> bool:
    """Whether an appointment, or one waiting for an enrolment, has this external id."""
    for table in (s.appointments, s.pending_appointments):
        if conn.execute(select(table.c.id).where(table.c.external_id == external_id)).first() is not None:
            return True
    return False


def _write_waiting(
    conn: Connection,
    now: datetime,
    waiting: Sequence[NewPending],
    moves: Sequence[PendingMove],
    drops: Sequence[int],
) -> None:
    p, e = s.pending_appointments.c, s.enrolments.c
    for new in waiting:
        require_aware(new.start_at)
        open_code = select(e.id).where(e.id == new.enrolment_id, e.redeemed_at.is_(None), e.expires_at > now)
        if conn.execute(open_code).first() is None:
            raise ImportConflict(f"enrolment {new.enrolment_id} was used or expired meanwhile")
        if _external_id_taken(conn, new.external_id):
            raise ImportConflict(f"external_id {new.external_id!r} was added meanwhile")
        conn.execute(
            insert(s.pending_appointments).values(
                enrolment_id=new.enrolment_id,
                type=new.type,
                start_at=new.start_at,
                external_id=new.external_id,
                created_at=now,
            )
        )
    for move in moves:
        require_aware(move.start_at)
        if not conn.execute(
            update(s.pending_appointments).where(p.id == move.pending_id).values(start_at=move.start_at)
        ).rowcount:
            raise ImportConflict(f"waiting appointment {move.pending_id} moved to its patient meanwhile")
    for pending_id in drops:
        conn.execute(delete(s.pending_appointments).where(p.id == pending_id))
