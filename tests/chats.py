"""The running bot in transcript tests: one typed `Chat` for patients and staff, and how to start it.

The real application as `build_application` wires it, over the local Bot API fake, with a temporary
SQLite database and a clock that only moves when a test moves it. Three ways to start it:
`running_bot` (everything started, as in production), `staff_bot` (staff ids configured; the outbox
sender is not started in the background, tests deliver with `Chat.deliver()` so what arrives when is
deterministic) and `faulty_bot` (tiny retry back-offs and a short request timeout, for fault tests).
The fixtures `clock` and `chat` (a `running_bot`) are imported by the conftest.py files that use them;
tests/staff and tests/faults define their own `chat` with `staff_bot` and `faulty_bot`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app.assembly import Assembly, build_application
from bot.app.handlers.staff_tools import StaffTools
from bot.app.http_client import AiohttpRequest
from bot.clock import AMSTERDAM, ManualClock
from bot.fakeapi.harness import BotHarness, Reply
from bot.fakeapi.server import FakeBotApi
from bot.outbox.pacer import UNPACED, Pacer
from bot.settings import Settings

PATIENT = 1000
STAFF = 4242
# A Tuesday morning inside office hours and the telephone spreekuur.
TUESDAY_10_30 = datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM)

NO_BACK_OFF = (0.0, 0.0, 0.0)
# Fault tests: the production back-off is (0.25, 1.0, 3.0) s; this one still exercises every retry
# in milliseconds. A "timeout" fault holds the request until the client gives up, hence the short
# request timeout (a reply over loopback takes milliseconds).
RETRY_DELAYS = (0.0, 0.01, 0.02)
REQUEST_TIMEOUT = 0.5


@dataclass
class Chat:
    """The running bot and everyone's chat with it: the fixture of patient and staff transcript tests.

    One argument order everywhere: the chat first, then what is said or pressed, as in
    ``await chat.say(PATIENT, "koorts")`` and ``await chat.press(STAFF, "Versturen")``. It is the
    order of `BotHarness.say`, `FakeBotApi.send_text` and the Bot API's sendMessage, and a test with a
    patient and a staff member reads who acts at the start of every line.
    """

    harness: BotHarness
    fake: FakeBotApi
    assembly: Assembly
    clock: ManualClock

    async def say(self, chat_id: int, text: str, **user: Any) -> Reply:
        """`chat_id` sends `text` (user_id, language_code, first_name optional); return what the bot did."""
        return await self.harness.say(chat_id, text, **user)

    async def press(self, chat_id: int, label: str, **user: Any) -> Reply:
        """`chat_id` presses the newest button labelled (or with callback data) `label`; return the reaction."""
        return await self.harness.press(chat_id, label, **user)

    @property
    def staff(self) -> StaffTools:
        """The staff tools (reload, /gemist, /console)."""
        return self.assembly.staff

    async def deliver(self) -> Reply:
        """Let the outbox send everything due now; return what arrived (also the staff report)."""
        outbox = self.assembly.services.outbox
        assert outbox is not None
        await outbox.run_pending()
        return await self.harness.settle()


def make_settings(tmp_path: Path, base_url: str, **changes: object) -> Settings:
    """Default settings (the repo's content/ and schedules/) with a temporary database."""
    settings = dataclasses.replace(
        Settings.from_env({}), base_url=base_url, database_url=f"sqlite:///{tmp_path / 'bot.db'}"
    )
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def shorten_request_timeout(app: Application, seconds: float) -> None:  # type: ignore[type-arg]
    """Give the bot's (non-getUpdates) request a short default timeout.

    `build_application` has no parameter for it; the request object gives a call without timeouts
    its own defaults.
    """
    request = app.bot.request
    assert isinstance(request, AiohttpRequest)
    request.set_timeouts(seconds)


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    clock: ManualClock,
    *,
    start_services: bool = True,
    retry_delays: tuple[float, ...] = NO_BACK_OFF,
    request_timeout: float | None = None,
    outbox_options: dict[str, Any] | None = None,
    fail_on_handler_errors: bool = True,
    pacer: Pacer | None = None,
    **changes: object,
) -> AsyncIterator[Chat]:
    """Start the fake, build the real application against it, run it, and hand out a `Chat`.

    The pacer's limits never bind unless a test passes a `pacer` of its own. `changes` replace settings; with `start_services` the assembly's start-up runs (commands, timers,
    the outbox sender in the background, …) and its shutdown at the end.
    """
    async with FakeBotApi() as fake:
        settings = make_settings(tmp_path, fake.base_url, **changes)
        assembly = build_application(
            settings,
            clock=clock,
            retry_delays=retry_delays,
            outbox_options=outbox_options,
            pacer=pacer or Pacer(UNPACED),
        )
        if request_timeout is not None:
            shorten_request_timeout(assembly.app, request_timeout)
        async with BotHarness(assembly.app, fake, fail_on_handler_errors=fail_on_handler_errors) as harness:
            chat = Chat(harness, fake, assembly, clock)
            if not start_services:
                yield chat
                return
            await assembly.startup()
            try:
                yield chat
            finally:
                await assembly.shutdown()


@asynccontextmanager
async def staff_bot(tmp_path: Path, clock: ManualClock, **changes: Any) -> AsyncIterator[Chat]:
    """The bot with `STAFF` as staff and an outbox that sends only when a test calls `Chat.deliver()`."""
    changes.setdefault("staff_user_ids", frozenset({STAFF}))
    outbox_options = {"rate": 1000, "instance_id": "outbox-test"}
    async with running_bot(tmp_path, clock, start_services=False, outbox_options=outbox_options, **changes) as chat:
        yield chat


@asynccontextmanager
async def faulty_bot(
    tmp_path: Path, *, fail_on_handler_errors: bool = True, pacer: Pacer | None = None
) -> AsyncIterator[Chat]:
    """The bot with small back-offs and a short request timeout, for tests that inject faults."""
    async with running_bot(
        tmp_path,
        ManualClock(TUESDAY_10_30),
        retry_delays=RETRY_DELAYS,
        request_timeout=REQUEST_TIMEOUT,
        fail_on_handler_errors=fail_on_handler_errors,
        pacer=pacer,
    ) as chat:
        yield chat


@pytest.fixture
def clock() -> ManualClock:
    """`TUESDAY_10_30`; the clock moves only when a test moves it."""
    return ManualClock(TUESDAY_10_30)


@pytest.fixture
async def chat(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Chat]:
    """The bot with everything started (`running_bot`)."""
    async with running_bot(tmp_path, clock) as running:
        yield running
