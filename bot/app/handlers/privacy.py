"""/stop and /verwijder (delete everything), /privacy, and /meldingen (team messages on or off)."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks
from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.replies import say, send_view
from bot.app.services import Services
from bot.observability.pseudonyms import hash_chat_id
from bot.sending import Button

log = logging.getLogger(__name__)


class PrivacyHandlers:
    """The patient's control over what the bot stores."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handlers(self) -> list[Registration]:
        """This module's handlers, in order (all in the default group)."""
        only_new = filters.UpdateType.MESSAGE
        return [
            (Group.DEFAULT, CommandHandler(["stop", "verwijder"], self.ask_delete, filters=only_new)),
            (Group.DEFAULT, CommandHandler("privacy", self.privacy, filters=only_new)),
            (Group.DEFAULT, CommandHandler(["meldingen", "berichten"], self.broadcasts, filters=only_new)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_delete, pattern=callbacks.DELETE_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_broadcasts, pattern=callbacks.BROADCASTS_PATTERN)),
        ]

    async def ask_delete(self, update: Update, context: Context) -> None:
        """Ask once before deleting everything about this chat."""
        if update.effective_message:
            keyboard = [
                [Button(context.t("button_delete_yes"), callbacks.delete("yes"))],
                [Button(context.t("button_delete_no"), callbacks.delete("no"))],
            ]
            await send_view(update.effective_message, say(context.t("delete_confirm"), keyboard))

    async def on_delete(self, update: Update, context: Context) -> None:
        """Delete (or keep) and say what was deleted."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None or not isinstance(query.message, Message):
            return
        await query.answer()
        if callbacks.parse_delete(query.data or "") != "yes":
            await query.message.edit_text(context.t("delete_kept"))
            return
        # The reply's language is resolved before the chat's data (and its language) is forgotten.
        lang = context.lang
        ui = self.services.knowledge.current.catalog.ui
        counts = await self.services.db(self.services.storage.delete_chat, chat.id)
        context.state.clear()
        self.services.languages.forget(chat.id)
        log.info("chat data deleted on request chat=%s rows=%d", hash_chat_id(chat.id), sum(counts.values()))
        if not any(counts.values()):
            await query.message.edit_text(ui.t("delete_nothing", lang))
            return
        other = sum(v for k, v in counts.items() if k not in ("patients", "appointments", "reminders"))
        summary = ui.t(
            "delete_items",
            lang,
            patients=counts.get("patients", 0),
            appointments=counts.get("appointments", 0),
            reminders=counts.get("reminders", 0),
            other=other,
        )
        await query.message.edit_text(ui.t("delete_done", lang, summary=summary))

    async def privacy(self, update: Update, context: Context) -> None:
        """What is stored, why and for how long."""
        if update.effective_message:
            days = self.services.settings.purge_after_days
            text = context.t("privacy_info", days=days)
            if self.services.inbox is not None:  # questions to the team are on: say what is kept of them
                text += "\n" + context.t("privacy_team_questions", days=self.services.settings.inbox_purge_days)
            await send_view(update.effective_message, say(text))

    async def broadcasts(self, update: Update, context: Context) -> None:
        """`/meldingen`, `/meldingen aan`, `/meldingen uit`."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        arg = (context.args[0].lower() if context.args else "").strip()
        if arg in ("aan", "on", "uit", "off"):
            await self._set(update, context, arg in ("aan", "on"), message)
            return
        patient = await self.services.db(self.services.storage.get_patient, chat.id)
        if patient is None or patient.consent_at is None:
            text = context.t("broadcasts_not_enrolled")
        else:
            text = context.t("broadcasts_state_on" if patient.broadcasts_enabled else "broadcasts_state_off")
        keyboard = [
            [
                Button(context.t("button_broadcasts_on"), callbacks.broadcasts("on")),
                Button(context.t("button_broadcasts_off"), callbacks.broadcasts("off")),
            ]
        ]
        await send_view(message, say(text, keyboard))

    async def on_broadcasts(self, update: Update, context: Context) -> None:
        """The on/off buttons of /meldingen."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        await query.answer()
        chat = update.effective_chat
        choice = callbacks.parse_broadcasts(query.data or "")
        if choice == "consent" and chat is not None:
            now = self.services.clock.now()
            lang = context.lang
            await self.services.db(self.services.storage.upsert_patient, chat.id, lang, now, consent_at=now)
            self.services.languages.remember(chat.id, lang)
            log.info("consent given chat=%s", hash_chat_id(chat.id))
        await self._set(update, context, choice != "off", query.message)

    async def _set(self, update: Update, context: Context, enabled: bool, message: Message) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        storage = self.services.storage
        patient = await self.services.db(storage.get_patient, chat.id)
        if patient is None or patient.consent_at is None:
            if enabled:
                # Storing the chat for team messages needs consent first.
                days = self.services.settings.purge_after_days
                keyboard = [
                    [Button(context.t("button_consent_yes"), callbacks.broadcasts("consent"))],
                    [Button(context.t("button_consent_no"), callbacks.broadcasts("off"))],
                ]
                await send_view(message, say(context.t("privacy_consent", days=days), keyboard))
                return
            await send_view(message, say(context.t("broadcasts_state_off")))
            return
        await self.services.db(storage.set_broadcasts_enabled, chat.id, enabled)
        await send_view(message, say(context.t("broadcasts_state_on" if enabled else "broadcasts_state_off")))
