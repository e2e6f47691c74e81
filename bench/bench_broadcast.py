"""Benchmark: a broadcast to N recipients through the local Bot API fake with Telegram's flood limits.

The fake answers 429 above 30 messages/s overall or 1/s per chat and counts every message. The real
application (alarm layer included) runs against the same fake; halfway the sender is killed (its task
cancelled) and a new one started. Figures: rate vs the configured 25/s, 429s, lost, duplicates, the
alarm answer's latency during the broadcast.

Run: .venv/bin/python bench/bench_broadcast.py [N]     (BENCH_QUICK=1: 1,000 recipients; default 10,000)
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.app.assembly import Assembly, build_application
from bot.app.broadcasts import make_broadcast_sender
from bot.app.telegram_io import TelegramSender
from bot.fakeapi.harness import BotHarness
from bot.fakeapi.server import FakeBotApi, RateLimits
from bot.outbox.pacer import Priority
from bot.outbox.sender import BroadcastSender
from bot.settings import Settings
from bot.storage import schema

RATE = 25
ALARM_CHAT = 99_000_001
ALARM_TEXT = "Ik heb sinds vanmiddag koorts van 39 graden en rillingen"
FIRST_CHAT = 10_000_000


def _seed(storage: Any, count: int) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "chat_id": FIRST_CHAT + i,
            "language": "nl",
            "consent_at": now,
            "broadcasts_enabled": True,
            "active": True,
            "created_at": now,
        }
        for i in range(count)
    ]
    with storage.engine.begin() as conn:
        conn.execute(insert(schema.patients), rows)


def _outbox(assembly: Assembly) -> BroadcastSender:
    """A sender of its own (not the application's), through the bot's pacer (BROADCAST_RATE), also at night."""
    services = assembly.services
    return make_broadcast_sender(
        settings=services.settings,
        knowledge=services.knowledge,
        storage=services.storage,
        sender=TelegramSender(assembly.app.bot, Priority.BROADCAST),
        clock=services.clock,
        db=services.db,
        rate=RATE,
        instance_id="bench-outbox",
        quiet=None,
        pacer=assembly.budget.pacer,
    )


async def _run(count: int) -> dict[str, Any]:
    limits = RateLimits(global_per_second=30, per_chat_per_second=1)
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotApi(rate_limits=limits) as fake:
            settings = dataclasses.replace(
                Settings.from_env({}), base_url=fake.base_url, database_url=f"sqlite:///{Path(tmp) / 'bench.db'}"
            )
            assembly = build_application(settings)
            services = assembly.services
            _seed(services.storage, count)
            async with BotHarness(assembly.app, fake, fail_on_handler_errors=False):
                # Urgent, so that running the benchmark at night does not wait for 08:00.
                broadcast = services.storage.staff.create_broadcast(
                    now=services.clock.now(),
                    created_by=1,
                    kind="text",
                    audience="all",
                    text="Benchmarkbericht van het HPB team.",
                    urgent=True,
                )
                recipients = range(FIRST_CHAT, FIRST_CHAT + count)

                def delivered() -> int:
                    return sum(1 for chat in recipients if fake.stats.per_chat[chat])

                sender = _outbox(assembly)
                started = time.monotonic()
                task = asyncio.create_task(sender.run(asyncio.Event()))

                await fake.wait_until(lambda: delivered() >= count // 4, within=count)
                alarm_at = time.monotonic()
                fake.send_text(ALARM_CHAT, ALARM_TEXT)
                await fake.wait_until(lambda: bool(fake.messages_to(ALARM_CHAT)), within=30)
                alarm_latency = time.monotonic() - alarm_at

                await fake.wait_until(lambda: delivered() >= count // 2, within=count)
                task.cancel()  # killed halfway
                try:
                    await task
                except asyncio.CancelledError:
                    pass
                at_kill = delivered()
                restarted = _outbox(assembly)
                stop = asyncio.Event()
                task = asyncio.create_task(restarted.run(stop))
                await fake.wait_until(lambda: delivered() >= count, within=count)
                elapsed = time.monotonic() - started
                stop.set()
                await task
                per_chat = [fake.stats.per_chat[chat] for chat in recipients]
                counts = services.storage.outbox.counts(broadcast.id)
    measured = count / elapsed
    return {
        "recipients": count,
        "configured_rate": RATE,
        "elapsed_s": round(elapsed, 1),
        "rate_per_s": round(measured, 2),
        "rate_pct_of_configured": round(100 * measured / RATE, 1),
        "http_429": fake.stats.rejected_429,
        "lost": sum(1 for n in per_chat if n == 0),
        "duplicates": sum(n - 1 for n in per_chat if n > 1),
        "delivered_at_kill": at_kill,
        "outbox_sent_rows": counts.get("sent", 0),
        "alarm_answer_s": round(alarm_latency, 3),
    }


def run(count: int | None = None) -> dict[str, Any]:
    """Run the benchmark and return its figures."""
    if count is None:
        count = 1_000 if os.environ.get("BENCH_QUICK") == "1" else 10_000
    return asyncio.run(_run(count))


def main() -> None:
    figures = run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    ok = (
        figures["rate_pct_of_configured"] >= 95
        and figures["http_429"] == 0
        and figures["lost"] == 0
        and figures["duplicates"] == 0
        and figures["alarm_answer_s"] < 1
    )
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
