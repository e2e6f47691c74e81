"""Who to call, by level and by the clock. Pure functions of the level, `now` and the content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

from bot.clock import AMSTERDAM
from bot.content.model import Contact, Content, WeeklyHours
from bot.triage.levels import Level

# Roles are the contact ids in content/contacts.yaml; the numbers themselves live only there.
ALARMNUMMER = "alarmnummer"
SPOEDLIJN = "spoedlijn"
HUISARTSENPOST = "huisartsenpost"
SEH = "seh"
SPREEKUUR = "spreekuur"
ROLES = (ALARMNUMMER, SPOEDLIJN, HUISARTSENPOST, SEH, SPREEKUUR)
# How far ahead to look for the next spreekuur; long enough for Christmas plus a weekend.
_LOOKAHEAD_DAYS = 21


@dataclass(frozen=True)
class RoutedContact:
    """A contact with the role it plays in this reply."""

    role: str
    contact: Contact


@dataclass(frozen=True)
class SpreekuurStatus:
    """Whether the verpleegkundig telefonisch spreekuur is open now, and else when it next opens."""

    open_now: bool
    next_open: dt.datetime | None


@dataclass(frozen=True)
class Routing:
    """Ordered contacts for one level at one moment (most important first)."""

    level: Level
    at: dt.datetime
    office_open: bool
    contacts: tuple[RoutedContact, ...]
    spreekuur: SpreekuurStatus | None = None

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles in order, e.g. ("spoedlijn", "alarmnummer")."""
        return tuple(c.role for c in self.contacts)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_holiday(day: dt.date, country: str | None) -> bool:
    """True when `day` is a public holiday in `country` (None: never)."""
    return country is not None and day in _holidays(country, day.year)


def _local(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("routing needs an aware datetime")
    return now.astimezone(AMSTERDAM)


def is_open(hours: WeeklyHours, now: dt.datetime) -> bool:
    """True when `now` (aware) falls in `hours`, in Amsterdam time; holidays count as closed."""
    local = _local(now)
    return (
        local.weekday() in hours.days
        and hours.start <= local.time() < hours.end
        and not is_holiday(local.date(), hours.holidays)
    )


def office_open(now: dt.datetime, content: Content) -> bool:
    """Within kantooruren (content/contacts.yaml `office_hours`)?"""
    return is_open(content.office_hours, now)


def spreekuur_status(now: dt.datetime, content: Content) -> SpreekuurStatus:
    """Open now, or the next opening time (aware, Amsterdam) within three weeks."""
    hours = content.spreekuur
    if is_open(hours, now):
        return SpreekuurStatus(True, None)
    local = _local(now)
    for offset in range(_LOOKAHEAD_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        if day.weekday() not in hours.days or is_holiday(day, hours.holidays):
            continue
        opening = dt.datetime.combine(day, hours.start, tzinfo=AMSTERDAM)
        if opening > local:
            return SpreekuurStatus(False, opening)
    return SpreekuurStatus(False, None)


def route(level: Level, now: dt.datetime, content: Content) -> Routing:
    """The contacts for `level` at `now`.

    Alarm levels: during office hours the spoedlijn first, outside them the huisartsenpost;
    `seh` (fever above 38,5 °C, really urgent complaints) puts the SEH VUmc first, as the folder sends
    those to it at any hour; `emergency` puts 112 first; every alarm carries 112.
    `none`: the verpleegkundig telefonisch spreekuur, with its opening status.
    """
    is_office = office_open(now, content)
    at = _local(now)
    if level is Level.NONE:
        return Routing(level, at, is_office, _contacts(content, [SPREEKUUR]), spreekuur_status(now, content))
    first = SPOEDLIJN if is_office else HUISARTSENPOST
    if level is Level.EMERGENCY:
        roles = [ALARMNUMMER, first, SEH]
    elif level is Level.SEH:
        roles = [SEH, first, ALARMNUMMER]
    else:
        roles = [first, ALARMNUMMER]
    return Routing(level, at, is_office, _contacts(content, roles))


def _contacts(content: Content, roles: list[str]) -> tuple[RoutedContact, ...]:
    # A missing contact is reported by `missing_contacts` at content check; the reply never fails on it.
    return tuple(RoutedContact(role, content.contacts[role]) for role in roles if role in content.contacts)
