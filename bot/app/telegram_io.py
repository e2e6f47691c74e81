"""Translation between the core's sending types and python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
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
from bot.outbox.pacer import UNPACED, ChatKey, Dropped, Pacer, Priority, Turn
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
# The priority of the requests made now: a reply in a chat unless `urgent` or a `TelegramSender` says otherwise.
_PRIORITY: ContextVar[Priority] = ContextVar("priority", default=Priority.REPLY)

# Methods that put a message in a chat, which Telegram's flood limits count; the pacer paces these.
PACED_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvoice",
        "sendvideo",
        "sendanimation",
        "sendsticker",
        "sendlocation",
        "sendcontact",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
        "editmessagemedia",
    }
)


@contextmanager
def urgent() -> Iterator[None]:
    """Requests made inside are alarm replies or the safety net: they go first, wait for nothing but
    Telegram's limits, and are never dropped."""
    token = _PRIORITY.set(Priority.ALARM)
    try:
        yield
    finally:
        _PRIORITY.reset(token)


class SendDropped(RetryAfter):
    """The pacer gave the message up after it waited longer than its kind may (nothing reached Telegram).

    A `RetryAfter`: a reminder or broadcast message goes back to its row for later, and a handler's
    reply ends in the error handler, which gives the patient the safety net instead.
    """

    def __init__(self, dropped: Dropped) -> None:
        super().__init__(dtm.timedelta(seconds=60))
        self.dropped = dropped


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
    `priority` is the sends' place in the pacer's queue (reminders and broadcasts have their own sender).
    """

    def __init__(self, bot: Bot, priority: Priority = Priority.REPLY) -> None:
        self._bot = bot
        self._priority = priority

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        """Send an HTML message; raise Blocked, RetryLater, Transient, MaybeDelivered or Rejected on failure."""
        async with _mapped_errors(self._priority):
            message = await self._bot.send_message(chat_id, html, reply_markup=to_markup(keyboard))
        return message.message_id

    async def send_document(self, chat_id: int, document: Document) -> int:
        """Send a file with an optional HTML caption."""
        async with _mapped_errors(self._priority):
            message = await self._bot.send_document(
                chat_id, InputFile(document.data, filename=document.filename), caption=document.caption
            )
        return message.message_id


@asynccontextmanager
async def _mapped_errors(priority: Priority) -> AsyncIterator[None]:
    """Translate python-telegram-bot's errors into the core's SendError types (sends at most once)."""
    token = _AT_MOST_ONCE.set(True)
    priority_token = _PRIORITY.set(priority)
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
        _PRIORITY.reset(priority_token)
        _AT_MOST_ONCE.reset(token)


Sleep = Callable[[float], Awaitable[None]]


class RetryingRequest(AiohttpRequest):
    """AiohttpRequest that paces the bot's messages (`Pacer`) and retries what failed, with backoff.

    Pacing: every request that puts a message in a chat (`PACED_METHODS`) first waits for its turn in
    the one `Pacer` of the bot, at the priority of the code that sends it (`urgent`: alarm replies and
    the safety net; `TelegramSender`: reminders, broadcasts; otherwise a reply), and holds it until
    Telegram answered. A 429 pauses the pacer for the `retry_after` Telegram named and the message
    waits again at the head of the queue, however long that takes for an alarm reply; any other
    message is given up after the wait its kind may have (`SendDropped`). Other methods (answering a
    button, getMe, …) are not paced; a short 429 on them is waited out up to `max_retry_after`.

    A patient's reply that fails once must still arrive: a duplicate after a timeout is far better
    than a lost alarm answer. getUpdates is left to the Updater, which has its own retry loop.
    Retrying happens in `do_request`, python-telegram-bot's extension point, before the answer is
    parsed, so the caller sees exactly the errors it would see without retries.

    The one rule for duplicates: a request that failed before it could reach Telegram (connect
    error, connect or pool timeout, 429) is always retried. One that may have reached it (read or write
    timeout, connection dropped after sending) is retried for replies in a chat — the alarm reply is
    at least once — but not for sends marked at most once by `TelegramSender` (reminders,
    broadcasts): those raise `Unconfirmed` and are recorded as sent without confirmation.

    Connections are shared out in two fixed parts: replies in a chat (the alarm reply among them) and
    the at-most-once sends (reminders, broadcasts) each have their own, so a broadcast whose requests
    hang can never hold up a reply. Requests wait for their part's free connection here (`Connections`:
    alarm replies first, then in arrival order) rather than in the client's pool, after their turn.
    """

    def __init__(
        self,
        *,
        pacer: Pacer | None = None,
        delays: Sequence[float] = (0.25, 1.0, 3.0),
        max_retry_after: float = 10.0,
        sleep: Sleep = asyncio.sleep,
        reply_connections: int = 8,
        background_connections: int = 8,
        **kwargs: Any,
    ) -> None:
        super().__init__(connection_pool_size=reply_connections + background_connections, **kwargs)
        self.pacer = pacer or Pacer(UNPACED)
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
        """Send the request, paced and retried as the class docstring says."""
        timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        if url.endswith("/getUpdates"):
            return await super().do_request(url, method, request_data, *timeouts)
        if url.rsplit("/", 1)[-1].lower() not in PACED_METHODS:
            return await self._send(url, method, request_data, timeouts, None)
        try:
            async with self.pacer.turn(_chat_of(request_data), _PRIORITY.get()) as turn:
                return await self._send(url, method, request_data, timeouts, turn)
        except Dropped as exc:
            raise SendDropped(exc) from exc

    async def _send(
        self, url: str, method: str, request_data: RequestData | None, timeouts: tuple[Any, ...], turn: Turn | None
    ) -> tuple[int, bytes]:
        at_most_once = _AT_MOST_ONCE.get()
        connections = self._connections[at_most_once]
        urgent = _PRIORITY.get() is Priority.ALARM
        name = url.rsplit("/", 1)[-1]
        attempt = 0
        while True:
            try:
                async with connections.hold(urgent=urgent):
                    code, payload = await super().do_request(url, method, request_data, *timeouts)
            except (TimedOut, NetworkError) as exc:  # timeouts and connection errors (bot.app.http_client)
                if at_most_once and maybe_reached(exc.__cause__):
                    raise Unconfirmed(f"no answer from Telegram ({type(exc.__cause__).__name__})") from exc
                if attempt >= len(self._delays):
                    raise
                delay = self._delays[attempt]
            else:
                if code == HTTPStatus.TOO_MANY_REQUESTS:
                    wait = _retry_after(payload)
                    self.pacer.flood(1.0 if wait is None else wait)
                    if turn is not None:  # not delivered: wait it out in the queue, at the head
                        log.warning(
                            "Telegram %s: 429, retry after %s s; sends pause and the %s waits",
                            name,
                            "?" if wait is None else f"{wait:g}",
                            turn.priority.name.lower(),
                        )
                        await self.pacer.again(turn)
                        continue
                    if attempt >= len(self._delays) or wait is None or wait > self._max_retry_after:
                        return code, payload
                    delay = wait
                elif code >= HTTPStatus.INTERNAL_SERVER_ERROR and attempt < len(self._delays):
                    delay = self._delays[attempt]
                else:
                    return code, payload
            log.warning("Telegram %s failed (attempt %d); retrying in %.2f s", name, attempt + 1, delay)
            attempt += 1
            await self._sleep(delay)
            if turn is not None:
                await self.pacer.again(turn)


def _chat_of(request_data: RequestData | None) -> ChatKey | None:
    """The request's chat: its id, or a channel's @username; None when it names none."""
    value = None if request_data is None else request_data.parameters.get("chat_id")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return None


def _retry_after(payload: bytes) -> float | None:
    """The retry_after of a 429 answer, or None when it cannot be read."""
    try:
        value = json.loads(payload)["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None
