"""A local fake of the Telegram Bot API for tests, the demo and benchmarks.

`FakeBotApi` is a tornado HTTP server on 127.0.0.1 (a free port) running in the *same* asyncio loop
as the bot, so a test can inject updates, let python-telegram-bot poll them, and inspect what the
bot sent — without sleeping and without network access.

Wire format as PTB uses it: ``POST {base_url}{token}/{method}`` with form fields (non-string values
JSON-encoded) or multipart form data when uploading; answers are ``{"ok": true, "result": …}`` or
``{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": N}}``.

Waiting is event-driven: every state change (request started or answered, update queued) bumps a
version counter and wakes waiters, so `wait_until`, `wait_for_calls`, `wait_confirmed` and
`wait_idle` return as soon as their condition holds; their timeouts only bound failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.fakeapi.models import (
    Button,
    Call,
    FaultKind,
    JsonDict,
    MessageEvent,
    SentMessage,
    Stats,
    UploadedFile,
)
from bot.fakeapi.telegram_html import HtmlError, parse_html

BOT_USERNAME = "levermetastasen_test_bot"
DEFAULT_BOT_ID = 7_000_000_001
MAX_TEXT = 4096
MAX_CAPTION = 1024

# Methods that put a message in a chat; rate limits and `Stats` apply to these.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendvoice",
        "sendaudio",
        "sendvideo",
        "sendsticker",
        "sendlocation",
        "sendcontact",
        "copymessage",
        "forwardmessage",
        "sendmediagroup",
    }
)
# Parameters whose form value is a JSON document (PTB JSON-encodes every non-string value).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)
_HOLD_CAP_SECONDS = 60.0  # a "timeout" fault holds the request at most this long


class ApiError(Exception):
    """An error answer: HTTP status = Telegram error_code."""

    def __init__(self, code: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JsonDict:
        """The Telegram-shaped JSON body."""
        body: JsonDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class RateLimits:
    """Flood control: answer 429 when more than these many messages went out in the last `window` s."""

    global_per_second: int = 30
    per_chat_per_second: int = 1
    window: float = 1.0
    # Telegram sends whole seconds; benchmarks may pass a small float (PTB accepts it) to go faster.
    retry_after: float | None = None
    methods: frozenset[str] = SEND_METHODS


@dataclass
class _Fault:
    method: str  # lower-case method name or "*" (anything but getUpdates)
    kind: FaultKind
    remaining: int
    chat_id: int | None
    retry_after: float
    description: str | None
    hold: float = 0.0


@dataclass
class _Message:
    """Mutable server-side state of one message in a chat."""

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    payload: JsonDict  # text/caption/document/… fields as sent to clients
    parse_mode: str | None = None
    reply_markup: JsonDict | None = None
    document: UploadedFile | None = None
    edit_date: int | None = None
    deleted: bool = False
    extra: JsonDict = field(default_factory=dict)


class _Params:
    """Request parameters with Telegram's lenient typing (form strings or JSON values)."""

    def __init__(self, raw: JsonDict) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        return default if value is None else str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def get_float(self, name: str, default: float = 0.0) -> float:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is True or str(value).lower() in {"true", "1"}

    def get_json(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int:
        chat_id = self.get_int("chat_id")
        if chat_id is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        return chat_id


def _decode_json_fields(raw: JsonDict) -> JsonDict:
    """JSON-decode the structured fields so recorded calls are easy to assert on."""
    decoded = dict(raw)
    for name in _JSON_FIELDS & raw.keys():
        if isinstance(raw[name], str):
            try:
                decoded[name] = json.loads(raw[name])
            except json.JSONDecodeError:
                pass  # keep the raw string; the method will answer 400
    return decoded


def _validate_markup(markup: Any) -> None:
    """Reject keyboards Telegram would reject (the common mistakes)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise ApiError(400, f"Bad Request: inline keyboard button URL '{url}' is invalid")


def _checked_text(params: _Params) -> tuple[str, str | None]:
    """The text and parse mode of a send or edit, refused like Telegram when empty, too long or bad HTML."""
    text = params.get_str("text") or ""
    parse_mode = params.get_str("parse_mode")
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if _formatted_length(text, parse_mode) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text, parse_mode


def _formatted_length(text: str, parse_mode: str | None) -> int:
    if parse_mode is not None and parse_mode.lower() == "html":
        try:
            return len(parse_html(text))
        except HtmlError as exc:
            raise ApiError(400, f"Bad Request: {exc}") from None
    return len(text)


def _buttons(markup: JsonDict | None) -> tuple[tuple[Button, ...], ...]:
    if not markup:
        return ()
    return tuple(
        tuple(Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row)
        for row in markup.get("inline_keyboard", [])
    )


def _reply_keyboard(markup: JsonDict | None) -> tuple[tuple[str, ...], ...]:
    if not markup:
        return ()
    return tuple(
        tuple(b if isinstance(b, str) else str(b.get("text", "")) for b in row) for row in markup.get("keyboard", [])
    )


class _Handler(tornado.web.RequestHandler):
    """Routes ``/bot<token>/<method>`` to the owning `FakeBotApi`."""

    fake: FakeBotApi

    def initialize(self, fake: FakeBotApi) -> None:
        self.fake = fake
        self.closed = asyncio.Event()

    def on_connection_close(self) -> None:
        # A client gave up (timeout/cancel): release a held long poll or "timeout" fault.
        self.closed.set()
        self.fake._bump()

    async def post(self, token: str, method: str) -> None:
        await self.fake._serve(self, token, method)

    async def get(self, token: str, method: str) -> None:
        await self.fake._serve(self, token, method)


class _NotFound(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))


class FakeBotApi:
    """The fake Bot API server plus the test-facing injection and inspection API."""

    def __init__(
        self,
        *,
        rate_limits: RateLimits | None = None,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        username: str = BOT_USERNAME,
        first_name: str = "Levermetastasen (test)",
    ) -> None:
        self.rate_limits = rate_limits
        self._clock = clock or (lambda: datetime.now(UTC))
        self._monotonic = monotonic
        self.username = username
        self.first_name = first_name
        self.bot_id = DEFAULT_BOT_ID
        self.stats = Stats()
        self.webhook: JsonDict | None = None
        self.description: dict[str, str] = {}
        self.short_description: dict[str, str] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.answered_callbacks: dict[str, JsonDict] = {}
        self.left_chats: list[int] = []
        self._server: tornado.httpserver.HTTPServer | None = None
        self._port = 0
        self._stopping = False
        self._calls: list[Call] = []
        self._events: list[MessageEvent] = []
        self._faults: list[_Fault] = []
        self._updates: list[JsonDict] = []  # queued, not yet confirmed by an offset
        self._update_ids = itertools.count(1)
        self._confirmed_below = 0  # every update_id below this was confirmed by an offset
        self._delivered: set[int] = set()
        self._allowed_updates: list[str] | None = None
        self._messages: dict[tuple[int, int], _Message] = {}
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, JsonDict] = {}
        self._callback_ids = itertools.count(1)
        self._pending_callbacks: dict[str, JsonDict] = {}
        self._inflight = 0
        self._version = 0
        self._changed = asyncio.Event()
        self._seq = itertools.count(1)
        self._window_global: deque[float] = deque()
        self._window_chat: dict[int, deque[float]] = {}
        self._methods: dict[str, Callable[[_Params, dict[str, UploadedFile]], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates_placeholder,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmydescription": self._set_my_description,
            "setmyshortdescription": self._set_my_short_description,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "leavechat": self._leave_chat,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self, port: int = 0) -> None:
        """Bind 127.0.0.1 on `port` (default: a free one) and start serving in the running loop."""
        app = tornado.web.Application(
            [(r"/bot([^/]*)/([A-Za-z_]+)", _Handler, {"fake": self}), (r".*", _NotFound)],
            log_function=lambda _handler: None,  # no access log noise in test output
        )
        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
        self._port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        """Release held requests, stop listening and close every connection."""
        self._stopping = True
        self._bump()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port (0 before `start`)."""
        return self._port

    @property
    def base_url(self) -> str:
        """Pass to ``Application.builder().base_url(…)``; PTB appends the token."""
        return f"http://127.0.0.1:{self._port}/bot"

    # ------------------------------------------------------------------ waiting

    def _bump(self) -> None:
        """Record a state change and wake every waiter."""
        self._version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0, what: str = "") -> None:
        """Return once `predicate()` holds; raise TimeoutError after `within` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake Bot API: timed out after {within}s waiting for {what or predicate}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass  # re-check the predicate once more, then fail above

    async def wait_for_calls(self, n: int, method: str | None = None, within: float = 5.0) -> list[Call]:
        """Wait until at least `n` calls (of `method`) were answered; return them."""
        await self.wait_until(lambda: len(self.calls(method)) >= n, within, f"{n} calls of {method or 'any'}")
        return self.calls(method)

    async def wait_confirmed(self, update_id: int, within: float = 5.0) -> None:
        """Wait until the client asked getUpdates with an offset beyond `update_id`.

        PTB puts a whole batch into its update queue before asking for the next one, so after this the
        update is in ``application.update_queue`` (or being processed).
        """
        await self.wait_until(lambda: self._confirmed_below > update_id, within, f"confirm of {update_id}")

    async def wait_idle(self, quiet: float = 0.01, within: float = 5.0) -> None:
        """Wait until no request (other than a long poll) is running and nothing changed for `quiet` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            await self.wait_until(lambda: self._inflight == 0, max(deadline - loop.time(), 0), "idle")
            version = self._version
            try:
                await asyncio.wait_for(self._changed.wait(), quiet)
            except TimeoutError:
                if self._version == version and self._inflight == 0:
                    return
            if loop.time() > deadline:
                raise TimeoutError(f"fake Bot API: not idle after {within}s")

    @property
    def version(self) -> int:
        """Increases on every state change (for cheap 'did anything happen' checks)."""
        return self._version

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[Call]:
        """Answered calls in order, optionally only those of `method` (case-insensitive)."""
        if method is None:
            return list(self._calls)
        wanted = method.lower()
        return [call for call in self._calls if call.method.lower() == wanted]

    def events(self, after: int = 0) -> list[MessageEvent]:
        """Message events (new/edit/delete) with ``seq > after``."""
        return [event for event in self._events if event.seq > after]

    @property
    def last_event_seq(self) -> int:
        """The seq of the newest message event (0 if none)."""
        return self._events[-1].seq if self._events else 0

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in `chat_id` as they look now (after edits; deleted ones left out)."""
        return [
            self._snapshot(message)
            for (chat, _), message in sorted(self._messages.items())
            if chat == chat_id and message.from_bot and not message.deleted
        ]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """The current state of one message (bot's or user's)."""
        return self._snapshot(self._messages[(chat_id, message_id)])

    def unanswered_callbacks(self) -> list[JsonDict]:
        """Callback queries the bot never answered (Telegram would show a spinner)."""
        return [query for qid, query in self._pending_callbacks.items() if qid not in self.answered_callbacks]

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Queued updates not yet confirmed."""
        return list(self._updates)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        kind: FaultKind,
        count: int = 1,
        *,
        chat_id: int | None = None,
        retry_after: float = 1,
        description: str | None = None,
        hold: float = 20.0,
    ) -> None:
        """Make the next `count` calls of `method` ("*" = any but getUpdates) fail with `kind`.

        kinds: "500"/"502" (NetworkError in PTB), "429" (RetryAfter), "403" (Forbidden: bot was blocked),
        "400" (BadRequest), "timeout" (held until the client gives up: TimedOut), "close" (connection
        closed without answer: NetworkError), "slow" (carried out, e.g. the message is delivered, but the
        answer is held `hold` seconds: a client with a shorter read timeout sees TimedOut although the
        message arrived). With `chat_id`, only calls for that chat match.
        """
        self._faults.append(_Fault(method.lower(), kind, count, chat_id, retry_after, description, hold))

    def clear_faults(self) -> None:
        """Forget faults that have not fired yet."""
        self._faults.clear()

    def _take_fault(self, method: str, params: _Params) -> _Fault | None:
        for fault in self._faults:
            if fault.method != method and not (fault.method == "*" and method != "getupdates"):
                continue
            if fault.chat_id is not None and params.raw.get("chat_id") is not None:
                try:
                    if int(params.raw["chat_id"]) != fault.chat_id:
                        continue
                except (TypeError, ValueError):
                    continue
            elif fault.chat_id is not None:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return fault
        return None

    # ------------------------------------------------------------------ update injection

    def _user(self, user_id: int, first_name: str, language_code: str | None) -> JsonDict:
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def _chat(self, chat_id: int, first_name: str = "Test") -> JsonDict:
        if chat_id not in self._chats:
            # Like Telegram: private chats have the user's (positive) id, groups a negative one.
            if chat_id < 0:
                self._chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": "Test group"}
            else:
                self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": first_name}
        return self._chats[chat_id]

    def add_bot_to_group(self, chat_id: int, user_id: int = 1000) -> JsonDict:
        """Queue the `my_chat_member` update Telegram sends when a user adds the bot to group `chat_id` (< 0)."""
        member = {"user": self._bot_user()}
        return self.queue_update(
            {
                "my_chat_member": {
                    "chat": self._chat(chat_id),
                    "from": self._user(user_id, "Test", "nl"),
                    "date": self._now(),
                    "old_chat_member": {**member, "status": "left"},
                    "new_chat_member": {**member, "status": "member"},
                }
            }
        )

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def _new_message_id(self, chat_id: int) -> int:
        # Telegram numbers messages per private chat, shared between user and bot.
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def queue_update(self, update: JsonDict) -> JsonDict:
        """Queue an arbitrary update; ``update_id`` is assigned when missing. Returns the update.

        It must still be parseable by PTB: an update PTB cannot parse is never confirmed.
        """
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        self._bump()
        return update

    def _user_message(
        self,
        chat_id: int,
        content: JsonDict,
        *,
        user_id: int | None,
        language_code: str | None,
        first_name: str,
    ) -> JsonDict:
        message_id = self._new_message_id(chat_id)
        message: JsonDict = {
            "message_id": message_id,
            "from": self._user(user_id if user_id is not None else chat_id, first_name, language_code),
            "chat": self._chat(chat_id, first_name),
            "date": self._now(),
            **content,
        }
        self._messages[(chat_id, message_id)] = _Message(
            chat_id, message_id, message["date"], from_bot=False, payload=dict(content), extra=message
        )
        return self.queue_update({"message": message})

    def send_text(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        language_code: str | None = "nl",
        first_name: str = "Test",
    ) -> JsonDict:
        """Queue a private-chat text message from the patient. Returns the update dict."""
        content: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._user_message(chat_id, content, user_id=user_id, language_code=language_code, first_name=first_name)

    def send_command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        user_id: int | None = None,
        language_code: str | None = "nl",
        first_name: str = "Test",
    ) -> JsonDict:
        """Queue ``/command args`` with the bot_command entity PTB's CommandHandler needs."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return self.send_text(chat_id, text, user_id, language_code, first_name)

    def _file(self, prefix: str) -> JsonDict:
        n = next(self._seq)
        return {"file_id": f"{prefix}-file-{n}", "file_unique_id": f"{prefix}-u{n}"}

    def send_voice(self, chat_id: int, duration: int = 3, **user: Any) -> JsonDict:
        """Queue a voice message."""
        voice = {**self._file("voice"), "duration": duration, "mime_type": "audio/ogg", "file_size": 4000}
        return self._user_message(chat_id, {"voice": voice}, **self._user_kwargs(user))

    def send_photo(self, chat_id: int, caption: str | None = None, **user: Any) -> JsonDict:
        """Queue a photo (two sizes), optionally with a caption."""
        sizes = [{**self._file("photo"), "width": w, "height": w, "file_size": w * 100} for w in (90, 800)]
        content: JsonDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._user_message(chat_id, content, **self._user_kwargs(user))

    def send_sticker(self, chat_id: int, emoji: str = "👍", **user: Any) -> JsonDict:
        """Queue a sticker."""
        sticker = {
            **self._file("sticker"),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(chat_id, {"sticker": sticker}, **self._user_kwargs(user))

    def send_location(
        self, chat_id: int, latitude: float = 52.3676, longitude: float = 4.9041, **user: Any
    ) -> JsonDict:
        """Queue a location (default: Amsterdam)."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(chat_id, {"location": location}, **self._user_kwargs(user))

    def send_document_from_user(
        self,
        chat_id: int,
        file_name: str = "brief.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        **user: Any,
    ) -> JsonDict:
        """Queue a document the patient sends."""
        content: JsonDict = {
            "document": {**self._file("doc"), "file_name": file_name, "mime_type": mime_type, "file_size": 12345}
        }
        if caption is not None:
            content["caption"] = caption
        return self._user_message(chat_id, content, **self._user_kwargs(user))

    @staticmethod
    def _user_kwargs(user: dict[str, Any]) -> dict[str, Any]:
        unknown = set(user) - {"user_id", "language_code", "first_name"}
        if unknown:
            raise TypeError(f"unexpected arguments {sorted(unknown)}")
        return {
            "user_id": user.get("user_id"),
            "language_code": user.get("language_code", "nl"),
            "first_name": user.get("first_name", "Test"),
        }

    def edit_text(self, chat_id: int, message_id: int, new_text: str) -> JsonDict:
        """Queue an ``edited_message`` update: the patient edited their earlier text message."""
        stored = self._messages.get((chat_id, message_id))
        if stored is None or stored.from_bot:
            raise ValueError(f"no patient message {message_id} in chat {chat_id}")
        stored.payload["text"] = new_text
        stored.edit_date = self._now()
        message = {**stored.extra, "text": new_text, "edit_date": stored.edit_date}
        message.pop("entities", None)
        return self.queue_update({"edited_message": message})

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "nl",
        first_name: str = "Test",
        check: bool = True,
    ) -> str:
        """Queue a callback query for a button of the bot's message; return the query id.

        With ``check`` (default) the message must exist and carry a button with that data, which
        catches tests pressing stale or imaginary buttons; pass ``check=False`` to simulate that.
        """
        stored = self._messages.get((chat_id, message_id))
        if check:
            if stored is None or not stored.from_bot or stored.deleted:
                raise ValueError(f"no bot message {message_id} in chat {chat_id}")
            data = [b.callback_data for row in _buttons(stored.reply_markup) for b in row]
            if callback_data not in data:
                raise ValueError(f"message {message_id} has no button {callback_data!r}; it has {data}")
        query_id = f"cq{next(self._callback_ids)}"
        query: JsonDict = {
            "id": query_id,
            "from": self._user(user_id if user_id is not None else chat_id, first_name, language_code),
            "chat_instance": f"ci{chat_id}",
            "data": callback_data,
        }
        if stored is not None:
            query["message"] = self._message_json(stored)
        self._pending_callbacks[query_id] = query
        self.queue_update({"callback_query": query})
        return query_id

    # ------------------------------------------------------------------ serving

    def _bot_user(self) -> JsonDict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def _message_json(self, message: _Message) -> JsonDict:
        if not message.from_bot:
            return dict(message.extra)
        body: JsonDict = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": self._chat(message.chat_id),
            "date": message.date,
            **message.payload,
        }
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        # Telegram only echoes inline keyboards in Message objects.
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            body["reply_markup"] = message.reply_markup
        return body

    def _snapshot(self, message: _Message) -> SentMessage:
        return SentMessage(
            chat_id=message.chat_id,
            message_id=message.message_id,
            text=message.payload.get("text"),
            parse_mode=message.parse_mode,
            buttons=_buttons(message.reply_markup),
            reply_keyboard=_reply_keyboard(message.reply_markup),
            document=message.document,
            caption=message.payload.get("caption"),
            edited=message.edit_date is not None,
            deleted=message.deleted,
        )

    def _event(self, kind: str, message: _Message) -> None:
        snapshot = self._snapshot(message)
        if kind == "new":
            self._events.append(MessageEvent(next(self._seq), "new", snapshot))
        elif kind == "edit":
            self._events.append(MessageEvent(next(self._seq), "edit", snapshot))
        else:
            self._events.append(MessageEvent(next(self._seq), "delete", replace(snapshot, deleted=True)))

    @staticmethod
    def _read_params(handler: _Handler) -> tuple[JsonDict, dict[str, UploadedFile]]:
        request = handler.request
        raw: JsonDict = {}
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and request.body:
            try:
                body = json.loads(request.body)
            except json.JSONDecodeError:
                raise ApiError(400, "Bad Request: can't parse JSON body") from None
            if isinstance(body, dict):
                raw.update(body)
        for name, values in request.query_arguments.items():
            raw[name] = values[-1].decode("utf-8")
        for name, values in request.body_arguments.items():
            raw[name] = values[-1].decode("utf-8")
        files = {
            name: UploadedFile(
                items[-1].filename, bytes(items[-1].body), items[-1].content_type or "application/octet-stream"
            )
            for name, items in request.files.items()
        }
        return raw, files

    async def _serve(self, handler: _Handler, token: str, method: str) -> None:
        """Answer one request; record it as a `Call`."""
        lower = method.lower()  # Bot API method names are case-insensitive
        counted = lower != "getupdates"  # a long poll is not "the bot is busy"
        if counted:
            self._inflight += 1
        self._bump()
        params_raw: JsonDict = {}
        files: dict[str, UploadedFile] = {}
        status: int = 0
        body: JsonDict = {}  # status 0: no answer was sent (connection dropped or request cancelled)
        try:
            try:
                params_raw, files = self._read_params(handler)
                status, body = await self._dispatch(handler, token, lower, _Params(params_raw), files)
            except ApiError as exc:
                status, body = exc.code, exc.body()
            if status == 0:  # "timeout"/"close" fault: the connection was dropped, no answer
                return
            handler.set_status(status)
            handler.set_header("Content-Type", "application/json")
            handler.finish(json.dumps(body))
        finally:
            if counted:
                self._inflight -= 1
            self._calls.append(Call(next(self._seq), method, _decode_json_fields(params_raw), files, status, body))
            self._bump()

    async def _dispatch(
        self, handler: _Handler, token: str, method: str, params: _Params, files: dict[str, UploadedFile]
    ) -> tuple[int, JsonDict]:
        prefix = token.split(":", 1)[0]
        if prefix.isdigit():
            self.bot_id = int(prefix)  # like Telegram: the bot id is the token's number
        fault = self._take_fault(method, params)
        if fault is not None and fault.kind != "slow":
            return await self._apply_fault(handler, fault)
        implementation = self._methods.get(method)
        if implementation is None:
            raise ApiError(404, "Not Found: method not found")
        if method == "getupdates":
            return 200, {"ok": True, "result": await self._get_updates(handler, params)}
        if self.rate_limits is not None and method in self.rate_limits.methods:
            self._check_rate(params.chat_id(), self.rate_limits)
        result = await implementation(params, files)
        if method in SEND_METHODS:
            chat_id = params.chat_id()
            self.stats.accepted += 1
            self.stats.per_chat[chat_id] += 1
            self.stats.texts[(chat_id, str(params.get_str("text") or params.get_str("caption") or ""))] += 1
        if fault is not None:  # "slow": done, but the answer comes late (or never, if the client hangs up)
            with contextlib.suppress(TimeoutError):
                await self.wait_until(
                    lambda: handler.closed.is_set() or self._stopping, fault.hold, "client to give up"
                )
            if handler.closed.is_set() or self._stopping:
                handler.detach().close()
                return 0, {}
        return 200, {"ok": True, "result": result}

    async def _apply_fault(self, handler: _Handler, fault: _Fault) -> tuple[int, JsonDict]:
        if fault.kind in {"timeout", "close"}:
            if fault.kind == "timeout":
                # Hold until the client times out and hangs up (or the fake stops).
                try:
                    await self.wait_until(
                        lambda: handler.closed.is_set() or self._stopping, _HOLD_CAP_SECONDS, "client to give up"
                    )
                except TimeoutError:
                    pass
            handler.detach().close()
            return 0, {}
        if fault.kind == "429":
            self.stats.rejected_429 += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {fault.retry_after:g}", {"retry_after": fault.retry_after}
            )
        descriptions = {
            "400": "Bad Request: injected fault",
            "403": "Forbidden: bot was blocked by the user",
            "500": "Internal Server Error",
            "502": "Bad Gateway",
        }
        raise ApiError(int(fault.kind), fault.description or descriptions[fault.kind])

    def _check_rate(self, chat_id: int, limits: RateLimits) -> None:
        now = self._monotonic()
        horizon = now - limits.window
        window = self._window_global
        while window and window[0] <= horizon:
            window.popleft()
        chat_window = self._window_chat.setdefault(chat_id, deque())
        while chat_window and chat_window[0] <= horizon:
            chat_window.popleft()
        blocking: deque[float] | None = None
        if len(window) >= limits.global_per_second:
            blocking = window
        elif len(chat_window) >= limits.per_chat_per_second:
            blocking = chat_window
        if blocking is not None:
            self.stats.rejected_429 += 1
            wait = blocking[0] + limits.window - now
            retry_after = limits.retry_after if limits.retry_after is not None else max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after:g}", {"retry_after": retry_after})
        window.append(now)
        chat_window.append(now)

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: _Params, files: dict[str, UploadedFile]) -> JsonDict:
        return {
            **self._bot_user(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates_placeholder(self, params: _Params, files: dict[str, UploadedFile]) -> Any:
        raise AssertionError("getUpdates is dispatched with its handler")  # pragma: no cover

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_below = max(self._confirmed_below, offset)
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _batch(self, limit: int) -> list[JsonDict]:
        if self._allowed_updates:
            allowed = set(self._allowed_updates)
            # Telegram never delivers update types the bot did not ask for.
            self._updates = [u for u in self._updates if allowed & (u.keys() - {"update_id"})]
        return self._updates[:limit]

    async def _get_updates(self, handler: _Handler, params: _Params) -> list[JsonDict]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get_int("offset", 0) or 0
        limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
        timeout = params.get_float("timeout", 0.0)
        allowed = params.get_json("allowed_updates")
        if allowed is not None:
            self._allowed_updates = list(allowed)  # Telegram remembers the last setting
        self._confirm(offset)
        self._bump()
        if timeout > 0 and not self._batch(limit):
            try:
                await self.wait_until(
                    lambda: bool(self._batch(limit)) or handler.closed.is_set() or self._stopping, timeout, "updates"
                )
            except TimeoutError:
                pass  # an empty answer after the long-poll timeout, as Telegram does
        batch = self._batch(limit)
        self._delivered.update(u["update_id"] for u in batch)
        return batch

    def _store_bot_message(
        self,
        chat_id: int,
        payload: JsonDict,
        parse_mode: str | None,
        markup: JsonDict | None,
        document: UploadedFile | None = None,
    ) -> _Message:
        message = _Message(
            chat_id,
            self._new_message_id(chat_id),
            self._now(),
            from_bot=True,
            payload=payload,
            parse_mode=parse_mode,
            reply_markup=markup,
            document=document,
        )
        self._chat(chat_id)
        self._messages[(chat_id, message.message_id)] = message
        self._event("new", message)
        return message

    async def _send_message(self, params: _Params, files: dict[str, UploadedFile]) -> JsonDict:
        chat_id = params.chat_id()
        text, parse_mode = _checked_text(params)
        markup = params.get_json("reply_markup")
        _validate_markup(markup)
        message = self._store_bot_message(chat_id, {"text": text}, parse_mode, markup)
        return self._message_json(message)

    async def _send_document(self, params: _Params, files: dict[str, UploadedFile]) -> JsonDict:
        chat_id = params.chat_id()
        reference = params.get_str("document")
        if "document" in files:
            document = files["document"]
        elif reference and reference.startswith("attach://") and reference[9:] in files:
            document = files[reference[9:]]
        elif reference:
            document = UploadedFile(reference, b"")  # a file_id or URL
        else:
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = params.get_str("caption")
        parse_mode = params.get_str("parse_mode")
        if caption is not None and _formatted_length(caption, parse_mode) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        markup = params.get_json("reply_markup")
        _validate_markup(markup)
        n = next(self._seq)
        payload: JsonDict = {
            "document": {
                "file_id": f"doc-{n}",
                "file_unique_id": f"d{n}",
                "file_name": document.filename,
                "mime_type": document.mime_type,
                "file_size": len(document.content),
            }
        }
        if caption is not None:
            payload["caption"] = caption
        message = self._store_bot_message(chat_id, payload, parse_mode, markup, document)
        return self._message_json(message)

    def _find_bot_message(self, params: _Params, verb: str = "edit") -> _Message:
        if params.has("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = params.chat_id()
        message_id = params.get_int("message_id")
        stored = self._messages.get((chat_id, message_id or 0))
        if stored is None or stored.deleted:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        if not stored.from_bot:
            raise ApiError(400, f"Bad Request: message can't be {verb}ed")
        return stored

    def _not_modified(self) -> ApiError:
        return ApiError(
            400,
            "Bad Request: message is not modified: specified new message content and "
            "reply markup are exactly the same as a current content and reply markup "
            "of the message",
        )

    async def _edit_message_text(self, params: _Params, files: dict[str, UploadedFile]) -> JsonDict:
        stored = self._find_bot_message(params)
        if "text" not in stored.payload:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, parse_mode = _checked_text(params)
        # Like Telegram: leaving out reply_markup removes the inline keyboard.
        markup = params.get_json("reply_markup")
        _validate_markup(markup)
        same_text = stored.payload["text"] == text and (stored.parse_mode or "") == (parse_mode or "")
        if same_text and (stored.reply_markup or None) == (markup or None):
            raise self._not_modified()
        stored.payload["text"] = text
        stored.parse_mode = parse_mode
        stored.reply_markup = markup
        stored.edit_date = self._now()
        self._event("edit", stored)
        return self._message_json(stored)

    async def _edit_message_reply_markup(self, params: _Params, files: dict[str, UploadedFile]) -> JsonDict:
        stored = self._find_bot_message(params)
        markup = params.get_json("reply_markup")
        _validate_markup(markup)
        if (stored.reply_markup or None) == (markup or None):
            raise self._not_modified()
        stored.reply_markup = markup
        stored.edit_date = self._now()
        self._event("edit", stored)
        return self._message_json(stored)

    async def _delete_message(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        stored = self._find_bot_message(params, verb="delete")
        stored.deleted = True
        self._event("delete", stored)
        return True

    async def _answer_callback_query(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        query_id = params.get_str("callback_query_id") or ""
        if query_id not in self._pending_callbacks:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if query_id in self.answered_callbacks:
            raise ApiError(400, "Bad Request: query ID is invalid")  # a query is answered once
        self.answered_callbacks[query_id] = dict(params.raw)
        return True

    @staticmethod
    def _scope_key(params: _Params) -> tuple[str, str]:
        scope = params.get_json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""

    async def _set_my_commands(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 items")
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32 and name.replace("_", "a").isalnum() and name == name.lower()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        self.commands[self._scope_key(params)] = commands
        return True

    async def _get_my_commands(self, params: _Params, files: dict[str, UploadedFile]) -> list[JsonDict]:
        return self.commands.get(self._scope_key(params), [])

    async def _delete_my_commands(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    async def _delete_webhook(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        self.webhook = None
        if params.get_bool("drop_pending_updates"):
            if self._updates:
                self._confirmed_below = max(self._confirmed_below, self._updates[-1]["update_id"] + 1)
            self._updates.clear()
        return True

    async def _set_webhook(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        url = params.get_str("url") or ""
        if not url:
            self.webhook = None
            return True
        if not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {**_decode_json_fields(params.raw), "url": url}
        if params.get_bool("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: _Params, files: dict[str, UploadedFile]) -> JsonDict:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _set_my_description(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        description = params.get_str("description") or ""
        if len(description) > 512:
            raise ApiError(400, "Bad Request: description is too long")
        self.description[params.get_str("language_code") or ""] = description
        return True

    async def _set_my_short_description(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        description = params.get_str("short_description") or ""
        if len(description) > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        self.short_description[params.get_str("language_code") or ""] = description
        return True

    async def _leave_chat(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        chat_id = params.chat_id()
        if chat_id > 0:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        self.left_chats.append(chat_id)
        return True

    async def _send_chat_action(self, params: _Params, files: dict[str, UploadedFile]) -> bool:
        params.chat_id()
        return True
