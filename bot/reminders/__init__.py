"""Appointments and reminders: rules as data, pure scheduling, a service over storage, a thin PTB timer."""

from bot.reminders.ics import appointment_ics
from bot.reminders.loader import load_reminder_rules
from bot.reminders.parsing import ParsedTime, parse_appointment_time
from bot.reminders.rules import ReminderRules, reminder_moments
from bot.reminders.service import BatchReport, ReminderService
from bot.reminders.texts import render_reminder

__all__ = [
    "BatchReport",
    "ParsedTime",
    "ReminderRules",
    "ReminderService",
    "appointment_ics",
    "load_reminder_rules",
    "parse_appointment_time",
    "reminder_moments",
    "render_reminder",
]
