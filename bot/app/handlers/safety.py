"""The alarm layer: every text is triaged before any other handler or conversation state.

Runs in handler group `Group.SAFETY`: only the private-chat guard and the staff draft come before it
(bot.app.groups says why), so python-telegram-bot gives it every patient's text first.
An alarm is answered at once. A message that is only an alarm stops there; one that also asks a
question, or that the patient addressed to the team (/vraag, a reply to the team's answer), goes on
to the normal handlers after its alarm reply. Media the bot cannot read, and any crash in a handler,
still get the spoed lines and 112.
"""

from __future__ import annotations

import logging
import re
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.handlers.inbox import wants_the_team
from bot.app.replies import say, send_to_chat, send_view
from bot.app.services import Services
from bot.app.telegram_io import SendDropped
from bot.clock import local
from bot.observability.pseudonyms import hash_chat_id
from bot.replying.compose import alarm_reply
from bot.storage.offload import DatabaseUnavailable
from bot.triage.alarm_texts import render_error_fallback, render_unreadable_reply, render_with_spoed_lines

log = logging.getLogger(__name__)

# A deep link's "/start PAYLOAD": the payload is a code the bot made (Telegram allows 1-64 of these
# characters), not the patient's words; a random code once read as a complaint.
_DEEP_LINK = re.compile(r"/start(?:@\w+)?\s+[A-Za-z0-9_-]{1,64}\s*")

UNREADABLE = (
    filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.PHOTO
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


class SafetyHandlers:
    """Alarm check, unreadable media and the error fallback."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handlers(self) -> list[Registration]:
        """The alarm check and the unreadable-media reply (the error handler is `on_error`)."""
        texts = (filters.TEXT | filters.CAPTION) & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
        return [
            (Group.SAFETY, MessageHandler(texts, self.check_alarm)),
            (Group.UNREADABLE, MessageHandler(UNREADABLE & filters.UpdateType.MESSAGE, self.unreadable)),
        ]

    async def check_alarm(self, update: Update, context: Context) -> None:
        """Answer an alarm at once; stop here unless the message also asks something."""
        message = update.effective_message
        if message is None:
            return
        text = message.text or message.caption or ""
        if _DEEP_LINK.fullmatch(text):
            return
        knowledge = self.services.knowledge.current
        assessment = context.assessment(text, knowledge)
        result = assessment.result
        if not assessment.alarm:
            if update.edited_message is not None:
                raise ApplicationHandlerStop  # an edit without an alarm needs no new answer
            return
        chat_id = message.chat_id
        log.warning(
            "alarm level=%s concepts=%s methods=%s chat=%s",
            result.level.label,
            ",".join(sorted({m.concept for m in result.matches})),
            ",".join(sorted({m.method for m in result.matches})),
            hash_chat_id(chat_id),
        )
        self.services.metrics.alarm(result.level.label)
        today = local(self.services.clock.now()).date()
        self.services.misses.count(today, f"alarm_{result.level.label}")  # in memory; for the console's statistics
        content = knowledge.catalog.content
        lang = context.lang
        now = self.services.clock.now()
        reply = alarm_reply(assessment, now, lang, knowledge.catalog)
        if reply is None:  # alarm_reply answers every level above none
            return
        try:
            await send_view(message, say(reply.text), alarm=True)
        except TelegramError as exc:
            # Retries are spent. Try the short fallback once more, and never let a folder answer go out
            # in place of the alarm reply.
            self.services.metrics.telegram_error(exc)
            log.error("alarm reply not delivered: %s chat=%s", type(exc).__name__, hash_chat_id(chat_id))
            try:
                fallback = render_error_fallback(now, content, lang, knowledge.catalog.alarm_replies)
                await send_to_chat(context.bot, chat_id, say(fallback), alarm=True)
            except TelegramError as again:
                self.services.metrics.telegram_error(again)
                log.error("alarm fallback not delivered: %s chat=%s", type(again).__name__, hash_chat_id(chat_id))
            raise ApplicationHandlerStop from exc
        if update.edited_message is not None or not (reply.asks or wants_the_team(text, context)):
            raise ApplicationHandlerStop
        context.state.alarm_answered_update = update.update_id

    async def unreadable(self, update: Update, context: Context) -> None:
        """Voice, photo, sticker, …: say we cannot read it, with the spoed lines and 112."""
        message = update.effective_message
        if message is None:
            return
        catalog = self.services.knowledge.current.catalog
        lang = context.lang
        now = self.services.clock.now()
        unreadable = render_unreadable_reply(now, catalog.content, lang, catalog.alarm_replies)
        await send_view(message, say(unreadable), alarm=True)
        raise ApplicationHandlerStop

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure (never the message text), still give the patient the spoed lines, and end the update.

        python-telegram-bot goes on to the next handler group after an error; a later handler (the
        question search, say) would then answer the same message a second time, after the fallback.
        The fallback is this update's answer: `ApplicationHandlerStop` from here ends it (an alarm
        reply sent before the crash stays sent; it went out first).
        """
        error = context.error
        chat = update.effective_chat if isinstance(update, Update) else None
        if isinstance(error, TelegramError):
            self.services.metrics.telegram_error(error)
        # Frames only: an exception's own message may quote what the patient typed.
        frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error(
            "handler failed: %s chat=%s\n%s",
            type(error).__name__ if error else "unknown",
            hash_chat_id(chat.id) if chat else "-",
            frames,
        )
        if chat is None or not isinstance(update, Update):
            return
        try:
            catalog = self.services.knowledge.current.catalog
            lang = context.lang
            now = self.services.clock.now()
            if isinstance(error, DatabaseUnavailable | SendDropped):  # "not now, try again in a few minutes"
                first = catalog.ui.t("db_unavailable", lang)
                text = render_with_spoed_lines(first, now, catalog.content, lang, catalog.alarm_replies)
            else:
                text = render_error_fallback(now, catalog.content, lang, catalog.alarm_replies)
            await send_to_chat(context.bot, chat.id, say(text), alarm=True)
        except Exception as exc:  # the fallback itself failed; nothing more we can do than log
            log.error("error fallback not delivered: %s chat=%s", type(exc).__name__, hash_chat_id(chat.id))
        raise ApplicationHandlerStop


def alarm_answered(update: Update, context: Context) -> bool:
    """True when the safety layer already answered this update with an alarm reply."""
    return context.state.alarm_answered_update == update.update_id
