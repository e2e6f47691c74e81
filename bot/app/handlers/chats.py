"""The bot works only in private chats: it leaves every group or channel it is added to.

A group would show one patient's questions, alarm answers and enrolment links to everyone in it,
and staff commands there would post one-time codes to the group. The guard runs before every other
handler (the alarm layer included) and stops the update: in a group the bot says once, with 112,
where it does work, and leaves.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.replies import say, send_to_chat
from bot.app.services import Services

log = logging.getLogger(__name__)


class PrivateChatsOnly:
    """Leaves non-private chats; registered first in the assembly."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handlers(self) -> list[Registration]:
        """The guard, ahead of every other handler group."""
        return [(Group.PRIVATE_ONLY, TypeHandler(Update, self.guard))]

    async def guard(self, update: Update, context: Context) -> None:
        """Let private chats (and updates without a chat) through; leave any other chat."""
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.PRIVATE:
            return
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED):
            raise ApplicationHandlerStop  # we are out already
        # A notice only where someone just wrote or added the bot; join requests, edits and the like leave quietly.
        if chat.type != ChatType.CHANNEL and (update.message is not None or member is not None):
            ui = self.services.knowledge.current.catalog.ui
            try:
                await send_to_chat(context.bot, chat.id, say(ui.t("private_only", "nl")))
            except TelegramError as exc:
                log.warning("private-only notice not delivered: %s", type(exc).__name__)
        try:
            await context.bot.leave_chat(chat.id)
            log.info("left a %s chat: the bot works in private chats only", chat.type)
        except TelegramError as exc:
            log.warning("could not leave a %s chat: %s", chat.type, type(exc).__name__)
        raise ApplicationHandlerStop
