"""Work added by another process starts within seconds: NOTIFY on PostgreSQL, the poll elsewhere."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.storage import open_storage
from tests.chats import running_bot
from tests.databases import pg_url

__all__ = ["pg_url"]  # a fixture

REMINDED, SUBSCRIBER = 1500, 1600


@pytest.mark.postgres
async def test_another_process_wakes_the_reminder_timer_and_the_outbox(
    tmp_path: Path, clock: ManualClock, pg_url: str
) -> None:
    async with running_bot(tmp_path, clock, database_url=pg_url) as chat:
        listener = chat.assembly.listener
        assert listener is not None
        await chat.fake.wait_until(listener.listening.is_set, within=5)
        # "The staff command line": its own engine and connection on the same database.
        other = open_storage(pg_url)
        try:
            now = clock.now()
            other.upsert_patient(REMINDED, "nl", now, consent_at=now)
            other.add_appointment(
                REMINDED, "ct", now + timedelta(days=2), "staff", now, reminders=[("day-before", now)]
            )
            # The timer and the sender poll every 15 s: an answer within 2 s came from the signal.
            await chat.fake.wait_until(lambda: bool(chat.fake.messages_to(REMINDED)), within=2)
            other.upsert_patient(SUBSCRIBER, "nl", now, consent_at=now)
            other.staff.create_broadcast(
                now=now, created_by=None, kind="text", audience="all", text="Nieuws.", urgent=True
            )
            await chat.fake.wait_until(lambda: bool(chat.fake.messages_to(SUBSCRIBER)), within=2)
        finally:
            other.close()
