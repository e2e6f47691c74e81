"""Fixtures of the questions-to-the-team tests: the running bot with an INBOX_KEY, and one without."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from tests.chats import Chat, clock, running_bot

# A fixed test key (never a real one): 32 bytes, url-safe base64.
KEY = "dGVzdC1rZXktbm90LXNlY3JldC0zMi1ieXRlcy0hIT0="
STAFF = 4242

__all__ = ["KEY", "STAFF", "clock"]


@pytest.fixture
async def chat(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Chat]:
    """The bot with everything started and questions to the team on."""
    async with running_bot(tmp_path, clock, inbox_key=KEY, staff_user_ids=frozenset({STAFF})) as running:
        yield running


@pytest.fixture
async def keyless(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Chat]:
    """The bot without INBOX_KEY: the feature is off."""
    async with running_bot(tmp_path, clock) as running:
        yield running
