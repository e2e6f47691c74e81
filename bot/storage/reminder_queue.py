"""The reminders' send queue (`Storage.reminder_queue`): due reminders claimed, sent once, recorded.

The bot's `ReminderService` claims due reminders (`bot.storage.claims`: two instances never claim the
same row), records each outcome, and gives a reminder back to be retried. Adding, moving and cancelling
reminders, and reading them, are `Storage`'s methods.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, update

from bot.storage import schema as s
from bot.storage.claims import claim_rows
from bot.storage.records import ClaimedReminder, ReminderStatus
from bot.storage.rows import appointment_row, reminder_row
from bot.storage.types import as_utc_or_none, require_aware


class ReminderQueue:
    """Claiming due reminders and recording what became of them, over the bot's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def next_due(self, lease: timedelta) -> datetime | None:
        """When the sender should wake next: the earliest open reminder (or expired claim), or None."""
        r = s.reminders.c
        with self.engine.connect() as conn:
            pending = conn.execute(
                select(func.min(func.coalesce(r.retry_at, r.due_at))).where(r.status == "pending")
            ).scalar_one()
            claimed = conn.execute(select(func.min(r.claimed_at)).where(r.status == "sending")).scalar_one()
        pending_at, claimed_at = as_utc_or_none(pending), as_utc_or_none(claimed)
        times = [pending_at, claimed_at + lease if claimed_at is not None else None]
        present = [t for t in times if t is not None]
        return min(present) if present else None

    def claim_due(self, now: datetime, claimer: str, lease: timedelta, limit: int = 50) -> list[ClaimedReminder]:
        """Atomically claim up to `limit` reminders that are due (or whose claim expired) for `claimer`.

        See bot.storage.claims: two instances never claim the same row.
        """
        require_aware(now)
        r = s.reminders.c
        claimable = or_(
            and_(r.status == "pending", func.coalesce(r.retry_at, r.due_at) <= now),
            and_(r.status == "sending", r.claimed_at <= now - lease),
        )
        with self.engine.begin() as conn:
            ids = claim_rows(conn, s.reminders, claimable, (r.due_at, r.id), limit, claimer, now)
            if not ids:
                return []
            rows = conn.execute(
                select(s.reminders, s.appointments, s.patients.c.language, s.patients.c.active)
                .join(s.appointments, s.appointments.c.id == r.appointment_id)
                .join(s.patients, s.patients.c.chat_id == s.appointments.c.chat_id)
                .where(r.id.in_(ids), r.status == "sending", r.claimed_by == claimer, r.claimed_at == now)
                .order_by(r.due_at, r.id)
            ).all()
        claimed = []
        for row in rows:
            m = row._mapping
            reminder = reminder_row({c.name: m[c] for c in s.reminders.c})
            appointment = appointment_row({c.name: m[c] for c in s.appointments.c})
            claimed.append(
                ClaimedReminder(reminder, appointment, str(m[s.patients.c.language]), bool(m[s.patients.c.active]))
            )
        return claimed

    def finish_reminder(
        self, reminder_id: int, claimer: str, status: ReminderStatus, now: datetime, error: str | None = None
    ) -> bool:
        """Record the outcome of a claimed reminder (sent, skipped or failed); False if no longer ours."""
        require_aware(now)
        values: dict[str, Any] = {"status": status, "error": error, "claimed_by": None}
        if status == "sent":
            values["sent_at"] = now
        return self._update_claimed(reminder_id, claimer, values)

    def release_reminder(self, reminder_id: int, claimer: str, retry_at: datetime, error: str) -> bool:
        """Give a claimed reminder back as pending, to be retried at `retry_at`."""
        require_aware(retry_at)
        values = {"status": "pending", "retry_at": retry_at, "error": error, "claimed_by": None, "claimed_at": None}
        return self._update_claimed(reminder_id, claimer, values)

    def _update_claimed(self, reminder_id: int, claimer: str, values: dict[str, Any]) -> bool:
        r = s.reminders.c
        with self.engine.begin() as conn:
            result = conn.execute(
                update(s.reminders)
                .where(r.id == reminder_id, r.status == "sending", r.claimed_by == claimer)
                .values(**values)
            )
        return result.rowcount > 0
