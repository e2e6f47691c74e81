"""`BroadcastSender`: delivers outbox rows at a steady pace, with the database as the only truth.

Delivery guarantee. A confirmed broadcast is one outbox row per recipient, written in the same
transaction as the broadcast itself, so nothing lives only in memory. The sender claims rows in one
atomic UPDATE (status 'sending', claimed_by, claimed_at; FOR UPDATE SKIP LOCKED on PostgreSQL, the
write lock on SQLite), sends each, and records 'sent', 'failed', 'blocked' or 'skipped' in its own
short transaction right after Telegram's answer. A row therefore goes out at most once, except in one
window: when the process dies between Telegram's answer and that commit, the row stays 'sending',
its claim expires after `lease` and it is sent again. Rows claimed but not yet sent when the process
died are resent after the lease as well (they were never delivered, so this is no duplicate); with a
stable `instance_id` a restarted sender takes its own claims back at once. A graceful stop finishes
the messages in flight and gives unsent claims back, so it leaves no window at all. A send whose
request may have reached Telegram without an answer in time (`MaybeDelivered`) is recorded as sent
("unconfirmed") and never resent: broadcast messages are at most once in that case.

Pacing is not done here: every message waits for its turn in the bot's one `Pacer` (through the
`MessageSender`, at broadcast priority: after alarm replies, replies and reminders, at most
`BROADCAST_RATE` a second). This sender only keeps `concurrency` messages waiting there at a time. A
message the pacer gave up on, or that Telegram answered 429, goes back to its row for a retry after
the wait named; while the pacer is paused for longer than half the lease, claimed rows go back too. A
403 marks the patient inactive. Non-urgent broadcasts wait out quiet hours (the defaults' `quiet_hours` of
schedules/reminders.yaml, read anew on every pass so a content reload takes effect).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock, local
from bot.observability.pseudonyms import hash_chat_id
from bot.outbox.pacer import Pacer
from bot.reminders.rules import QuietHours
from bot.sending import Blocked, Keyboard, MaybeDelivered, MessageSender, RetryLater, SendError, Transient
from bot.storage.offload import Offload
from bot.storage.records import Broadcast, BroadcastSummary, ClaimedOutbox
from bot.storage.store import Storage

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=2)
TRANSIENT_RETRY = timedelta(seconds=30)
MAX_ATTEMPTS = 5
MAX_RATE_LIMITED_ATTEMPTS = 20

# What a recipient gets for a broadcast in their language; None when it cannot be rendered any more.
Render = Callable[[Broadcast, str], tuple[str, Keyboard] | None]
OnReport = Callable[[BroadcastSummary], Awaitable[None]]
# The quiet hours now (a function, so they follow a content reload), fixed ones, or None for none.
Quiet = Callable[[], QuietHours | None] | QuietHours | None


@dataclass
class PassReport:
    """What one `run_pending` pass did (row counts) and the broadcasts it finished."""

    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    retry: int = 0
    finished: list[BroadcastSummary] = field(default_factory=list)


class BroadcastSender:
    """Claims outbox rows and sends them through a `MessageSender`, which paces them (bot.outbox.pacer)."""

    def __init__(
        self,
        storage: Storage,
        sender: MessageSender,
        clock: Clock,
        rate: float = 25,
        *,
        render: Render,
        on_report: OnReport | None = None,
        quiet: Quiet = None,
        lease: timedelta = DEFAULT_LEASE,
        batch_size: int | None = None,
        concurrency: int = 8,
        instance_id: str | None = None,
        poll: float = 15.0,
        pacer: Pacer | None = None,
        db: Offload | None = None,
    ) -> None:
        self.storage = storage
        self.db = db or Offload()
        self.sender = sender
        self.clock = clock
        self.render = render
        self.on_report = on_report
        self.quiet = quiet
        self.lease = lease
        self.batch_size = batch_size or max(1, int(rate))  # a second's worth at BROADCAST_RATE
        self.instance_id = instance_id or f"outbox-{uuid.uuid4().hex[:12]}"
        self.poll = poll
        self.pacer = pacer  # the bot's pacer, consulted for its pauses (None: the sender never waits)
        self._slots = asyncio.Semaphore(concurrency)
        self._inflight: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._broadcasts: dict[int, Broadcast] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    def wake(self) -> None:
        """A broadcast was confirmed: look at the outbox now instead of at the next poll."""
        self._wake.set()

    def start(self) -> asyncio.Task[None]:
        """Run in a task of the running loop (call once the application is up)."""
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.get_running_loop().create_task(self.run(self._stop), name="broadcast-sender")
        return self._task

    async def stop(self, grace: float = 5.0) -> None:
        """Stop gracefully: finish the messages in flight, give unsent claims back. After `grace` seconds
        (a database that does not answer) the pass is cancelled; messages already with Telegram still finish."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, grace)
            self._task = None

    async def run(self, stop_event: asyncio.Event) -> None:
        """Send until `stop_event` is set; sleep until the next row is due, a wake-up or the poll interval."""
        self._stop = stop_event
        try:
            taken = await self.db(self.storage.outbox.release_claims, self.instance_id)
        except Exception:  # the database is away; the claims expire after the lease instead
            log.exception("outbox: could not take back earlier claims")
            taken = 0
        if taken:
            log.info("outbox: took back %d row(s) claimed before a restart", taken)
        try:
            while not stop_event.is_set():
                self._wake.clear()
                try:
                    await self.run_pending()
                except Exception:
                    # A database hiccup must not end the sender; the rows stay in the outbox.
                    log.exception("outbox pass failed")
                try:
                    timeout = await self.seconds_until_work()
                except Exception:
                    log.exception("outbox: next due time unknown")
                    timeout = self.poll
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
        finally:
            await self._drain()

    async def _drain(self) -> None:
        # Messages already handed to Telegram finish and are recorded; then unsent claims go back.
        if self._inflight:
            await asyncio.shield(asyncio.gather(*self._inflight, return_exceptions=True))
        try:
            await self.db.record(self.storage.outbox.release_claims, self.instance_id)
        except Exception:  # the claims expire after the lease instead
            log.exception("outbox: could not give claims back")

    # -- one pass -------------------------------------------------------------------------------

    def quiet_hours(self) -> QuietHours | None:
        """The quiet hours in force (None: none)."""
        return self.quiet() if callable(self.quiet) else self.quiet

    def in_quiet_hours(self, now: datetime) -> bool:
        """Whether non-urgent broadcasts must wait now."""
        quiet = self.quiet_hours()
        return quiet is not None and quiet.contains(local(now).time().replace(tzinfo=None))

    def quiet_ends(self, now: datetime) -> datetime | None:
        """When the current quiet hours end (None when not in them)."""
        quiet = self.quiet_hours()
        if quiet is None or not self.in_quiet_hours(now):
            return None
        here = local(now)
        end = here.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
        return end if end > here else end + timedelta(days=1)

    async def seconds_until_work(self) -> float:
        """How long `run` may sleep: until the next due row, the end of quiet hours, or the poll interval."""
        now = self.clock.now()
        quiet = self.in_quiet_hours(now)
        candidates = [self.poll]
        due = await self.db(self.storage.outbox.next_due, self.lease, urgent_only=quiet)
        if due is not None:
            candidates.append((due - now).total_seconds())
        ends = self.quiet_ends(now)
        if ends is not None:
            candidates.append((ends - now).total_seconds())
        return max(0.05, min(candidates))

    async def run_pending(self) -> PassReport:
        """Claim and send every row sendable now; then report broadcasts that are complete."""
        report = PassReport()
        while not self._stop.is_set():
            now = self.clock.now()
            claimed = await self.db.claim(
                self.storage.outbox.claim,
                self._unclaim,
                now,
                self.instance_id,
                self.lease,
                self.batch_size,
                urgent_only=self.in_quiet_hours(now),
            )
            for index, item in enumerate(claimed):
                if self._stop.is_set() or self._paused_for() > self.lease.total_seconds() / 2:
                    await self._give_back(claimed[index:])
                    break
                await self._launch(item, report)
            if len(claimed) < self.batch_size:
                break
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
        report.finished = await self.db(self.storage.staff.finish_broadcasts, self.clock.now())
        for summary in report.finished:
            await self._report(summary)
        return report

    def _unclaim(self, items: list[ClaimedOutbox]) -> None:
        """Give back rows claimed by a call nobody waited for any more (storage thread; see Offload.claim)."""
        for item in items:
            self.storage.outbox.release(item.id, self.instance_id, None)

    def _paused_for(self) -> float:
        return 0.0 if self.pacer is None else self.pacer.paused_for()

    async def _give_back(self, items: list[ClaimedOutbox]) -> None:
        retry_at = self.clock.now() + timedelta(seconds=self._paused_for())
        for item in items:
            await self.db.record(self.storage.outbox.release, item.id, self.instance_id, retry_at, "paused")

    async def _launch(self, item: ClaimedOutbox, report: PassReport) -> None:
        broadcast = await self._broadcast(item.broadcast_id)  # before the slot: the send keeps its pace
        await self._slots.acquire()
        # Its own task: cancelling the sender never interrupts a message between Telegram and the commit.
        task = asyncio.get_running_loop().create_task(self._deliver(item, broadcast, report))
        self._inflight.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox delivery failed: %s", type(task.exception()).__name__)

    async def _broadcast(self, broadcast_id: int) -> Broadcast | None:
        if broadcast_id not in self._broadcasts:
            found = await self.db(self.storage.staff.get_broadcast, broadcast_id)
            if found is None:
                return None
            self._broadcasts[broadcast_id] = found
        return self._broadcasts[broadcast_id]

    async def _deliver(self, item: ClaimedOutbox, broadcast: Broadcast | None, report: PassReport) -> None:
        chat = hash_chat_id(item.chat_id)
        rendered = self.render(broadcast, item.language) if broadcast is not None else None
        if not item.deliverable or rendered is None:
            reason = "opted-out" if not item.deliverable else "no-content"
            await self.db.record(
                self.storage.outbox.finish, item.id, self.instance_id, "skipped", self.clock.now(), reason
            )
            report.skipped += 1
            return
        html, keyboard = rendered
        try:
            await self.sender.send_message(item.chat_id, html, keyboard)
        except MaybeDelivered:
            await self.db.record(
                self.storage.outbox.finish, item.id, self.instance_id, "sent", self.clock.now(), "unconfirmed"
            )
            log.warning("outbox %d for %s: Telegram's answer did not come; counted as sent", item.id, chat)
            report.sent += 1
        except Blocked:
            await self.db.record(
                self.storage.outbox.finish, item.id, self.instance_id, "blocked", self.clock.now(), "blocked"
            )
            await self.db.record(self.storage.set_active, item.chat_id, False)
            log.info("outbox %d: %s blocked the bot; patient marked inactive", item.id, chat)
            report.blocked += 1
        except RetryLater as exc:
            log.warning(
                "outbox %d for %s: not sent (429 or waited too long); retry in %.0f s", item.id, chat, exc.seconds
            )
            await self._retry_or_fail(item, exc, timedelta(seconds=exc.seconds), MAX_RATE_LIMITED_ATTEMPTS, report)
        except Transient as exc:
            await self._retry_or_fail(item, exc, TRANSIENT_RETRY * item.attempts, MAX_ATTEMPTS, report)
        except SendError as exc:
            await self.db.record(
                self.storage.outbox.finish,
                item.id,
                self.instance_id,
                "failed",
                self.clock.now(),
                type(exc).__name__,
            )
            log.warning("outbox %d for %s failed: %s", item.id, chat, type(exc).__name__)
            report.failed += 1
        else:
            await self.db.record(self.storage.outbox.finish, item.id, self.instance_id, "sent", self.clock.now())
            report.sent += 1

    async def _retry_or_fail(
        self, item: ClaimedOutbox, exc: SendError, wait: timedelta, limit: int, report: PassReport
    ) -> None:
        now = self.clock.now()
        if item.attempts >= limit:
            await self.db.record(
                self.storage.outbox.finish, item.id, self.instance_id, "failed", now, type(exc).__name__
            )
            report.failed += 1
            return
        await self.db.record(self.storage.outbox.release, item.id, self.instance_id, now + wait, type(exc).__name__)
        report.retry += 1

    async def _report(self, summary: BroadcastSummary) -> None:
        log.info(
            "broadcast %d done: %d sent, %d failed, %d blocked, %d skipped in %.0f s",
            summary.broadcast.id,
            summary.sent,
            summary.failed,
            summary.blocked,
            summary.skipped,
            summary.duration_seconds,
        )
        if self.on_report is None:
            return
        try:
            await self.on_report(summary)
        except SendError as exc:
            log.warning("broadcast %d: report not delivered: %s", summary.broadcast.id, type(exc).__name__)
