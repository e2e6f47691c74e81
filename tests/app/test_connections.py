"""Connections to Telegram: alarm replies go before waiting folder answers; a cancelled wait gives
nothing away."""

from __future__ import annotations

import asyncio

import pytest

from bot.app.telegram_io import Connections
from tests.chats import PATIENT, Chat

QUESTION = "Hoe lang moet ik van tevoren stoppen met eten voor de operatie?"


async def _hold(connections: Connections, name: str, order: list[str], release: asyncio.Event, urgent: bool) -> None:
    async with connections.hold(urgent=urgent):
        order.append(name)
        await release.wait()


async def test_an_urgent_request_takes_the_first_free_connection_before_earlier_ordinary_ones() -> None:
    connections = Connections(1)
    order: list[str] = []
    gates = {name: asyncio.Event() for name in ("busy", "a", "b", "alarm")}
    tasks = [
        asyncio.create_task(_hold(connections, name, order, gates[name], urgent=name == "alarm")) for name in gates
    ]
    await asyncio.sleep(0)
    assert order == ["busy"]
    for name in ("busy", "alarm", "a", "b"):
        gates[name].set()
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    assert order == ["busy", "alarm", "a", "b"]  # then arrival order


async def test_a_waiter_cancelled_while_it_waits_or_as_it_is_served_gives_its_connection_back() -> None:
    connections = Connections(1)
    order: list[str] = []
    release = asyncio.Event()
    busy = asyncio.create_task(_hold(connections, "busy", order, release, urgent=False))
    await asyncio.sleep(0)
    gone = asyncio.create_task(_hold(connections, "gone", order, asyncio.Event(), urgent=True))
    later = asyncio.create_task(_hold(connections, "later", order, release, urgent=False))
    await asyncio.sleep(0)
    gone.cancel()
    release.set()
    await asyncio.gather(busy, later)
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert order == ["busy", "later"]
    # Handed over in the same turn as the cancel: the connection is given back, not lost.
    blocker = asyncio.Event()
    first = asyncio.create_task(_hold(connections, "first", order, blocker, urgent=False))
    await asyncio.sleep(0)
    second = asyncio.create_task(_hold(connections, "second", order, asyncio.Event(), urgent=False))
    await asyncio.sleep(0)
    blocker.set()
    await first  # the connection is handed to `second`, which is cancelled before it runs
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    async with asyncio.timeout(1):
        async with connections.hold():
            pass


async def test_an_alarm_reply_does_not_wait_behind_folder_answers_queued_for_a_connection(chat: Chat) -> None:
    # Every reply connection is busy: Telegram holds eight answers, one of them only briefly.
    busy = range(4000, 4008)
    for chat_id in busy:
        chat.fake.fail_next("sendMessage", "slow", chat_id=chat_id, hold=0.3 if chat_id == busy[0] else 4)
        chat.fake.send_text(chat_id, QUESTION)
    await chat.fake.wait_until(lambda: all(chat.fake.messages_to(c) for c in busy), within=5)
    queued = range(4100, 4116)  # folder answers that now wait for a connection (and are slow too)
    for chat_id in queued:
        chat.fake.fail_next("sendMessage", "slow", chat_id=chat_id, hold=0.5)
        chat.fake.send_text(chat_id, QUESTION)
    await asyncio.sleep(0.1)
    chat.fake.send_text(PATIENT, "ik heb sinds vanmiddag 39,6 koorts")
    # The first connection that comes free (after 0.3 s) goes to the alarm reply, not to the answers
    # queued before it, which wait for the held ones (4 s).
    await chat.fake.wait_until(lambda: bool(chat.fake.messages_to(PATIENT)), within=2, what="the alarm reply")
    assert "112" in (chat.fake.messages_to(PATIENT)[0].text or "")
    await chat.fake.wait_until(lambda: all(chat.fake.messages_to(c) for c in queued), within=10)
