from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.clock import AMSTERDAM
from bot.reminders.parsing import parse_appointment_time

# Friday 20 November 2026, 12:00 in Amsterdam.
NOW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
# Wednesday 20 November 2030 (10 December 2030 is a Tuesday).
NOW_2030 = datetime(2030, 11, 20, 11, 0, tzinfo=UTC)

OK = [
    ("3 december 9:30", NOW, "2026-12-03 09:30"),
    ("3-12 om 9.30", NOW, "2026-12-03 09:30"),
    ("morgen 14:00", NOW, "2026-11-21 14:00"),
    ("di 10 dec 13.15 uur", NOW_2030, "2030-12-10 13:15"),
    ("dinsdag 10 december om 13:15", NOW_2030, "2030-12-10 13:15"),
    ("10/12/2026 08:45", NOW, "2026-12-10 08:45"),
    ("10.12.2026 08:45", NOW, "2026-12-10 08:45"),
    ("overmorgen om half tien", NOW, "2026-11-22 09:30"),
    ("volgende week dinsdag om 11 uur", NOW, "2026-11-24 11:00"),
    ("maandag 9u", NOW, "2026-11-23 09:00"),
    ("tomorrow 2pm", NOW, "2026-11-21 14:00"),
    ("morgen om 2 uur", NOW, "2026-11-21 14:00"),
    ("morgen kwart over tien", NOW, "2026-11-21 10:15"),
    ("morgen kwart voor elf", NOW, "2026-11-21 10:45"),
    ("tien over half tien morgen", NOW, "2026-11-21 09:40"),
    ("3 dec half 3", NOW, "2026-12-03 14:30"),
    ("12-1 om 11u", NOW, "2027-01-12 11:00"),
    ("volgende week woensdag half 2", NOW, "2026-11-25 13:30"),
    ("donderdag 10 december 13:15", NOW, "2026-12-10 13:15"),
    ("december 10 at 1:15 pm", NOW, "2026-12-10 13:15"),
    ("next friday at 9", NOW, "2026-11-27 09:00"),
    ("over 2 weken om 10 uur", NOW, "2026-12-04 10:00"),
    ("10 dec 19:00", NOW, "2026-12-10 19:00"),
    ("3 december 's middags om 3 uur", NOW, "2026-12-03 15:00"),
    ("3 december om 8 uur 's ochtends", NOW, "2026-12-03 08:00"),
    ("Maandag 23 november 08:00", NOW, "2026-11-23 08:00"),
    ("23-11-26 om 13.00", NOW, "2026-11-23 13:00"),
    ("vrijdag 27 nov. 10u30", NOW, "2026-11-27 10:30"),
    ("morgen om tien uur", NOW, "2026-11-21 10:00"),
    ("1 januari 9:00", NOW, "2027-01-01 09:00"),
    ("the 3rd of december at 10:00", NOW, "2026-12-03 10:00"),
    ("vandaag 16:00", NOW, "2026-11-20 16:00"),
]


@pytest.mark.parametrize(("text", "now", "expected"), OK)
def test_phrasings(text: str, now: datetime, expected: str) -> None:
    parsed = parse_appointment_time(text, now)
    assert parsed.status == "ok", parsed
    assert parsed.when is not None and parsed.when.tzinfo is not None
    assert parsed.when.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M") == expected


def test_at_least_thirty_phrasings() -> None:
    assert len(OK) >= 30


@pytest.mark.parametrize("text", ["kwart over tien", "kwart voor elf", "om 2 uur"])
def test_time_without_day_asks_the_day(text: str) -> None:
    parsed = parse_appointment_time(text, NOW)
    assert parsed.status == "ambiguous" and parsed.question == "ask_day"
    assert parsed.candidates and all(c > NOW for c in parsed.candidates)
    answered = parse_appointment_time(text, NOW, day=date(2026, 12, 3))
    assert answered.status == "ok" and answered.when is not None and answered.when.day == 3


def test_date_without_time_asks_the_time() -> None:
    parsed = parse_appointment_time("10 december", NOW)
    assert parsed.status == "ambiguous" and parsed.question == "ask_time" and parsed.day == date(2026, 12, 10)
    assert parsed.question_text("nl") == "Hoe laat is de afspraak?"


@pytest.mark.parametrize("text", ["3 december om 7 uur", "morgen 7:30", "morgen half acht"])
def test_seven_is_ambiguous(text: str) -> None:
    parsed = parse_appointment_time(text, NOW)
    assert parsed.status == "ambiguous" and parsed.question == "ask_which"
    assert sorted(c.astimezone(AMSTERDAM).hour for c in parsed.candidates) in ([7, 19],)


def test_weekday_that_does_not_match_the_date() -> None:
    parsed = parse_appointment_time("dinsdag 10 december 13:15", NOW)  # a Thursday in 2026
    assert parsed.status == "ambiguous" and parsed.question == "check_weekday"


@pytest.mark.parametrize("text", ["1 januari 2020 10:00", "vandaag 10:00", "19-11-2026 10:00"])
def test_past(text: str) -> None:
    assert parse_appointment_time(text, NOW).reason == "past"


@pytest.mark.parametrize("text", ["blabla", "", "31-02 10:00", "morgen 25:00", "3 december of zo"])
def test_unreadable(text: str) -> None:
    parsed = parse_appointment_time(text, NOW)
    assert parsed.status == "error" and parsed.reason == "unreadable"


def test_day_first_and_next_occurrence() -> None:
    parsed = parse_appointment_time("10/12 om 10:00", NOW)
    assert parsed.when is not None and (parsed.when.month, parsed.when.day) == (12, 10)
    earlier = parse_appointment_time("1-11 om 10:00", NOW)  # 1 November has passed: next year
    assert earlier.when is not None and earlier.when.year == 2027
