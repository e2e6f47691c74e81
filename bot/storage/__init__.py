"""Storage: every SQL statement of the bot (SQLAlchemy Core), with numbered migrations."""

from bot.storage.records import (
    APPOINTMENT_TYPES,
    Appointment,
    AppointmentType,
    ClaimedReminder,
    Patient,
    Reminder,
    ReminderStatus,
    Source,
)
from bot.storage.store import DuplicateExternalId, Storage, UnknownPatient, open_storage

__all__ = [
    "APPOINTMENT_TYPES",
    "Appointment",
    "AppointmentType",
    "ClaimedReminder",
    "DuplicateExternalId",
    "Patient",
    "Reminder",
    "ReminderStatus",
    "Source",
    "Storage",
    "UnknownPatient",
    "open_storage",
]
