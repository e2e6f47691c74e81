"""Enrolment in Telegram: /inschrijven for staff (a one-time code as deep link and QR code) and the
patient's side (`/start <code>`, then the consent buttons).

The deep link arrives via `ContentHandlers.deep_link_handlers` (`redeem_deep_link`); the `enr:` consent
buttons are in `Group.STAFF`, the command is guarded (bot.app.handlers.staff_access).
"""

from __future__ import annotations

import html
import logging

from telegram import InputFile, Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot import callbacks
from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.handlers.staff_access import guarded
from bot.app.replies import say, send_view
from bot.app.services import Services
from bot.clock import local
from bot.observability.pseudonyms import hash_chat_id
from bot.reminders.codes import code_hash
from bot.sending import Button
from bot.staff.enrolment import EnrolmentService, deep_link, looks_like_code, qr_png

log = logging.getLogger(__name__)


class EnrolmentHandlers:
    """A code for staff to hand out; the patient's consent links the chat to it."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.enrolment = EnrolmentService(services.storage, services.clock, services.settings.enrol_code_days)

    def command(self) -> Registration:
        """/inschrijven (staff only)."""
        return guarded(self.services, "inschrijven", self.enrol)

    def buttons(self) -> Registration:
        """The consent buttons under an enrolment."""
        return Group.STAFF, CallbackQueryHandler(self.on_consent, pattern=callbacks.ENROL_PATTERN)

    async def enrol(self, update: Update, context: Context) -> None:
        """A one-time code as deep link and QR code, for the staff member to hand to the patient."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        created = await self.services.db(self.enrolment.create, user.id)
        username = self.services.settings.bot_username or context.bot.username
        link = deep_link(username, created.code)
        until = f"{local(created.expires_at):%d-%m-%Y %H:%M}"
        await send_view(message, say(context.staff_t("staff_enrol_done", until=until, link=html.escape(link))))
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
            await send_view(message, say(context.staff_t(f"enrol_{answer.outcome}")))
            return True
        context.state.enrol_code_hash = code_hash(payload)
        keyboard = [
            [Button(context.t("button_consent_yes"), callbacks.enrol("yes"))],
            [Button(context.t("button_consent_no"), callbacks.enrol("no"))],
        ]
        days = self.services.settings.purge_after_days
        await send_view(message, say(context.t("privacy_consent", days=days), keyboard))
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
