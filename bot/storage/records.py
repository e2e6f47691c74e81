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
