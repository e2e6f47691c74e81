"""`ReminderService`: appointments and their reminders, with the database as the only truth.

Delivery guarantee. Every reminder is a row before it is due; nothing lives only in memory, so a
restart loses none. To send, an instance first claims due rows in one atomic UPDATE
(status 'sending', claimed_by, claimed_at; on PostgreSQL the candidates are picked with
FOR UPDATE SKIP LOCKED, on SQLite the database write lock serialises claims), so two instances on
one database never send the same reminder. After Telegram answers, the row becomes 'sent' in its
own short transaction. Only if the process dies in the instant between Telegram's answer and that
commit does the claim expire (after `lease`, default 10 minutes) and the reminder go out a second
time; that is the only window for a duplicate. A send whose request may have reached Telegram
(its answer did not come in time: `MaybeDelivered`) is recorded as sent with the error
"unconfirmed" and never resent, so a slow Telegram cannot make a copy (at most once). A Blocked chat marks the patient inactive and the
reminder failed; RetryLater and Transient errors put it back to pending with a retry time; any other
send error marks it failed. A reminder that is found due after downtime is still sent when the
appointment is ahead and it is at most `max_late` late; otherwise it is marked skipped and logged.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.observability.pseudonyms import hash_chat_id
from bot.reminders.rules import ReminderRules, reminder_moments
from bot.reminders.texts import render_reminder
from bot.sending import Blocked, MaybeDelivered, MessageSender, RetryLater, SendError, Transient
from bot.storage.offload import Offload
from bot.storage.records import Appointment, AppointmentType, ClaimedReminder, ReminderStatus, Source
from bot.storage.store import Storage

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=10)
TRANSIENT_RETRY = timedelta(minutes=1)
MAX_ATTEMPTS = 5


@dataclass
class BatchReport:
    """What one `run_due` did, by reminder id."""

    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        """How many reminders this batch touched."""
        return len(self.sent) + len(self.skipped) + len(self.failed) + len(self.retry)


class ReminderService:
    """Adds, moves and cancels appointments (with their reminders) and sends reminders that are due."""

    def __init__(
        self,
        storage: Storage,
        rules: ReminderRules,
        sender: MessageSender,
        clock: Clock,
        max_late: timedelta = timedelta(hours=6),
        lease: timedelta = DEFAULT_LEASE,
        batch_size: int = 50,
        instance_id: str | None = None,
        db: Offload | None = None,
    ) -> None:
        self.storage = storage
        self.db = db or Offload()
        self.rules = rules
        self.sender = sender
        self.clock = clock
        self.max_late = max_late
        self.lease = lease
        self.batch_size = batch_size
        self.instance_id = instance_id or uuid.uuid4().hex[:16]

    def add_appointment(
        self,
        chat_id: int,
        type: AppointmentType,
        start_utc: datetime,
        source: Source,
        external_id: str | None = None,
    ) -> Appointment:
        """Store an appointment with the reminders its type's rules give (moments already past are left out)."""
        now = self.clock.now()
        moments = reminder_moments(self.rules, type, start_utc, now)
        return self.storage.add_appointment(chat_id, type, start_utc, source, now, external_id, moments)

    def move_appointment(self, appointment_id: int, start_utc: datetime) -> Appointment | None:
        """Give an appointment a new start time and recompute its unsent reminders; None when unknown."""
        current = self.storage.get_appointment(appointment_id)
        if current is None or current.cancelled:
            return None
        moments = reminder_moments(self.rules, current.type, start_utc, self.clock.now())
        return self.storage.reschedule_appointment(appointment_id, start_utc, moments)

    def cancel_appointment(self, appointment_id: int) -> bool:
        """Cancel an appointment; its unsent reminders are skipped. False when unknown or already cancelled."""
        return self.storage.cancel_appointment(appointment_id, self.clock.now())

    def upcoming(self, chat_id: int, now: datetime) -> list[Appointment]:
        """The chat's appointments that have not started yet and are not cancelled, soonest first."""
        return self.storage.list_appointments(chat_id=chat_id, after=now)

    def mark_read(self, reminder_id: int) -> bool:
        """Record a tap on "Gelezen"."""
        return self.storage.mark_read(reminder_id, self.clock.now())

    def next_due(self) -> datetime | None:
        """When `run_due` has work next (UTC), or None when nothing is pending."""
        return self.storage.reminder_queue.next_due(self.lease)

    async def run_due(self, now: datetime) -> BatchReport:
        """Claim every reminder due at `now` and send, skip or fail each; batches until none are left."""
        report = BatchReport()
        while True:
            claimed = await self.db.claim(
                self.storage.reminder_queue.claim_due, self._unclaim, now, self.instance_id, self.lease, self.batch_size
            )
            for item in claimed:
                await self._deliver(item, now, report)
            if len(claimed) < self.batch_size:
                return report

    def _unclaim(self, items: list[ClaimedReminder]) -> None:
        """Give back reminders claimed by a call nobody waited for any more (storage thread; see Offload.claim)."""
        for item in items:
            self.storage.reminder_queue.release_reminder(
                item.reminder.id, self.instance_id, item.reminder.due_at, "unclaimed"
            )

    def _skip_reason(self, item: ClaimedReminder, now: datetime) -> str | None:
        appointment = item.appointment
        if appointment.cancelled:
            return "cancelled"
        if not item.patient_active:
            return "inactive"
        if appointment.start_at <= now:
            return "appointment-passed"
        if now - item.reminder.due_at > self.max_late:
            return "too-late"
        return None

    async def _finish(self, reminder_id: int, now: datetime, status: ReminderStatus, reason: str | None = None) -> None:
        """Record a reminder's end: sent, skipped or failed (with why)."""
        await self.db.record(
            self.storage.reminder_queue.finish_reminder, reminder_id, self.instance_id, status, now, reason
        )

    async def _deliver(self, item: ClaimedReminder, now: datetime, report: BatchReport) -> None:
        reminder, appointment = item.reminder, item.appointment
        chat = hash_chat_id(appointment.chat_id)
        reason = self._skip_reason(item, now)
        if reason is not None:
            await self._finish(reminder.id, now, "skipped", reason)
            log.info("reminder %d for %s skipped: %s (due %s)", reminder.id, chat, reason, reminder.due_at)
            report.skipped.append(reminder.id)
            return
        html, keyboard = render_reminder(self.rules, appointment, reminder.id, item.language)
        try:
            await self.sender.send_message(appointment.chat_id, html, keyboard)
        except MaybeDelivered:
            await self._finish(reminder.id, now, "sent", "unconfirmed")
            log.warning("reminder %d for %s: Telegram's answer did not come; counted as sent", reminder.id, chat)
            report.sent.append(reminder.id)
        except Blocked:
            await self._finish(reminder.id, now, "failed", "blocked")
            await self.db.record(self.storage.set_active, appointment.chat_id, False)
            log.info("reminder %d: %s blocked the bot; patient marked inactive", reminder.id, chat)
            report.failed.append(reminder.id)
        except (RetryLater, Transient) as exc:
            if reminder.attempts >= MAX_ATTEMPTS:
                await self._finish(reminder.id, now, "failed", type(exc).__name__)
                log.warning("reminder %d for %s failed after %d attempts", reminder.id, chat, reminder.attempts)
                report.failed.append(reminder.id)
                return
            wait = timedelta(seconds=exc.seconds) if isinstance(exc, RetryLater) else TRANSIENT_RETRY
            await self.db.record(
                self.storage.reminder_queue.release_reminder,
                reminder.id,
                self.instance_id,
                now + wait,
                type(exc).__name__,
            )
            log.info("reminder %d for %s: %s, retry in %s", reminder.id, chat, type(exc).__name__, wait)
            report.retry.append(reminder.id)
        except SendError as exc:
            await self._finish(reminder.id, now, "failed", type(exc).__name__)
            log.warning("reminder %d for %s failed: %s", reminder.id, chat, type(exc).__name__)
            report.failed.append(reminder.id)
        else:
            await self._finish(reminder.id, now, "sent")
            log.info("reminder %d sent to %s", reminder.id, chat)
            report.sent.append(reminder.id)
