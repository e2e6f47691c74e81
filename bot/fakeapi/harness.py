"""Transcript harness: drive a python-telegram-bot `Application` through `FakeBotApi` step by step.

Usage::

    async with FakeBotApi() as fake:
        app = build_app(fake.base_url)          # Application.builder().token("123:TEST").base_url(…)
        async with BotHarness(app, fake) as h:
            reply = await h.say(1000, "koorts")
            reply.assert_contains("Bel direct").assert_buttons("Terug")
            await h.press(1000, "Terug")

or ``async with harness_for(build_app) as h: …`` which does both.

How "the bot has reacted" is decided, without sleeping a fixed time:

1. the fake waits until PTB's updater asked getUpdates with an offset *beyond* the injected update.
   The updater puts a whole fetched batch into ``app.update_queue`` before it asks again, so from then
   on the update is queued or being processed;
2. ``app.update_queue.join()``: PTB calls ``task_done()`` only after the handlers for an update have
   finished (also with concurrent updates);
3. ``fake.wait_idle()``: no request other than the long poll is in flight and nothing changed for a
   short quiet period (10 ms). This catches work a handler started without awaiting it
   (``block=False`` handlers, ``app.create_task``) as long as it talks to Telegram promptly.

Every step is bounded by ``step_timeout``; the timeout only bounds failures. Handler exceptions are
collected through an error handler and, by default, fail the step with the transcript. Unanswered
callback queries (Telegram would show a spinner) fail a `press` by default too.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType
from typing import Any, Self

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.fakeapi.models import Button, JsonDict, SentMessage
from bot.fakeapi.server import FakeBotApi
from bot.fakeapi.telegram_html import to_plain

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def plain_text(message: SentMessage) -> str:
    """What the patient reads: text or caption with HTML rendered to plain text."""
    return to_plain(message.body, message.parse_mode)


def describe(message: SentMessage, *, indent: str = "    ") -> str:
    """A readable transcript entry for one bot message."""
    state = " (deleted)" if message.deleted else " (edited)" if message.edited else ""
    lines = [f"bot -> {message.chat_id} #{message.message_id}{state}: {plain_text(message)}"]
    if message.document is not None:
        lines.append(f"{indent}[file: {message.document.filename}, {len(message.document.content)} bytes]")
    for row in message.buttons:
        lines.append(
            indent
            + "  ".join(
                f"[{b.label}{' -> ' + b.callback_data if b.callback_data else ''}{' ' + b.url if b.url else ''}]"
                for b in row
            )
        )
    for keys in message.reply_keyboard:
        lines.append(indent + "  ".join(f"<{key}>" for key in keys))
    return "\n".join(lines)


@dataclass(frozen=True)
class Reply:
    """What the bot did in one step: new or edited messages (final state per event), deletions."""

    messages: tuple[SentMessage, ...]
    deleted: tuple[SentMessage, ...]
    transcript: str

    def __len__(self) -> int:
        return len(self.messages)

    def __iter__(self) -> Iterator[SentMessage]:
        return iter(self.messages)

    def __getitem__(self, index: int) -> SentMessage:
        return self.messages[index]

    @property
    def text(self) -> str:
        """All message texts as the patient reads them, separated by blank lines."""
        return "\n\n".join(plain_text(m) for m in self.messages)

    @property
    def buttons(self) -> list[Button]:
        """The inline buttons of every message in this step."""
        return [button for message in self.messages for button in message.flat_buttons]

    @property
    def labels(self) -> list[str]:
        """Button labels in order."""
        return [button.label for button in self.buttons]

    def fail(self, problem: str) -> AssertionError:
        """An AssertionError that carries the whole transcript."""
        return AssertionError(f"{problem}\n--- transcript ---\n{self.transcript}")

    def assert_contains(self, *fragments: str) -> Self:
        """Each fragment occurs in the (plain) text of this step's messages."""
        missing = [f for f in fragments if f not in self.text]
        if missing:
            raise self.fail(f"reply lacks {missing!r}")
        return self

    def assert_not_contains(self, *fragments: str) -> Self:
        """No fragment occurs in this step's text."""
        present = [f for f in fragments if f in self.text]
        if present:
            raise self.fail(f"reply unexpectedly contains {present!r}")
        return self

    def assert_buttons(self, *labels: str) -> Self:
        """Each label is one of this step's inline buttons."""
        missing = [label for label in labels if label not in self.labels]
        if missing:
            raise self.fail(f"no buttons {missing!r}; buttons are {self.labels!r}")
        return self

    def assert_count(self, n: int) -> Self:
        """Exactly `n` new/edited messages in this step."""
        if len(self.messages) != n:
            raise self.fail(f"expected {n} messages, got {len(self.messages)}")
        return self

    def assert_silent(self) -> Self:
        """The bot sent, edited and deleted nothing."""
        if self.messages or self.deleted:
            raise self.fail("expected no reply")
        return self


class BotHarness:
    """Runs `app` (already built against ``fake.base_url``) with polling; offers transcript steps."""

    def __init__(
        self,
        app: AnyApplication,
        fake: FakeBotApi,
        *,
        poll_timeout: float = 10.0,
        step_timeout: float = 5.0,
        quiet: float = 0.01,
        fail_on_handler_errors: bool = True,
        require_answered_callbacks: bool = True,
    ) -> None:
        self.app = app
        self.fake = fake
        self.poll_timeout = poll_timeout
        self.step_timeout = step_timeout
        self.quiet = quiet
        self.fail_on_handler_errors = fail_on_handler_errors
        self.require_answered_callbacks = require_answered_callbacks
        self.errors: list[BaseException] = []
        self.polling_errors: list[TelegramError] = []
        self._lines: list[str] = []
        self._cursor = 0
        self._reported_errors = 0

    # ------------------------------------------------------------------ lifecycle

    async def _record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def __aenter__(self) -> Self:
        self._cursor = self.fake.last_event_seq
        self.app.add_error_handler(self._record_error)
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None, "the Application needs an Updater for polling"  # noqa: S101
        await self.app.updater.start_polling(
            poll_interval=0, timeout=timedelta(seconds=self.poll_timeout), error_callback=self.polling_errors.append
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        self.app.remove_error_handler(self._record_error)

    # ------------------------------------------------------------------ steps

    def transcript(self) -> str:
        """Everything so far, one entry per line."""
        return "\n".join(self._lines)

    def note(self, line: str) -> None:
        """Add a free-form line to the transcript (e.g. 'clock advanced to 09:00')."""
        self._lines.append(f"# {line}")

    async def settle(self, update: JsonDict | None = None) -> Reply:
        """Wait until the bot has reacted to `update` (or simply gone quiet); return what it did."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.step_timeout

        def remaining() -> float:
            return max(deadline - loop.time(), 0.001)

        try:
            if update is not None:
                await self.fake.wait_confirmed(update["update_id"], within=remaining())
                await asyncio.wait_for(self.app.update_queue.join(), remaining())
            await self.fake.wait_idle(self.quiet, within=remaining())
        except TimeoutError as exc:
            self._lines.append(f"!! timed out after {self.step_timeout}s: {exc}")
            raise AssertionError(f"the bot did not settle: {exc}\n--- transcript ---\n{self.transcript()}") from exc
        reply = self._collect()
        if self.fail_on_handler_errors and len(self.errors) > self._reported_errors:
            new = self.errors[self._reported_errors :]
            self._reported_errors = len(self.errors)
            details = "\n".join("".join(traceback.format_exception(error)) for error in new)
            raise reply.fail(f"handler raised:\n{details}")
        return reply

    def has_unseen(self) -> bool:
        """Whether the bot did something since the last step (e.g. a scheduled job sent a message)."""
        return self.fake.last_event_seq > self._cursor

    def _collect(self) -> Reply:
        events = self.fake.events(after=self._cursor)
        if events:
            self._cursor = events[-1].seq
        messages = tuple(e.message for e in events if e.kind != "delete")
        deleted = tuple(e.message for e in events if e.kind == "delete")
        for event in events:
            self._lines.append(describe(event.message))
        return Reply(messages, deleted, self.transcript())

    async def say(self, chat_id: int, text: str, **user: Any) -> Reply:
        """The patient in `chat_id` sends `text` (user_id, language_code, first_name optional)."""
        self._lines.append(f"patient {chat_id}: {text}")
        return await self.settle(self.fake.send_text(chat_id, text, **user))

    async def command(self, chat_id: int, name: str, args: str = "", **user: Any) -> Reply:
        """The patient sends ``/name args``."""
        self._lines.append(f"patient {chat_id}: /{name.lstrip('/')} {args}".rstrip())
        return await self.settle(self.fake.send_command(chat_id, name, args, **user))

    async def send(self, inject: Callable[[], JsonDict], label: str) -> Reply:
        """Any other injection, e.g. ``await h.send(lambda: fake.send_voice(1000), "voice")``."""
        self._lines.append(f"patient: <{label}>")
        return await self.settle(inject())

    def find_button(self, chat_id: int, label_or_data: str) -> tuple[SentMessage, Button]:
        """The newest bot message in `chat_id` with a button labelled (or with callback data) so."""
        for message in reversed(self.fake.messages_to(chat_id)):
            for button in message.flat_buttons:
                if label_or_data in (button.label, button.callback_data):
                    return message, button
        raise AssertionError(f"no button {label_or_data!r} in chat {chat_id}\n--- transcript ---\n{self.transcript()}")

    async def press(self, chat_id: int, label_or_data: str, **user: Any) -> Reply:
        """Press the button on the newest message that has it; return the bot's reaction."""
        message, button = self.find_button(chat_id, label_or_data)
        if button.callback_data is None:
            raise AssertionError(f"button {button.label!r} opens {button.url!r}; it cannot be pressed")
        self._lines.append(f"patient {chat_id} presses [{button.label}] on #{message.message_id}")
        query_id = self.fake.press_button(chat_id, message.message_id, button.callback_data, **user)
        update = self.fake.pending_updates[-1]
        reply = await self.settle(update)
        if self.require_answered_callbacks and query_id not in self.fake.answered_callbacks:
            raise reply.fail(f"callback query for [{button.label}] was not answered (spinner keeps turning)")
        return reply

    def last(self, chat_id: int) -> SentMessage:
        """The bot's newest message in `chat_id`."""
        messages = self.fake.messages_to(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to {chat_id}\n--- transcript ---\n{self.transcript()}")
        return messages[-1]


@asynccontextmanager
async def harness_for(
    build: Callable[[str], AnyApplication], *, fake: FakeBotApi | None = None, **harness_options: Any
) -> AsyncIterator[BotHarness]:
    """Start a fake (or use `fake`, started here), build the app with ``build(base_url)``, run it."""
    server = fake or FakeBotApi()
    async with server:
        async with BotHarness(build(server.base_url), server, **harness_options) as harness:
            yield harness
