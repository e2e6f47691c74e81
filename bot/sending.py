"""How the core sends messages without knowing Telegram: a `MessageSender` protocol and its errors.

The Telegram adapter implements it; tests use a recording stub. Callback data of buttons follows
the scheme in `bot.callbacks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Button:
    """An inline button: either callback data (at most 64 bytes) or a URL."""

    label: str
    callback_data: str | None = None
    url: str | None = None


Keyboard = Sequence[Sequence[Button]]


@dataclass(frozen=True)
class Document:
    """A file to send, e.g. an .ics calendar entry or a QR code PNG."""

    filename: str
    data: bytes
    caption: str | None = None


class SendError(Exception):
    """Base of the errors a sender raises."""


class Blocked(SendError):
    """The chat blocked the bot or no longer exists (Telegram 403 / chat not found)."""


class RetryLater(SendError):
    """Telegram asked us to slow down (429); retry after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Transient(SendError):
    """A timeout, network error or server error: retry with backoff."""


class MaybeDelivered(SendError):
    """The request reached Telegram but no answer came in time: the message may have been delivered.

    Reminders and broadcast messages are not resent after this (at most once); see bot.app.telegram_io.
    """


class Rejected(SendError):
    """Telegram refused the message itself (400 bad request); retrying will not help."""


class MessageSender(Protocol):
    """Sends messages and documents to chats; raises a SendError subclass on failure."""

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        """Send an HTML message with an optional inline keyboard; return the message id."""
        ...

    async def send_document(self, chat_id: int, document: Document) -> int:
        """Send a file; return the message id."""
        ...


@dataclass
class SentMessage:
    """What a RecordingSender saw."""

    chat_id: int
    html: str
    keyboard: Keyboard = ()
    document: Document | None = None


class RecordingSender:
    """A MessageSender for tests: records every message; can be told to fail for some chats."""

    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.fail_with: dict[int, SendError] = {}

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        """Record the message, or raise the error configured for this chat."""
        if chat_id in self.fail_with:
            raise self.fail_with[chat_id]
        self.sent.append(SentMessage(chat_id, html, keyboard))
        return len(self.sent)

    async def send_document(self, chat_id: int, document: Document) -> int:
        """Record the document, or raise the error configured for this chat."""
        if chat_id in self.fail_with:
            raise self.fail_with[chat_id]
        self.sent.append(SentMessage(chat_id, document.caption or "", (), document))
        return len(self.sent)
