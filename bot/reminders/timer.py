"""`ReminderTimer`: the only place that touches PTB. One JobQueue job wakes the sender at the earliest due time.

The database is the truth; the job holds nothing. It is re-armed after each batch and on
`changed()`. It also wakes at least every `poll` (5 minutes), so reminders added by another process
(the staff command line, a second instance) are picked up without a signal.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError  # type: ignore[import-untyped]
from telegram.ext import ContextTypes, Job, JobQueue

from bot.reminders.service import BatchReport, ReminderService

log = logging.getLogger(__name__)

JOB_NAME = "reminders"


class ReminderTimer:
    """Arms one `run_once` job for the next due reminder and runs `ReminderService.run_due` when it fires."""

    def __init__(
        self,
        service: ReminderService,
        job_queue: JobQueue[Any],
        poll: timedelta = timedelta(minutes=5),
        on_report: Callable[[BatchReport], None] | None = None,
    ) -> None:
        self.service = service
        self.job_queue = job_queue
        self.poll = poll
        self.on_report = on_report
        self._job: Job[Any] | None = None
        self.armed_for: datetime | None = None

    def changed(self) -> datetime:
        """(Re-)arm the job for the earliest pending due time; call after adding, moving or cancelling."""
        now = self.service.clock.now()
        due = self.service.next_due()
        when = min(due, now + self.poll) if due is not None else now + self.poll
        when = max(when, now)
        if self._job is not None:
            self._job.schedule_removal()
        # misfire_grace_time=None: APScheduler's default (1 s) would silently drop a late wake-up.
        self._job = self.job_queue.run_once(
            self._fire, when=when, name=JOB_NAME, job_kwargs={"misfire_grace_time": None}
        )
        self.armed_for = when
        return when

    start = changed

    def stop(self) -> None:
        """Remove the job (at shutdown)."""
        if self._job is not None:
            # At shutdown the job queue may have removed every job already (Ctrl-C on `run`).
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
            self._job = None

    async def _fire(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        self._job = None
        try:
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
        except Exception:
            # A database hiccup must not stop the timer for good; try again at the next wake-up.
            log.exception("reminder batch failed")
        finally:
            self.changed()
