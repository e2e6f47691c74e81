"""Staff commands (/inschrijven, /bericht, /herladen, /gemist, /console) and the patient's side of enrolment.

Handler groups (bot.app.groups):
* `Group.STAFF` (-1): staff commands and `bc:` buttons (one handler per kind, bot.callbacks; any other
  `bc:` data gets the stale answer). Ahead of group 0, so the unknown-command
  catch-all never sees them; every staff handler ends with ApplicationHandlerStop. A non-staff user
  gets exactly the unknown-command answer (ui `unknown_command` with the menu) and a log line.
* `Group.STAFF_DRAFT` (-20): the text of a broadcast being composed. It runs before the alarm layer (-10),
  so a staff text that mentions e.g. "koorts" becomes the message instead of getting an alarm answer;
  it only acts for a staff user with an open draft and stops nothing otherwise.
* The `enr:` consent buttons of enrolment are in `Group.STAFF` too; the deep link itself arrives via
  `ContentHandlers.deep_link_handlers` (`redeem_deep_link`).
"""

from __future__ import annotations

import asyncio
import html
import logging
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InputFile, Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.memory import keep_reloaded_out_of_gc
from bot.app.replies import send_view
from bot.app.services import Services
from bot.app.telegram_io import to_markup
from bot.clock import local
from bot.knowledge import ReloadReport
from bot.observability.pseudonyms import hash_chat_id
from bot.reminders.codes import code_hash
from bot.sending import Button, Keyboard, SendError
from bot.staff.auth import is_staff, log_refused
from bot.staff.compose import MAX_TEXT, Composer, Draft, DraftStep, TextTooLong, audience_label, valid_audience
from bot.staff.enrolment import EnrolmentService, deep_link, looks_like_code, qr_png
from bot.staff.reload import format_reload, reload_content
from bot.staff.texts import StaffTexts
from bot.storage.records import APPOINTMENT_TYPES
from bot.views import menu_view

log = logging.getLogger(__name__)
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


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

# Command -> aliases; every one is staff-only.
STAFF_COMMANDS: dict[str, tuple[str, ...]] = {
    "inschrijven": ("inschrijven", "enrol"),
    "bericht": ("bericht", "broadcast"),
    "herladen": ("herladen", "reload"),
    "gemist": ("gemist", "misses"),
    "console": ("console",),
}
MISSES_DAYS = 30


class StaffHandlers:
    """Staff tools in Telegram; the outbox sender is woken when a broadcast is confirmed."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.enrolment = EnrolmentService(services.storage, services.clock, services.settings.enrol_code_days)
        self.last_changed: tuple[str, ...] = ()

    @property
    def texts_now(self) -> StaffTexts:
        """The staff texts of the content in use now (they follow a reload)."""
        return self.services.knowledge.current.catalog.staff

    def handlers(self) -> list[Registration]:
        """The staff handlers (see the module docstring for the groups)."""
        only_new = filters.UpdateType.MESSAGE
        actions: dict[str, Handler] = {
            "inschrijven": self.enrol,
            "bericht": self.broadcast,
            "herladen": self.reload,
            "gemist": self.misses,
            "console": self.console_link,
        }
        registrations: list[Registration] = [
            (Group.STAFF, CommandHandler(list(aliases), self._guarded(name, actions[name]), only_new))
            for name, aliases in STAFF_COMMANDS.items()
        ]
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
            *registrations,
            (Group.STAFF, CommandHandler("annuleer", self.cancel_draft, only_new)),
            *[(Group.STAFF, CallbackQueryHandler(self._bc_button(action), pattern)) for pattern, action in buttons],
            (Group.STAFF, CallbackQueryHandler(self.on_consent, pattern=callbacks.ENROL_PATTERN)),
            (Group.STAFF_DRAFT, MessageHandler(draft_text, self.on_draft_text)),
        ]

    # -- helpers --------------------------------------------------------------------------------

    def _is_staff(self, update: Update) -> bool:
        user = update.effective_user
        return is_staff(self.services.settings, user.id if user else None)

    def _guarded(self, name: str, action: Handler) -> Handler:
        async def guarded(update: Update, context: Context) -> None:
            if self._is_staff(update):
                await action(update, context)
            else:
                user = update.effective_user
                log_refused(name, user.id if user else None)
                await self._unknown_command(update, context)
            raise ApplicationHandlerStop

        return guarded

    async def _unknown_command(self, update: Update, context: Context) -> None:
        """Exactly what ContentHandlers.unknown_command answers: a staff command is not revealed."""
        message = update.effective_message
        if message is None:
            return
        catalog = self.services.knowledge.current.catalog
        await send_view(
            message, menu_view(catalog.content, catalog.ui, context.lang, intro=context.t("unknown_command"))
        )

    @staticmethod
    async def _reply(message: Message | None, text: str, keyboard: Keyboard = ()) -> None:
        if message is not None:
            await message.reply_text(text, reply_markup=to_markup(keyboard))

    def _composer(self) -> Composer:
        return Composer(self.services.storage, self.services.knowledge.current.catalog, self.texts_now)

    # -- /inschrijven -----------------------------------------------------------------------------

    async def enrol(self, update: Update, context: Context) -> None:
        """A one-time code as deep link and QR code, for the staff member to hand to the patient."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        created = await self.services.db(self.enrolment.create, user.id)
        username = self.services.settings.bot_username or context.bot.username
        link = deep_link(username, created.code)
        until = f"{local(created.expires_at):%d-%m-%Y %H:%M}"
        await message.reply_text(context.staff_t("staff_enrol_done", until=until, link=html.escape(link)))
        await message.reply_document(
            InputFile(qr_png(link), filename="inschrijving.png"),
            caption=context.staff_t("staff_qr_caption", until=until),
        )

    async def redeem_deep_link(self, update: Update, context: Context, payload: str) -> bool:
        """`/start <code>`: explain what is stored and ask consent; True when the payload was an enrolment code."""
        message = update.effective_message
        if message is None or not looks_like_code(payload):
            return False
        answer = await self.services.db(self.enrolment.check, payload)
        if answer.outcome != "ok":
            await self._reply(message, context.staff_t(f"enrol_{answer.outcome}"))
            return True
        context.state.enrol_code_hash = code_hash(payload)
        keyboard = [
            [Button(context.t("button_consent_yes"), callbacks.enrol("yes"))],
            [Button(context.t("button_consent_no"), callbacks.enrol("no"))],
        ]
        days = self.services.settings.purge_after_days
        await self._reply(message, context.t("privacy_consent", days=days), keyboard)
        return True

    async def on_consent(self, update: Update, context: Context) -> None:
        """The consent buttons under an enrolment: link the chat only after "Akkoord"."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None or not isinstance(query.message, Message):
            raise ApplicationHandlerStop
        await query.answer()
        hashed, context.state.enrol_code_hash = context.state.enrol_code_hash, None
        lang = context.lang
        if callbacks.parse_enrol(query.data or "") == "no":
            await query.message.edit_text(context.t("consent_declined"))
            raise ApplicationHandlerStop
        if hashed is None:
            await query.message.edit_text(context.staff_t("enrol_stale"))
            raise ApplicationHandlerStop
        rules = self.services.reminders.rules
        result = await self.services.db(self.enrolment.redeem, hashed, chat.id, lang, rules)
        if result.outcome != "ok":
            await query.message.edit_text(context.staff_t(f"enrol_{result.outcome}"))
            raise ApplicationHandlerStop
        context.state.lang = lang
        self.services.languages.remember(chat.id, lang)
        log.info("enrolment redeemed chat=%s appointments=%d", hash_chat_id(chat.id), result.appointments)
        if result.refused:  # the patient is enrolled; staff find the rows on the console's appointments page
            log.warning(
                "enrolment: %d waiting appointment(s) not planned chat=%s", result.refused, hash_chat_id(chat.id)
            )
        text = context.staff_t("enrol_done")
        if result.appointments:
            text += "\n\n" + context.staff_t("enrol_done_appointments", count=result.appointments)
            self.services.timer.changed()
        await query.message.edit_text(text)
        raise ApplicationHandlerStop

    # -- /bericht ---------------------------------------------------------------------------------

    async def broadcast(self, update: Update, context: Context) -> None:
        """Step 1: the audience."""
        context.state.staff_draft = Draft()
        await self._reply(update.effective_message, context.staff_t("staff_bc_audience"), self._audiences(context))

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
        if draft is None or message is None or not message.text or not self._is_staff(update):
            return  # not ours: the alarm layer and the other handlers go on as usual
        intent = self.services.knowledge.current.catalog.conversation.intent(message.text)
        if intent == "stop":
            context.state.staff_draft = None
            await self._reply(message, context.staff_t("staff_bc_cancelled"))
            raise ApplicationHandlerStop
        if intent == "help":
            await self._reply(message, context.staff_t(f"staff_bc_help_{draft.step}"))
            raise ApplicationHandlerStop
        if draft.step != "content":
            return  # a button is awaited; the text goes on to the alarm layer and the question handler
        try:
            ready = draft.with_text(message.text)
        except TextTooLong as exc:  # never cut a message without a word: say so, keep the draft open
            await self._reply(message, context.staff_t("staff_bc_too_long", length=exc.length, limit=MAX_TEXT))
            raise ApplicationHandlerStop from None
        await self._preview(update, context, ready, message)
        raise ApplicationHandlerStop

    async def cancel_draft(self, update: Update, context: Context) -> None:
        """/annuleer while composing; otherwise left to the other handlers."""
        if context.state.staff_draft is None or not self._is_staff(update):
            return
        context.state.staff_draft = None
        await self._reply(update.effective_message, context.staff_t("staff_bc_cancelled"))
        raise ApplicationHandlerStop

    def _bc_button(self, action: ButtonAction) -> Handler:
        """A `bc:` button: answered at once, refused to non-staff, then `action`; the update stops here."""

        async def handle(update: Update, context: Context) -> None:
            query = update.callback_query
            if query is None or query.data is None or not isinstance(query.message, Message):
                raise ApplicationHandlerStop
            await query.answer()
            if not self._is_staff(update):
                user = update.effective_user
                log_refused("bc-button", user.id if user else None)
                await self._unknown_command(update, context)
                raise ApplicationHandlerStop
            await action(BroadcastTap(update, context, query.data, query.message))
            raise ApplicationHandlerStop

        return handle

    async def on_stale(self, tap: BroadcastTap) -> None:
        """A button of a draft that is gone, or of another step."""
        await tap.message.edit_text(tap.context.staff_t("staff_bc_stale"))

    async def on_updated(self, tap: BroadcastTap) -> None:
        """`bc:upd` under a reload report: preview a notice of the changed chapters."""
        if not self.last_changed:
            await self.on_stale(tap)
            return
        draft = Draft().with_chapters(self.last_changed, kind="updated")
        await self._preview(tap.update, tap.context, draft, tap.message)

    async def on_audience(self, tap: BroadcastTap) -> None:
        """Step 1 done: the audience; ask for the text (or a chapter)."""
        audience = callbacks.parse_bc_audience(tap.data)
        if tap.draft() is None or not valid_audience(audience):
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
        draft = tap.draft("content")
        if draft is None:
            await self.on_stale(tap)
            return
        await self._preview(
            tap.update, tap.context, draft.with_chapters([callbacks.parse_bc_chapter(tap.data)]), tap.message
        )

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
            await message.reply_text(context.staff_t("staff_bc_stale"))
            return
        context.state.staff_draft = draft
        now = self.services.clock.now()
        count = await self.services.db(composer.recipients, draft, now)
        await message.reply_text(context.staff_t("staff_bc_preview"))
        await message.reply_text(rendered[0], reply_markup=to_markup(rendered[1]))
        label = audience_label(draft.audience, self.texts_now, composer.catalog, lang)
        lines = [context.staff_t("staff_bc_count", count=count, audience=html.escape(label))]
        if self.services.outbox.in_quiet_hours(now):
            lines.append(context.staff_t("staff_bc_quiet"))
        keyboard = [
            [Button(context.staff_t("staff_bc_send", count=count), callbacks.bc_send("send"))],
            [Button(context.staff_t("staff_bc_send_urgent"), callbacks.bc_send("urgent"))],
            [Button(context.staff_t("staff_bc_cancel"), callbacks.BC_CANCEL)],
        ]
        await message.reply_text("\n".join(lines), reply_markup=to_markup(keyboard))

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

    # -- /herladen, /gemist -------------------------------------------------------------------

    async def reload(self, update: Update, context: Context) -> None:
        """Reload content; report problems with file and line, or the changed chapters with a notice button."""
        user = update.effective_user
        report = await asyncio.to_thread(self._reload, user.id if user else None)
        keyboard: Keyboard = ()
        if report.ok and (report.changed or report.added):
            self.last_changed = tuple(report.changed + report.added)
            keyboard = [[Button(context.staff_t("staff_reload_notify"), callbacks.BC_UPDATED)]]
        await self._reply(update.effective_message, format_reload(report, self.texts_now, context.lang), keyboard)

    async def reload_from_signal(self) -> None:
        """SIGHUP: reload, and tell every staff member the outcome (problems with file and line)."""
        report = await asyncio.to_thread(self._reload, None)
        if report.ok and (report.changed or report.added):
            self.last_changed = tuple(report.changed + report.added)
        text = format_reload(report, self.texts_now, "nl")
        for staff_id in sorted(self.services.settings.staff_user_ids):
            try:
                await self.services.sender.send_message(staff_id, text)
            except SendError as exc:
                log.warning("reload report not delivered to a staff member: %s", type(exc).__name__)

    def _reload(self, actor: int | None) -> ReloadReport:
        services = self.services
        report = reload_content(services.knowledge, services.storage, services.clock, actor, services.reminders)
        if report.ok:
            keep_reloaded_out_of_gc()  # the new content lives as long as the old did
        return report

    async def misses(self, update: Update, context: Context) -> None:
        """Unanswered questions per day (counts only; no question text is ever stored)."""
        today = local(self.services.clock.now()).date()
        rows = await self.services.db(self.services.storage.miss_counts, today - timedelta(days=MISSES_DAYS))
        if not rows:
            await self._reply(update.effective_message, context.staff_t("staff_misses_none", days=MISSES_DAYS))
            return
        lines = [context.staff_t("staff_misses_title", days=MISSES_DAYS)]
        lines += [f"{day:%a %d-%m}: {count}" for day, count in rows]
        lines.append(f"Σ {sum(count for _, count in rows)}")
        await self._reply(update.effective_message, "\n".join(lines))

    async def console_link(self, update: Update, context: Context) -> None:
        """/console: a one-time sign-in link to the staff console (valid 5 minutes, rate limited)."""
        from bot.staff.signin import TooManyLinks, create_signin_link

        user = update.effective_user
        if user is None:
            return
        queries = self.services.storage.console
        url, now = self.services.settings.console_url, self.services.clock.now()
        try:
            link = await self.services.db(create_signin_link, queries, url, user.id, now)
        except TooManyLinks:
            await self._reply(update.effective_message, context.staff_t("staff_console_refused"))
            return
        await self._reply(update.effective_message, context.staff_t("staff_console_link", link=html.escape(link)))


def install_sighup(app: Application[Any, Any, Any, Any, Any, Any], staff: StaffHandlers) -> bool:
    """Reload content on SIGHUP (Unix, running loop); False where signals cannot be handled."""
    try:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, lambda: app.create_task(staff.reload_from_signal()))
    except (NotImplementedError, RuntimeError, AttributeError):
        return False
    return True
