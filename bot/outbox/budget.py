"""`SendBudget`: this instance's share of the bot's send budget, and its send figures for the console.

Telegram's limits are per bot (one token), not per process. One instance (long polling: Telegram
hands updates to one poller only) paces itself at the whole `Limits.per_second`. Several webhook
instances share it through the database they already coordinate with:

* Each instance always has a `floor` (1 message/s) that needs nobody's permission: its alarm
  replies (first in its queue) go out even before its first lease, or while the database is away.
* The rest, `Limits.pool` = `per_second` - `max_instances` x `floor`, is leased: every `PERIOD` each
  instance renews its row in `send_instances`, in one transaction under a lock, taking an equal share
  but never more than the others leave free (`fair_share`). So the rates in the rows never add up to
  more than the pool, and with at most `max_instances` floors the bot stays under `per_second`.
* A row counts as in use until `MEMORY` after its lease (`TTL`) lapsed, since its instance may still
  be sending; the instance itself stops using the share at that point too, counted from its last
  successful renewal on its own monotonic clock (minus `SKEW` for clocks that disagree), and falls
  back to its floor. A stopped instance deletes its row, so the others take over its share at once; a
  crashed one's share comes free after `TTL` + `MEMORY`.
* A share goes down before anyone can take it up: the lowered row keeps counting at its old rate for
  `HOLD` (two periods) while the instance slows down, and a raised share is used only once written.

The alarm reply never waits for any of this: the pacer paces locally at the rate last leased; leases
are renewed in the background. Every instance also writes its queue lengths, the wait of its oldest
alarm reply, its 429s and dropped messages to its row, and adds the 429s and drops to the day's counts
(the console's statistics page).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from bot.clock import Clock, local
from bot.outbox.pacer import Monotonic, Pacer
from bot.storage.offload import Offload
from bot.storage.send_budget import SendStatus
from bot.storage.store import Storage

log = logging.getLogger(__name__)

PERIOD = 2.0  # seconds between renewals
TTL = timedelta(seconds=10)  # a lease lapses this long after its renewal
MEMORY = timedelta(seconds=60)  # ... and still counts this long after that
HOLD = timedelta(seconds=2 * PERIOD)  # a lowered share counts at its old rate this long
SKEW = 5.0  # seconds the instances' wall clocks may disagree (NTP keeps them within milliseconds)
REPORT_EVERY = 30.0  # one instance alone: its figures are written when they change, else this often
REPORT_TTL = timedelta(seconds=90)  # the console shows an instance this long after its last report


def fair_share(pool: float, others: Sequence[float]) -> float:
    """An equal share of `pool`, but never more than the other instances' rates leave free."""
    return max(0.0, min(pool / (len(others) + 1), pool - sum(others)))


class SendBudget:
    """Leases this instance's share (several instances) and reports its figures, in the background."""

    def __init__(
        self,
        pacer: Pacer,
        storage: Storage,
        clock: Clock,
        *,
        shared: bool,
        db: Offload | None = None,
        instance_id: str | None = None,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.pacer = pacer
        self.storage = storage
        self.clock = clock
        self.shared = shared
        self.db = db or Offload()
        self.instance_id = instance_id or f"bot-{uuid.uuid4().hex[:12]}"
        self._monotonic = monotonic
        self._valid_until = float("-inf")  # monotonic time until which the leased share may be used
        self._reported: tuple[SendStatus, float] | None = None
        self._counted: dict[str, int] = {}  # 429s and drops already added to the day's counts
        self._warned = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Take the first share (or write the first figures), then keep renewing in a task."""
        if self.shared:
            await self.pacer.set_rate(self.pacer.limits.floor)  # until the first lease
        await self.renew()
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="send-budget")

    async def stop(self) -> None:
        """Stop renewing and give the share back."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self._count_days()
            await self.db.record(self.storage.budget.release, self.instance_id)
        except Exception as exc:  # the share comes free after TTL + MEMORY instead
            log.warning("send budget: share not given back: %s", type(exc).__name__)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(PERIOD)
            await self.renew()

    async def renew(self) -> None:
        """One renewal: lease (several instances) or report (one), then the day's counts."""
        started = self._monotonic()
        try:
            if self.shared:
                await self._lease(started)
            else:
                await self._report()
            await self._count_days()
        except Exception as exc:  # the database is away: pace on, within what is still ours
            log.warning("send budget: database not reached: %s", type(exc).__name__)
            if self.shared and self._monotonic() > self._valid_until and self.pacer.rate > self.pacer.limits.floor:
                log.warning("send budget: share lapsed; sending at the floor of %g/s", self.pacer.limits.floor)
                await self.pacer.set_rate(self.pacer.limits.floor)

    async def _lease(self, started: float) -> None:
        limits = self.pacer.limits
        lease = await self.db(
            self.storage.budget.lease,
            self.instance_id,
            self.clock.now(),
            partial(fair_share, limits.pool),
            self._status(),
            ttl=TTL,
            memory=MEMORY,
            hold=HOLD,
        )
        self._valid_until = started + (TTL + MEMORY).total_seconds() - SKEW
        await self.pacer.set_rate(limits.floor + lease.rate)
        if lease.instances > limits.max_instances and not self._warned:
            self._warned = True
            log.warning(
                "send budget: %d instances share one bot; above %d their floors may pass Telegram's limit",
                lease.instances,
                limits.max_instances,
            )

    async def _report(self) -> None:
        status, now = self._status(), self._monotonic()
        if self._reported is not None and self._reported[0] == status and now - self._reported[1] < REPORT_EVERY:
            return
        await self.db(
            self.storage.budget.report, self.instance_id, self.clock.now(), status, rate=self.pacer.rate, ttl=REPORT_TTL
        )
        self._reported = (status, now)

    async def _count_days(self) -> None:
        figures = self.pacer.figures()
        day = local(self.clock.now()).date()
        for name, total in (("send_429", figures.http_429), ("send_dropped", sum(figures.dropped.values()))):
            new = total - self._counted.get(name, 0)
            if new > 0:
                await self.db.record(self.storage.console.add_daily_count, day, name, new)
                self._counted[name] = total

    def _status(self) -> SendStatus:
        f = self.pacer.figures()
        return SendStatus(
            queued_alarm=f.queued.get("alarm", 0),
            queued_reply=f.queued.get("reply", 0),
            queued_reminder=f.queued.get("reminder", 0),
            queued_broadcast=f.queued.get("broadcast", 0),
            oldest_alarm_s=round(f.oldest_alarm_wait, 3),
            sent=sum(f.sent.values()),
            http_429=f.http_429,
            dropped=sum(f.dropped.values()),
        )
