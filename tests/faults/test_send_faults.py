"""The Bot API fails while the bot answers: 5xx, timeouts, dropped connections and 429s.

A patient's alarm reply must still arrive — once — when the fault clears within the retries; when
it does not (retries exhausted, or a 429 asking for a longer wait than the bot retries), the error
handler runs, the patient gets the spoed lines and 112 if at all possible, and the application
keeps running: the next message is answered normally.

Note: when the alarm reply itself fails, python-telegram-bot goes on with the next handler group,
so the error fallback (spoed + 112) may be followed by the folder's answer to the same text. The
tests accept that second message but require the fallback to come first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.fakeapi.harness import Reply
from bot.fakeapi.models import FaultKind
from tests.chats import PATIENT, RETRY_DELAYS, Chat, faulty_bot

ALARM = "ik moet steeds overgeven"  # an alarm without a question: exactly one reply
QUESTION = "hoe lang duurt de mri"


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Exceptions that reached the event loop (e.g. 'Task exception was never retrieved')."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    yield seen
    loop.set_exception_handler(previous)


def send_attempts(chat: Chat, chat_id: int = PATIENT) -> list[int]:
    """The HTTP status of every sendMessage attempt to `chat_id` (0: no answer, connection dropped)."""
    return [call.status for call in chat.fake.calls("sendMessage") if call.chat_id == chat_id]


def assert_fallback_first(reply: Reply) -> None:
    """The first message has the spoed line and 112; at most the folder's answer follows."""
    assert 1 <= len(reply) <= 2, reply.transcript
    first = reply[0].text or ""
    assert "06 25 71 60 27" in first and "112" in first, reply.transcript


def assert_no_uncaught_errors(caplog: pytest.LogCaptureFixture, loop_errors: list[dict[str, Any]]) -> None:
    uncaught = [r.getMessage() for r in caplog.records if r.name.startswith("telegram") and r.levelno >= logging.ERROR]
    assert not uncaught, uncaught
    assert not loop_errors, loop_errors


@pytest.mark.parametrize(
    ("kind", "count", "retry_after"),
    [
        ("500", 1, 1.0),
        ("502", len(RETRY_DELAYS), 1.0),  # fails on every retry but the last
        ("timeout", 1, 1.0),
        ("close", 2, 1.0),
        ("429", 2, 0.01),  # a short flood wait: retried after retry_after
    ],
)
async def test_alarm_reply_arrives_once_when_the_fault_clears(
    chat: Chat,
    kind: FaultKind,
    count: int,
    retry_after: float,
    caplog: pytest.LogCaptureFixture,
    loop_errors: list[dict[str, Any]],
) -> None:
    chat.fake.fail_next("sendMessage", kind, count, chat_id=PATIENT, retry_after=retry_after)
    reply = await chat.harness.say(PATIENT, ALARM)
    reply.assert_count(1).assert_contains("06 25 71 60 27", "112")
    attempts = send_attempts(chat)
    assert len(attempts) == count + 1 and attempts[-1] == 200, attempts
    assert not chat.fake.stats.duplicates()
    assert not chat.harness.errors
    assert_no_uncaught_errors(caplog, loop_errors)


async def test_alarm_and_question_both_arrive_through_faults(chat: Chat) -> None:
    chat.fake.fail_next("sendMessage", "500", 1, chat_id=PATIENT)
    chat.fake.fail_next("sendMessage", "429", 1, chat_id=PATIENT, retry_after=0.01)
    reply = await chat.harness.say(PATIENT, "Ik heb koorts, wat moet ik doen?")
    reply.assert_count(2)
    assert "112" in (reply[0].text or "")
    assert send_attempts(chat) == [500, 429, 200, 200]


async def test_callback_answer_is_retried(chat: Chat) -> None:
    menu = await chat.harness.command(PATIENT, "start")
    label = menu.labels[0]
    chat.fake.fail_next("answerCallbackQuery", "502", 2)
    await chat.harness.press(PATIENT, label)  # fails unless the query was answered
    statuses = [call.status for call in chat.fake.calls("answerCallbackQuery")]
    assert statuses == [502, 502, 200]


async def test_retries_exhausted_the_safety_layer_still_gives_112(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, loop_errors: list[dict[str, Any]]
) -> None:
    async with faulty_bot(tmp_path, fail_on_handler_errors=False) as chat:
        chat.fake.fail_next("sendMessage", "500", len(RETRY_DELAYS) + 1, chat_id=PATIENT)
        reply = await chat.harness.say(PATIENT, ALARM)
        assert send_attempts(chat)[: len(RETRY_DELAYS) + 1] == [500] * (len(RETRY_DELAYS) + 1)
        assert chat.harness.errors == []  # handled inside the safety layer
        assert "alarm reply not delivered: NetworkError" in caplog.text
        assert_fallback_first(reply)
        reply.assert_count(1)  # the fallback only: never a folder answer in place of the alarm reply
        (await chat.harness.say(PATIENT, QUESTION)).assert_count(1).assert_contains("30 minuten")
        assert chat.assembly.app.running
    assert not loop_errors, loop_errors


async def test_timeouts_on_every_attempt_still_give_the_fallback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with faulty_bot(tmp_path, fail_on_handler_errors=False) as chat:
        chat.fake.fail_next("sendMessage", "timeout", len(RETRY_DELAYS) + 1, chat_id=PATIENT)
        reply = await chat.harness.say(PATIENT, ALARM)
        assert chat.harness.errors == []
        assert "alarm reply not delivered: TimedOut" in caplog.text
        assert_fallback_first(reply)
        (await chat.harness.say(PATIENT, QUESTION)).assert_count(1)


@pytest.mark.parametrize("count", [1, 4])
async def test_a_long_429_does_not_crash_the_app(
    tmp_path: Path, count: int, caplog: pytest.LogCaptureFixture, loop_errors: list[dict[str, Any]]
) -> None:
    """retry_after far beyond RetryingRequest's max_retry_after (10 s): raised at once, not waited for."""
    async with faulty_bot(tmp_path, fail_on_handler_errors=False) as chat:
        chat.fake.fail_next("sendMessage", "429", count, chat_id=PATIENT, retry_after=60)
        reply = await chat.harness.say(PATIENT, ALARM)
        assert chat.harness.errors == []  # handled inside the safety layer
        assert "alarm reply not delivered: RetryAfter" in caplog.text
        assert send_attempts(chat)[:2] == [429, 429 if count > 1 else 200]  # raised at once, not retried
        if count == 1:  # the fallback went through: the patient still sees whom to call
            assert_fallback_first(reply)
            reply.assert_count(1)
        else:  # alarm reply and fallback both rate-limited: logged, and no folder answer instead
            reply.assert_silent()
            assert "alarm fallback not delivered: RetryAfter" in caplog.text
        errors_before = len(chat.harness.errors)
        chat.fake.clear_faults()
        (await chat.harness.say(PATIENT, QUESTION)).assert_count(1).assert_contains("30 minuten")
        (await chat.harness.say(PATIENT + 1, ALARM)).assert_count(1).assert_contains("112")
        assert chat.assembly.app.running
        assert chat.assembly.app.updater is not None and chat.assembly.app.updater.running
        assert len(chat.harness.errors) == errors_before
    assert_no_uncaught_errors(caplog, loop_errors)
