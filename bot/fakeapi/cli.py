"""`python -m bot fake-api [--port 8081] [--flood]`: the local Bot API fake as a server, with you as the patient.

Start the real bot against it in a second terminal::

    python -m bot run --base-url http://127.0.0.1:8081/bot

Every line typed here is a message from the patient (chat 1000, Dutch); a number presses that button
of the newest bot message that has buttons (buttons are numbered across rows, 1 = top left). The
bot's messages are printed as they arrive. Nothing leaves this machine; any token is accepted. With
`--flood` the fake keeps Telegram's flood limits (30 messages a second, 1 a second per chat, 20 a
minute per group) and answers 429 beyond them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import TextIO

from bot.fakeapi.models import SentMessage
from bot.fakeapi.server import FakeBotApi, RateLimits
from bot.fakeapi.telegram_html import to_plain

DEFAULT_PORT = 8081
CHAT_ID = 1000


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `fake-api` command."""
    parser = subparsers.add_parser(
        "fake-api", help="serve the local Bot API fake (for `run --base-url`); type as the patient"
    )
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--flood", action="store_true", help="answer 429 beyond Telegram's flood limits")
    parser.set_defaults(func=_fake_api)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, not {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, not {port}")
    return port


def _fake_api(args: argparse.Namespace) -> int:
    try:
        asyncio.run(serve(args.port, sys.stdin, sys.stdout, RateLimits() if args.flood else None))
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def _show(message: SentMessage, out: TextIO, edited: bool) -> None:
    prefix = "bot (bewerkt): " if edited else "bot: "
    out.write(prefix + to_plain(message.body, message.parse_mode).replace("\n", "\n     ") + "\n")
    number = 1
    for row in message.buttons:
        out.write("     " + "  ".join(f"[{number + i}] {b.label}" for i, b in enumerate(row)) + "\n")
        number += len(row)
    out.flush()


def press(fake: FakeBotApi, number: int, chat_id: int = CHAT_ID) -> str | None:
    """Press button `number` of the newest bot message with buttons, as the demo does.

    Returns None when it was pressed or no message has buttons (then the number is ordinary text),
    else a hint to print.
    """
    for message in reversed(fake.messages_to(chat_id)):
        buttons = message.flat_buttons
        if not buttons:
            continue
        if not 1 <= number <= len(buttons):
            return f"(geen knop {number} / no button {number}: kies 1–{len(buttons)})"
        button = buttons[number - 1]
        if button.callback_data is None:
            return f"(link: {button.url})"
        fake.press_button(chat_id, message.message_id, button.callback_data)
        return None
    fake.send_text(chat_id, str(number))
    return None


async def serve(port: int, stdin: TextIO, stdout: TextIO, rate_limits: RateLimits | None = None) -> None:
    """Serve the fake on 127.0.0.1:`port` until end of input, turning typed lines into patient messages."""
    loop = asyncio.get_running_loop()
    async with contextlib.AsyncExitStack() as stack:
        fake = FakeBotApi(rate_limits=rate_limits)
        await fake.start(port)
        stack.push_async_callback(fake.stop)
        stdout.write(
            f"Bot API fake on {fake.base_url}\n"
            f"start the bot with:  python -m bot run --base-url {fake.base_url}\n"
            "type as the patient; a number presses that button; Ctrl-D stops\n"
        )
        stdout.flush()

        async def watch() -> None:
            seen = [0]
            while True:
                await fake.wait_until(lambda: fake.last_event_seq > seen[0], within=3600, what="bot messages")
                for event in fake.events(after=seen[0]):
                    seen[0] = max(seen[0], event.seq)
                    if event.message.chat_id == CHAT_ID and event.kind != "delete":
                        _show(event.message, stdout, edited=event.kind == "edit")

        watcher = asyncio.create_task(watch())
        try:
            while line := await loop.run_in_executor(None, stdin.readline):
                text = line.strip()
                if text.isdigit():
                    hint = press(fake, int(text))
                    if hint:
                        stdout.write(hint + "\n")
                        stdout.flush()
                elif text:
                    fake.send_text(CHAT_ID, text)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await watcher
