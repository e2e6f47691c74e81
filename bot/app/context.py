"""What every handler gets: python-telegram-bot's context with the chat's typed state and its language.

`ChatData` is the chat's state, one typed field per thing kept (python-telegram-bot creates one per
chat, `ContextTypes(chat_data=ChatData)`); bot.app.chat_state keeps its persisted fields in the
database. `Context` is the one context type of the handlers: `context.state` (that chat's `ChatData`),
`context.services`, `context.lang` and `context.t(key)`. The application is a `BotApplication`, which
carries the `Services` that each context reaches through it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.app.instrumented import InstrumentedApplication
from bot.app.services import Services
from bot.content.model import Lang
from bot.content.ui import pick_lang
from bot.knowledge import Knowledge
from bot.replying.compose import Assessment, assess
from bot.staff.broadcast_draft import Draft
from bot.storage.records import AppointmentType

DRAFT_IDLE = timedelta(minutes=30)

AppointmentStep = Literal["consent", "type", "when", "confirm"]


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


@dataclass(frozen=True)
class InboxReply:
    """The patient pressed "Reageer op dit antwoord": their next text is the one reply to that thread."""

    thread_id: int
    touched_at: datetime

    def idle(self, now: datetime) -> bool:
        """Untouched for longer than `DRAFT_IDLE`: the next text is an ordinary message again."""
        return now - self.touched_at > DRAFT_IDLE


@dataclass
class ChatData:
    """What the bot keeps per chat, in memory; the first five fields also in the database (bot.app.chat_state).

    Nothing else a patient types is kept.
    """

    lang: Lang | None = None  # the /taal choice (or the language at enrolment)
    appointment: AppointmentDraft | None = None  # /afspraak in progress
    staff_draft: Draft | None = None  # a staff member's /bericht in progress
    enrol_code_hash: str | None = None  # an enrolment code between the deep link and the consent button
    inbox_reply: InboxReply | None = None  # a reply to the team's answer is awaited (the thread, no text)
    # Memory only: the update the alarm layer answered with an alarm reply (the question handler then
    # knows the patient was already told whom to call).
    alarm_answered_update: int | None = None

    def clear(self) -> None:
        """Forget everything (/stop)."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, None)


class BotApplication(InstrumentedApplication):
    """The bot's Application: counts and times updates, and carries the Services for `Context`."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(metrics=services.metrics, **kwargs)
        self.services = services

    async def stop(self) -> None:
        """Stop (SIGTERM): updates in progress that wait for a database that does not answer end within
        a second (the patient gets "lukt nu even niet" with the spoed lines) instead of their 5 s deadline."""
        self.services.db.hurry()
        await super().stop()


class Context(CallbackContext[ExtBot[None], dict[Any, Any], ChatData, dict[Any, Any]]):
    """The context of every handler and job of the bot (see the module docstring)."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        if not isinstance(application, BotApplication):
            raise TypeError("Context needs the BotApplication that bot.app.assembly builds")
        self.services: Services = application.services
        self._update: Update | None = None
        self._chatless: ChatData | None = None
        self._assessed: tuple[str, Knowledge, Assessment] | None = None

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> Context:
        """python-telegram-bot's constructor per update (also for the error handler); keeps the update for `lang`."""
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._update = update
        return context

    @property
    def state(self) -> ChatData:
        """This chat's `ChatData`; for an update without a chat a throwaway one (nothing is kept for those)."""
        data = self.chat_data
        if data is not None:
            return data
        if self._chatless is None:
            self._chatless = ChatData()
        return self._chatless

    @property
    def lang(self) -> Lang:
        """The chat's interface language: its /taal choice, else the remembered one, else Telegram's.

        Memory only, never the database: the alarm reply reads it (see `bot.app.services.ChatLanguages`).
        """
        data = self.chat_data
        if data is not None and data.lang is not None:
            return data.lang
        update = self._update
        chat = update.effective_chat if update is not None else None
        known = self.services.languages.get(chat.id) if chat is not None else None
        if known is not None:
            return known
        user = update.effective_user if update is not None else None
        return pick_lang(user.language_code if user else None)

    def assessment(self, text: str, knowledge: Knowledge) -> Assessment:
        """What `text` is (alarm, question, language), read once per update: the alarm layer and the
        question handler both need it, and the context lives exactly as long as the update."""
        if self._assessed is None or self._assessed[0] != text or self._assessed[1] is not knowledge:
            self._assessed = (text, knowledge, assess(text, knowledge))
        return self._assessed[2]

    def t(self, key: str, **values: object) -> str:
        """The interface text `key` (content/ui.yaml) in the chat's language, `values` filled in."""
        return self.services.knowledge.current.catalog.ui.t(key, self.lang, **values)

    def staff_t(self, key: str, **values: object) -> str:
        """The staff tools' text `key` (content/staff.yaml) in the chat's language, `values` filled in."""
        return self.services.knowledge.current.catalog.staff.t(key, self.lang, **values)


CONTEXT_TYPES = ContextTypes(context=Context, chat_data=ChatData)
