"""The Bot API fails while the bot answers: 5xx, timeouts, dropped connections and 429s.

A patient's alarm reply must still arrive — once — when the fault clears within the retries, and
after a 429 however long Telegram asks to wait; when it does not (retries exhausted), the error
handler runs, the patient gets the spoed lines and 112 if at all possible, and the application
keeps running: the next message is answered normally. A reply that would wait longer than
`REPLY_MAX_WAIT` is given up and the patient gets the safety net instead.

Note: when the alarm reply itself fails, python-telegram-bot goes on with the next handler group,
so the error fallback (spoed + 112) may be followed by the folder's answer to the same text. The
tests accept that second message but require the fallback to come first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.fakeapi.harness import Reply
from bot.fakeapi.models import FaultKind
from bot.outbox.pacer import UNPACED, Pacer, Priority
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


class PacerTime:
    """The pacer's monotonic clock and sleep: a wait moves the clock at once (no real 30 s sleep)."""

    def __init__(self, chat_attempts: Callable[[], list[int]]) -> None:
        self.now = 0.0
        self.waits: list[tuple[float, list[int]]] = []  # (seconds, the send attempts made before the wait)
        self._attempts = chat_attempts

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append((seconds, self._attempts()))
        self.now += seconds
        await asyncio.sleep(0)


@asynccontextmanager
async def bot_on_pacer_time(tmp_path: Path, *, reply_max_wait: float = 120) -> AsyncIterator[tuple[Chat, PacerTime]]:
    attempts: list[Chat] = []
    time = PacerTime(lambda: send_attempts(attempts[0]))
    limits = dataclasses.replace(UNPACED, reply_max_wait=reply_max_wait)
    pacer = Pacer(limits, monotonic=time.monotonic, sleep=time.sleep)
    async with faulty_bot(tmp_path, fail_on_handler_errors=False, pacer=pacer) as chat:
        attempts.append(chat)
        yield chat, time


async def test_an_alarm_reply_answered_429_retry_after_30_is_sent_after_30_s_once(tmp_path: Path) -> None:
    async with bot_on_pacer_time(tmp_path) as (chat, time):
        chat.fake.fail_next("sendMessage", "429", 1, chat_id=PATIENT, retry_after=30)
        reply = await chat.harness.say(PATIENT, ALARM)
        reply.assert_count(1).assert_contains("06 25 71 60 27", "112")
        assert send_attempts(chat) == [429, 200]
        assert time.waits == [(30, [429])]  # the second attempt came after the 30 s, not before
        assert time.now == 30
        assert not chat.fake.stats.duplicates() and not chat.harness.errors
        pacer = chat.assembly.services.outbox.pacer
        assert pacer is not None and pacer.http_429 == 1 and sum(pacer.dropped.values()) == 0


@pytest.mark.parametrize("retry_after", [300, 3600])
async def test_an_alarm_reply_waits_out_any_flood_wait_and_the_app_runs_on(
    tmp_path: Path, retry_after: int, caplog: pytest.LogCaptureFixture, loop_errors: list[dict[str, Any]]
) -> None:
    async with bot_on_pacer_time(tmp_path) as (chat, time):
        chat.fake.fail_next("sendMessage", "429", 2, chat_id=PATIENT, retry_after=retry_after)
        reply = await chat.harness.say(PATIENT, ALARM)
        reply.assert_count(1).assert_contains("112")
        assert send_attempts(chat) == [429, 429, 200]
        assert time.now == 2 * retry_after
        (await chat.harness.say(PATIENT, QUESTION)).assert_count(1).assert_contains("30 minuten")
        (await chat.harness.say(PATIENT + 1, ALARM)).assert_count(1).assert_contains("112")
        assert chat.assembly.app.running
        assert chat.assembly.app.updater is not None and chat.assembly.app.updater.running
        assert chat.harness.errors == []
    assert_no_uncaught_errors(caplog, loop_errors)


async def test_a_reply_that_waits_too_long_is_given_up_and_the_patient_gets_the_safety_net(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_on_pacer_time(tmp_path, reply_max_wait=120) as (chat, time):
        chat.fake.fail_next("sendMessage", "429", 1, chat_id=PATIENT, retry_after=200)
        reply = await chat.harness.say(PATIENT, QUESTION)
        # The answer waited 120 s and was dropped; the net (spoed lines, 112) went out after the 429 wait.
        reply.assert_count(1).assert_contains("Dit lukt nu even niet", "06 25 71 60 27", "112")
        assert send_attempts(chat) == [429, 200]
        assert time.now == 200
        assert "send dropped: a reply waited 120 s" in caplog.text
        pacer = chat.assembly.services.outbox.pacer
        assert pacer is not None and pacer.dropped[Priority.REPLY] == 1
