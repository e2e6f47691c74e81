"""Work queued elsewhere, and alarms while the database hangs: how quickly the running bot acts.

    .venv/bin/python -m bench.bench_signals

The bot runs as in production (`Assembly.startup`: reminder timer, outbox sender, NOTIFY listener)
with the real clock, over the local fake Bot API, on PostgreSQL at 127.0.0.1:5432 (a fresh schema,
reached through a TCP relay that can stop forwarding) and on SQLite.

* reminder_delay_s: a reminder added by another connection (as the staff command line does), due
  3 s later; seconds from its due time until the fake received it. Goal <= 2 s on PostgreSQL.
* broadcast_start_s: `python -m bot broadcast --yes` run as a command; seconds from the moment the
  broadcast was stored (its created_at) until the first recipient had it. Goal <= 2 s on PostgreSQL.
* alarm_p99_s_db_hung: the relay stops forwarding; alarm messages from new chats, one at a time;
  p99 of seconds until the 112 reply arrived. Goal <= 2 s.
* sqlite_pickup_s: on SQLite (no signals) a reminder added by another connection and due at once;
  seconds until it was sent (the poll). Goal <= 15 s.
PostgreSQL figures are None (with a note) when no server answers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402 - after the path fix above
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.app.assembly import Assembly, build_application  # noqa: E402
from bot.fakeapi.relay import relay_to  # noqa: E402
from bot.fakeapi.server import FakeBotApi  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import open_storage  # noqa: E402
from bot.storage.engine import make_engine  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "123456:BENCH"  # noqa: S105 - not a secret: only the local fake accepts it
ALARM = "Ik heb sinds vanmiddag 39,6 koorts"
REMINDED = 1500


def pg_available() -> bool:
    try:
        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


@asynccontextmanager
async def running(database_url: str) -> AsyncIterator[tuple[Assembly, FakeBotApi]]:
    async with FakeBotApi() as fake:
        settings = dataclasses.replace(
            Settings.from_env({}), token=TOKEN, base_url=fake.base_url, database_url=database_url
        )
        assembly = build_application(settings)
        app = assembly.app
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=10))
        await assembly.startup()
        try:
            yield assembly, fake
        finally:
            await app.updater.stop()
            await app.stop()
            await assembly.shutdown()
            await app.shutdown()


async def reminder_delay(assembly: Assembly, fake: FakeBotApi, url: str, due_in: float) -> float:
    """Another connection adds a reminder due in `due_in` s; seconds from due until it arrived."""
    other = open_storage(url)
    try:
        now = datetime.now(UTC)
        due = now + timedelta(seconds=due_in)
        other.upsert_patient(REMINDED, "nl", now, consent_at=now)
        await asyncio.to_thread(
            other.add_appointment, REMINDED, "ct", now + timedelta(days=2), "staff", now, None, [("day-before", due)]
        )
        await fake.wait_until(lambda: bool(fake.messages_to(REMINDED)), within=due_in + 30)
        return time.time() - due.timestamp()
    finally:
        other.close()


async def broadcast_start(fake: FakeBotApi, url: str) -> float:
    """`python -m bot broadcast --yes`; seconds from the stored broadcast until the first recipient had it."""
    other = open_storage(url)
    recipients = range(1600, 1610)
    now = datetime.now(UTC)
    for chat_id in recipients:
        other.upsert_patient(chat_id, "nl", now, consent_at=now)
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "bot", "broadcast", "--yes", "--urgent", "--text", "Het spreekuur is dicht."]

    async def first_arrival() -> float:
        await fake.wait_until(lambda: any(fake.messages_to(c) for c in recipients), within=60)
        return time.time()

    watcher = asyncio.create_task(first_arrival())  # the command is still running when the first one arrives
    await asyncio.to_thread(subprocess.run, command, cwd=ROOT, env=env, capture_output=True, check=True)
    arrived = await watcher
    stored = other.staff.list_broadcasts(1)[0].broadcast.created_at
    other.close()
    return arrived - stored.timestamp()


async def alarm_latencies(assembly: Assembly, fake: FakeBotApi, n: int) -> list[float]:
    samples = []
    for i in range(n):
        chat_id = 900_000 + i
        started = time.monotonic()
        fake.send_text(chat_id, ALARM)
        await fake.wait_until(lambda c=chat_id: bool(fake.messages_to(c)), within=30)  # type: ignore[misc]
        samples.append(time.monotonic() - started)
    return samples


async def postgres_figures(alarms: int) -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    parsed = make_url(PG_URL)
    try:
        with relay_to(parsed.host or "127.0.0.1", parsed.port or 5432) as relay:
            url = f"postgresql+psycopg://postgres@127.0.0.1:{relay.port}/test?options=-csearch_path%3D{schema}"
            async with running(url) as (assembly, fake):
                if assembly.listener is not None:
                    await fake.wait_until(assembly.listener.listening.is_set, within=10)
                reminder = await reminder_delay(assembly, fake, url, due_in=3.0)
                broadcast = await broadcast_start(fake, url)
                relay.pause()
                try:
                    hung = await alarm_latencies(assembly, fake, alarms)
                finally:
                    relay.resume()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    hung.sort()
    return {
        "reminder_delay_s": round(reminder, 3),
        "broadcast_start_s": round(broadcast, 3),
        "alarm_p50_s_db_hung": round(statistics.median(hung), 3),
        "alarm_p99_s_db_hung": round(hung[min(len(hung) - 1, round(0.99 * (len(hung) - 1)))], 3),
    }


async def sqlite_figures() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-signals-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bot.db'}"
        async with running(url) as (assembly, fake):
            await asyncio.sleep(1)  # the timer has looked once and sleeps its poll
            return {"sqlite_pickup_s": round(await reminder_delay(assembly, fake, url, due_in=0.0), 3)}


def run(quick: bool | None = None) -> dict[str, Any]:
    """Measure; PostgreSQL figures are None when no server answers at 127.0.0.1:5432."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK") == "1"
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.CRITICAL)
    try:
        figures: dict[str, Any] = {}
        if pg_available():
            figures.update(asyncio.run(postgres_figures(alarms=20 if quick else 100)))
        else:
            figures.update(
                {
                    "reminder_delay_s": None,
                    "broadcast_start_s": None,
                    "alarm_p50_s_db_hung": None,
                    "alarm_p99_s_db_hung": None,
                    "note": "PostgreSQL at 127.0.0.1:5432 not answering",
                }
            )
        figures.update(asyncio.run(sqlite_figures()))
    finally:
        root.setLevel(level)
    pg_ok = figures["reminder_delay_s"] is None or (
        figures["reminder_delay_s"] <= 2 and figures["broadcast_start_s"] <= 2 and figures["alarm_p99_s_db_hung"] <= 2
    )
    figures["ok"] = bool(pg_ok and figures["sqlite_pickup_s"] <= 15)
    return figures


if __name__ == "__main__":
    result = run()
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    sys.exit(0 if result["ok"] else 1)
