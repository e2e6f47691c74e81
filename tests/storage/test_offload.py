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


async def test_a_claim_nobody_waits_for_any_more_is_given_back_when_it_completes() -> None:
    offload = Offload(deadline=0.1, workers=2)
    release = threading.Event()
    given_back: list[list[int]] = []
    returned = threading.Event()

    def claim() -> list[int]:
        release.wait(5)
        return [1, 2]

    def give_back(rows: list[int]) -> None:
        given_back.append(rows)
        returned.set()

    with pytest.raises(DatabaseUnavailable):  # the deadline passes while the claim runs
        await offload.claim(claim, give_back)
    release.set()
    assert await asyncio.to_thread(returned.wait, 5)
    assert given_back == [[1, 2]]
    offload.close()


async def test_a_cancelled_claim_is_given_back_and_one_that_never_ran_claims_nothing() -> None:
    offload = Offload(deadline=5, workers=1)
    release = threading.Event()
    started = threading.Event()
    given_back: list[list[str]] = []
    returned = threading.Event()
    ran: list[str] = []

    def claim(name: str) -> list[str]:
        ran.append(name)
        started.set()
        release.wait(5)
        return [name]

    def give_back(rows: list[str]) -> None:
        given_back.append(rows)
        returned.set()

    running = asyncio.create_task(offload.claim(claim, give_back, "running"))
    assert await asyncio.to_thread(started.wait, 5)
    queued = asyncio.create_task(offload.claim(claim, give_back, "queued"))  # waits for the only thread
    await asyncio.sleep(0.05)
    running.cancel()
    queued.cancel()
    await asyncio.gather(running, queued, return_exceptions=True)  # both callers have stopped waiting
    release.set()
    assert await asyncio.to_thread(returned.wait, 5)
    await asyncio.sleep(0.05)
    assert given_back == [["running"]] and ran == ["running"]
    offload.close()


async def test_a_claim_that_is_awaited_returns_its_rows_and_gives_nothing_back() -> None:
    offload = Offload(deadline=2)
    given_back: list[list[int]] = []
    assert await offload.claim(lambda: [7], given_back.append) == [7]
    await asyncio.sleep(0.05)
    assert given_back == []
    offload.close()


async def test_hurry_ends_the_waits_already_in_progress_too() -> None:
    offload = Offload(deadline=30, workers=2, patience=30)
    release = threading.Event()
    call = asyncio.create_task(offload(release.wait, 10))
    write = asyncio.create_task(offload.record(release.wait, 10))
    await asyncio.sleep(0.05)  # both are waiting on the stuck database
    loop = asyncio.get_running_loop()
    started = loop.time()
    offload.hurry(0.2)
    for task in (call, write):
        with pytest.raises(DatabaseUnavailable):
            await task
    assert loop.time() - started < 2  # not their 30 s
    release.set()
    offload.close()
