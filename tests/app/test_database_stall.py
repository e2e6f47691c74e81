"""The database stops answering: alarm replies and folder answers go on, the rest says "not now"
and recovers by itself once the database is back.

Two ways a database stalls: PostgreSQL behind a relay that stops forwarding (a network partition
or a hung proxy: no error, no answer), and SQLite write-locked by another connection (a staff
import or a backup). Real waits here are the timeouts under test, kept short.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.fakeapi.relay import relay_to
from tests.chats import PATIENT, Chat, running_bot
from tests.databases import pg_url

__all__ = ["pg_url"]  # a fixture

FEVER = "Ik heb sinds vanmiddag 39,6 koorts"
NEW_CHAT, OTHER_CHAT, REMINDED = 2000, 3000, 1500
Stall = Callable[[], AbstractContextManager[None]]


@asynccontextmanager
async def sqlite_bot(tmp_path: Path, clock: ManualClock) -> AsyncIterator[tuple[Chat, Stall]]:
    async with running_bot(tmp_path, clock, fail_on_handler_errors=False) as chat:

        @contextmanager
        def stall() -> Iterator[None]:
            # Another connection holds the write lock, as a long import would.
            other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None, timeout=0.1)
            other.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                other.execute("ROLLBACK")
                other.close()

        yield chat, stall


@asynccontextmanager
async def postgres_bot(tmp_path: Path, clock: ManualClock, url: str) -> AsyncIterator[tuple[Chat, Stall]]:
    parsed = make_url(url)
    with relay_to(parsed.host or "127.0.0.1", parsed.port or 5432) as relay:
        relayed = url.replace(f"{parsed.host}:{parsed.port}", f"127.0.0.1:{relay.port}")
        async with running_bot(tmp_path, clock, database_url=relayed, fail_on_handler_errors=False) as chat:
            chat.assembly.services.db.deadline = 1.5  # what "no answer in time" means here

            @contextmanager
            def stall() -> Iterator[None]:
                relay.pause()
                try:
                    yield
                finally:
                    relay.resume()

            yield chat, stall


async def start_dialogue(chat: Chat) -> None:
    (await chat.say(PATIENT, "/afspraak")).assert_contains("Gaat u akkoord?")
    await chat.press(PATIENT, "Akkoord")
    await chat.press(PATIENT, "MRI-scan")
    (await chat.say(PATIENT, "10 december 13.15")).assert_contains("Klopt dit?")


def due_reminder(chat: Chat) -> None:
    """A patient with a reminder that fell due a minute ago."""
    storage = chat.assembly.services.storage
    now = chat.clock.now()
    storage.upsert_patient(REMINDED, "nl", now, consent_at=now)
    storage.add_appointment(
        REMINDED, "ct", now + timedelta(days=2), "staff", now, reminders=[("day-before", now - timedelta(minutes=1))]
    )


async def answered_within(chat: Chat, chat_id: int, text: str, seconds: float) -> str:
    before = len(chat.fake.messages_to(chat_id))
    chat.fake.send_text(chat_id, text)
    started = time.monotonic()
    await chat.fake.wait_until(lambda: len(chat.fake.messages_to(chat_id)) > before, within=seconds)
    assert time.monotonic() - started <= seconds
    return chat.fake.messages_to(chat_id)[-1].text or ""


async def run_stall(chat: Chat, stall: Stall, *, write_during_stall: bool) -> None:
    services = chat.assembly.services
    await start_dialogue(chat)
    due_reminder(chat)
    with stall():
        services.timer.signal()
        assert "112" in await answered_within(chat, NEW_CHAT, FEVER, 2.0)
        assert "kwartier" in await answered_within(chat, OTHER_CHAT, "hoe lang duurt een ct scan?", 2.0)
        if write_during_stall:
            # Saving needs the database: a clear "not now" with the spoed lines, and nothing is lost.
            reply = await chat.press(PATIENT, "Ja, opslaan")
        else:
            reply = await chat.say(OTHER_CHAT, "/afspraken")
        reply.assert_contains("lukt nu even niet", "112")
        assert (await chat.assembly._health())["database"] is False
    # Back: the dialogue started before the stall completes, the pending reminder goes out once.
    (await chat.press(PATIENT, "Ja, opslaan")).assert_contains("Opgeslagen: MRI-scan, donderdag 10 december, 13:15.")
    assert len(services.storage.list_appointments(chat_id=PATIENT)) == 1
    assert (await chat.assembly._health())["database"] is True
    services.timer.signal()
    await chat.fake.wait_until(lambda: len(chat.fake.messages_to(REMINDED)) == 1, within=5)
    services.timer.signal()
    await chat.harness.settle()
    assert len(chat.fake.messages_to(REMINDED)) == 1


async def test_sqlite_locked_by_another_connection(tmp_path: Path, clock: ManualClock) -> None:
    async with sqlite_bot(tmp_path, clock) as (chat, stall):
        await run_stall(chat, stall, write_during_stall=True)


@pytest.mark.postgres
async def test_postgres_that_stops_answering(tmp_path: Path, clock: ManualClock, pg_url: str) -> None:
    async with postgres_bot(tmp_path, clock, pg_url) as (chat, stall):
        # A write left hanging would land once the database is back; a read shows the same "not now".
        await run_stall(chat, stall, write_during_stall=False)
