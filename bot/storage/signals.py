"""Wake-ups between processes on PostgreSQL: NOTIFY when work is added, LISTEN in the bot.

Whoever adds, moves or cancels an appointment (the staff command line, an import, another
instance) or queues a broadcast calls `notify` inside the same transaction; PostgreSQL delivers
the notification at commit, so a listener never looks before the rows are there. The bot's
`Listener` keeps one connection of its own with LISTEN on both channels and calls the reminder
timer's or the outbox sender's wake-up. It is a hint only: the timer and the sender still poll
(every 15 s), so a lost notification (the listener reconnecting, SQLite, which has none) costs
at most the poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

log = logging.getLogger(__name__)

REMINDERS = "bot_reminders"
OUTBOX = "bot_outbox"
RECONNECT_AFTER = 2.0


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

    def start(self) -> None:
        """Run in a task of the running loop."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="notify-listener")

    async def stop(self) -> None:
        """Close the connection and end the task."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except (psycopg.Error, OSError) as exc:
                self.listening.clear()
                log.warning("notifications: %s; reconnecting (the poll covers the gap)", type(exc).__name__)
            # Whatever was signalled while not listening: look once.
            for wake in self.wake.values():
                wake()
            await asyncio.sleep(RECONNECT_AFTER)

    async def _listen(self) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=True, connect_timeout=int(self.connect_timeout)
        )
        async with conn:
            for channel in self.wake:
                await conn.execute(f'LISTEN "{channel}"')
            self.listening.set()
            async for note in conn.notifies():
                wake = self.wake.get(note.channel)
                if wake is not None:
                    wake()
