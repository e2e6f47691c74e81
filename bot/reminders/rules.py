"""Reminder rules as data (from schedules/reminders.yaml) and the pure computation of due times.

Times for people are Europe/Amsterdam; everything returned is aware UTC. A moment "the day before
at 18:00" is built on the local calendar, so it stays 18:00 across both DST changes; a moment
"two hours before" is an absolute duration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.clock import AMSTERDAM, local
from bot.localized import Localized, text_in


@dataclass(frozen=True)
class Moment:
    """When to remind: `days_before` at local time `at`, or `before` (a duration) ahead of the start."""

    id: str
    days_before: int | None = None
    at: time | None = None
    before: timedelta | None = None


@dataclass(frozen=True)
class QuietHours:
    """No messages strictly between `start` and `end` (local time; the window may cross midnight)."""

    start: time
    end: time

    def contains(self, t: time) -> bool:
        """Whether local time `t` lies inside the quiet window (the boundaries themselves are allowed)."""
        if self.start > self.end:  # crosses midnight, e.g. 21:00–08:00
            return t > self.start or t < self.end
        return self.start < t < self.end


@dataclass(frozen=True)
class SitePreparation:
    """A site's own preparation text for one type, kept apart from the folder's words and reviewed."""

    text: Localized[str]
    reviewed_by: str
    reviewed_on: date


@dataclass(frozen=True)
class TypeRules:
    """Everything about reminders for one appointment type."""

    type: str
    label: Localized[str]
    chapter: str | None
    folder_facts: str | None
    moments: tuple[Moment, ...]
    quiet_hours: QuietHours | None
    site_preparation: SitePreparation | None = None


@dataclass(frozen=True)
class ReminderRules:
    """All types' rules plus the template words in each language.

    `quiet_hours` are the defaults' quiet hours: a type without its own keeps them, and non-urgent
    broadcasts wait them out (the bot's outbox and the console read them here, nowhere else).
    """

    types: Mapping[str, TypeRules]
    templates: Mapping[str, Mapping[str, str]]
    quiet_hours: QuietHours | None = None

    def for_type(self, appointment_type: str) -> TypeRules:
        """The rules of a type (the loader guarantees every appointment type is present)."""
        return self.types[appointment_type]

    def text(self, lang: str, key: str) -> str:
        """A template word in `lang`, falling back to Dutch."""
        return text_in(self.templates, key, lang)


def _at_local(day: date, at: time) -> datetime | None:
    """`at` on `day` in Amsterdam as UTC; None at the ends of the calendar (year 1, year 9999)."""
    # zoneinfo resolves a wall time in the DST gap or overlap with fold=0; normalise through UTC.
    try:
        return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(UTC)
    except OverflowError:
        return None


def _days_before(day: date, days: int) -> date | None:
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return None


def moment_time(moment: Moment, start: datetime) -> datetime | None:
    """The unadjusted due time (UTC) of `moment` for an appointment starting at `start`; None off the calendar."""
    if moment.before is not None:
        try:
            return start.astimezone(UTC) - moment.before
        except OverflowError:
            return None
    if moment.days_before is None or moment.at is None:
        raise ValueError(f"moment {moment.id} has neither 'before' nor 'days_before' with 'at'")
    day = _days_before(local(start).date(), moment.days_before)
    return None if day is None else _at_local(day, moment.at)


def outside_quiet_hours(due: datetime, start: datetime, quiet: QuietHours | None) -> datetime | None:
    """Move `due` out of quiet hours to the nearest allowed time still before `start`; None to skip.

    Stored data may hold any date Python can (9999-12-31 as an "open end"): a moment whose window
    would end past the calendar is computed without that end rather than failing.
    """
    due_local = local(due)
    if quiet is None or not quiet.contains(due_local.time().replace(tzinfo=None)):
        return due.astimezone(UTC)
    day = due_local.date()
    # The quiet window around `due` began at `start` on this day or the day before, and ends at `end`.
    began_day = day if quiet.start <= due_local.time() or quiet.start < quiet.end else _days_before(day, 1)
    ends_day = (_days_before(began_day, -1) if quiet.start > quiet.end else began_day) if began_day else None
    earlier = _at_local(began_day, quiet.start) if began_day else None
    later = _at_local(ends_day, quiet.end) if ends_day else None
    candidates = sorted((c for c in (earlier, later) if c is not None and c < start), key=lambda c: abs(c - due))
    return candidates[0] if candidates else None


def reminder_moments(
    rules: ReminderRules, appointment_type: str, start: datetime, now: datetime
) -> list[tuple[str, datetime]]:
    """(rule id, due time UTC) for an appointment, quiet hours applied; moments already past are left out.

    A moment in the past when the appointment is made is dropped rather than sent at once: the
    patient or staff member has just entered the appointment.
    """
    if start.tzinfo is None or now.tzinfo is None:
        raise ValueError("aware datetimes only")
    type_rules = rules.for_type(appointment_type)
    result: list[tuple[str, datetime]] = []
    seen: set[datetime] = set()
    for moment in type_rules.moments:
        try:
            unadjusted = moment_time(moment, start)
            due = None if unadjusted is None else outside_quiet_hours(unadjusted, start, type_rules.quiet_hours)
        except OverflowError:  # a start whose local day is past the calendar's end (9999-12-31 23:30 UTC)
            continue
        if due is None or due <= now or due >= start or due in seen:
            continue
        seen.add(due)
        result.append((moment.id, due))
    return sorted(result, key=lambda item: item[1])
