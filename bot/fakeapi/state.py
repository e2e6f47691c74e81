"""What the fake Telegram knows: chats, messages, queued updates, settings the bot made, answered calls.

`BotApiState` is the base the other parts of the fake build on (the Bot API methods, the simulated
users); it also offers the test-facing inspection and waiting API. Waiting is event-driven: every
state change (request started or answered, update queued) bumps a version counter and wakes waiters,
so `wait_until`, `wait_for_calls`, `wait_confirmed` and `wait_idle` return as soon as their condition
holds; their timeouts only bound failures.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.fakeapi.models import Button, Call, JsonDict, MessageEvent, SentMessage, Stats, UploadedFile

BOT_USERNAME = "levermetastasen_test_bot"
DEFAULT_BOT_ID = 7_000_000_001


@dataclass
class StoredMessage:
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
    reply_to: int | None = None  # the message id this one replies to (reply_parameters)


def buttons(markup: JsonDict | None) -> tuple[tuple[Button, ...], ...]:
    """The inline keyboard of a reply markup as rows of `Button`."""
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


class BotApiState:
    """The fake's state, its bookkeeping helpers, and inspecting and waiting on it."""

    def __init__(self, *, clock: Callable[[], datetime], username: str, first_name: str) -> None:
        self._clock = clock
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
        self._stopping = False
        self._calls: list[Call] = []
        self._events: list[MessageEvent] = []
        self._updates: list[JsonDict] = []  # queued, not yet confirmed by an offset
        self._update_ids = itertools.count(1)
        self._confirmed_below = 0  # every update_id below this was confirmed by an offset
        self._allowed_updates: list[str] | None = None
        self._messages: dict[tuple[int, int], StoredMessage] = {}
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, JsonDict] = {}
        self._callback_ids = itertools.count(1)
        self._pending_callbacks: dict[str, JsonDict] = {}
        self._inflight = 0
        self._version = 0
        self._changed = asyncio.Event()
        self._seq = itertools.count(1)  # one sequence for calls, message events and file ids

    # ------------------------------------------------------------------ bookkeeping

    def _bump(self) -> None:
        """Record a state change and wake every waiter."""
        self._version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def _new_message_id(self, chat_id: int) -> int:
        # Telegram numbers messages per private chat, shared between user and bot.
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

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

    def _bot_user(self) -> JsonDict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def _message_json(self, message: StoredMessage, nested: bool = True) -> JsonDict:
        if not message.from_bot:
            body = dict(message.extra)
            if message.edit_date is not None:  # the message as it reads now
                body.update(message.payload, edit_date=message.edit_date)
            return body
        body = {
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
        # Like Telegram: the replied-to message, one level deep, unless it was deleted.
        replied = self._messages.get((message.chat_id, message.reply_to)) if message.reply_to else None
        if nested and replied is not None and not replied.deleted:
            body["reply_to_message"] = self._message_json(replied, nested=False)
        return body

    def _snapshot(self, message: StoredMessage) -> SentMessage:
        return SentMessage(
            chat_id=message.chat_id,
            message_id=message.message_id,
            text=message.payload.get("text"),
            parse_mode=message.parse_mode,
            buttons=buttons(message.reply_markup),
            reply_keyboard=_reply_keyboard(message.reply_markup),
            document=message.document,
            caption=message.payload.get("caption"),
            edited=message.edit_date is not None,
            deleted=message.deleted,
            reply_to=message.reply_to,
        )

    def _event(self, kind: str, message: StoredMessage) -> None:
        snapshot = self._snapshot(message)
        if kind == "new":
            self._events.append(MessageEvent(next(self._seq), "new", snapshot))
        elif kind == "edit":
            self._events.append(MessageEvent(next(self._seq), "edit", snapshot))
        else:
            self._events.append(MessageEvent(next(self._seq), "delete", replace(snapshot, deleted=True)))

    # ------------------------------------------------------------------ waiting

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
