"""Time sources. Every time-dependent function takes `now`; services take a `Clock`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for tests and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time in UTC."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (aware)."""
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        self._now += delta


def local(when: datetime) -> datetime:
    """Return `when` in Europe/Amsterdam."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return when.astimezone(AMSTERDAM)


class NonexistentLocalTime(ValueError):
    """A wall-clock time that does not exist in Amsterdam (skipped when the clocks go forward)."""


def amsterdam_time(naive: datetime) -> datetime:
    """`naive` read as Amsterdam wall-clock time, aware; NonexistentLocalTime in the hour the clocks skip.

    zoneinfo silently shifts such a time (02:30 on the last Sunday of March becomes 03:30); a
    patient's appointment must never move without anyone being asked.
    """
    aware = naive.replace(tzinfo=AMSTERDAM)
    if aware.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != naive.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{naive:%Y-%m-%d %H:%M} does not exist in Amsterdam (the clocks go forward)")
    return aware
