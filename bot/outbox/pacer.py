"""`Pacer`: the one queue every message of the bot waits in, under Telegram's limits, by priority.

Telegram allows a bot about 30 messages a second over all chats, about 1 a second in one chat and 20
a minute in a group, and answers 429 ("retry after N s") beyond that; a bot that keeps hitting 429
waits longer and longer. Every send and edit of the bot (`bot.app.telegram_io.RetryingRequest`) takes
a turn here first:

* The rates are aiolimiter's leaky buckets (`AsyncLimiter`, the one python-telegram-bot's own
  `AIORateLimiter` is built on): one for the whole bot (its rate is this instance's share of the bot's
  budget, `bot.outbox.budget`), one per chat (one per group), one for broadcasts (`BROADCAST_RATE`).
* Who goes next is decided here: the waiting message of the best `Priority` whose chat may get one
  now — alarm replies and the safety net, then other replies, then reminders, then broadcasts — and
  within a priority the one that waited longest. A chat has at most one message in flight, and a
  message whose send failed (429, timeout) takes its place back at the head, so a chat's messages go
  out in the order they were handed over.
* A 429 pauses every send for the time Telegram named (as python-telegram-bot's limiter does; the
  answer does not say whether the chat or the bot was over its limit).
* An alarm reply waits as long as it takes. Any other message that has waited longer than its
  priority allows (`Limits`) is dropped with `Dropped`, a log line and a count: a reply then gets the
  safety net instead, a reminder or broadcast message goes back to its database row for later.

Nothing here touches a database or a file: an alarm reply waits for Telegram's limits only. Time is
the monotonic clock, passed in with `sleep` so that tests move it themselves; the buckets run on the
event loop's clock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import IntEnum

from aiolimiter import AsyncLimiter

from bot.observability.metrics import SendFigures
from bot.observability.pseudonyms import hash_chat_id

log = logging.getLogger(__name__)

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
ChatKey = int | str  # a chat id, or a channel's @username

# How often the dispatcher looks again when every waiting message is held by its chat's limit.
_RECHECK = 0.02
# Per-chat buckets are forgotten once this many exist and theirs has run empty.
_CHAT_BUCKETS = 4096
_SLOWEST = 0.01  # messages per second: a rate is never zero (a bucket needs a period)


class Priority(IntEnum):
    """Who goes first when several messages wait (lower first)."""

    ALARM = 0  # alarm replies, the reply to what the bot cannot read, the safety net after an error
    REPLY = 1  # every other reply in a chat
    REMINDER = 2
    BROADCAST = 3


@dataclass(frozen=True)
class Limits:
    """What the pacer keeps to. Telegram's own figures are in the comments; ours stay just under them."""

    # About 30 per bot in any second: at most per_second + burst (29) leave here in any second, one
    # short of 30 for timing jitter on the way to Telegram. The burst of 2 lets a slot missed by a
    # late wake-up be made up, so the average stays at per_second.
    per_second: float = 27.0
    burst: int = 2
    chat_interval: float = 1.1  # about 1 per second in one chat (0: no per-chat limit)
    group_interval: float = 3.3  # 20 per minute in a group or channel (0: none)
    broadcast_per_second: float | None = 25.0  # BROADCAST_RATE: broadcasts never take the whole budget
    reply_max_wait: float = 120.0  # REPLY_MAX_WAIT: a reply older than this is dropped (alarm replies never)
    background_max_wait: float = 60.0  # reminders, broadcasts: well within their claims' lease (2 min)
    # Several instances (bot.outbox.budget): each sends `floor` per second without asking the
    # database, plus its leased share of `pool`; `max_instances` of them stay within the same 29.
    floor: float = 1.0
    max_instances: int = 3

    @property
    def pool(self) -> float:
        """The rate instances lease among themselves: what is left of per_second + burst when every one
        of `max_instances` instances has its floor and its burst."""
        return max(0.0, self.per_second + self.burst - self.max_instances * (self.floor + self.burst))

    def max_wait(self, priority: Priority) -> float | None:
        """How long a message of `priority` may wait in all (None: as long as it takes)."""
        if priority is Priority.ALARM:
            return None
        return self.reply_max_wait if priority is Priority.REPLY else self.background_max_wait


# Tests and the CPU benchmark: the same code path with limits that never bind.
UNPACED = Limits(
    per_second=1_000_000.0, burst=100_000, chat_interval=0.0, group_interval=0.0, broadcast_per_second=None
)


class Dropped(Exception):
    """The message waited longer than its priority allows and was not sent (nothing reached Telegram)."""

    def __init__(self, priority: Priority, waited: float) -> None:
        super().__init__(f"{priority.name.lower()} not sent after waiting {waited:.0f} s")
        self.priority = priority
        self.waited = waited


@dataclass(eq=False)
class Turn:
    """One message's place in the queue, from its first request until its send is answered."""

    chat: ChatKey | None
    priority: Priority
    since: float  # monotonic time of the first request
    granted: asyncio.Future[None] | None = field(default=None, repr=False)


class Pacer:
    """Grants turns to send under `Limits`, best priority first; see the module docstring."""

    def __init__(
        self,
        limits: Limits = Limits(),
        *,
        rate: float | None = None,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`rate`: messages per second to start with (default `limits.per_second`; see `set_rate`)."""
        self.limits = limits
        self._monotonic = monotonic
        self._sleep = sleep
        self.rate = limits.per_second if rate is None else rate
        self._bot = self._bucket(limits.burst, self.rate)
        self._broadcasts = (
            None if limits.broadcast_per_second is None else self._bucket(limits.burst, limits.broadcast_per_second)
        )
        self._chats: dict[ChatKey, AsyncLimiter] = {}
        self._prune_at = _CHAT_BUCKETS
        self._in_flight: dict[ChatKey, Turn] = {}
        self._queues: tuple[deque[Turn], ...] = tuple(deque() for _ in Priority)
        self._queued = 0
        self._paused_until = 0.0
        self._changed = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self.sent: Counter[Priority] = Counter()
        self.dropped: Counter[Priority] = Counter()
        self.http_429 = 0

    # -- the senders' side ------------------------------------------------------------------------

    @asynccontextmanager
    async def turn(self, chat: ChatKey | None, priority: Priority) -> AsyncIterator[Turn]:
        """Wait for a turn to send to `chat`; hold it until the block ends (the answer came).

        Raises `Dropped` when the message waited too long (never for `Priority.ALARM`).
        """
        turn = Turn(chat, priority, self._monotonic())
        try:
            if self._queued or not self._may_go_now(turn):
                await self._wait(turn, at_head=False)
            else:
                await self._take(turn, self._bot)
            yield turn
        finally:
            self._finish(turn)

    async def again(self, turn: Turn) -> None:
        """After a failed send (429, timeout): wait for a new turn, at the head of the queue."""
        self.sent[turn.priority] -= 1  # counted again when granted
        await self._wait(turn, at_head=True)

    def flood(self, seconds: float) -> None:
        """Telegram answered 429: count it and send nothing for `seconds`."""
        self.http_429 += 1
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    def paused_for(self) -> float:
        """Seconds left of a 429 pause (0 when not paused)."""
        return max(0.0, self._paused_until - self._monotonic())

    async def set_rate(self, per_second: float) -> None:
        """This instance's share of the bot's budget changed (bot.outbox.budget)."""
        per_second = max(per_second, _SLOWEST)
        if per_second == self.rate:
            return
        bucket = self._bucket(self.limits.burst, per_second)
        await bucket.acquire(bucket.max_rate)  # starts full: a new rate never opens with a burst
        self._bot, self.rate = bucket, per_second
        self._changed.set()

    def figures(self) -> SendFigures:
        """Queue lengths, the oldest waiting alarm reply, sends, 429s and drops (for /metrics, the console)."""
        alarms = self._queues[Priority.ALARM]
        return SendFigures(
            queued={p.name.lower(): len(self._queues[p]) for p in Priority},
            oldest_alarm_wait=self._monotonic() - alarms[0].since if alarms else 0.0,
            sent={p.name.lower(): self.sent[p] for p in Priority},
            dropped={p.name.lower(): self.dropped[p] for p in Priority},
            http_429=self.http_429,
            rate=self.rate,
        )

    # -- deciding -------------------------------------------------------------------------------

    @staticmethod
    def _bucket(burst: float, per_second: float) -> AsyncLimiter:
        return AsyncLimiter(burst, burst / per_second)

    def _chat_bucket(self, chat: ChatKey) -> AsyncLimiter | None:
        group = isinstance(chat, str) or chat < 0
        interval = self.limits.group_interval if group else self.limits.chat_interval
        if interval <= 0:
            return None
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= self._prune_at:
                self._prune()
            bucket = self._chats[chat] = AsyncLimiter(1, interval)
        return bucket

    def _prune(self) -> None:
        self._chats = {c: b for c, b in self._chats.items() if c in self._in_flight or not b.has_capacity(b.max_rate)}
        self._prune_at = max(_CHAT_BUCKETS, 2 * len(self._chats))

    def _chat_ready(self, turn: Turn) -> bool:
        if turn.chat is None:
            return True
        holder = self._in_flight.get(turn.chat)
        if holder is not None and holder is not turn:
            return False
        bucket = self._chat_bucket(turn.chat)
        return bucket is None or bucket.has_capacity()

    def _class_ready(self, priority: Priority) -> bool:
        return priority is not Priority.BROADCAST or self._broadcasts is None or self._broadcasts.has_capacity()

    def _may_go_now(self, turn: Turn) -> bool:
        return (
            self._paused_until <= self._monotonic()
            and self._bot.has_capacity()
            and self._class_ready(turn.priority)
            and self._chat_ready(turn)
        )

    def _next(self) -> Turn | None:
        """The turn to grant next: best priority, longest waiting, whose chat may get a message now."""
        for priority, queue in zip(Priority, self._queues, strict=True):
            if queue and self._class_ready(priority):
                for turn in queue:
                    if self._chat_ready(turn):
                        return turn
        return None

    async def _take(self, turn: Turn, bot: AsyncLimiter | None) -> None:
        """Charge every bucket the turn passes; `bot` None: the dispatcher charged the bot-wide one.

        Each bucket was found to have capacity just before, so no `acquire` here suspends: the check
        and the charge happen in one step of the event loop.
        """
        if bot is not None:
            await bot.acquire()
        if turn.priority is Priority.BROADCAST and self._broadcasts is not None:
            await self._broadcasts.acquire()
        if turn.chat is not None:
            bucket = self._chat_bucket(turn.chat)
            if bucket is not None:
                await bucket.acquire()
            self._in_flight[turn.chat] = turn
        self.sent[turn.priority] += 1

    def _finish(self, turn: Turn) -> None:
        if turn.chat is not None and self._in_flight.get(turn.chat) is turn:
            del self._in_flight[turn.chat]
            if self._queued:
                self._changed.set()

    # -- waiting --------------------------------------------------------------------------------

    async def _wait(self, turn: Turn, *, at_head: bool) -> None:
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        turn.granted = granted
        queue = self._queues[turn.priority]
        if at_head:
            queue.appendleft(turn)
        else:
            queue.append(turn)
        self._queued += 1
        self._changed.set()
        if self._dispatcher is None:
            self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch(), name="send-pacer")
        try:
            await granted
        except asyncio.CancelledError:
            if not granted.done() or granted.cancelled():  # still waiting: leave the queue
                self._remove(turn)
            raise  # (granted in the same step: `turn` gives the chat back)

    def _remove(self, turn: Turn) -> None:
        queue = self._queues[turn.priority]
        try:
            queue.remove(turn)
        except ValueError:
            return
        self._queued -= 1

    async def _grant(self, turn: Turn) -> None:
        self._remove(turn)
        await self._take(turn, None)
        if turn.granted is not None and not turn.granted.done():
            turn.granted.set_result(None)

    def _drop_expired(self, now: float) -> float:
        """Drop messages older than their priority allows; return seconds until the next one expires."""
        soonest = float("inf")
        for priority, queue in zip(Priority, self._queues, strict=True):
            limit = self.limits.max_wait(priority)
            if limit is None:
                continue
            while queue and now - queue[0].since >= limit:
                turn = queue.popleft()
                self._queued -= 1
                self.dropped[priority] += 1
                waited = now - turn.since
                log.warning(
                    "send dropped: a %s waited %.0f s (limit %.0f s) chat=%s",
                    priority.name.lower(),
                    waited,
                    limit,
                    "-" if turn.chat is None else hash_chat_id(turn.chat) if isinstance(turn.chat, int) else "channel",
                )
                if turn.granted is not None and not turn.granted.done():
                    turn.granted.set_exception(Dropped(priority, waited))
            if queue:
                soonest = min(soonest, queue[0].since + limit - now)
        return soonest

    async def _dispatch(self) -> None:
        """Grant turns while any message waits: the next one each time the buckets allow it."""
        try:
            while self._queued:
                try:
                    await self._dispatch_one()
                except Exception:  # a bug here must not strand the alarm replies that wait
                    log.exception("send pacer: dispatching failed; going on")
                    await asyncio.sleep(_RECHECK)
        finally:
            self._dispatcher = None

    async def _dispatch_one(self) -> None:
        now = self._monotonic()
        expires_in = self._drop_expired(now)
        if not self._queued:
            return
        pause = self._paused_until - now
        if pause > 0:
            await self._sleep(min(pause, expires_in))
            return
        if self._next() is None:  # every waiting message is held by its chat's or its kind's limit
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(_RECHECK, expires_in))
            except TimeoutError:
                pass
            return
        bucket = self._bot
        await bucket.acquire()  # the next slot of the bot-wide rate, spent now
        turn = self._next()  # (a better one may have come while waiting for the slot)
        if turn is not None and bucket is self._bot and self._paused_until <= self._monotonic():
            await self._grant(turn)
        # else: the slot goes unused, which only ever sends less
