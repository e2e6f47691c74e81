"""Questions to the team: the button under "not in the folder", /vraag, and the patient's one reply to an answer.

Offer, never assume: a reply without a confident answer carries "Stuur mijn vraag naar het team" and
quotes the patient's message (a Telegram reply). Nothing is stored until the button is pressed; the
text is then read back from that quoted message, which Telegram includes in the button's update. So
the bot keeps no copy in memory or anywhere else before the press, the press works after a restart
and on any instance, and a message the patient deleted (or one older than Telegram's 48 hours for
buttons) is not sent: the patient is asked to use /vraag. On the press the one message is stored
encrypted (bot.inbox.crypto) and the patient reads who reads it, by when, and whom to call meanwhile.
The alarm layer has answered an alarm before any of this runs; the inbox only flags it.
"""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks
from bot.app.context import Context, InboxReply
from bot.app.groups import Group, Registration
from bot.app.replies import say, send_view
from bot.app.services import Services, TeamInbox
from bot.inbox.texts import confirmation
from bot.observability.pseudonyms import hash_chat_id
from bot.sending import Button

log = logging.getLogger(__name__)

COMMAND = "vraag"
MAX_QUESTION = 4000  # a Telegram message is at most 4096 characters; a longer /vraag is cut here


class InboxHandlers:
    """The patient's side of the questions to the team (the staff side is the console's "Vragen" page)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handlers(self) -> list[Registration]:
        """/vraag and the three buttons (all in the default group, before the stale-button catch-all)."""
        return [
            (Group.DEFAULT, CommandHandler(COMMAND, self.ask, filters=filters.UpdateType.MESSAGE)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_send, pattern=callbacks.TQ_SEND_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_reply, pattern=callbacks.TQ_REPLY_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_no_reply, pattern=callbacks.TQ_NO_REPLY_PATTERN)),
        ]

    @property
    def inbox(self) -> TeamInbox | None:
        """The feature, or None when INBOX_KEY is not set."""
        return self.services.inbox

    def offer(self, context: Context, message_id: int) -> Button | None:
        """The "send my question to the team" button for the patient's message, or None when the feature is off."""
        if self.inbox is None:
            return None
        return Button(context.t("button_send_to_team"), callbacks.tq_send(message_id))

    # -- asking -------------------------------------------------------------------------------------

    async def ask(self, update: Update, context: Context) -> None:
        """`/vraag TEXT`: a question typed on purpose goes to the team at once."""
        message = update.effective_message
        if message is None or not message.text:
            return
        if self.inbox is None:
            await send_view(message, say(context.t("inbox_off")))
            return
        parts = message.text.split(maxsplit=1)
        question = parts[1].strip() if len(parts) > 1 else ""
        if not question:
            await send_view(message, say(context.t("inbox_usage")))
            return
        # The level of the whole message: the alarm layer read exactly this text, so it is read once.
        level = context.assessment(message.text, self.services.knowledge.current).result.level.label
        await self._store(message, context, question, level, message.message_id)

    async def on_send(self, update: Update, context: Context) -> None:
        """The button under a reply: store the quoted message (once), take the button away, confirm."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        shown = query.message
        if not isinstance(shown, Message):
            return  # too old for Telegram to show: nothing to read back
        if self.inbox is None:
            await send_view(shown, say(context.t("inbox_off")))
            return
        wanted = callbacks.parse_tq_number(query.data or "")
        source = shown.reply_to_message
        text = (source.text or source.caption) if source is not None else None
        if source is None or source.message_id != wanted or not text:
            await send_view(shown, say(context.t("inbox_lost")))
            return
        level = context.assessment(text, self.services.knowledge.current).result.level.label
        if await self._store(shown, context, text, level, source.message_id):
            await _drop_send_button(shown)  # only once stored: when the database was away, the button still works

    async def _store(self, message: Message, context: Context, text: str, level: str, source_id: int) -> bool:
        """Store the question (once) and confirm; True when it is stored now or was before."""
        inbox = self.inbox
        if inbox is None:
            return False
        services = self.services
        now = services.clock.now()
        chat_id = message.chat_id
        sealed = inbox.cipher.seal(text[:MAX_QUESTION])
        opened = await services.db(
            services.storage.inbox.open_thread, chat_id, context.lang, level, sealed, source_id, now
        )
        if not opened.created:
            await send_view(message, say(context.t("inbox_already_sent")))
            return True
        log.info(
            "question to the team stored: thread %d level=%s chat=%s", opened.thread_id, level, hash_chat_id(chat_id)
        )
        catalog = services.knowledge.current.catalog
        await send_view(message, say(confirmation(catalog, context.lang, now, services.settings.inbox_purge_days)))
        return True

    # -- the one reply to an answer ------------------------------------------------------------------

    async def on_reply(self, update: Update, context: Context) -> None:
        """ "Reageer op dit antwoord": the next text goes to the same thread, once."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None or not isinstance(query.message, Message):
            return
        await query.answer()
        thread_id = callbacks.parse_tq_number(query.data or "")
        services = self.services
        if self.inbox is None or thread_id is None:
            await send_view(query.message, say(context.t("inbox_off")))
            return
        if not await services.db(services.storage.inbox.follow_up_open, thread_id, chat.id):
            await send_view(query.message, say(context.t("inbox_reply_closed")))
            return
        context.state.inbox_reply = InboxReply(thread_id, services.clock.now())
        keyboard = [[Button(context.t("button_no_reply"), callbacks.TQ_NO_REPLY)]]
        await send_view(query.message, say(context.t("inbox_reply_prompt"), keyboard))

    async def on_no_reply(self, update: Update, context: Context) -> None:
        """ "Toch niet": no reply after all."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        await query.answer()
        context.state.inbox_reply = None
        await query.message.edit_text(context.t("inbox_reply_cancelled"))

    async def take_reply(self, message: Message, context: Context) -> bool:
        """When a reply to the team is awaited, store `message` as it (once) and confirm; True when taken."""
        pending = context.state.inbox_reply
        inbox = self.inbox
        if pending is None or inbox is None or not message.text:
            return False
        services = self.services
        now = services.clock.now()
        if pending.idle(now):
            context.state.inbox_reply = None
            return False  # lapsed: an ordinary message again
        level = context.assessment(message.text, services.knowledge.current).result.level.label
        sealed = inbox.cipher.seal(message.text[:MAX_QUESTION])
        added = await services.db(
            services.storage.inbox.add_follow_up, pending.thread_id, message.chat_id, sealed, level, now
        )
        context.state.inbox_reply = None  # only now: when the database was away, the next try is still the reply
        if not added:
            await send_view(message, say(context.t("inbox_reply_closed")))
            return True
        log.info(
            "reply to the team stored: thread %d level=%s chat=%s",
            pending.thread_id,
            level,
            hash_chat_id(message.chat_id),
        )
        catalog = services.knowledge.current.catalog
        text = confirmation(catalog, context.lang, now, services.settings.inbox_purge_days, follow_up=True)
        await send_view(message, say(text))
        return True


async def _drop_send_button(shown: Message) -> None:
    """Take the pressed button off the bot's message (the rest of its keyboard stays): no second press."""
    markup = shown.reply_markup
    if markup is None:
        return
    rows = [
        [button for button in row if not re.match(callbacks.TQ_SEND_PATTERN, str(button.callback_data or ""))]
        for row in markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    try:
        await shown.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as exc:  # "not modified": pressed twice quickly
        log.info("send button not removed: %s", type(exc).__name__)


def wants_the_team(text: str, context: Context) -> bool:
    """For the alarm layer: a message the patient addresses to the team (/vraag, or the awaited reply) goes
    on to the inbox after its alarm reply, flagged, instead of stopping there. Memory only."""
    if context.services.inbox is None:
        return False
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    return first.split("@", 1)[0] == f"/{COMMAND}" or context.state.inbox_reply is not None
