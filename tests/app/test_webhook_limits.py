"""Issue 25, finding 9: the webhook reads no unauthenticated body and no body over its limit; deep JSON is a 400.

Raw HTTP over a socket, so a test can send headers that promise 90 MB and see the answer come before
any of it was sent: tornado's server (as python-telegram-bot sets it up) first reads up to 100 MB.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from telegram.ext._utils import webhookhandler

from bot.app.assembly import build_application
from bot.app.cli import webhook_path
from bot.app.webhook import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, use_strict_json_handler
from bot.clock import ManualClock
from bot.fakeapi.server import FakeBotApi
from tests.app.helpers import SECRET, URL, free_port, update
from tests.chats import make_settings

LIMIT = 100_000


@asynccontextmanager
async def webhook(tmp_path: Path, clock: ManualClock) -> AsyncIterator[tuple[int, FakeBotApi]]:
    """The bot in webhook mode with a 100 kB body limit; yields its port and the fake."""
    original = webhookhandler.TelegramHandler
    use_strict_json_handler(LIMIT, 32)
    try:
        async with FakeBotApi() as fake:
            settings = make_settings(tmp_path, fake.base_url, webhook_secret=SECRET)
            app = build_application(settings, clock=clock).app
            port = free_port()
            await app.initialize()
            await app.start()
            assert app.updater is not None
            await app.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path=webhook_path(URL), webhook_url=URL, secret_token=SECRET
            )
            try:
                yield port, fake
            finally:
                await app.updater.stop()
                await app.stop()
                await app.shutdown()
    finally:
        use_strict_json_handler(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH)
        webhookhandler.TelegramHandler = original  # type: ignore[misc]


async def status_of_headers_only(port: int, secret: str, length: int) -> int:
    """Send only the headers of a POST promising `length` bytes; the status line the server answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"POST /{webhook_path(URL)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {length}\r\n\r\n".encode()
        )
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout=5)  # no body was sent: it must not wait for one
        return int(line.split()[1])
    finally:
        writer.close()


async def test_no_body_is_read_before_the_secret_and_the_size_are_checked(tmp_path: Path, clock: ManualClock) -> None:
    async with webhook(tmp_path, clock) as (port, fake):
        assert await status_of_headers_only(port, "wrong", 90_000_000) == 403
        assert await status_of_headers_only(port, SECRET, 90_000_000) == 413
        endpoint = f"http://127.0.0.1:{port}/{webhook_path(URL)}"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}

        async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for _ in range(20):
                yield b" " * 10_000

        async with httpx.AsyncClient() as client:
            try:
                chunked = (await client.post(endpoint, content=streamed(), headers=headers)).status_code
            except httpx.TransportError:  # answered and closed while the client was still sending
                chunked = 413
            deep = await client.post(endpoint, content=b"[" * 40_000 + b"]" * 40_000, headers=headers)
            nested = {"update_id": 5, "x": json.loads("[" * 40 + "]" * 40)}
            too_deep = await client.post(endpoint, json=nested, headers=headers)
            right = await client.post(endpoint, json=update(3, 1000, "ik heb koorts"), headers=headers)
        assert chunked == 413
        assert (deep.status_code, too_deep.status_code, right.status_code) == (400, 400, 200)
        await fake.wait_until(lambda: len(fake.messages_to(1000)) == 1, within=5)
        assert "spoedlijn" in (fake.messages_to(1000)[0].text or "")
