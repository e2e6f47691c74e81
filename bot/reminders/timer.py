"""`ReminderTimer`: one asyncio task that sleeps until the earliest due reminder and then sends.

The database is the truth; the timer holds nothing. It looks again after each batch, on
`changed()` (this process added, moved or cancelled something), on `signal()` (another process
did: PostgreSQL NOTIFY, see bot.storage.signals) and at least every `poll` (15 s): `next_due` is one
indexed query, and the poll is what picks up work of other processes where no signal arrives
(SQLite). Every database call goes through `Offload`, so a database that does not answer delays
reminders but never the event loop; the next wake-up tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.reminders.service import BatchReport, ReminderService

log = logging.getLogger(__name__)

DEFAULT_POLL = timedelta(seconds=15)


class ReminderTimer:
    """Runs `ReminderService.run_due` when the next reminder is due, woken early by changes."""

    def __init__(
        self,
        service: ReminderService,
        poll: timedelta = DEFAULT_POLL,
        on_report: Callable[[BatchReport], None] | None = None,
    ) -> None:
        self.service = service
        self.poll = poll
        self.on_report = on_report
        self.armed_for: datetime | None = None
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def changed(self) -> None:
        """Something was added, moved or cancelled: look at the database again now (never blocks)."""
        self._wake.set()

    signal = changed

    def start(self) -> asyncio.Task[None]:
        """Run in a task of the running loop (call once the application is up)."""
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="reminder-timer")
        return self._task

    async def stop(self, grace: float = 2.0) -> None:
        """Stop after the batch in progress (its messages are finished and recorded); after `grace`
        seconds (a database that does not answer) the task is cancelled instead."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, grace)
            self._task = None

    async def next_wake(self) -> float:
        """Seconds until the next reminder is due (at most `poll`); 0 when one is due now."""
        now = self.service.clock.now()
        due = await self.service.db(self.service.storage.reminder_queue.next_due, self.service.lease)
        when = min(due, now + self.poll) if due is not None else now + self.poll
        self.armed_for = max(when, now)
        return max(0.0, (when - now).total_seconds())

    async def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                wait = await self.next_wake()
                if wait <= 0:
                    await self.run_batch()
                    continue
            except Exception:
                # A database hiccup must not stop the timer for good; try again at the next wake-up.
                log.exception("reminder timer: database not answering")
                wait = self.poll.total_seconds()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def run_batch(self) -> BatchReport:
        """Send everything due now and report it."""
        report = await self.service.run_due(self.service.clock.now())
        if self.on_report is not None:
            self.on_report(report)
        if report.handled:
            log.info(
                "reminder batch: %d sent, %d skipped, %d failed, %d to retry",
                len(report.sent),
                len(report.skipped),
                len(report.failed),
                len(report.retry),
            )
        return report
