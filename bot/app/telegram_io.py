"""Translation between the core's sending types and python-telegram-bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest, RequestData

from bot.sending import Blocked, Document, Keyboard, Rejected, RetryLater, Transient

log = logging.getLogger(__name__)


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB gives an int or a timedelta)."""
    value = exc.retry_after
    return float(value) if isinstance(value, int | float) else value.total_seconds()


def to_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """Inline keyboard markup for Telegram, or None for no buttons."""
    rows = [
        [
            InlineKeyboardButton(b.label, url=b.url)
            if b.url
            else InlineKeyboardButton(b.label, callback_data=b.callback_data)
            for b in row
        ]
        for row in keyboard
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


class TelegramSender:
    """A `MessageSender` over a python-telegram-bot `Bot`; maps Telegram errors to the core's."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        """Send an HTML message; raise Blocked, RetryLater, Transient or Rejected on failure."""
        async with _mapped_errors():
            message = await self._bot.send_message(chat_id, html, reply_markup=to_markup(keyboard))
        return message.message_id

    async def send_document(self, chat_id: int, document: Document) -> int:
        """Send a file with an optional HTML caption."""
        async with _mapped_errors():
            message = await self._bot.send_document(
                chat_id, InputFile(document.data, filename=document.filename), caption=document.caption
            )
        return message.message_id


@asynccontextmanager
async def _mapped_errors() -> AsyncIterator[None]:
    """Translate python-telegram-bot's errors into the core's SendError types."""
    try:
        yield
    except RetryAfter as exc:
        raise RetryLater(retry_after_seconds(exc)) from exc
    except Forbidden as exc:
        raise Blocked(str(exc)) from exc
    except BadRequest as exc:  # a subclass of NetworkError: check it first
        if "chat not found" in str(exc).lower():
            raise Blocked(str(exc)) from exc
        raise Rejected(str(exc)) from exc
    except (TimedOut, NetworkError) as exc:
        raise Transient(str(exc)) from exc


Sleep = Callable[[float], Awaitable[None]]


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries timeouts, server errors and short 429s with backoff.

    A patient's reply that fails once must still arrive: a duplicate after a timeout is far better
    than a lost alarm answer. getUpdates is left to the Updater, which has its own retry loop.
    A 429 asking for a longer wait than `max_retry_after` is raised to the caller.
    """

    def __init__(
        self,
        *,
        delays: Sequence[float] = (0.25, 1.0, 3.0),
        max_retry_after: float = 10.0,
        sleep: Sleep = asyncio.sleep,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._delays = tuple(delays)
        self._max_retry_after = max_retry_after
        self._sleep = sleep

    async def post(  # type: ignore[override]
        self, url: str, request_data: RequestData | None = None, **kwargs: object
    ) -> object:
        """POST with retries (see the class docstring)."""
        if url.endswith("/getUpdates"):
            return await super().post(url, request_data, **kwargs)  # type: ignore[arg-type]
        attempt = 0
        while True:
            try:
                return await super().post(url, request_data, **kwargs)  # type: ignore[arg-type]
            except RetryAfter as exc:
                delay = retry_after_seconds(exc)
                if attempt >= len(self._delays) or delay > self._max_retry_after:
                    raise
            except (TimedOut, NetworkError) as exc:
                if isinstance(exc, BadRequest | Forbidden) or attempt >= len(self._delays):
                    raise
                delay = self._delays[attempt]
            method = url.rsplit("/", 1)[-1]
            log.warning("Telegram %s failed (attempt %d); retrying in %.2f s", method, attempt + 1, delay)
            attempt += 1
            await self._sleep(delay)
