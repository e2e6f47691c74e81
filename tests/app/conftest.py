"""Fixtures for transcript tests: the real Application over the local Bot API fake, real SQLite,
and a clock that only moves when a test moves it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from bot.app.assembly import Assembly, build_application
from bot.clock import AMSTERDAM, ManualClock
from bot.fakeapi.harness import BotHarness
from bot.fakeapi.server import FakeBotApi
from bot.settings import Settings

PATIENT = 1000
# A Tuesday morning inside office hours and the telephone spreekuur.
TUESDAY_10_30 = datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM)


@dataclass
class Chat:
    """One patient's conversation with the bot, plus handles on everything behind it."""

    harness: BotHarness
    fake: FakeBotApi
    assembly: Assembly
    clock: ManualClock

    async def say(self, text: str, chat_id: int = PATIENT, **user: object):  # type: ignore[no-untyped-def]
        return await self.harness.say(chat_id, text, **user)

    async def press(self, label: str, chat_id: int = PATIENT, **user: object):  # type: ignore[no-untyped-def]
        return await self.harness.press(chat_id, label, **user)


def make_settings(tmp_path: Path, base_url: str, **changes: object) -> Settings:
    """Default settings (the repo's content/ and schedules/) with a temporary database."""
    settings = dataclasses.replace(
        Settings.from_env({}), base_url=base_url, database_url=f"sqlite:///{tmp_path / 'bot.db'}"
    )
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


@asynccontextmanager
async def running_bot(tmp_path: Path, clock: ManualClock, **options: object) -> AsyncIterator[Chat]:
    """Start the fake, build the real application against it, run it, and hand out a Chat."""
    fail_on_errors = bool(options.pop("fail_on_handler_errors", True))
    async with FakeBotApi() as fake:
        settings = make_settings(tmp_path, fake.base_url, **options)
        assembly = build_application(settings, clock=clock, retry_delays=(0.0, 0.0, 0.0))
        async with BotHarness(assembly.app, fake, fail_on_handler_errors=fail_on_errors) as harness:
            await assembly.startup()
            try:
                yield Chat(harness, fake, assembly, clock)
            finally:
                await assembly.shutdown()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_10_30)


@pytest.fixture
async def chat(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Chat]:
    async with running_bot(tmp_path, clock) as running:
        yield running
