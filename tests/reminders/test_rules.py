from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM
from bot.reminders.dates import example_when, format_when
from bot.reminders.loader import load_reminder_rules
from bot.reminders.parsing import parse_appointment_time
from bot.reminders.rules import QuietHours, ReminderRules, outside_quiet_hours, reminder_moments
from bot.reminders.texts import render_reminder
from bot.storage.records import Appointment

YAML = Path(__file__).resolve().parents[2] / "schedules" / "reminders.yaml"


def ams(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def local_moments(rules: ReminderRules, kind: str, start: datetime, now: datetime) -> list[tuple[str, str]]:
    return [
        (rule, due.astimezone(AMSTERDAM).strftime("%d-%m %H:%M"))
        for rule, due in reminder_moments(rules, kind, start, now)
    ]


def test_shipped_file_has_every_type(rules: ReminderRules) -> None:
    assert set(rules.types) == {"ct", "mri", "pet", "leverpunctie", "uitslag", "overig"}
    assert rules.for_type("mri").chapter == "mri-scan"
    assert "metaal" in (rules.for_type("mri").folder_facts or "")


def test_the_defaults_quiet_hours_are_the_broadcasts_too(rules: ReminderRules) -> None:
    assert rules.quiet_hours == QuietHours(time(21, 0), time(8, 0))
    assert rules.for_type("ct").quiet_hours == rules.quiet_hours


def test_folder_facts_must_be_verbatim(tmp_path: Path) -> None:
    text = YAML.read_text(encoding="utf-8")
    _, problems = load_reminder_rules(YAML, folder_text="Dit gebeurt onder lokale verdoving.")
    assert problems and all("word for word" in p.message for p in problems)
    assert any(p.line > 0 for p in problems)
    bad = tmp_path / "reminders.yaml"
    bad.write_text(
        text.replace('at: "18:00"', 'at: "25:00"').replace("chapter: pet-scan", "chapter: pet"), encoding="utf-8"
    )
    rules, problems = load_reminder_rules(bad)
    assert rules is None
    messages = {p.line: p.message for p in problems}
    lines = text.splitlines()
    assert any("HH:MM" in m for m in messages.values())
    assert any("unknown chapter id" in m for m in messages.values())
    at_line = next(i for i, line in enumerate(lines, 1) if 'at: "18:00"' in line)
    assert at_line in messages and all(p.file == str(bad) for p in problems)


def test_bad_yaml_and_placeholders(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("defaults: [\n", encoding="utf-8")
    rules, problems = load_reminder_rules(bad)
    assert rules is None and problems[0].line >= 1
    text = YAML.read_text(encoding="utf-8").replace("{type} is op {when}", "{type} is op {wanneer}")
    bad.write_text(text, encoding="utf-8")
    _, problems = load_reminder_rules(bad)
    assert len(problems) == 1 and "wanneer" in problems[0].message


def test_site_preparation_needs_review(tmp_path: Path) -> None:
    text = YAML.read_text(encoding="utf-8").replace(
        "    chapter: null\n",
        "    chapter: null\n    site_preparation:\n      text: {nl: Neem uw medicijnen mee., en: Bring your medicines.}\n",
    )
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_reminder_rules(path)
    assert {"reviewed_by", "reviewed_on"} <= {
        m for p in problems for m in ("reviewed_by", "reviewed_on") if m in p.message
    }
    path.write_text(
        text.replace(
            "Bring your medicines.}\n",
            "Bring your medicines.}\n      reviewed_by: casemanager\n      reviewed_on: 2026-01-15\n",
        ),
        encoding="utf-8",
    )
    rules, problems = load_reminder_rules(path)
    assert problems == [] and rules is not None
    appt = Appointment(3, 1, "overig", ams(2026, 12, 1, 10, 0).astimezone(UTC), "staff", None, ams(2026, 11, 1))
    html, _ = render_reminder(rules, appt, 9, "nl")
    assert "Neem uw medicijnen mee." in html and "Voorbereiding" in html


def test_default_moments(rules: ReminderRules) -> None:
    start = ams(2026, 12, 10, 13, 15)
    assert local_moments(rules, "mri", start, ams(2026, 11, 1, 12, 0)) == [
        ("day-before", "09-12 18:00"),
        ("two-hours-before", "10-12 11:15"),
    ]


def test_moments_already_past_are_left_out(rules: ReminderRules) -> None:
    start = ams(2026, 12, 10, 13, 15)
    assert local_moments(rules, "ct", start, ams(2026, 12, 9, 20, 0)) == [("two-hours-before", "10-12 11:15")]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # 2 h before 08:30 is 06:30, quiet: the end of the quiet hours (08:00) is nearer and still before.
        (ams(2026, 12, 10, 8, 30), [("day-before", "09-12 18:00"), ("two-hours-before", "10-12 08:00")]),
        # 2 h before 07:30 is 05:30; 08:00 is after the appointment, so 21:00 the evening before.
        (ams(2026, 12, 10, 7, 30), [("day-before", "09-12 18:00"), ("two-hours-before", "09-12 21:00")]),
        # 2 h before 23:30 is 21:30 -> back to 21:00.
        (ams(2026, 12, 10, 23, 30), [("day-before", "09-12 18:00"), ("two-hours-before", "10-12 21:00")]),
    ],
)
def test_quiet_hours(rules: ReminderRules, start: datetime, expected: list[tuple[str, str]]) -> None:
    assert local_moments(rules, "ct", start, ams(2026, 11, 1, 12, 0)) == expected


def test_quiet_hours_skip_when_nothing_fits() -> None:
    quiet = QuietHours(time(21, 0), time(8, 0))
    start = ams(2026, 12, 10, 21, 10)
    assert outside_quiet_hours(ams(2026, 12, 10, 21, 5).astimezone(UTC), start, quiet) == ams(2026, 12, 10, 21, 0)
    assert outside_quiet_hours(ams(2026, 12, 10, 21, 5), ams(2026, 12, 10, 20, 59), quiet) is None


@pytest.mark.parametrize(
    ("start", "day_before_utc", "two_hours_utc"),
    [
        # Last Sunday of March 2026 (29th): clocks go 02:00 -> 03:00. Saturday 18:00 is CET (UTC+1).
        (ams(2026, 3, 29, 10, 0), datetime(2026, 3, 28, 17, 0, tzinfo=UTC), datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
        # Monday after: Sunday 18:00 is already CEST (UTC+2).
        (ams(2026, 3, 30, 10, 0), datetime(2026, 3, 29, 16, 0, tzinfo=UTC), datetime(2026, 3, 30, 6, 0, tzinfo=UTC)),
        # Last Sunday of October 2026 (25th): 03:00 -> 02:00. Saturday 18:00 is CEST.
        (ams(2026, 10, 25, 10, 0), datetime(2026, 10, 24, 16, 0, tzinfo=UTC), datetime(2026, 10, 25, 7, 0, tzinfo=UTC)),
        (ams(2026, 10, 26, 10, 0), datetime(2026, 10, 25, 17, 0, tzinfo=UTC), datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),
    ],
)
def test_dst_changes(rules: ReminderRules, start: datetime, day_before_utc: datetime, two_hours_utc: datetime) -> None:
    moments = dict(reminder_moments(rules, "ct", start, ams(2026, 1, 1, 0, 0)))
    assert moments["day-before"] == day_before_utc
    assert moments["day-before"].astimezone(AMSTERDAM).hour == 18
    assert moments["two-hours-before"] == two_hours_utc


def test_dutch_and_english_dates() -> None:
    when = ams(2024, 12, 10, 13, 15).astimezone(UTC)
    assert format_when(when, "nl") == "dinsdag 10 december, 13:15"
    assert format_when(when, "en") == "Tuesday 10 December, 13:15"
    # "vandaag" and "morgen" where they apply, so nobody has to work out which day it is
    assert format_when(when, "nl", ams(2024, 12, 10, 8, 0)) == "vandaag, 13:15"
    assert format_when(when, "nl", ams(2024, 12, 9, 23, 59)) == "morgen, dinsdag 10 december, 13:15"
    assert format_when(when, "en", ams(2024, 12, 9, 8, 0)) == "tomorrow, Tuesday 10 December, 13:15"
    assert format_when(when, "nl", ams(2024, 12, 8, 8, 0)) == "dinsdag 10 december, 13:15"


def test_the_example_date_is_a_coming_working_day_the_parser_reads() -> None:
    for offset in range(400):
        now = ams(2026, 1, 1, 23, 30) + timedelta(days=offset)
        for lang in ("nl", "en"):
            example = example_when(now, lang)
            parsed = parse_appointment_time(example, now)
            assert parsed.status == "ok" and parsed.when is not None, (now, example)
            day = parsed.when.astimezone(AMSTERDAM)
            assert day.weekday() < 5 and 1 <= (day.date() - now.date()).days <= 3 and day.hour == 10


def test_render_reminder(rules: ReminderRules) -> None:
    appt = Appointment(5, 1, "mri", ams(2024, 12, 10, 13, 15).astimezone(UTC), "staff", None, ams(2024, 11, 1))
    html, keyboard = render_reminder(rules, appt, 77, "nl")
    assert "uw MRI-scan is op dinsdag 10 december, 13:15" in html
    assert "alle voorwerpen van metaal uit of af te doen" in html
    data = [b.callback_data for row in keyboard for b in row]
    assert data == ["rem:read:77", "ch:mri-scan", "rem:move:5"]
    labels = [b.label for row in keyboard for b in row]
    assert labels[0] == "Gelezen" and labels[2] == "Afspraak verzetten?"
    html_en, keyboard_en = render_reminder(rules, appt, 77, "en")
    assert "Tuesday 10 December, 13:15" in html_en and "metaal" in html_en  # folder facts stay Dutch
    assert keyboard_en[0][0].label == "Read"
    for kind, chapter in [
        ("ct", "ch:ct-scan"),
        ("pet", "ch:pet-scan"),
        ("leverpunctie", "ch:leverpunctie"),
        ("uitslag", "ch:uitslag"),
    ]:
        other = Appointment(5, 1, kind, appt.start_at, "staff", None, appt.created_at)  # type: ignore[arg-type]
        assert chapter in [b.callback_data for row in render_reminder(rules, other, 1, "nl")[1] for b in row]
    overig = Appointment(5, 1, "overig", appt.start_at, "staff", None, appt.created_at)
    assert len(render_reminder(rules, overig, 1, "nl")[1]) == 2


def test_every_time_function_needs_aware(rules: ReminderRules) -> None:
    with pytest.raises(ValueError, match="aware"):
        reminder_moments(rules, "ct", datetime(2026, 12, 1, 10), ams(2026, 1, 1))  # noqa: DTZ001
    assert timedelta(0) == timedelta(0)


@pytest.mark.parametrize(
    "start",
    [
        datetime(9999, 12, 31, 23, 30, tzinfo=AMSTERDAM),  # its quiet hours end on 1 January 10000
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),  # its local day is already past the calendar
        datetime(1, 1, 1, 9, 0, tzinfo=UTC),  # "the day before" is before the calendar
    ],
)
def test_planning_never_overflows_at_the_ends_of_the_calendar(rules: ReminderRules, start: datetime) -> None:
    # Issue 25, finding 1: a stored "open end" 9999-12-31 made every enrolment with it fail.
    now = datetime(1, 1, 1, 0, 0, tzinfo=UTC)
    for kind in rules.types:
        assert all(due < start for _, due in reminder_moments(rules, kind, start, now))
