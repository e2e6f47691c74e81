"""An .ics calendar entry for an appointment (icalendar package)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from bot.localized import in_lang
from bot.reminders.rules import ReminderRules
from bot.storage.records import Appointment

# The folder gives durations for some scans; an hour is a safe block in a calendar for all types.
DEFAULT_DURATION = timedelta(hours=1)


def appointment_ics(appointment: Appointment, rules: ReminderRules, now: datetime, lang: str = "nl") -> bytes:
    """The appointment as an iCalendar file (UTC times, one alarm the day before)."""
    if now.tzinfo is None:
        raise ValueError("aware datetimes only")
    type_rules = rules.for_type(appointment.type)
    label = in_lang(type_rules.label, lang)
    calendar = Calendar()
    calendar.add("prodid", "-//Amsterdam UMC HPB//levermetastasen-bot//NL")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@levermetastasen-bot")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", appointment.start_at.astimezone(UTC))
    event.add("dtend", appointment.start_at.astimezone(UTC) + DEFAULT_DURATION)
    event.add("summary", rules.text(lang, "ics_summary").format(type=label))
    if type_rules.folder_facts:
        event.add("description", type_rules.folder_facts)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", label)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
