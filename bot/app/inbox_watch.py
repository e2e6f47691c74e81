"""Every minute: the number of questions waiting for the team into /metrics, and the staff notices.

Off the alarm path (a JobQueue job, database calls through `Offload`); a database that does not answer
costs one turn, never a reply.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import JobQueue

from bot.app.context import Context
from bot.app.services import Services
from bot.inbox.notices import send_notices

log = logging.getLogger(__name__)

WATCH_EVERY = timedelta(minutes=1)


async def watch_inbox(services: Services) -> int:
    """Update the metrics and send the staff notices due now; return how many notices went out."""
    now = services.clock.now()
    waiting = await services.db(services.storage.inbox.waiting)
    oldest = (now - waiting.oldest_open).total_seconds() if waiting.oldest_open is not None else 0.0
    services.metrics.team_questions(waiting.open, oldest)
    if services.inbox is None:
        return 0

    def lang_of(user_id: int) -> str:
        return services.languages.get(user_id) or "nl"

    catalog = services.knowledge.current.catalog
    return await send_notices(
        services.storage, services.sender, services.db, catalog, now, services.settings.console_url, lang_of, waiting
    )


def schedule_inbox_watch(job_queue: JobQueue[Any], services: Services) -> None:
    """Run `watch_inbox` every minute."""

    async def watch(_context: Context) -> None:
        try:
            await watch_inbox(services)
        except Exception as exc:  # the database is away: the next minute tries again
            log.info("inbox watch skipped: %s", type(exc).__name__)

    job_queue.run_repeating(watch, interval=WATCH_EVERY, first=timedelta(seconds=10), name="inbox-watch")
