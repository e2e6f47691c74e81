"""Dialog state that survives a restart and follows the chat to whichever instance gets its updates.

What is kept is the persisted part of the chat's typed `ChatData` (bot.app.context): the chosen
language, the appointment draft (type, day, time, step), the staff broadcast draft (audience, step,
and the staff member's own text once typed), an enrolment code's hash between the two consent
steps, and the thread a reply to the team's answer is awaited for. Nothing else a patient types is kept. `DialogSync` stores these fields as JSON in
`dialog_state` (see bot.storage.dialogs), reads them per update, and writes them after the update
when they changed. Rows expire after 24 hours; a draft idle for `DRAFT_IDLE` is treated as gone.

In polling mode one process owns every chat: all state is read once at start-up (`warm`) and no
update waits for a read. With webhooks and several instances (`every_update`), each update reads its
chat's row, after the alarm layer (handler group `Group.DIALOG_STATE`), so a patient's alarm reply never
waits for it; staff chats are read before the staff draft group, because a staff member's typed
broadcast text must reach the draft and not the alarm layer. A read waits at most `READ_BUDGET`;
when the database does not answer, the update goes on with what this process remembers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, get_args

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.app.context import AppointmentDraft, AppointmentStep, ChatData, Context, InboxReply
from bot.app.groups import Group, Registration
from bot.app.services import Services
from bot.content.model import LANGS, Lang
from bot.staff.auth import is_staff
from bot.staff.broadcast_draft import Draft, DraftStep
from bot.storage.records import APPOINTMENT_TYPES, BroadcastKind

log = logging.getLogger(__name__)

READ_BUDGET = 0.5
KIND = "chat"

# The JSON keys of a `dialog_state` row. Rows written before `ChatData` existed have the same keys and
# shapes, so they read unchanged.
LANG_KEY = "lang"
APPOINTMENT_KEY = "appointment_draft"
STAFF_KEY = "staff_draft"
ENROL_KEY = "enrol_code_hash"
INBOX_REPLY_KEY = "inbox_reply"

T = TypeVar("T")


class Unreadable(ValueError):
    """A stored field that does not have the shape this version writes."""


def dump_state(state: ChatData) -> str | None:
    """The persisted fields of `state` as JSON, or None when there is nothing to keep."""
    kept: dict[str, Any] = {}
    if state.lang is not None:
        kept[LANG_KEY] = state.lang
    if state.appointment is not None:
        kept[APPOINTMENT_KEY] = _appointment_to_json(state.appointment)
    if state.staff_draft is not None:
        kept[STAFF_KEY] = asdict(state.staff_draft)
    if state.enrol_code_hash is not None:
        kept[ENROL_KEY] = state.enrol_code_hash
    if state.inbox_reply is not None:
        reply = state.inbox_reply
        kept[INBOX_REPLY_KEY] = {"thread": reply.thread_id, "touched_at": reply.touched_at.isoformat()}
    return json.dumps(kept, sort_keys=True) if kept else None


def load_state(state: ChatData, data: str | None) -> None:
    """Set the persisted fields of `state` to the stored ones (None where the store has none).

    A field that cannot be read (a damaged row, or one an older or newer version wrote differently)
    is dropped, and the rest of the row still counts: each field is disposable, a lapsed draft is
    simply started again.
    """
    try:
        raw = json.loads(data) if data else {}
    except ValueError:
        raw = {}
    if not isinstance(raw, dict):
        raw = {}
    state.lang = _read(raw, LANG_KEY, _lang_from_json)
    state.appointment = _read(raw, APPOINTMENT_KEY, _appointment_from_json)
    state.staff_draft = _read(raw, STAFF_KEY, _staff_from_json)
    state.enrol_code_hash = _read(raw, ENROL_KEY, _text)
    state.inbox_reply = _read(raw, INBOX_REPLY_KEY, _inbox_reply_from_json)


def _read(raw: dict[str, Any], key: str, reader: Callable[[Any], T]) -> T | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return reader(value)
    except (KeyError, TypeError, ValueError):  # Unreadable too; the value itself is never logged
        log.info("dialog state field %s dropped: unreadable", key)
        return None


def _appointment_to_json(draft: AppointmentDraft) -> dict[str, Any]:
    return {
        "step": draft.step,
        "touched_at": draft.touched_at.isoformat(),
        "type": draft.type,
        "day": draft.day.isoformat() if draft.day else None,
        "when": draft.when.isoformat() if draft.when else None,
    }


def _appointment_from_json(raw: Any) -> AppointmentDraft:
    raw = _object(raw)
    when = raw.get("when")
    day = raw.get("day")
    return AppointmentDraft(
        step=_one_of(raw["step"], get_args(AppointmentStep)),
        touched_at=_aware(raw["touched_at"]),
        type=None if raw.get("type") is None else _one_of(raw["type"], APPOINTMENT_TYPES),
        day=date.fromisoformat(_text(day)) if day else None,
        when=_aware(when) if when else None,
    )


def _staff_from_json(raw: Any) -> Draft:
    raw = _object(raw)
    text = raw.get("text")
    chapter_ids = raw.get("chapter_ids", [])
    if not isinstance(chapter_ids, list):
        raise Unreadable("chapter_ids")
    return Draft(
        audience=_text(raw.get("audience", "all")),
        kind=_one_of(raw.get("kind", "text"), get_args(BroadcastKind)),
        text=None if text is None else _text(text),
        chapter_ids=tuple(_text(chapter_id) for chapter_id in chapter_ids),
        step=_one_of(raw.get("step", "audience"), get_args(DraftStep)),
    )


def _inbox_reply_from_json(raw: Any) -> InboxReply:
    raw = _object(raw)
    thread = raw["thread"]
    if isinstance(thread, bool) or not isinstance(thread, int):
        raise Unreadable("thread")
    return InboxReply(thread, _aware(raw["touched_at"]))


def _lang_from_json(raw: Any) -> Lang:
    return _one_of(raw, LANGS)


def _object(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Unreadable(type(raw).__name__)
    return raw


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise Unreadable(type(raw).__name__)
    return raw


def _aware(raw: Any) -> datetime:
    moment = datetime.fromisoformat(_text(raw))
    if moment.tzinfo is None:
        raise Unreadable("a time without a time zone")
    return moment


def _one_of(raw: Any, allowed: tuple[T, ...]) -> T:
    for value in allowed:
        if raw == value:
            return value
    raise Unreadable("not one of the values this version writes")


@dataclass
class DialogSync:
    """Reads a chat's dialog state before its dialogue handlers, writes it after the update."""

    services: Services
    every_update: bool = False
    _snapshots: dict[int, str | None] = field(default_factory=dict)  # update_id -> state as read

    def handlers(self, app: Application[Any, Context, Any, ChatData, Any, Any]) -> list[Registration]:
        """The read handlers for `app`; the write is `after_update` (called by the update processor)."""
        self._app = app
        return [
            (Group.STAFF_STATE, TypeHandler(Update, self._load_staff)),
            (Group.DIALOG_STATE, TypeHandler(Update, self._load)),
        ]

    async def warm(self) -> None:
        """Read every chat's stored state (start-up; a failure leaves the dialogues empty, nothing else)."""
        try:
            rows = await self.services.db(self.services.storage.dialogs.load, KIND, self.services.clock.now())
        except Exception as exc:
            log.warning("dialog state not read at start-up: %s", type(exc).__name__)
            return
        for key, data in rows.items():
            if key.lstrip("-").isdigit():
                load_state(self._app.chat_data[int(key)], data)

    async def _load_staff(self, update: Update, context: Context) -> None:
        user = update.effective_user
        if is_staff(self.services.settings, user.id if user else None):
            await self._load(update, context)

    async def _load(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None or context.chat_data is None or update.update_id in self._snapshots:
            return
        if not self.every_update:
            self._snapshots[update.update_id] = dump_state(context.chat_data)  # memory is the truth here
            return
        dialogs = self.services.storage.dialogs
        read = asyncio.ensure_future(self.services.db(dialogs.load_one, KIND, str(chat.id), self.services.clock.now()))
        try:
            data = await asyncio.wait_for(asyncio.shield(read), READ_BUDGET)
        except Exception as exc:  # the database is away: go on with what this process remembers
            read.add_done_callback(_consume)
            log.info("dialog state not read: %s", type(exc).__name__)
            self._snapshots[update.update_id] = dump_state(context.chat_data)
            return
        load_state(context.chat_data, data)
        self._snapshots[update.update_id] = data

    async def after_update(self, update: object) -> None:
        """Write the chat's state when this update changed it (off the alarm path: replies went out)."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        chat_id = update.effective_chat.id
        if update.update_id not in self._snapshots:
            return  # not read (no dialogue handler ran, or the database was away): nothing to compare
        before = self._snapshots.pop(update.update_id)
        chat_data = self._app.chat_data.get(chat_id)
        now_state = dump_state(chat_data) if chat_data is not None else None
        if now_state == before:
            return
        dialogs = self.services.storage.dialogs
        try:
            await self.services.db(dialogs.save, KIND, str(chat_id), now_state, self.services.clock.now(), chat_id)
        except Exception as exc:
            log.warning("dialog state not written: %s", type(exc).__name__)


def _consume(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
