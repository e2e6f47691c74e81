"""The real application as `build_application` wires it, with staff ids configured.

The outbox sender is not started in the background here: tests deliver explicitly with
`Chat.deliver()`, so what arrives when is deterministic (see `tests.chats.staff_bot`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from tests.chats import Chat, clock, staff_bot

__all__ = ["chat", "clock"]


@pytest.fixture
async def chat(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Chat]:
    """The bot with `STAFF` as staff; the outbox sends on `Chat.deliver()` only."""
    async with staff_bot(tmp_path, clock) as running:
        yield running
