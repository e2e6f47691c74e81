"""The real application as `build_application` wires it, with staff ids configured.

The outbox sender is not started in the background here: tests deliver explicitly with
`StaffBot.deliver()`, so what arrives when is deterministic.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app.assembly import Assembly, build_application
from bot.app.handlers.staff import StaffHandlers
from bot.clock import ManualClock
from bot.fakeapi.harness import BotHarness, Reply
from bot.fakeapi.server import FakeBotApi
from bot.outbox.sender import BroadcastSender
from tests.app.conftest import TUESDAY_10_30, make_settings

STAFF = 4242
PATIENT = 1000


@dataclass
class StaffBot:
    harness: BotHarness
    fake: FakeBotApi
    assembly: Assembly
    clock: ManualClock
    staff: StaffHandlers
    outbox: BroadcastSender

    async def say(self, chat_id: int, text: str, **user: Any) -> Reply:
        return await self.harness.say(chat_id, text, **user)

    async def press(self, chat_id: int, label: str, **user: Any) -> Reply:
        return await self.harness.press(chat_id, label, **user)

    async def deliver(self) -> Reply:
        """Let the outbox send everything due now; return what arrived (also the staff report)."""
        await self.outbox.run_pending()
        return await self.harness.settle()


@asynccontextmanager
async def staff_bot(tmp_path: Path, clock: ManualClock, **changes: Any) -> AsyncIterator[StaffBot]:
    async with FakeBotApi() as fake:
        changes.setdefault("staff_user_ids", frozenset({STAFF}))
        settings = make_settings(tmp_path, fake.base_url, **changes)
        assembly = build_application(
            settings,
            clock=clock,
            retry_delays=(0.0, 0.0, 0.0),
            outbox_options={"rate": 1000, "instance_id": "outbox-test"},
        )
        outbox = assembly.services.outbox
        assert outbox is not None
        async with BotHarness(assembly.app, fake) as harness:
            yield StaffBot(harness, fake, assembly, clock, assembly.staff, outbox)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_10_30)


@pytest.fixture
async def bot(tmp_path: Path, clock: ManualClock) -> AsyncIterator[StaffBot]:
    async with staff_bot(tmp_path, clock) as running:
        yield running
