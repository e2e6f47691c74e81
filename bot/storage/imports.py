"""Writing an appointment import in one transaction: every new appointment and every move, or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from bot.storage import schema as s
from bot.storage.records import AppointmentType
from bot.storage.rows import insert_reminders
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


def import_appointments(
    storage: Storage, adds: Sequence[NewAppointment], moves: Sequence[Reschedule], now: datetime
) -> None:
    """Insert `adds` and apply `moves` in one transaction; ImportConflict (and no change) when a row no longer fits."""
    require_aware(now)
    with storage.engine.begin() as conn:
        for new in adds:
            require_aware(new.start_at)
            if conn.execute(select(s.patients.c.chat_id).where(s.patients.c.chat_id == new.chat_id)).first() is None:
                raise ImportConflict(f"chat {new.chat_id} is no longer known")
            taken = select(s.appointments.c.id).where(s.appointments.c.external_id == new.external_id)
            if conn.execute(taken).first() is not None:
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
