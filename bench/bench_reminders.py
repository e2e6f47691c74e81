"""Benchmark: 100,000 pending reminders in SQLite loaded and the timer armed quickly; reminders fire on time.

Run: .venv/bin/python bench/bench_reminders.py   (prints figures, returns a dict from `run()`)
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.clock import SystemClock
from bot.reminders.loader import load_reminder_rules
from bot.reminders.service import ReminderService
from bot.reminders.timer import ReminderTimer
from bot.sending import Keyboard, RecordingSender
from bot.storage import (
    Storage,
    open_storage,
    schema,
)

ROOT = Path(__file__).resolve().parent.parent
PENDING = 100_000


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fill(url: str, count: int) -> None:
    storage = open_storage(url)
    now = datetime.now(UTC)
    storage.upsert_patient(1, "nl", now)
    start = now + timedelta(days=30)
    appt = storage.add_appointment(1, "ct", start, "staff", now)
    # Two reminders per appointment: 50,000 appointments, inserted in bulk.
    with storage.engine.begin() as conn:
        conn.execute(
            insert(schema.appointments),
            [
                {"chat_id": 1, "type": "ct", "start_at": start, "source": "staff", "created_at": now}
                for _ in range(count // 2)
            ],
        )
    rows = [
        {
            "appointment_id": appt.id + 1 + i // 2,
            "rule": "day-before" if i % 2 else "two-hours-before",
            "due_at": now + timedelta(days=1, seconds=i),
            "status": "pending",
            "attempts": 0,
        }
        for i in range(count)
    ]
    for offset in range(0, count, 20_000):
        storage.bulk_insert_reminders(rows[offset : offset + 20_000])
    storage.close()


class _TimingSender(RecordingSender):
    def __init__(self) -> None:
        super().__init__()
        self.at: list[datetime] = []

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        self.at.append(datetime.now(UTC))
        return await super().send_message(chat_id, html, keyboard)


async def _start_and_fire(url: str) -> dict[str, Any]:
    rules, problems = load_reminder_rules(ROOT / "schedules" / "reminders.yaml")
    assert rules is not None, problems
    sender = _TimingSender()
    t0 = time.perf_counter()
    storage: Storage = open_storage(url)
    service = ReminderService(storage, rules, sender, SystemClock(), timedelta(hours=6))
    timer = ReminderTimer(service)
    await timer.next_wake()  # what the timer task does first: find the earliest due time
    timer.start()
    startup_s = time.perf_counter() - t0
    try:
        pending = storage.count_reminders("pending")

        # Real-time run: a few reminders due within the next ~3 s.
        now = datetime.now(UTC)
        storage.upsert_patient(2, "nl", now)
        due_times = [now + timedelta(seconds=s) for s in (0.5, 1.2, 2.0, 2.7)]
        start = now + timedelta(hours=3)
        for i, due in enumerate(due_times):
            storage.add_appointment(2, "mri", start, "staff", now, reminders=[(f"b{i}", due)])
        timer.changed()
        await asyncio.sleep(3.8)
        lateness = [(sent - due).total_seconds() for sent, due in zip(sender.at, due_times, strict=False)]
    finally:
        await timer.stop()
        service.db.close()
        storage.close()
    return {
        "pending": pending,
        "startup_s": round(startup_s, 3),
        "rss_mb": round(_rss_mb(), 1),
        "fired": len(sender.at),
        "expected": len(due_times),
        "max_late_s": round(max(lateness), 3) if lateness else None,
    }


def run() -> dict[str, Any]:
    """Fill a temporary SQLite with 100,000 pending reminders, start, arm, and fire a few in real time."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        _fill(url, PENDING)
        fill_s = time.perf_counter() - t0
        result = asyncio.run(_start_and_fire(url))
    result["fill_s"] = round(fill_s, 2)
    result["ok"] = bool(
        result["startup_s"] < 5
        and result["rss_mb"] < 300
        and result["fired"] == result["expected"]
        and result["max_late_s"] is not None
        and result["max_late_s"] < 1
    )
    return {"reminders": result}


if __name__ == "__main__":
    figures = run()["reminders"]
    print(
        f"reminders: {figures['pending']} pending, start + arm {figures['startup_s']} s (< 5), "
        f"RSS {figures['rss_mb']} MB (< 300), fired {figures['fired']}/{figures['expected']}, "
        f"max lateness {figures['max_late_s']} s (< 1), fill {figures['fill_s']} s -> "
        f"{'OK' if figures['ok'] else 'FAIL'}"
    )
    sys.exit(0 if figures["ok"] else 1)
