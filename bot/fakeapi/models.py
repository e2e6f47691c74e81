"""Plain records the fake Bot API keeps: calls, uploaded files, the bot's messages, rate statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

JsonDict = dict[str, Any]

FaultKind = Literal["400", "403", "429", "500", "502", "timeout", "close", "slow"]


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded (multipart) or referred to by file_id/URL (then `content` is empty)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Call:
    """One Bot API request as the fake answered it."""

    seq: int
    method: str
    params: JsonDict
    files: dict[str, UploadedFile]
    status: int
    response: JsonDict

    @property
    def ok(self) -> bool:
        """Whether the fake answered ``{"ok": true}``."""
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        """The ``chat_id`` parameter as int, if any."""
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Button:
    """An inline keyboard button: a label with callback data or a URL."""

    label: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SentMessage:
    """A snapshot of a message the bot sent (as it looked at one moment)."""

    chat_id: int
    message_id: int
    text: str | None
    parse_mode: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    reply_keyboard: tuple[tuple[str, ...], ...] = ()
    document: UploadedFile | None = None
    caption: str | None = None
    edited: bool = False
    deleted: bool = False
    reply_to: int | None = None  # the message it quotes (a reply), if any

    @property
    def flat_buttons(self) -> list[Button]:
        """All inline buttons, row by row."""
        return [button for row in self.buttons for button in row]

    @property
    def body(self) -> str:
        """Text, or the caption of a document, or empty."""
        return self.text if self.text is not None else (self.caption or "")


@dataclass(frozen=True)
class MessageEvent:
    """The bot created, edited or deleted a message; `message` is the state right after."""

    seq: int
    kind: Literal["new", "edit", "delete"]
    message: SentMessage


@dataclass
class Stats:
    """Counters over message-producing calls, kept always (rate-limit mode or not)."""

    accepted: int = 0
    rejected_429: int = 0
    per_chat: Counter[int] = field(default_factory=Counter)
    texts: Counter[tuple[int, str]] = field(default_factory=Counter)

    def duplicates(self) -> dict[tuple[int, str], int]:
        """(chat, text) pairs that were accepted more than once, with their counts."""
        return {key: count for key, count in self.texts.items() if count > 1}
