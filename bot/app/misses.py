"""Counting unanswered questions (and, for the console's statistics, alarms and answers) without a write each.

A question the folder cannot answer is counted in memory and the counts are written to the database
in one statement per day every minute and at shutdown. A write per question would cost about a
millisecond on the hot path of every such message; a crash loses at most a minute of statistics,
never anything a patient needs. No question text is ever kept.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from bot.storage.offload import Offload
from bot.storage.store import Storage

log = logging.getLogger(__name__)


class MissTally:
    """Per-day counts of unanswered questions and of statistics events, waiting to be written."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._pending: Counter[date] = Counter()
        self._events: Counter[tuple[date, str]] = Counter()

    def count(self, day: date, name: str) -> None:
        """Count one event for the console's statistics (`alarm_<level>`, `answered`); memory only."""
        self._events[(day, name)] += 1

    def add(self, day: date) -> None:
        """Count one unanswered question on `day` (Amsterdam date)."""
        self._pending[day] += 1

    @property
    def pending(self) -> int:
        """How many counted questions are not written yet."""
        return sum(self._pending.values())

    def flush(self) -> int:
        """Write the pending counts; return how many questions were written. Keeps them on failure."""
        pending, events = self._take()
        written = self._write(pending, events)
        self._keep(pending, events)
        return written

    async def flush_off_loop(self, db: Offload) -> int:
        """`flush` with the writes in `db`'s threads (from the event loop); keeps what was not written."""
        pending, events = self._take()
        try:
            written = await db.record(self._write, pending, events)
        except Exception:
            log.exception("unanswered-question counts not written; kept for the next try")
            written = 0
        self._keep(pending, events)
        return written

    def _take(self) -> tuple[Counter[date], Counter[tuple[date, str]]]:
        pending, self._pending = self._pending, Counter()
        events, self._events = self._events, Counter()
        return pending, events

    def _keep(self, pending: Counter[date], events: Counter[tuple[date, str]]) -> None:
        self._pending.update(pending)
        self._events.update(events)

    def _write(self, pending: Counter[date], events: Counter[tuple[date, str]]) -> int:
        """Write and remove each count from `pending` and `events`; stops at the first failure of each."""
        written = 0
        try:
            for day, n in sorted(pending.items()):
                self._storage.count_miss(day, n)
                written += n
                del pending[day]
        except Exception:
            log.exception("unanswered-question counts not written; kept for the next try")
        try:
            queries = self._storage.console
            for (day, name), n in sorted(events.items()):
                queries.add_daily_count(day, name, n)
                del events[(day, name)]
        except Exception:
            log.exception("daily counts not written; kept for the next try")
        return written
