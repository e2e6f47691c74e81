"""Working time, the staff notices once per office-hours interval, and the /metrics figures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.app.inbox_watch import watch_inbox
from bot.clock import AMSTERDAM
from bot.content.model import WeeklyHours
from bot.inbox.hours import answer_due, office_slot, working_time
from bot.inbox.texts import format_age
from tests.chats import Chat
from tests.inbox.conftest import STAFF

OFFICE = WeeklyHours(frozenset(range(5)), time(8), time(17), "NL")


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM)


def test_working_time_counts_office_hours_only() -> None:
    assert working_time(at(1, 7, 30), at(1, 10, 30), OFFICE) == timedelta(hours=2, minutes=30)
    # Friday 16:00 to Monday 09:00: one hour on Friday, one on Monday.
    assert working_time(at(4, 16), at(7, 9), OFFICE) == timedelta(hours=2)
    # Christmas (25 and 26 December, a Friday and a Saturday) counts as closed.
    assert working_time(at(24, 16), at(28, 9), OFFICE) == timedelta(hours=2)
    assert working_time(at(1, 12), at(1, 11), OFFICE) == timedelta(0)
    assert format_age(timedelta(minutes=35), "nl") == "35 minuten"
    assert format_age(timedelta(hours=2, minutes=30), "nl") == "2,5 uur"
    assert format_age(timedelta(hours=2), "en") == "2 hours"


def test_the_answer_is_due_after_working_days_and_holidays() -> None:
    assert answer_due(at(1, 10, 30), OFFICE, 2) == date(2026, 12, 3)  # Tuesday -> Thursday
    assert answer_due(at(4, 18), OFFICE, 2) == date(2026, 12, 9)  # Friday evening: read Monday -> Wednesday
    assert answer_due(at(24, 10), OFFICE, 2) == date(2026, 12, 29)  # Thursday 24th; 25/26 closed, weekend
    assert answer_due(at(27, 10), OFFICE, 1) == date(2026, 12, 29)  # a Sunday: read Monday 28th -> Tuesday


def test_office_slots() -> None:
    assert office_slot(at(1, 10, 30), OFFICE, 2) == at(1, 10)
    assert office_slot(at(1, 9, 59), OFFICE, 2) == at(1, 8)
    assert office_slot(at(1, 17, 30), OFFICE, 2) is None
    assert office_slot(at(5, 10), OFFICE, 2) is None  # Saturday


async def test_opted_in_staff_get_one_notice_per_interval_and_metrics_show_the_wait(chat: Chat) -> None:
    services = chat.assembly.services
    inbox = services.inbox
    assert inbox is not None
    now = chat.clock.now()  # Tuesday 10:30
    services.storage.inbox.open_thread(
        1000, "nl", "none", inbox.cipher.seal("Mag mijn hond mee?"), 1, now - timedelta(hours=2)
    )
    assert await watch_inbox(services) == 0  # nobody asked for notices
    services.storage.inbox_delivery.set_notify(STAFF, True, now)
    assert await watch_inbox(services) == 1
    await chat.fake.wait_until(lambda: bool(chat.fake.messages_to(STAFF)))
    [notice] = chat.fake.messages_to(STAFF)
    assert "1 nieuwe vraag" in notice.body and "2 uur" in notice.body and "/questions" in notice.body
    assert "hond" not in notice.body  # numbers only, never the text
    assert await watch_inbox(services) == 0  # once per interval
    metrics = services.metrics.render().decode()
    assert "bot_team_questions_waiting 1.0" in metrics
    assert "bot_team_question_oldest_age_seconds 7200.0" in metrics
    chat.clock.advance(timedelta(hours=2))
    assert await watch_inbox(services) == 1  # the next interval: still waiting, so again
    chat.clock.advance(timedelta(hours=6))  # 18:30: outside office hours
    assert await watch_inbox(services) == 0
