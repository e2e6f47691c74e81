"""Counting unanswered questions without a database write per question.

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
    """Per-day counts of unanswered questions, waiting to be written."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._pending: Counter[date] = Counter()

    def add(self, day: date) -> None:
        """Count one unanswered question on `day` (Amsterdam date)."""
        self._pending[day] += 1

    @property
    def pending(self) -> int:
        """How many counted questions are not written yet."""
        return sum(self._pending.values())

    def flush(self) -> int:
        """Write the pending counts; return how many questions were written. Keeps them on failure."""
        pending, self._pending = self._pending, Counter()
        written = self._write(pending)
        self._pending.update(pending)
        return written

    async def flush_off_loop(self, db: Offload) -> int:
        """`flush` with the writes in `db`'s threads (from the event loop); keeps what was not written."""
        pending, self._pending = self._pending, Counter()
        try:
            written = await db.record(self._write, pending)
        except Exception:
            log.exception("unanswered-question counts not written; kept for the next try")
            written = 0
        self._pending.update(pending)
        return written

    def _write(self, pending: Counter[date]) -> int:
        """Write and remove each day's count from `pending`; stops at the first failure."""
        written = 0
        try:
            for day, n in sorted(pending.items()):
                self._storage.count_miss(day, n)
                written += n
                del pending[day]
        except Exception:
            log.exception("unanswered-question counts not written; kept for the next try")
        return written
