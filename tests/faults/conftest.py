"""Fixtures for fault tests: the real application over the fake, with tiny retry back-offs.

The production back-off is (0.25, 1.0, 3.0) s; here it is (0.0, 0.01, 0.02) s so a test that
exercises every retry still finishes in milliseconds. A "timeout" fault holds the request until the
client gives up, so the request timeout is shortened too (see `tests.chats.faulty_bot`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.chats import Chat, faulty_bot


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[Chat]:
    async with faulty_bot(tmp_path) as running:
        yield running
