"""Translation between the core's sending types and python-telegram-bot."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBDeprecationWarning

from bot.app.http_client import AiohttpRequest, maybe_reached
from bot.sending import Blocked, Document, Keyboard, MaybeDelivered, Rejected, RetryLater, Transient

log = logging.getLogger(__name__)


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB gives an int or a timedelta)."""
    with warnings.catch_warnings():
        # python-telegram-bot 22.2+ warns that the type will become timedelta; both are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
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


# Set while a reminder, broadcast or other at-most-once message is sent (see RetryingRequest).
_AT_MOST_ONCE: ContextVar[bool] = ContextVar("at_most_once", default=False)
# Set while an alarm reply or another reply carrying the spoed lines is sent (see `urgent`).
_URGENT: ContextVar[bool] = ContextVar("urgent", default=False)


@contextmanager
def urgent() -> Iterator[None]:
    """Requests made inside go before every waiting ordinary request for a connection (alarm replies)."""
    token = _URGENT.set(True)
    try:
        yield
    finally:
        _URGENT.reset(token)


class Connections:
    """A fixed number of connections, given out in arrival order, urgent requests first.

    An alarm reply that finds every connection busy with folder answers waits only for the first one
    to come free, not behind the answers queued before it.
    """

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: list[tuple[bool, int, asyncio.Future[None]]] = []  # a heap: urgent first, then by arrival
        self._arrival = itertools.count()

    @asynccontextmanager
    async def hold(self, urgent: bool = False) -> AsyncIterator[None]:
        """Hold one connection for the duration of the block."""
        if self._free > 0 and not self._waiting:
            self._free -= 1
        else:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (not urgent, next(self._arrival), turn))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._give_back()  # handed over just as the waiter was cancelled
                raise
        try:
            yield
        finally:
            self._give_back()

    def _give_back(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():  # a cancelled waiter stays in the heap until it comes up; skip it
                turn.set_result(None)
                return
        self._free += 1


class Unconfirmed(TimedOut):
    """The request may have reached Telegram, but no answer came (an at-most-once send is not repeated)."""


class TelegramSender:
    """A `MessageSender` over a python-telegram-bot `Bot`; maps Telegram errors to the core's.

    Its sends are at most once when Telegram's answer does not come: a request that may have reached
    Telegram is not repeated and raises `MaybeDelivered` (reminders, broadcasts, staff reports).
    Replies in a chat (the alarm reply first) go through the handlers' own `Bot` and are at least once.
    """

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        """Send an HTML message; raise Blocked, RetryLater, Transient, MaybeDelivered or Rejected on failure."""
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
    """Translate python-telegram-bot's errors into the core's SendError types (sends at most once)."""
    token = _AT_MOST_ONCE.set(True)
    try:
        yield
    except Unconfirmed as exc:
        raise MaybeDelivered(str(exc)) from exc
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
    finally:
        _AT_MOST_ONCE.reset(token)


Sleep = Callable[[float], Awaitable[None]]


class RetryingRequest(AiohttpRequest):
    """AiohttpRequest that retries timeouts, network and server errors and short 429s, with backoff.

    A patient's reply that fails once must still arrive: a duplicate after a timeout is far better
    than a lost alarm answer. getUpdates is left to the Updater, which has its own retry loop. A 429
    asking for a longer wait than `max_retry_after` goes back to the caller as Telegram sent it.
    Retrying happens in `do_request`, python-telegram-bot's extension point, before the answer is
    parsed, so the caller sees exactly the errors it would see without retries.

    The one rule for duplicates: a request that failed before it could reach Telegram (connect
    error, connect or pool timeout) is always retried. One that may have reached it (read or write
    timeout, connection dropped after sending) is retried for replies in a chat — the alarm reply is
    at least once — but not for sends marked at most once by `TelegramSender` (reminders,
    broadcasts): those raise `Unconfirmed` and are recorded as sent without confirmation.

    Connections are shared out in two fixed parts: replies in a chat (the alarm reply among them) and
    the at-most-once sends (reminders, broadcasts) each have their own, so a broadcast whose requests
    hang can never hold up a reply. Requests wait for their part's free connection here (`Connections`:
    alarm replies first, then in arrival order) rather than in the client's pool.
    """

    def __init__(
        self,
        *,
        delays: Sequence[float] = (0.25, 1.0, 3.0),
        max_retry_after: float = 10.0,
        sleep: Sleep = asyncio.sleep,
        reply_connections: int = 8,
        background_connections: int = 8,
        **kwargs: Any,
    ) -> None:
        super().__init__(connection_pool_size=reply_connections + background_connections, **kwargs)
        self._delays = tuple(delays)
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        # Keyed by _AT_MOST_ONCE: False for replies in a chat, True for reminders and broadcasts.
        self._connections = {False: Connections(reply_connections), True: Connections(background_connections)}

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send the request; retry as the class docstring says."""
        timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        if url.endswith("/getUpdates"):
            return await super().do_request(url, method, request_data, *timeouts)
        attempt = 0
        while True:
            try:
                async with self._connections[_AT_MOST_ONCE.get()].hold(urgent=_URGENT.get()):
                    code, payload = await super().do_request(url, method, request_data, *timeouts)
            except (TimedOut, NetworkError) as exc:  # timeouts and connection errors (bot.app.http_client)
                if _AT_MOST_ONCE.get() and maybe_reached(exc.__cause__):
                    raise Unconfirmed(f"no answer from Telegram ({type(exc.__cause__).__name__})") from exc
                if attempt >= len(self._delays):
                    raise
                delay = self._delays[attempt]
            else:
                if code == HTTPStatus.TOO_MANY_REQUESTS:
                    wait = _retry_after(payload)
                    if attempt >= len(self._delays) or wait is None or wait > self._max_retry_after:
                        return code, payload
                    delay = wait
                elif code >= HTTPStatus.INTERNAL_SERVER_ERROR and attempt < len(self._delays):
                    delay = self._delays[attempt]
                else:
                    return code, payload
            log.warning(
                "Telegram %s failed (attempt %d); retrying in %.2f s", url.rsplit("/", 1)[-1], attempt + 1, delay
            )
            attempt += 1
            await self._sleep(delay)


def _retry_after(payload: bytes) -> float | None:
    """The retry_after of a 429 answer, or None when it cannot be read."""
    try:
        value = json.loads(payload)["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None
