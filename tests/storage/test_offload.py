"""`Offload`: storage calls off the event loop, each with a deadline; writes that must land are retried."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy.exc import OperationalError

from bot.storage.offload import DatabaseUnavailable, Offload


async def test_a_call_runs_in_another_thread_and_the_loop_stays_free() -> None:
    offload = Offload(deadline=2)
    loop_thread = threading.get_ident()
    assert await offload(threading.get_ident) != loop_thread
    offload.close()


async def test_no_answer_within_the_deadline_raises_and_marks_the_database_away() -> None:
    offload = Offload(deadline=0.1, workers=1)
    release = threading.Event()
    with pytest.raises(DatabaseUnavailable):
        await offload(release.wait, 5)
    assert offload.available is False
    # The pool's only thread is still stuck: a queued call fails after the deadline and never runs.
    ran: list[int] = []
    with pytest.raises(DatabaseUnavailable):
        await offload(ran.append, 1)
    release.set()
    assert await offload(lambda: "back") == "back" and offload.available is True
    await asyncio.sleep(0.05)
    assert ran == []
    offload.close()


async def test_a_refused_connection_is_unavailable_too() -> None:
    offload = Offload(deadline=1)

    def refuse() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with pytest.raises(DatabaseUnavailable):
        await offload(refuse)
    assert offload.available is False
    offload.close()


async def test_record_retries_while_the_database_refuses() -> None:
    offload = Offload(deadline=1, patience=5)
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        return "written"

    assert await offload.record(flaky) == "written" and len(attempts) == 3
    offload.close()
