"""Terminal driver of the local demo: chat with the bot as a patient, without Telegram.

`run_console` starts a `FakeBotApi`, builds the Application with the given factory, runs it with
polling and turns each typed line into a patient message (chat 1000, language nl). The bot's replies
are printed as readable text with their inline buttons numbered; typing a number presses that button
of the newest message that has buttons. Messages the bot sends on its own (scheduled reminders) are
printed as they arrive. ``/quit`` or end of input stops cleanly. Works with piped (non-TTY) input.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.fakeapi.harness import AnyApplication, BotHarness, Reply
from bot.fakeapi.models import Button, SentMessage
from bot.fakeapi.server import FakeBotApi
from bot.fakeapi.telegram_html import to_plain

HINT = (
    "Demo: typ een bericht als patiënt, een cijfer drukt op die knop, /quit stopt. | "
    "Type a message as the patient, a number presses that button, /quit exits."
)
QUIT = frozenset({"/quit", "/exit", "/stop_demo"})


class _Console:
    """State of one console session: where to write and which buttons the numbers mean."""

    def __init__(self, harness: BotHarness, stdout: TextIO, chat_id: int, language_code: str) -> None:
        self.harness = harness
        self.stdout = stdout
        self.chat_id = chat_id
        self.language_code = language_code
        isatty = getattr(stdout, "isatty", None)
        self.ansi = bool(isatty()) if callable(isatty) else False
        self.lock = asyncio.Lock()  # one step at a time; the watcher must not interleave output
        self.errors_shown = 0

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def show_message(self, message: SentMessage, *, edited: bool = False, deleted: bool = False) -> None:
        if deleted:
            self.write(f"bot: (verwijderd / deleted: bericht {message.message_id})")
            return
        prefix = "bot (bewerkt): " if edited else "bot: "
        body = to_plain(message.body, message.parse_mode, ansi=self.ansi)
        if message.document is not None:
            size = len(message.document.content)
            self.write(f"{prefix}[bestand: {message.document.filename}, {size} bytes]")
            prefix = "     "
        if body:
            lines = body.splitlines() or [""]
            self.write(prefix + lines[0])
            for line in lines[1:]:
                self.write(("     " + line).rstrip())
        for row_start, row in self._numbered_rows(message):
            self.write(
                "     "
                + "  ".join(
                    f"[{row_start + i}] {b.label}" + (f" ({b.url})" if b.url else "") for i, b in enumerate(row)
                )
            )
        for keys in message.reply_keyboard:
            self.write("     " + "  ".join(f"<{key}>" for key in keys))

    @staticmethod
    def _numbered_rows(message: SentMessage) -> list[tuple[int, tuple[Button, ...]]]:
        rows: list[tuple[int, tuple[Button, ...]]] = []
        number = 1
        for row in message.buttons:
            rows.append((number, row))
            number += len(row)
        return rows

    def show(self, reply: Reply) -> None:
        for message in reply.messages:
            self.show_message(message, edited=message.edited)
        for message in reply.deleted:
            self.show_message(message, deleted=True)
        errors = self.harness.errors[self.errors_shown :]
        self.errors_shown = len(self.harness.errors)
        for error in errors:
            self.write(f"!! fout in de bot / bot error: {error!r}")

    async def step(self, line: str) -> None:
        async with self.lock:
            try:
                if line.isdigit():
                    reply = await self.press(int(line))
                    if reply is None:
                        return
                else:
                    reply = await self.harness.say(self.chat_id, line, language_code=self.language_code)
            except AssertionError as exc:
                self.write(f"!! {str(exc).splitlines()[0]}")
                return
            self.show(reply)

    async def press(self, number: int) -> Reply | None:
        for message in reversed(self.harness.fake.messages_to(self.chat_id)):
            buttons = message.flat_buttons
            if not buttons:
                continue
            if not 1 <= number <= len(buttons):
                self.write(f"(geen knop {number} / no button {number}: kies 1–{len(buttons)})")
                return None
            button = buttons[number - 1]
            if button.callback_data is None:
                self.write(f"(link: {button.url})")
                return None
            self.write(f"> [{button.label}]")
            query_id = self.harness.fake.press_button(
                self.chat_id, message.message_id, button.callback_data, language_code=self.language_code
            )
            update = next(
                u for u in self.harness.fake.pending_updates if u.get("callback_query", {}).get("id") == query_id
            )
            return await self.harness.settle(update)
        # Not a button press after all: a patient may simply type a number.
        return await self.harness.say(self.chat_id, str(number), language_code=self.language_code)

    async def watch(self) -> None:
        """Print what the bot sends on its own (reminders) while the person is typing."""
        fake = self.harness.fake
        while True:
            await fake.wait_until(self.harness.has_unseen, within=3600, what="unsolicited messages")
            async with self.lock:
                if self.harness.has_unseen():
                    with contextlib.suppress(AssertionError):
                        self.show(await self.harness.settle())


async def demo_transcript(harness: BotHarness, lines: list[str], chat_id: int = 1000, language_code: str = "nl") -> str:
    """What the demo prints for `lines` typed one after the other (each echoed as "> line"), without colour.

    The README's transcripts come from here (tests/app/test_readme_transcripts.py keeps them true).
    """
    out = io.StringIO()
    console = _Console(harness, out, chat_id, language_code)
    for line in lines:
        if not line.isdigit():  # a pressed button echoes itself as "> [label]"
            console.write(f"> {line}")
        await console.step(line)
    return out.getvalue()


async def run_console(
    app_factory: Callable[[str], AnyApplication],
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    chat_id: int = 1000,
    language_code: str = "nl",
    step_timeout: float = 30.0,
    **harness_options: Any,
) -> None:
    """Chat with the bot built by ``app_factory(base_url)`` in a terminal (or over piped input)."""
    loop = asyncio.get_running_loop()
    async with FakeBotApi() as fake:
        app = app_factory(fake.base_url)
        options: dict[str, Any] = {
            "fail_on_handler_errors": False,
            "require_answered_callbacks": False,
            "step_timeout": step_timeout,
            **harness_options,
        }
        async with BotHarness(app, fake, **options) as harness:
            console = _Console(harness, stdout, chat_id, language_code)
            console.write(HINT)
            async with console.lock:
                console.show(await harness.settle())  # anything sent at start-up
            watcher = asyncio.create_task(console.watch(), name="demo-console-watcher")
            try:
                while True:
                    # readline blocks, so it runs in a thread; the bot keeps running meanwhile.
                    line = await loop.run_in_executor(None, stdin.readline)
                    if not line:  # end of input
                        break
                    text = line.strip()
                    if not text:
                        continue
                    if text.lower() in QUIT:
                        break
                    await console.step(text)
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            console.write("Tot ziens! / Bye!")
