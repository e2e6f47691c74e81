"""Wake-ups between processes on PostgreSQL: NOTIFY when work is added, LISTEN in the bot.

Whoever adds, moves or cancels an appointment (the staff command line, an import, another
instance) or queues a broadcast (or a team answer) calls `notify` inside the same transaction; PostgreSQL delivers
the notification at commit, so a listener never looks before the rows are there. The bot's
`Listener` keeps one connection of its own with LISTEN on its channels and calls the reminder
timer's, the outbox sender's or the answer delivery's wake-up. It is a hint only: the timer and the sender still poll
(every 15 s), so a lost notification (the listener reconnecting, SQLite, which has none) costs
at most the poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

log = logging.getLogger(__name__)

REMINDERS = "bot_reminders"
OUTBOX = "bot_outbox"
INBOX = "bot_inbox"  # a team answer to deliver (bot.inbox.delivery)
RECONNECT_AFTER = 2.0
# Notifications are awaited in turns of this many seconds, so a stop is noticed between two turns:
# cancelling the wait instead makes psycopg cancel the query on the server, which over a connection
# that stopped answering takes up to 10 s (cancel timeout, then close).
NOTIFY_TURN = 1.0
STOP_WAIT = 2.0


def notify(conn: Connection, channel: str) -> None:
    """Signal `channel` at commit of `conn`'s transaction (PostgreSQL; nothing on SQLite)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})


def libpq_url(database_url: str) -> str | None:
    """The database URL as libpq understands it, or None when it is not PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """LISTENs on the channels of `wake` and calls the matching function for every notification."""

    def __init__(self, conninfo: str, wake: Mapping[str, Callable[[], None]], connect_timeout: float = 3.0) -> None:
        self.conninfo = conninfo
        self.wake = wake
        self.connect_timeout = connect_timeout
        self.listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._conn: psycopg.AsyncConnection[Any] | None = None

    def start(self) -> None:
        """Run in a task of the running loop."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="notify-listener")

    async def stop(self) -> None:
        """Close the connection and end the task, within `STOP_WAIT` seconds whatever the database does."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_WAIT)
        except TimeoutError:
            # Stuck on a database that does not answer. Closing the connection ends the wait at once;
            # cancelling it would make psycopg try to cancel the statement on the server first.
            if self._conn is not None:
                await self._conn.close()
            await asyncio.wait({task}, timeout=STOP_WAIT)
            if not task.done():  # still connecting: give up on it
                task.cancel()
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            self._stopping.clear()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._listen()
            except (psycopg.Error, OSError) as exc:
                self.listening.clear()
                log.warning("notifications: %s; reconnecting (the poll covers the gap)", type(exc).__name__)
            if self._stopping.is_set():
                return
            # Whatever was signalled while not listening: look once.
            for wake in self.wake.values():
                wake()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), RECONNECT_AFTER)

    async def _listen(self) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=True, connect_timeout=int(self.connect_timeout)
        )
        self._conn = conn
        async with conn:
            for channel in self.wake:
                await conn.execute(f'LISTEN "{channel}"')
            self.listening.set()
            while not self._stopping.is_set():
                async for note in conn.notifies(timeout=NOTIFY_TURN):
                    wake = self.wake.get(note.channel)
                    if wake is not None:
                        wake()
