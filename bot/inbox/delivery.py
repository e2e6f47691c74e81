"""Delivering the team's answers: queued by the console, sent by the bot, at most once, like reminders.

The console stores an answer as a queued row in the same transaction that marks the thread answered
(bot.storage.inbox_queries). Any bot instance claims queued rows (`claim_rows`: FOR UPDATE SKIP
LOCKED on PostgreSQL), sends each through the same `MessageSender` reminders use, and records the
outcome right after Telegram answers. The delivery rules are the reminders': a request that may have
reached Telegram is not repeated (`MaybeDelivered`: recorded as sent, "unconfirmed"); a 429 or a
network error puts the row back for a retry (failed after `MAX_ATTEMPTS`); a blocked chat fails it.
The one window for a duplicate is a process dying between Telegram's answer and the commit; the
claim then expires after `lease` and the answer goes out again.

`AnswerLoop` runs `run_due` in a task of its own: at once when woken (the console's NOTIFY on
PostgreSQL reaches the bot's listener), and at least every `poll` seconds (SQLite has no NOTIFY).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.content.ui import UiText
from bot.inbox.crypto import InboxCipher, UnreadableText
from bot.inbox.texts import answer_keyboard, render_answer
from bot.observability.pseudonyms import hash_chat_id
from bot.sending import Blocked, MaybeDelivered, MessageSender, RetryLater, SendError, Transient
from bot.storage.inbox_records import ClaimedAnswer
from bot.storage.offload import Offload
from bot.storage.store import Storage

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=10)
TRANSIENT_RETRY = timedelta(minutes=1)
MAX_ATTEMPTS = 5
DEFAULT_POLL = 15.0


@dataclass
class DeliveryReport:
    """What one `run_due` did, by message id."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)


class AnswerDelivery:
    """Claims queued team answers and sends each once (see the module docstring)."""

    def __init__(
        self,
        storage: Storage,
        sender: MessageSender,
        clock: Clock,
        cipher: InboxCipher,
        texts: Callable[[], UiText],
        db: Offload,
        lease: timedelta = DEFAULT_LEASE,
        instance_id: str | None = None,
    ) -> None:
        self.storage = storage
        self.sender = sender
        self.clock = clock
        self.cipher = cipher
        self.texts = texts
        self.db = db
        self.lease = lease
        self.instance_id = instance_id or f"inbox-{uuid.uuid4().hex[:12]}"

    async def run_due(self, now: datetime | None = None) -> DeliveryReport:
        """Send every answer that is due; batches until none are left."""
        report = DeliveryReport()
        inbox = self.storage.inbox_delivery
        while True:
            moment = now or self.clock.now()
            claimed = await self.db.claim(inbox.claim_answers, self._unclaim, moment, self.instance_id, self.lease)
            for item in claimed:
                await self._deliver(item, moment, report)
            if not claimed:
                return report

    def _unclaim(self, items: list[ClaimedAnswer]) -> None:
        """Give back answers claimed by a call nobody waited for any more (storage thread; see Offload.claim)."""
        for item in items:
            self.storage.inbox_delivery.release_answer(item.message_id, self.instance_id, self.clock.now(), "unclaimed")

    async def _deliver(self, item: ClaimedAnswer, now: datetime, report: DeliveryReport) -> None:
        inbox = self.storage.inbox_delivery
        chat = hash_chat_id(item.chat_id)
        try:
            answer = self.cipher.open(item.body)
            question = self.cipher.open(item.question) if item.question is not None else None
        except UnreadableText:
            await self.db.record(inbox.finish_answer, item.message_id, self.instance_id, "failed", now, "unreadable")
            log.error("team answer %d for %s: stored text unreadable with INBOX_KEY", item.message_id, chat)
            report.failed.append(item.message_id)
            return
        ui = self.texts()
        html = render_answer(ui, item.language, answer, question, item.asked_at)
        keyboard = answer_keyboard(ui, item.language, item.thread_id, item.follow_up_open)
        try:
            await self.sender.send_message(item.chat_id, html, keyboard)
        except MaybeDelivered:
            await self.db.record(inbox.finish_answer, item.message_id, self.instance_id, "sent", now, "unconfirmed")
            log.warning("team answer %d for %s: Telegram's answer did not come; counted as sent", item.message_id, chat)
            report.sent.append(item.message_id)
        except Blocked:
            await self.db.record(inbox.finish_answer, item.message_id, self.instance_id, "failed", now, "blocked")
            log.info("team answer %d: %s blocked the bot", item.message_id, chat)
            report.failed.append(item.message_id)
        except (RetryLater, Transient) as exc:
            if item.attempts >= MAX_ATTEMPTS:
                error = type(exc).__name__
                await self.db.record(inbox.finish_answer, item.message_id, self.instance_id, "failed", now, error)
                log.warning("team answer %d for %s failed after %d attempts", item.message_id, chat, item.attempts)
                report.failed.append(item.message_id)
                return
            wait = timedelta(seconds=exc.seconds) if isinstance(exc, RetryLater) else TRANSIENT_RETRY
            error = type(exc).__name__
            await self.db.record(inbox.release_answer, item.message_id, self.instance_id, now + wait, error)
            log.info("team answer %d for %s: %s, retry in %s", item.message_id, chat, error, wait)
            report.retry.append(item.message_id)
        except SendError as exc:
            error = type(exc).__name__
            await self.db.record(inbox.finish_answer, item.message_id, self.instance_id, "failed", now, error)
            log.warning("team answer %d for %s failed: %s", item.message_id, chat, error)
            report.failed.append(item.message_id)
        else:
            await self.db.record(inbox.finish_answer, item.message_id, self.instance_id, "sent", now)
            log.info("team answer %d sent to %s", item.message_id, chat)
            report.sent.append(item.message_id)


class AnswerLoop:
    """Runs `AnswerDelivery.run_due` when woken and every `poll` seconds, in a task of its own."""

    def __init__(self, delivery: AnswerDelivery, poll: float = DEFAULT_POLL) -> None:
        self.delivery = delivery
        self.poll = poll
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """An answer was queued (NOTIFY, or this process): look now (never blocks)."""
        self._wake.set()

    def start(self) -> asyncio.Task[None]:
        """Run in a task of the running loop (once the application is up)."""
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="inbox-answers")
        return self._task

    async def stop(self, grace: float = 2.0) -> None:
        """Stop after the batch in progress (its sends recorded); cancelled after `grace` seconds."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, grace)
            self._task = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                await self.delivery.run_due()
            except Exception:  # a database hiccup must not stop delivery for good; the next turn tries again
                log.exception("team answers: delivery turn failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)
