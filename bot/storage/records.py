"""Plain records the storage returns. No SQL here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

AppointmentType = Literal["ct", "mri", "pet", "leverpunctie", "uitslag", "overig"]
APPOINTMENT_TYPES: tuple[AppointmentType, ...] = ("ct", "mri", "pet", "leverpunctie", "uitslag", "overig")
Source = Literal["patient", "staff"]
SOURCES: tuple[Source, ...] = ("patient", "staff")
# 'sending' is a claimed reminder in flight; the others are the states the issue names.
ReminderStatus = Literal["pending", "sending", "sent", "skipped", "failed"]


@dataclass(frozen=True)
class Patient:
    """A chat that uses the bot."""

    chat_id: int
    language: str
    consent_at: datetime | None
    broadcasts_enabled: bool
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Appointment:
    """An appointment of a patient; `start_at` is aware UTC."""

    id: int
    chat_id: int
    type: AppointmentType
    start_at: datetime
    source: Source
    external_id: str | None
    created_at: datetime
    cancelled_at: datetime | None = None

    @property
    def cancelled(self) -> bool:
        """Whether the appointment was cancelled."""
        return self.cancelled_at is not None


@dataclass(frozen=True)
class Reminder:
    """One reminder of one appointment, by one rule (unique per appointment and rule)."""

    id: int
    appointment_id: int
    rule: str
    due_at: datetime
    status: ReminderStatus
    attempts: int = 0
    retry_at: datetime | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    read_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class ClaimedReminder:
    """A reminder claimed for sending, with what is needed to send it."""

    reminder: Reminder
    appointment: Appointment
    language: str
    patient_active: bool


# -- staff tools: enrolment, broadcasts, outbox, audit (migration 2) ---------------------------

OutboxStatus = Literal["queued", "sending", "sent", "failed", "blocked", "skipped"]
RedeemOutcome = Literal["ok", "unknown", "used", "expired"]
BroadcastKind = Literal["text", "chapter", "updated"]


@dataclass(frozen=True)
class Enrolment:
    """A one-time enrolment code (only its sha256 is stored) and, once redeemed, the chat it links."""

    id: int
    code_hash: str
    created_at: datetime
    expires_at: datetime
    created_by: int | None
    redeemed_at: datetime | None
    chat_id: int | None


@dataclass(frozen=True)
class Redemption:
    """What redeeming a code did: the outcome, how many waiting appointments moved to the chat, how many were refused."""

    outcome: RedeemOutcome
    appointments: int = 0
    refused: int = 0  # waiting appointments that could not be planned (audited for staff)


@dataclass(frozen=True)
class Broadcast:
    """One confirmed broadcast: what (text or chapters + content version), to whom, by whom."""

    id: int
    created_at: datetime
    created_by: int | None
    kind: BroadcastKind
    text: str | None
    chapter_ids: tuple[str, ...]
    content_version: str | None
    audience: str
    urgent: bool
    recipients: int
    status: Literal["sending", "done"]
    report_chat_id: int | None
    finished_at: datetime | None


@dataclass(frozen=True)
class ClaimedOutbox:
    """An outbox row claimed for sending, with the recipient's language and whether they still want it."""

    id: int
    broadcast_id: int
    chat_id: int
    attempts: int
    language: str
    deliverable: bool


@dataclass(frozen=True)
class BroadcastSummary:
    """The end report of a broadcast."""

    broadcast: Broadcast
    sent: int
    failed: int
    blocked: int
    skipped: int

    @property
    def duration_seconds(self) -> float:
        """From confirmation to the last message."""
        end = self.broadcast.finished_at or self.broadcast.created_at
        return (end - self.broadcast.created_at).total_seconds()


@dataclass(frozen=True)
class AuditEntry:
    """One audited staff action. `chat_id` is cleared when that chat's data is deleted."""

    id: int
    at: datetime
    actor: int | None
    action: str
    detail: str
    broadcast_id: int | None = None
    chat_id: int | None = None
