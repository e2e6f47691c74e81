"""Working time for the team's questions: how long one has waited in office hours, and when an answer is due.

Pure functions of aware datetimes and the content's `office_hours` (Dutch public holidays closed), so
the patient's promise, the console's waiting times and the staff notices all count the same hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.clock import AMSTERDAM, local
from bot.content.model import WeeklyHours
from bot.triage.routing import is_holiday, is_open

# Enough for a question left over a summer; a longer wait is shown as this much (and it is flagged anyway).
_MAX_DAYS = 400


def working_day(day: date, hours: WeeklyHours) -> bool:
    """True when the team works on `day` (one of the office days, not a holiday)."""
    return day.weekday() in hours.days and not is_holiday(day, hours.holidays)


def working_time(start: datetime, end: datetime, hours: WeeklyHours) -> timedelta:
    """The office time between `start` and `end` (aware): what a question waited in the team's hours."""
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    first, last = local(start).date(), local(end).date()
    day = first
    while day <= last and (day - first).days <= _MAX_DAYS:
        if working_day(day, hours):
            opens = datetime.combine(day, hours.start, tzinfo=AMSTERDAM)
            closes = datetime.combine(day, hours.end, tzinfo=AMSTERDAM)
            overlap = min(end, closes) - max(start, opens)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def answer_due(asked: datetime, hours: WeeklyHours, working_days: int) -> date:
    """The day by which the team promises an answer: `working_days` working days after the day it is read.

    A question asked on a working day before closing is read that day; one asked later (an evening, a
    weekend, a holiday) is read on the next working day. Tuesday 10:30 with 2 days gives Thursday;
    Friday 18:00 gives Wednesday.
    """
    when = local(asked)
    day = when.date()
    if not (working_day(day, hours) and when.time() < hours.end):
        day = _next_working_day(day, hours)
    for _ in range(working_days):
        day = _next_working_day(day, hours)
    return day


def office_slot(now: datetime, hours: WeeklyHours, every_hours: int) -> datetime | None:
    """The start of the office-hours interval `now` falls in (every `every_hours` from opening), or None
    outside office hours. Staff get at most one notice per interval."""
    if not is_open(hours, now):
        return None
    when = local(now)
    opens = datetime.combine(when.date(), hours.start, tzinfo=AMSTERDAM)
    step = timedelta(hours=every_hours)
    return opens + step * ((when - opens) // step)


def _next_working_day(day: date, hours: WeeklyHours) -> date:
    for _ in range(_MAX_DAYS):
        day += timedelta(days=1)
        if working_day(day, hours):
            return day
    return day
