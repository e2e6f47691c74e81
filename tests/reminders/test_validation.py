"""The one validation of an appointment (bot.reminders.validation) and bounded JSON (bot.boundedjson)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import boundedjson
from bot.clock import AMSTERDAM
from bot.reminders.validation import (
    PAST,
    TOO_FAR,
    Refusal,
    check_chat_id,
    check_external_id,
    check_new,
    check_start,
    check_type,
    read_time,
)

NOW = datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2027-03-28 02:30", "does not exist"),
        ("0001-01-01 00:00", "must be 'YYYY-MM-DD HH:MM'"),
        ("10-12-2026 10:00", "must be 'YYYY-MM-DD HH:MM'"),
        ("2026-12-10 10:00 extra", "must be 'YYYY-MM-DD HH:MM'"),
    ],
)
def test_a_time_that_cannot_be_read_or_does_not_exist(text: str, problem: str) -> None:
    result = read_time(text)
    assert isinstance(result, Refusal) and problem in result.message


def test_past_and_far() -> None:
    assert check_start(datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM), NOW) == PAST
    assert check_start(datetime(2028, 12, 1, 10, 0, tzinfo=AMSTERDAM), NOW) is None
    assert check_start(datetime(2029, 1, 1, tzinfo=UTC), NOW) == TOO_FAR
    assert check_start(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), NOW) == TOO_FAR


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("123456789", True), ("0", False), ("-5", False), ("4503599627370496", False), ("9" * 400, False), ("١٢٣", False)],
)
def test_chat_ids(raw: str, ok: bool) -> None:
    assert isinstance(check_chat_id(raw), int) is ok


@pytest.mark.parametrize(
    ("raw", "ok"), [("HIX-1", True), ("x" * 100, True), ("x" * 101, False), ("A\x07B", False), ("A\u200eB", False)]
)
def test_external_ids(raw: str, ok: bool) -> None:
    assert (check_external_id(raw) is None) is ok


def test_check_new_reports_every_problem() -> None:
    assert check_type(" MRI ") == "mri" and isinstance(check_type("scan"), Refusal)
    problems = check_new("scan", "2062-01-01 10:00", "x" * 101, NOW)
    assert isinstance(problems, list) and len(problems) == 3
    assert check_new("ct", "2026-12-20 10:00", "", NOW) == ("ct", datetime(2026, 12, 20, 10, tzinfo=AMSTERDAM), None)


def test_bounded_json() -> None:
    assert boundedjson.loads(b'\xef\xbb\xbf{"a": [[["[[[[ inside a string"]]]}', 4) == {
        "a": [[["[[[[ inside a string"]]]
    }
    with pytest.raises(boundedjson.JsonTooDeep):
        boundedjson.loads(b"[" * 5 + b"]" * 5, 4)
    with pytest.raises(boundedjson.JsonTooDeep):
        boundedjson.loads(b"[" * 100_000 + b"]" * 100_000, 32)
    with pytest.raises(ValueError):
        boundedjson.loads(b"{not json", 32)
