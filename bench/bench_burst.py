"""A burst of alarms through a Bot API fake that keeps Telegram's flood limits: every patient answered.

    .venv/bin/python -m bench.bench_burst        (BENCH_QUICK=1: 300 alarms, a 1,000-recipient broadcast)

The fake (`FakeBotApi(rate_limits=RateLimits())`) accepts 30 messages in any second overall, 1 in any
second per chat, and answers 429 with retry_after beyond that. It runs in a child process
(`bench.fake_process --flood`), as Telegram runs elsewhere: its clock of arrivals does not stall while
the bot's event loop is busy with a thousand updates (in the bot's own loop it counted arrivals bunched
up by those stalls). The bot runs with its production limits (`bot.outbox.pacer.Limits`), the real
clock and `Assembly.startup` (outbox sender, timers). The alarm texts are alarms without a question:
one reply each.

* burst: N new chats (1,000) each send an alarm, spread over one second, to one instance (long
  polling, SQLite). Figures: replies, lost, duplicates; seconds from the first alarm until the
  fake accepted the last reply, against the physical minimum N / 30 s (goal <= 1.35 x); 429s as a
  share of all sends (goal < 1 %).
* during_broadcast: the same burst while a broadcast to 10,000 subscribers goes out (quick: 1,000).
  Figures: broadcast messages the fake accepted between the first and the last alarm reply (goal 0:
  every alarm reply before any further broadcast message); once the broadcast is done, its lost and
  duplicates; alarm replies lost; 429 share.
* two_instances: two webhook instances on one PostgreSQL (a fresh schema), sharing the budget
  through it (`bot.outbox.budget`); the burst's updates are handed to them alternately. Figures: the
  most sends (accepted or not) in any one second over both instances (goal <= 30), replies lost and
  duplicated, 429 share, seconds until the last reply. None, with a note, when no PostgreSQL answers.

Returns a dict of figures (and prints it); not a test: timings vary by machine.
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import logging
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402 - after the path fix above
from sqlalchemy import insert, text  # noqa: E402
from telegram import Update  # noqa: E402

from bench.fake_process import FakeProcess  # noqa: E402
from bot.app.assembly import Assembly, build_application  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import schema  # noqa: E402
from bot.storage.engine import make_engine  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "123456:BENCH"  # noqa: S105 - not a secret: only the local fake accepts it
TELEGRAM_PER_SECOND = 30
GOAL_RATIO = 1.35
# Alarms without a question (one reply each), as patients type them.
ALARMS = [
    "Ik heb sinds vanmiddag koorts van 39 graden en rillingen",
    "ik moet steeds overgeven",
    "Mijn wond is rood en er komt pus uit",
    "ik word ineens helemaal geel en heb jeuk",
    "ik kan niet meer plassen sinds gisteren",
    "ik ben erg kortademig bij het traplopen",
    "ik heb 39,5 koorts",
]
BURST_CHATS = 5_000_000  # the new chats: 5,000,000, 5,000,001, …
SUBSCRIBERS = 10_000_000  # the broadcast's recipients
WAVES = 20  # the burst arrives in this many waves over its second


def settings(database_url: str, **changes: Any) -> Settings:
    return dataclasses.replace(Settings.from_env({}), token=TOKEN, database_url=database_url, **changes)


@asynccontextmanager
async def polling(base_url: str, database_url: str) -> AsyncIterator[Assembly]:
    """One instance, long polling, started as `python -m bot run` starts it."""
    assembly = build_application(settings(database_url, base_url=base_url))
    app = assembly.app
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=10))
    await assembly.startup()
    try:
        yield assembly
    finally:
        await app.updater.stop()
        await app.stop()
        await assembly.shutdown()
        await app.shutdown()


Deliver = Callable[[list[tuple[int, int, str]]], Awaitable[None]]


async def burst(chats: range, deliver: Deliver, spread: float = 1.0) -> float:
    """Each chat sends an alarm: `WAVES` waves evenly over `spread` seconds; the monotonic time of the first."""
    started = time.monotonic()
    messages = [(i, chat, ALARMS[i % len(ALARMS)]) for i, chat in enumerate(chats)]
    for wave in range(WAVES):
        due = started + spread * wave / WAVES
        if due > time.monotonic():
            await asyncio.sleep(due - time.monotonic())
        await deliver(messages[wave::WAVES])
    return started


async def inject(fake: FakeProcess, messages: list[tuple[int, int, str]]) -> None:
    await fake.inject([(chat, text) for _, chat, text in messages])


@dataclass
class FloodLog:
    """What the fake saw: (time, chat) of each accepted message, the time of each tried, the 429s."""

    accepted: list[tuple[float, int]]
    attempted: list[float]
    rejected_429: int

    @classmethod
    async def of(cls, fake: FakeProcess) -> FloodLog:
        return cls(*await fake.flood_log())

    def outcome(self, chats: range) -> dict[str, int]:
        counts = Counter(chat for _, chat in self.accepted if chat in chats)
        return {
            "lost": sum(1 for chat in chats if not counts[chat]),
            "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        }

    def times(self, chats: range) -> list[float]:
        return [t for t, chat in self.accepted if chat in chats]

    def pct_429(self) -> float:
        return round(100 * self.rejected_429 / len(self.attempted), 3) if self.attempted else 0.0


def most_in_a_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered)), default=0)


async def burst_alone(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-burst-") as tmp:
        async with FakeProcess(flood=True) as fake, polling(fake.base_url, f"sqlite:///{Path(tmp) / 'bot.db'}"):
            chats = range(BURST_CHATS, BURST_CHATS + n)
            started = await burst(chats, lambda messages: inject(fake, messages))
            await fake.wait_replied(chats, within=10 * n / TELEGRAM_PER_SECOND)
            log = await FloodLog.of(fake)
    minimum = n / TELEGRAM_PER_SECOND
    last = max(log.times(chats)) - started
    outcome = log.outcome(chats)
    return {
        "alarms": n,
        "replies": n - outcome["lost"],
        **outcome,
        "last_reply_s": round(last, 1),
        "physical_minimum_s": round(minimum, 1),
        "last_ratio": round(last / minimum, 3),
        "sends": len(log.attempted),
        "http_429": log.rejected_429,
        "pct_429": log.pct_429(),
        "max_per_second": most_in_a_second(log.attempted),
    }


def seed_subscribers(database_url: str, count: int) -> None:
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    rows = [
        {
            "chat_id": SUBSCRIBERS + i,
            "language": "nl",
            "consent_at": now,
            "broadcasts_enabled": True,
            "active": True,
            "created_at": now,
        }
        for i in range(count)
    ]
    with engine.begin() as conn:
        conn.execute(insert(schema.patients), rows)
    engine.dispose()


async def burst_during_broadcast(n: int, recipients: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-burst-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bot.db'}"
        async with FakeProcess(flood=True) as fake, polling(fake.base_url, url) as assembly:
            services = assembly.services
            seed_subscribers(url, recipients)
            broadcast = services.storage.staff.create_broadcast(
                now=services.clock.now(),
                created_by=1,
                kind="text",
                audience="all",
                text="Het spreekuur is morgen gesloten.",
                urgent=True,  # also at night
            )
            services.outbox.wake()
            subscribers = range(SUBSCRIBERS, SUBSCRIBERS + recipients)
            await fake.wait_replied(subscribers, at_least=min(300, recipients // 4), within=120)
            chats = range(BURST_CHATS, BURST_CHATS + n)
            started = await burst(chats, lambda messages: inject(fake, messages))
            await fake.wait_replied(chats, within=10 * n / TELEGRAM_PER_SECOND)
            alarms_done = time.monotonic()
            await fake.wait_replied(subscribers, within=3 * recipients / 25 + 60)
            broadcast_done = time.monotonic()
            for _ in range(50):  # the last rows are recorded just after Telegram's answer
                counts = services.storage.outbox.counts(broadcast.id)
                if counts.get("sent", 0) >= recipients:
                    break
                await asyncio.sleep(0.1)
            log = await FloodLog.of(fake)
    replies = log.times(chats)
    first, last = min(replies), max(replies)
    between = sum(1 for t in log.times(subscribers) if first < t < last)
    alarms, sent = log.outcome(chats), log.outcome(subscribers)
    return {
        "alarms": n,
        "alarms_lost": alarms["lost"],
        "alarm_duplicates": alarms["duplicates"],
        "last_reply_s": round(last - started, 1),
        "broadcast_between_alarm_replies": between,
        "recipients": recipients,
        "broadcast_lost": sent["lost"],
        "broadcast_duplicates": sent["duplicates"],
        "broadcast_rows_sent": counts.get("sent", 0),
        "broadcast_done_after_alarms_s": round(broadcast_done - alarms_done, 1),
        "http_429": log.rejected_429,
        "pct_429": log.pct_429(),
        "max_per_second": most_in_a_second(log.attempted),
    }


def pg_available() -> bool:
    try:
        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


@asynccontextmanager
async def pg_schema() -> AsyncIterator[str]:
    """A database URL on a fresh schema, dropped afterwards."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """The update Telegram would post to a webhook when `chat_id` sends `text`."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "nl"},
            "text": text,
        },
    }


async def two_instances(n: int) -> dict[str, Any]:
    async with pg_schema() as url, FakeProcess(flood=True) as fake:
        base = settings(url, base_url=fake.base_url, webhook_secret="bench-secret")  # noqa: S106 - the local fake only
        instances = [build_application(base, dedupe_updates=True) for _ in range(2)]
        for instance in instances:  # as `run --webhook` starts them; updates are handed over below
            await instance.app.initialize()
            await instance.app.start()
            await instance.startup()
        try:
            pacers = [instance.budget.pacer for instance in instances]
            # Let the leases settle, as they have when instances have been running for a while.
            for _ in range(60):
                if abs(pacers[0].rate - pacers[1].rate) < 0.01:
                    break
                await asyncio.sleep(0.5)
            rates = [round(p.rate, 2) for p in pacers]
            chats = range(BURST_CHATS, BURST_CHATS + n)

            async def deliver(messages: list[tuple[int, int, str]]) -> None:
                for i, chat, text in messages:  # what the webhook handler does with Telegram's POST
                    app = instances[i % 2].app
                    app.update_queue.put_nowait(Update.de_json(update(i + 1, chat, text), app.bot))

            started = await burst(chats, deliver)
            await fake.wait_replied(chats, within=10 * n / TELEGRAM_PER_SECOND)
            log = await FloodLog.of(fake)
        finally:
            for instance in instances:
                await instance.app.stop()
                await instance.shutdown()
                await instance.app.shutdown()
    return {
        "alarms": n,
        "rates_per_second": rates,
        **log.outcome(chats),
        "last_reply_s": round(max(log.times(chats)) - started, 1),
        "max_per_second": most_in_a_second(log.attempted),
        "http_429": log.rejected_429,
        "pct_429": log.pct_429(),
    }


def run(quick: bool | None = None) -> dict[str, Any]:
    """All three runs; `quick` (default: env BENCH_QUICK=1) uses fewer alarms and recipients."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK") == "1"
    n, recipients = (300, 1_000) if quick else (1_000, 10_000)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.CRITICAL)  # one line per alarm would measure the terminal
    try:
        figures: dict[str, Any] = {"burst": asyncio.run(burst_alone(n))}
        figures["during_broadcast"] = asyncio.run(burst_during_broadcast(n, recipients))
        if pg_available():
            figures["two_instances"] = asyncio.run(two_instances(n))
        else:
            figures["two_instances"] = {"note": "PostgreSQL at 127.0.0.1:5432 not answering"}
    finally:
        root.setLevel(level)
    b, d, t = figures["burst"], figures["during_broadcast"], figures["two_instances"]
    figures["ok"] = bool(
        b["lost"] == 0
        and b["duplicates"] == 0
        and b["last_ratio"] <= GOAL_RATIO
        and b["pct_429"] < 1
        and d["alarms_lost"] == 0
        and d["broadcast_between_alarm_replies"] == 0
        and d["broadcast_lost"] == 0
        and d["broadcast_duplicates"] == 0
        and ("note" in t or (t["lost"] == 0 and t["duplicates"] == 0 and t["max_per_second"] <= TELEGRAM_PER_SECOND))
    )
    return figures


def main() -> None:
    figures = run()
    for part, values in figures.items():
        if isinstance(values, dict):
            for key, value in values.items():
                print(f"{part + '.' + key:>44}: {value}")
        else:
            print(f"{part:>44}: {values}")
    print("PASS" if figures["ok"] else "FAIL")
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()
