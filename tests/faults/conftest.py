"""Fixtures for fault tests: the real application over the fake, with tiny retry back-offs.

The production back-off is (0.25, 1.0, 3.0) s; here it is (0.0, 0.01, 0.02) s so a test that
exercises every retry still finishes in milliseconds. A "timeout" fault holds the request until the
client gives up, so the request timeout is shortened too (see `shorten_request_timeout`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from telegram.ext import Application

from bot.app.assembly import Assembly, build_application
from bot.clock import AMSTERDAM, ManualClock
from bot.fakeapi.harness import BotHarness
from bot.fakeapi.server import FakeBotApi
from bot.settings import Settings

PATIENT = 1000
RETRY_DELAYS = (0.0, 0.01, 0.02)
REQUEST_TIMEOUT = 0.5  # seconds; a reply over loopback takes milliseconds
# A Tuesday morning inside office hours.
TUESDAY_10_30 = datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM)


@dataclass
class FaultyBot:
    """The running bot plus the fake whose faults a test injects."""

    harness: BotHarness
    fake: FakeBotApi
    assembly: Assembly


def shorten_request_timeout(app: Application, seconds: float) -> None:  # type: ignore[type-arg]
    """Give the bot's (non-getUpdates) request a short default timeout.

    `build_application` has no parameter for it; python-telegram-bot takes the default timeouts of a
    call from the httpx client of the request object, so the client's timeout is replaced (and the
    kwargs it is rebuilt from on `initialize`, should the client have been closed).
    """
    request = app.bot.request
    timeout = httpx.Timeout(seconds, pool=1.0)
    request._client.timeout = timeout  # type: ignore[attr-defined]
    request._client_kwargs["timeout"] = timeout  # type: ignore[attr-defined]


@asynccontextmanager
async def faulty_bot(tmp_path: Path, **harness_options: object) -> AsyncIterator[FaultyBot]:
    """Start the fake and the real application with small back-offs; hand out handles on both."""
    async with FakeBotApi() as fake:
        settings = dataclasses.replace(
            Settings.from_env({}), base_url=fake.base_url, database_url=f"sqlite:///{tmp_path / 'bot.db'}"
        )
        assembly = build_application(settings, clock=ManualClock(TUESDAY_10_30), retry_delays=RETRY_DELAYS)
        shorten_request_timeout(assembly.app, REQUEST_TIMEOUT)
        async with BotHarness(assembly.app, fake, **harness_options) as harness:  # type: ignore[arg-type]
            await assembly.startup()
            yield FaultyBot(harness, fake, assembly)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[FaultyBot]:
    async with faulty_bot(tmp_path) as running:
        yield running
