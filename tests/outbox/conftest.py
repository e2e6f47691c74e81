"""Outbox fixtures: SQLite storage with subscribers, a manual wall clock, virtual monotonic time, a fake sender.

The fake sender is not paced: pacing is the bot's `Pacer` (tests/outbox/test_pacer.py), which the
real sender goes through.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import AMSTERDAM, ManualClock
from bot.outbox.sender import BroadcastSender
from bot.sending import Keyboard, SendError
from bot.storage import Storage, open_storage
from bot.storage.records import Broadcast

TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM)


class VirtualTime:
    """A monotonic clock and sleep that only move when slept on (tests never wait for real)."""

    def __init__(self, wall: ManualClock) -> None:
        self.now = 0.0
        self.wall = wall

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # let tasks started at the current instant run first
        self.now += max(seconds, 0.0)
        self.wall.advance(timedelta(seconds=max(seconds, 0.0)))


@dataclass
class FakeTelegram:
    """A MessageSender that records (virtual time, chat, html) and raises queued errors per chat."""

    time: VirtualTime
    sent: list[tuple[float, int, str]] = field(default_factory=list)
    errors: dict[int, list[SendError]] = field(default_factory=dict)
    on_send: Any = None

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        at = self.time.now
        await asyncio.sleep(0)  # a real request yields to the loop
        queued = self.errors.get(chat_id)
        if queued:
            raise queued.pop(0)
        self.sent.append((at, chat_id, html))
        if self.on_send is not None:
            self.on_send(len(self.sent))
        return len(self.sent)

    async def send_document(self, chat_id: int, document: object) -> int:
        raise AssertionError("the outbox sends no documents")

    def chats(self) -> list[int]:
        return [chat for _, chat, _ in self.sent]


def render(broadcast: Broadcast, lang: str) -> tuple[str, Keyboard]:
    return f"[{lang}] {broadcast.text}", ()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_10)


@pytest.fixture
def vtime(clock: ManualClock) -> VirtualTime:
    return VirtualTime(clock)


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = open_storage(f"sqlite:///{tmp_path / 'bot.db'}")
    yield store
    store.close()


@pytest.fixture
def telegram(vtime: VirtualTime) -> FakeTelegram:
    return FakeTelegram(vtime)


def subscribers(storage: Storage, clock: ManualClock, chats: range | list[int]) -> None:
    for chat in chats:
        storage.upsert_patient(chat, "nl", clock.now(), consent_at=clock.now())


def make_sender(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime, **options: Any
) -> BroadcastSender:
    reports = options.pop("reports", None)

    async def on_report(summary: Any) -> None:
        if reports is not None:
            reports.append(summary)

    return BroadcastSender(
        storage, telegram, clock, options.pop("rate", 25), render=render, on_report=on_report, **options
    )
