"""/bericht: a staff member composes a broadcast (audience, text or chapter, preview, send) in Telegram.

Handler groups (bot.app.groups):
* `Group.STAFF` (-1): /bericht (guarded, bot.app.handlers.staff_access), /annuleer while composing, and
  the `bc:` buttons (one handler per kind, bot.callbacks; any other `bc:` data gets the stale answer),
  each ending the update.
* `Group.STAFF_DRAFT` (-20): the text of a broadcast being composed. It runs before the alarm layer (-10),
  so a staff text that mentions e.g. "koorts" becomes the message instead of getting an alarm answer;
  it only acts for a staff user with an open draft and stops nothing otherwise.
The outbox sender is woken when a broadcast is confirmed. `bc:upd` under a reload report (bot.app.handlers.
staff_tools) previews a notice of the chapters the reload changed.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks
from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.handlers.staff_access import Handler, from_staff, guarded, refuse
from bot.app.replies import say, send_view
from bot.app.services import Services
from bot.app.telegram_io import to_markup
from bot.sending import Button, Keyboard
from bot.staff.compose import MAX_TEXT, Composer, Draft, DraftStep, TextTooLong, audience_label, valid_audience
from bot.staff.texts import StaffTexts
from bot.storage.records import APPOINTMENT_TYPES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BroadcastTap:
    """A staff member's tap on a `bc:` button."""

    update: Update
    context: Context
    data: str
    message: Message

    def draft(self, step: DraftStep | None = None) -> Draft | None:
        """The chat's open broadcast draft (in `step`, when given), or None."""
        draft = self.context.state.staff_draft
        return draft if draft is not None and (step is None or draft.step == step) else None


ButtonAction = Callable[[BroadcastTap], Coroutine[Any, Any, None]]


class BroadcastHandlers:
    """The /bericht dialogue; `changed` gives the chapters the last reload changed (for `bc:upd`)."""

    def __init__(self, services: Services, changed: Callable[[], tuple[str, ...]]) -> None:
        self.services = services
        self.changed = changed

    @property
    def texts_now(self) -> StaffTexts:
        """The staff texts of the content in use now (they follow a reload)."""
        return self.services.knowledge.current.catalog.staff

    def command(self) -> Registration:
        """/bericht (staff only)."""
        return guarded(self.services, "bericht", self.broadcast)

    def dialogue(self) -> list[Registration]:
        """/annuleer while composing, the `bc:` buttons (any other `bc:` data last), the draft's text."""
        buttons: list[tuple[str, ButtonAction]] = [
            (callbacks.BC_UPDATED_PATTERN, self.on_updated),
            (callbacks.BC_AUDIENCE_PATTERN, self.on_audience),
            (callbacks.BC_CHOOSE_PATTERN, self.on_choose_chapter),
            (callbacks.BC_CHAPTER_PATTERN, self.on_chapter),
            (callbacks.BC_SEND_PATTERN, self.on_send),
            (callbacks.BC_CANCEL_PATTERN, self.on_cancel),
            (callbacks.BC_PATTERN, self.on_stale),  # any other `bc:` data, last
        ]
        draft_text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
        return [
            (Group.STAFF, CommandHandler("annuleer", self.cancel_draft, filters.UpdateType.MESSAGE)),
            *[(Group.STAFF, CallbackQueryHandler(self._bc_button(action), pattern)) for pattern, action in buttons],
            (Group.STAFF_DRAFT, MessageHandler(draft_text, self.on_draft_text)),
        ]

    def _composer(self) -> Composer:
        return Composer(self.services.storage, self.services.knowledge.current.catalog, self.texts_now)

    async def broadcast(self, update: Update, context: Context) -> None:
        """Step 1: the audience."""
        context.state.staff_draft = Draft()
        await send_view(update.effective_message, say(context.staff_t("staff_bc_audience"), self._audiences(context)))

    def _audiences(self, context: Context) -> Keyboard:
        lang = context.lang
        catalog = self.services.knowledge.current.catalog
        rows = [[Button(audience_label("all", self.texts_now, catalog, lang), callbacks.bc_audience("all"))]]
        rows += [
            [Button(audience_label(f"type:{t}", self.texts_now, catalog, lang), callbacks.bc_audience(f"type:{t}"))]
            for t in APPOINTMENT_TYPES
        ]
        return rows

    async def on_draft_text(self, update: Update, context: Context) -> None:
        """Step 2 by typing: staff's own text becomes the draft (only with an open draft). In every step
        "stop" (or "annuleren", "cancel") ends the draft and "help" says what the step waits for."""
        draft = context.state.staff_draft
        message = update.effective_message
        if draft is None or message is None or not message.text or not from_staff(self.services, update):
            return  # not ours: the alarm layer and the other handlers go on as usual
        intent = self.services.knowledge.current.catalog.conversation.intent(message.text)
        if intent == "stop":
            context.state.staff_draft = None
            await send_view(message, say(context.staff_t("staff_bc_cancelled")))
            raise ApplicationHandlerStop
        if intent == "help":
            await send_view(message, say(context.staff_t(f"staff_bc_help_{draft.step}")))
            raise ApplicationHandlerStop
        if draft.step != "content":
            return  # a button is awaited; the text goes on to the alarm layer and the question handler
        try:
            ready = draft.with_text(message.text)
        except TextTooLong as exc:  # never cut a message without a word: say so, keep the draft open
            too_long = context.staff_t("staff_bc_too_long", length=exc.length, limit=MAX_TEXT)
            await send_view(message, say(too_long))
            raise ApplicationHandlerStop from None
        await self._preview(update, context, ready, message)
        raise ApplicationHandlerStop

    async def cancel_draft(self, update: Update, context: Context) -> None:
        """/annuleer while composing; otherwise left to the other handlers."""
        if context.state.staff_draft is None or not from_staff(self.services, update):
            return
        context.state.staff_draft = None
        await send_view(update.effective_message, say(context.staff_t("staff_bc_cancelled")))
        raise ApplicationHandlerStop

    def _bc_button(self, action: ButtonAction) -> Handler:
        """A `bc:` button: answered at once, refused to non-staff, then `action`; the update stops here."""

        async def handle(update: Update, context: Context) -> None:
            query = update.callback_query
            if query is None or query.data is None or not isinstance(query.message, Message):
                raise ApplicationHandlerStop
            await query.answer()
            if not from_staff(self.services, update):
                await refuse(self.services, "bc-button", update, context)
                raise ApplicationHandlerStop
            await action(BroadcastTap(update, context, query.data, query.message))
            raise ApplicationHandlerStop

        return handle

    async def on_stale(self, tap: BroadcastTap) -> None:
        """A button of a draft that is gone, or of another step."""
        await tap.message.edit_text(tap.context.staff_t("staff_bc_stale"))

    async def on_updated(self, tap: BroadcastTap) -> None:
        """`bc:upd` under a reload report: preview a notice of the changed chapters."""
        changed = self.changed()
        if not changed:
            await self.on_stale(tap)
            return
        draft = Draft().with_chapters(changed, kind="updated")
        await self._preview(tap.update, tap.context, draft, tap.message)

    async def on_audience(self, tap: BroadcastTap) -> None:
        """Step 1 done: the audience; ask for the text (or a chapter)."""
        audience = callbacks.parse_bc_audience(tap.data)
        if tap.draft() is None or audience is None or not valid_audience(audience):
            await self.on_stale(tap)
            return
        tap.context.state.staff_draft = Draft(audience=audience, step="content")
        keyboard = [[Button(tap.context.staff_t("staff_bc_choose_chapter"), callbacks.BC_CHOOSE)]]
        await tap.message.edit_text(tap.context.staff_t("staff_bc_content"), reply_markup=to_markup(keyboard))

    async def on_choose_chapter(self, tap: BroadcastTap) -> None:
        """Step 2 by button: the chapters to choose from."""
        if tap.draft("content") is None:
            await self.on_stale(tap)
            return
        chapters = self.services.knowledge.current.catalog.content.top_level()
        keyboard = [[Button(c.label, callbacks.bc_chapter(c.id))] for c in chapters]
        await tap.message.edit_reply_markup(reply_markup=to_markup(keyboard))

    async def on_chapter(self, tap: BroadcastTap) -> None:
        """Step 2 done: the chapter chosen; preview."""
        draft, chapter_id = tap.draft("content"), callbacks.parse_bc_chapter(tap.data)
        if draft is None or chapter_id is None:
            await self.on_stale(tap)
            return
        await self._preview(tap.update, tap.context, draft.with_chapters([chapter_id]), tap.message)

    async def on_send(self, tap: BroadcastTap) -> None:
        """Step 4: send (or send urgently, also in quiet hours)."""
        draft, kind = tap.draft("preview"), callbacks.parse_bc_send(tap.data)
        if draft is None or kind is None:
            await self.on_stale(tap)
            return
        tap.context.state.staff_draft = None  # a second tap finds no draft: never two broadcasts
        await self._confirm(tap.update, tap.context, draft, urgent=kind == "urgent", message=tap.message)

    async def on_cancel(self, tap: BroadcastTap) -> None:
        """Cancel the draft."""
        if tap.draft() is None:
            await self.on_stale(tap)
            return
        tap.context.state.staff_draft = None
        await tap.message.edit_text(tap.context.staff_t("staff_bc_cancelled"))

    async def _preview(self, update: Update, context: Context, draft: Draft, message: Message) -> None:
        """Step 3: the message as the patient sees it, the recipient count, and the confirmation buttons."""
        composer = self._composer()
        lang = context.lang
        rendered = composer.preview(draft, lang)
        if rendered is None:
            await send_view(message, say(context.staff_t("staff_bc_stale")))
            return
        context.state.staff_draft = draft
        now = self.services.clock.now()
        count = await self.services.db(composer.recipients, draft, now)
        await send_view(message, say(context.staff_t("staff_bc_preview")))
        await send_view(message, say(*rendered))
        label = audience_label(draft.audience, self.texts_now, composer.catalog, lang)
        lines = [context.staff_t("staff_bc_count", count=count, audience=html.escape(label))]
        if self.services.outbox.in_quiet_hours(now):
            lines.append(context.staff_t("staff_bc_quiet"))
        keyboard = [
            [Button(context.staff_t("staff_bc_send", count=count), callbacks.bc_send("send"))],
            [Button(context.staff_t("staff_bc_send_urgent"), callbacks.bc_send("urgent"))],
            [Button(context.staff_t("staff_bc_cancel"), callbacks.BC_CANCEL)],
        ]
        await send_view(message, say("\n".join(lines), keyboard))

    async def _confirm(self, update: Update, context: Context, draft: Draft, urgent: bool, message: Message) -> None:
        """Step 4: store the broadcast with its outbox rows (audited) and wake the sender."""
        composer, now = self._composer(), self.services.clock.now()
        if await self.services.db(composer.recipients, draft, now) == 0:
            await message.edit_text(context.staff_t("staff_bc_none"))
            return
        user, chat = update.effective_user, update.effective_chat
        stored = await self.services.db(
            composer.confirm, draft, now, user.id if user else None, urgent, chat.id if chat else None
        )
        log.info("broadcast %d confirmed: %d recipients, urgent=%s", stored.id, stored.recipients, urgent)
        await message.edit_text(context.staff_t("staff_bc_queued", id=stored.id, count=stored.recipients))
        self.services.outbox.wake()
