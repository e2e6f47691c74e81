"""Routing by the clock: office hours, holidays, DST, and the spreekuur."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clock import AMSTERDAM
from bot.content.model import Content
from bot.triage.levels import Level
from bot.triage.routing import route, spreekuur_status


def ams(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("now", "office"),
    [
        (ams(2026, 4, 24, 16, 59), True),  # Friday 16:59
        (ams(2026, 4, 24, 17, 0), False),  # Friday 17:00
        (ams(2026, 4, 20, 7, 59), False),  # Monday 07:59
        (ams(2026, 4, 20, 8, 0), True),  # Monday 08:00
        (ams(2026, 4, 27, 10, 0), False),  # Koningsdag, a Monday
        (ams(2025, 4, 26, 10, 0), False),  # 2025: the 27th is a Sunday, so Saturday 26th (closed anyway)
        (ams(2031, 4, 26, 10, 0), False),  # 2031: the 27th is a Sunday
        (ams(2026, 12, 25, 10, 0), False),  # Christmas, a Friday
        (ams(2026, 12, 24, 10, 0), True),  # Christmas Eve is a working day
        (ams(2026, 3, 28, 12, 0), False),  # Saturday before summer time
    ],
)
def test_office_hours_boundaries(content: Content, now: dt.datetime, office: bool) -> None:
    routing = route(Level.URGENT, now, content)
    assert routing.office_open is office
    assert routing.roles == (("spoedlijn" if office else "huisartsenpost"), "alarmnummer")


def test_koningsdag_moves_to_saturday_26th_when_27th_is_sunday(content: Content) -> None:
    # In 2025 the 27th is a Sunday; the holiday is Saturday the 26th; Monday 28th is a working day.
    assert route(Level.URGENT, ams(2025, 4, 28, 9, 0), content).office_open


@pytest.mark.parametrize(
    ("utc", "office"),
    [
        # Summer time starts Sunday 29 March 2026: Monday 30 March 08:00 CEST is 06:00 UTC.
        (dt.datetime(2026, 3, 30, 5, 59, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC), True),
        (dt.datetime(2026, 3, 27, 15, 59, tzinfo=dt.UTC), True),  # Friday before, CET: 16:59
        (dt.datetime(2026, 3, 27, 16, 0, tzinfo=dt.UTC), False),
        # Winter time starts Sunday 25 October 2026: Monday 26 October 08:00 CET is 07:00 UTC.
        (dt.datetime(2026, 10, 26, 6, 59, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 10, 26, 7, 0, tzinfo=dt.UTC), True),
        (dt.datetime(2026, 10, 23, 14, 59, tzinfo=dt.UTC), True),  # Friday before, CEST: 16:59
        (dt.datetime(2026, 10, 23, 15, 0, tzinfo=dt.UTC), False),
    ],
)
def test_dst_changes(content: Content, utc: dt.datetime, office: bool) -> None:
    assert route(Level.URGENT, utc, content).office_open is office


def test_dst_change_nights_are_closed(content: Content) -> None:
    # 02:30 on 29 March does not exist and 02:30 on 25 October happens twice; both Sundays, closed.
    assert not route(Level.SEH, dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), content).office_open
    assert not route(Level.SEH, dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), content).office_open


def test_order_per_level(content: Content) -> None:
    office, night = ams(2026, 4, 22, 11, 0), ams(2026, 4, 22, 23, 0)
    assert route(Level.URGENT, office, content).roles == ("spoedlijn", "alarmnummer")
    assert route(Level.SEH, office, content).roles == ("seh", "spoedlijn", "alarmnummer")
    assert route(Level.SEH, night, content).roles == ("seh", "huisartsenpost", "alarmnummer")
    assert route(Level.EMERGENCY, office, content).roles[0] == "alarmnummer"
    assert route(Level.EMERGENCY, night, content).roles == ("alarmnummer", "huisartsenpost", "seh")
    assert route(Level.NONE, office, content).roles == ("spreekuur",)


def test_every_alarm_carries_112(content: Content) -> None:
    for level in (Level.URGENT, Level.SEH, Level.EMERGENCY):
        for hour in range(24):
            assert "alarmnummer" in route(level, ams(2026, 12, 25, hour, 0), content).roles


def test_naive_datetime_is_refused(content: Content) -> None:
    with pytest.raises(ValueError, match="aware"):
        route(Level.URGENT, dt.datetime(2026, 1, 5, 9, 0), content)  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("now", "open_now", "next_open"),
    [
        (ams(2026, 4, 20, 10, 0), True, None),  # Monday 10:00
        (ams(2026, 4, 20, 11, 59), True, None),
        (ams(2026, 4, 20, 12, 0), False, ams(2026, 4, 21, 10, 0)),  # then Tuesday
        (ams(2026, 4, 21, 12, 30), False, ams(2026, 4, 23, 10, 0)),  # no spreekuur on Wednesday
        (ams(2026, 4, 24, 13, 0), False, ams(2026, 4, 28, 10, 0)),  # Friday -> Koningsdag Monday -> Tuesday
        (ams(2026, 12, 24, 13, 0), False, ams(2026, 12, 28, 10, 0)),  # Christmas Friday 25th
        (ams(2026, 3, 28, 9, 0), False, ams(2026, 3, 30, 10, 0)),  # across the switch to summer time
        (ams(2026, 4, 20, 9, 59), False, ams(2026, 4, 20, 10, 0)),
    ],
)
def test_spreekuur_status(content: Content, now: dt.datetime, open_now: bool, next_open: dt.datetime | None) -> None:
    status = spreekuur_status(now, content)
    assert status.open_now is open_now
    assert status.next_open == next_open
    if status.next_open is not None:
        assert status.next_open.utcoffset() == next_open.utcoffset() if next_open else True


def test_none_routing_carries_spreekuur_status(content: Content) -> None:
    routing = route(Level.NONE, ams(2026, 3, 28, 9, 0), content)
    assert routing.spreekuur is not None
    assert routing.spreekuur.next_open == ams(2026, 3, 30, 10, 0)
    assert routing.spreekuur.next_open.utcoffset() == dt.timedelta(hours=2)
