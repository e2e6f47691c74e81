"""Periodic jobs that keep the database lean: the retention purge of old appointments, handled questions
to the team, expired dialog state and seen webhook updates; and the minute's counts of unanswered questions."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import JobQueue

from bot.app.context import Context
from bot.app.services import Services

log = logging.getLogger(__name__)

PURGE_EVERY = timedelta(hours=6)
MISS_FLUSH_EVERY = timedelta(minutes=1)
LANGUAGES_EVERY = timedelta(minutes=1)


def schedule_purge(job_queue: JobQueue[Any], services: Services) -> None:
    """Delete appointments (and their reminders) PURGE_AFTER_DAYS after they took place, unused expired codes,
    and questions to the team INBOX_PURGE_DAYS after they were dealt with."""

    async def purge(_context: Context) -> None:
        try:
            now = services.clock.now()
            storage = services.storage
            counts = await services.db(storage.purge_appointments, now, services.settings.purge_after_days)
            counts["enrolments"] = await services.db(storage.staff.purge_enrolments, now)
            counts.update(await services.db(storage.dialogs.purge, now))
            counts.update(await services.db(storage.inbox.purge, now, services.settings.inbox_purge_days))
        except Exception:  # a database hiccup: try again at the next run
            log.exception("retention purge failed")
            return
        if any(counts.values()):
            log.info("retention purge: %s", counts)

    job_queue.run_repeating(purge, interval=PURGE_EVERY, first=timedelta(minutes=1), name="retention-purge")


def schedule_miss_flush(job_queue: JobQueue[Any], services: Services) -> None:
    """Write the counts of unanswered questions every minute (see bot.app.misses)."""

    async def flush(_context: Context) -> None:
        await services.misses.flush_off_loop(services.db)

    job_queue.run_repeating(flush, interval=MISS_FLUSH_EVERY, first=MISS_FLUSH_EVERY, name="miss-counts")


def schedule_language_refresh(job_queue: JobQueue[Any], services: Services) -> None:
    """Reload the chats' languages every minute (choices made on another instance or by the command line)."""

    async def refresh(_context: Context) -> None:
        try:
            await services.refresh_languages()
        except Exception as exc:  # the database is away: keep the languages we have
            log.info("chat languages not refreshed: %s", type(exc).__name__)

    job_queue.run_repeating(refresh, interval=LANGUAGES_EVERY, first=LANGUAGES_EVERY, name="chat-languages")
