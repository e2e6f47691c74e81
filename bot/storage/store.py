"""`Storage`: every SQL statement of the bot, behind typed methods (SQLAlchemy Core, sync).

The command line calls them directly; async code never does: it goes through
`bot.storage.offload.Offload`, which runs each call in a thread with a deadline. The staff tools'
and the console's queries are classes of their own over the same engine, reached as attributes
(`storage.staff`, `storage.console`, `storage.dialogs`, `storage.budget`); what they share is in `rows.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.storage import schema as s
from bot.storage.chat_rows import delete_chat_rows, export_chat_rows
from bot.storage.console_queries import ConsoleQueries
from bot.storage.dialogs import DialogStore
from bot.storage.engine import make_engine
from bot.storage.inbox_delivery import InboxDelivery
from bot.storage.inbox_queries import InboxQueries
from bot.storage.migrations import current_version, migrate
from bot.storage.outbox_queries import OutboxQueries
from bot.storage.records import Appointment, AppointmentType, Patient, Reminder, ReminderStatus, Source
from bot.storage.reminder_queue import ReminderQueue
from bot.storage.rows import (
    appointment_row,
    dialect_insert,
    insert_reminders,
    patient_row,
    reminder_row,
)
from bot.storage.send_budget import SendBudgetQueries
from bot.storage.signals import REMINDERS, notify
from bot.storage.staff_queries import StaffQueries
from bot.storage.types import require_aware


class DuplicateExternalId(ValueError):
    """An appointment with this external id exists already."""


class UnknownPatient(LookupError):
    """No patient with this chat id."""


class Storage:
    """All database access. Construct with an engine, then call `migrate()` (or use `open_storage`).

    Patients, appointments, reminders, unanswered-question counts and the privacy export and deletion
    are methods here; the rest are query classes over the same engine, reached as attributes:
    `staff` (enrolment, broadcasts, outbox, audit), `console` (the staff console's queries),
    `dialogs` (dialog state shared by instances), `inbox` (questions to the team) and `budget` (the instances'
    shares of the send budget).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.staff = StaffQueries(engine)
        self.console = ConsoleQueries(engine)
        self.dialogs = DialogStore(engine)
        self.inbox = InboxQueries(engine)
        self.budget = SendBudgetQueries(engine)
        self.outbox = OutboxQueries(engine)
        self.inbox_delivery = InboxDelivery(engine)
        self.reminder_queue = ReminderQueue(engine)

    # -- schema ---------------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply pending migrations (idempotent); return the numbers applied now."""
        return migrate(self.engine)

    def schema_version(self) -> int:
        """The highest applied migration number."""
        with self.engine.connect() as conn:
            return current_version(conn)

    def ping(self) -> bool:
        """True when the database answers a trivial query (the health check)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    # -- patients -------------------------------------------------------------------------------

    def upsert_patient(self, chat_id: int, language: str, now: datetime, consent_at: datetime | None = None) -> Patient:
        """Create the patient or update language (and consent time when given); reactivates the chat."""
        require_aware(now)
        with self.engine.begin() as conn:
            values: dict[str, Any] = {"language": language, "active": True}
            if consent_at is not None:
                values["consent_at"] = consent_at
            stmt = (
                dialect_insert(conn)(s.patients)
                .values(
                    chat_id=chat_id,
                    language=language,
                    consent_at=consent_at,
                    broadcasts_enabled=True,
                    active=True,
                    created_at=now,
                )
                .on_conflict_do_update(index_elements=[s.patients.c.chat_id], set_=values)
            )
            conn.execute(stmt)
            row = conn.execute(select(s.patients).where(s.patients.c.chat_id == chat_id)).one()
        return patient_row(row._mapping)

    def get_patient(self, chat_id: int) -> Patient | None:
        """The patient with this chat id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.patients).where(s.patients.c.chat_id == chat_id)).first()
        return patient_row(row._mapping) if row else None

    def patient_languages(self) -> list[tuple[int, str]]:
        """(chat id, language) of every patient: the bot's language cache at start-up."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.patients.c.chat_id, s.patients.c.language)).all()
        return [(int(chat_id), str(language)) for chat_id, language in rows]

    def set_language(self, chat_id: int, language: str) -> bool:
        """Change the patient's language; False when unknown."""
        return self._update_patient(chat_id, language=language)

    def set_active(self, chat_id: int, active: bool) -> bool:
        """Mark a chat (in)active, e.g. inactive when it blocked the bot; False when unknown."""
        return self._update_patient(chat_id, active=active)

    def set_broadcasts_enabled(self, chat_id: int, enabled: bool) -> bool:
        """Switch broadcasts for a chat; False when unknown."""
        return self._update_patient(chat_id, broadcasts_enabled=enabled)

    def _update_patient(self, chat_id: int, **values: Any) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(update(s.patients).where(s.patients.c.chat_id == chat_id).values(**values))
        return result.rowcount > 0

    # -- appointments ---------------------------------------------------------------------------

    def add_appointment(
        self,
        chat_id: int,
        type: AppointmentType,
        start_at: datetime,
        source: Source,
        now: datetime,
        external_id: str | None = None,
        reminders: Iterable[tuple[str, datetime]] = (),
    ) -> Appointment:
        """Insert an appointment and its reminders in one transaction."""
        require_aware(start_at)
        require_aware(now)
        with self.engine.begin() as conn:
            if conn.execute(select(s.patients.c.chat_id).where(s.patients.c.chat_id == chat_id)).first() is None:
                raise UnknownPatient(chat_id)
            if external_id is not None and any(
                conn.execute(select(table.c.id).where(table.c.external_id == external_id)).first()
                for table in (s.appointments, s.pending_appointments)  # one waiting for a code counts too
            ):
                raise DuplicateExternalId(external_id)
            try:
                new_id = conn.execute(
                    insert(s.appointments)
                    .values(
                        chat_id=chat_id,
                        type=type,
                        start_at=start_at,
                        source=source,
                        external_id=external_id,
                        created_at=now,
                    )
                    .returning(s.appointments.c.id)
                ).scalar_one()
            except IntegrityError as exc:  # a racing insert of the same external id
                raise DuplicateExternalId(external_id or "") from exc
            insert_reminders(conn, new_id, reminders)
            notify(conn, REMINDERS)
            row = conn.execute(select(s.appointments).where(s.appointments.c.id == new_id)).one()
        return appointment_row(row._mapping)

    def reschedule_appointment(
        self, appointment_id: int, start_at: datetime, reminders: Iterable[tuple[str, datetime]]
    ) -> Appointment | None:
        """Move an appointment; its unsent reminders are replaced by `reminders`. None when unknown."""
        require_aware(start_at)
        with self.engine.begin() as conn:
            found = conn.execute(
                update(s.appointments)
                .where(s.appointments.c.id == appointment_id, s.appointments.c.cancelled_at.is_(None))
                .values(start_at=start_at)
            ).rowcount
            if not found:
                return None
            conn.execute(
                delete(s.reminders).where(
                    s.reminders.c.appointment_id == appointment_id, s.reminders.c.status == "pending"
                )
            )
            # Rules already sent or skipped for the old time are not repeated (unique key).
            insert_reminders(conn, appointment_id, reminders)
            notify(conn, REMINDERS)
            row = conn.execute(select(s.appointments).where(s.appointments.c.id == appointment_id)).one()
        return appointment_row(row._mapping)

    def get_appointment(self, appointment_id: int) -> Appointment | None:
        """The appointment with this id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.appointments).where(s.appointments.c.id == appointment_id)).first()
        return appointment_row(row._mapping) if row else None

    def appointment_by_external_id(self, external_id: str) -> Appointment | None:
        """The appointment imported with this external id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.appointments).where(s.appointments.c.external_id == external_id)).first()
        return appointment_row(row._mapping) if row else None

    def list_appointments(
        self, chat_id: int | None = None, after: datetime | None = None, include_cancelled: bool = False
    ) -> list[Appointment]:
        """Appointments by start time, optionally of one chat and/or starting after `after`."""
        query = select(s.appointments).order_by(s.appointments.c.start_at, s.appointments.c.id)
        if chat_id is not None:
            query = query.where(s.appointments.c.chat_id == chat_id)
        if after is not None:
            require_aware(after)
            query = query.where(s.appointments.c.start_at > after)
        if not include_cancelled:
            query = query.where(s.appointments.c.cancelled_at.is_(None))
        with self.engine.connect() as conn:
            return [appointment_row(r._mapping) for r in conn.execute(query)]

    def cancel_appointment(self, appointment_id: int, now: datetime) -> bool:
        """Cancel the appointment and skip its unsent reminders; False when unknown or cancelled already."""
        require_aware(now)
        with self.engine.begin() as conn:
            found = conn.execute(
                update(s.appointments)
                .where(s.appointments.c.id == appointment_id, s.appointments.c.cancelled_at.is_(None))
                .values(cancelled_at=now)
            ).rowcount
            if found:
                conn.execute(
                    update(s.reminders)
                    .where(s.reminders.c.appointment_id == appointment_id, s.reminders.c.status == "pending")
                    .values(status="skipped", error="cancelled")
                )
                notify(conn, REMINDERS)
        return found > 0

    # -- reminders ------------------------------------------------------------------------------

    def reminders_of(self, appointment_id: int) -> list[Reminder]:
        """All reminders of an appointment, by due time."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.reminders)
                .where(s.reminders.c.appointment_id == appointment_id)
                .order_by(s.reminders.c.due_at, s.reminders.c.id)
            )
            return [reminder_row(r._mapping) for r in rows]

    def get_reminder(self, reminder_id: int) -> Reminder | None:
        """The reminder with this id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.reminders).where(s.reminders.c.id == reminder_id)).first()
        return reminder_row(row._mapping) if row else None

    def count_reminders(self, status: ReminderStatus | None = None) -> int:
        """How many reminders (with this status)."""
        query = select(func.count()).select_from(s.reminders)
        if status is not None:
            query = query.where(s.reminders.c.status == status)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def mark_read(self, reminder_id: int, now: datetime) -> bool:
        """Record that the patient tapped "Gelezen"; False when unknown."""
        require_aware(now)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(s.reminders)
                .where(s.reminders.c.id == reminder_id, s.reminders.c.read_at.is_(None))
                .values(read_at=now)
            )
        return result.rowcount > 0

    def bulk_insert_reminders(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many reminder rows at once (benchmarks and imports); rows need every column value."""
        with self.engine.begin() as conn:
            conn.execute(insert(s.reminders), list(rows))
            notify(conn, REMINDERS)

    # -- questions the search could not answer -------------------------------------------------

    def count_miss(self, day: date, n: int = 1) -> None:
        """Add `n` to the count of unanswered questions on `day` (no question text is stored)."""
        with self.engine.begin() as conn:
            stmt = dialect_insert(conn)(s.miss_counts).values(day=day, count=n)
            stmt = stmt.on_conflict_do_update(
                index_elements=[s.miss_counts.c.day], set_={"count": s.miss_counts.c.count + n}
            )
            conn.execute(stmt)

    def miss_counts(self, since: date) -> list[tuple[date, int]]:
        """Unanswered questions per day from `since` on, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.miss_counts.c.day, s.miss_counts.c.count)
                .where(s.miss_counts.c.day >= since)
                .order_by(s.miss_counts.c.day)
            )
            return [(r[0], int(r[1])) for r in rows]

    # -- privacy (AVG/GDPR) ---------------------------------------------------------------------

    def delete_chat(self, chat_id: int) -> dict[str, int]:
        """Delete everything stored about a chat; return the number of rows deleted per table."""
        with self.engine.begin() as conn:
            return delete_chat_rows(conn, chat_id)

    def export_chat(self, chat_id: int) -> dict[str, Any]:
        """Everything stored about a chat, as JSON-ready data (times as ISO 8601 UTC)."""
        with self.engine.connect() as conn:
            return export_chat_rows(conn, chat_id)

    def purge_appointments(self, now: datetime, days: int) -> dict[str, int]:
        """Delete appointments (and their reminders) that started more than `days` days before `now`."""
        require_aware(now)
        if days < 1:  # 0 or less would delete upcoming appointments: never a retention setting
            raise ValueError(f"retention must be at least 1 day, not {days}")
        cutoff = now - timedelta(days=days)
        with self.engine.begin() as conn:
            ids = select(s.appointments.c.id).where(s.appointments.c.start_at < cutoff)
            reminders = conn.execute(delete(s.reminders).where(s.reminders.c.appointment_id.in_(ids))).rowcount
            appointments = conn.execute(delete(s.appointments).where(s.appointments.c.start_at < cutoff)).rowcount
        return {"reminders": reminders, "appointments": appointments}


def open_storage(url: str, connect_args: dict[str, Any] | None = None) -> Storage:
    """Create the engine for `url`, apply migrations and return the Storage."""
    storage = Storage(make_engine(url, connect_args))
    storage.migrate()
    return storage
