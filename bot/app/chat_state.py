"""Dialog state that survives a restart and follows the chat to whichever instance gets its updates.

What is kept per chat is typed and small: the chosen language, the appointment draft (type, day,
time, step), the staff broadcast draft (audience, step, and the staff member's own text once typed)
and an enrolment code's hash between the two consent steps. Nothing else a patient types is kept.
`DialogSync` stores these keys of `context.chat_data` as JSON in `dialog_state` (see
bot.storage.dialogs), reads them per update, and writes them after the update when they changed.
Rows expire after 24 hours; a draft idle for `DRAFT_IDLE` is treated as gone.

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
from collections.abc import Callable, MutableMapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal, cast

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.app.groups import Group, Registration
from bot.app.services import Services
from bot.staff.auth import is_staff
from bot.staff.compose import Draft
from bot.storage.records import AppointmentType

log = logging.getLogger(__name__)

DRAFT_IDLE = timedelta(minutes=30)
READ_BUDGET = 0.5
KIND = "chat"

AppointmentStep = Literal["consent", "type", "when", "confirm"]
APPOINTMENT_KEY = "appointment_draft"
STAFF_KEY = "staff_draft"
ENROL_KEY = "enrol_code_hash"
LANG_KEY = "lang"


@dataclass(frozen=True)
class AppointmentDraft:
    """An appointment being entered with /afspraak."""

    step: AppointmentStep
    touched_at: datetime
    type: AppointmentType | None = None
    day: date | None = None
    when: datetime | None = None

    def at(self, step: AppointmentStep, now: datetime, **changes: Any) -> AppointmentDraft:
        """The draft moved to `step` at `now`, with `changes`."""
        return replace(self, step=step, touched_at=now, **changes)

    def idle(self, now: datetime) -> bool:
        """Untouched for longer than `DRAFT_IDLE`: the dialogue has lapsed."""
        return now - self.touched_at > DRAFT_IDLE


def _appointment_to_json(draft: AppointmentDraft) -> dict[str, Any]:
    return {
        "step": draft.step,
        "touched_at": draft.touched_at.isoformat(),
        "type": draft.type,
        "day": draft.day.isoformat() if draft.day else None,
        "when": draft.when.isoformat() if draft.when else None,
    }


def _appointment_from_json(raw: dict[str, Any]) -> AppointmentDraft:
    return AppointmentDraft(
        step=cast(AppointmentStep, raw["step"]),
        touched_at=datetime.fromisoformat(raw["touched_at"]),
        type=cast("AppointmentType | None", raw.get("type")),
        day=date.fromisoformat(raw["day"]) if raw.get("day") else None,
        when=datetime.fromisoformat(raw["when"]) if raw.get("when") else None,
    )


def _staff_from_json(raw: dict[str, Any]) -> Draft:
    return Draft(**{**raw, "chapter_ids": tuple(raw.get("chapter_ids", ()))})


@dataclass(frozen=True)
class _Codec:
    kind: type
    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]


CODECS: dict[str, _Codec] = {
    LANG_KEY: _Codec(str, lambda v: v, lambda v: v if v in ("nl", "en") else None),
    APPOINTMENT_KEY: _Codec(AppointmentDraft, _appointment_to_json, _appointment_from_json),
    STAFF_KEY: _Codec(Draft, asdict, _staff_from_json),
    ENROL_KEY: _Codec(str, lambda v: v, lambda v: str(v)),
}


def dump_state(chat_data: MutableMapping[Any, Any]) -> str | None:
    """The persisted keys of `chat_data` as JSON, or None when there is nothing to keep."""
    kept = {
        key: codec.dump(chat_data[key]) for key, codec in CODECS.items() if isinstance(chat_data.get(key), codec.kind)
    }
    return json.dumps(kept, sort_keys=True) if kept else None


def load_state(chat_data: MutableMapping[Any, Any], data: str | None) -> None:
    """Put the stored keys into `chat_data`; remove persisted keys the store does not have."""
    try:
        raw = json.loads(data) if data else {}
    except ValueError:
        raw = {}
    for key, codec in CODECS.items():
        try:
            value = codec.load(raw[key]) if raw.get(key) is not None else None
        except (KeyError, TypeError, ValueError):
            value = None
        if value is None:
            chat_data.pop(key, None)
        else:
            chat_data[key] = value


@dataclass
class DialogSync:
    """Reads a chat's dialog state before its dialogue handlers, writes it after the update."""

    services: Services
    every_update: bool = False
    _snapshots: dict[int, str | None] = field(default_factory=dict)  # update_id -> state as read

    def handlers(self, app: Application) -> list[Registration]:  # type: ignore[type-arg]
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

    async def _load_staff(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if is_staff(self.services.settings, user.id if user else None):
            await self._load(update, context)

    async def _load(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
