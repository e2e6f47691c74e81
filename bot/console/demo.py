"""The staff console beside the terminal demo (`make run` without a token): same temporary database.

It listens on 127.0.0.1 only (port 8070, or a free one when that is taken) and prints its address
and a one-time sign-in link; in the demo the chat user is staff, so `/console` gives a fresh link.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from typing import TextIO

import uvicorn

from bot.console.app import build_console_app
from bot.console.cli import DEFAULT_PORT, SERVER_OPTIONS, build_context
from bot.settings import Settings
from bot.staff.signin import create_signin_link

DEMO_STAFF = 1000  # the demo chat's user (bot.fakeapi.demo_console chats as 1000)
DEMO_BOT_USERNAME = "levermetastasen_test_bot"  # the local fake's bot, for the card's link


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the demo (Ctrl-C ends the demo as before)."""

    def install_signal_handlers(self) -> None:
        return None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.bind(("127.0.0.1", 0))
    return sock


def demo_settings(base: Settings) -> Settings:
    """The demo's settings with the demo chat user as staff (bot and console alike)."""
    return dataclasses.replace(
        base,
        staff_user_ids=base.staff_user_ids | {DEMO_STAFF},
        bot_username=base.bot_username or DEMO_BOT_USERNAME,
    )


@contextlib.asynccontextmanager
async def demo_console(settings: Settings, stdout: TextIO = sys.stdout, port: int = DEFAULT_PORT) -> AsyncIterator[str]:
    """Serve the console for the demo while the block runs; yields its address."""
    sock = _socket(port)
    address = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = dataclasses.replace(settings, console_url=address)
    ctx = await asyncio.to_thread(build_context, settings)
    options = {**SERVER_OPTIONS, "log_level": "error"}
    server = _QuietServer(uvicorn.Config(build_console_app(ctx), lifespan="off", **options))
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]), name="demo-staff-console")
    link = await asyncio.to_thread(create_signin_link, ctx.queries, address, DEMO_STAFF, ctx.clock.now())
    stdout.write(
        f"Staf-console / staff console: {address}\n"
        f"Aanmelden / sign in (5 min, eenmalig / once): {link}\n"
        "Nieuwe link / new link: typ /console\n"
    )
    stdout.flush()
    try:
        yield address
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()
