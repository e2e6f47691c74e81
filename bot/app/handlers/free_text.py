"""Free text: short replies to greetings and thanks, the folder's passage that answers, or the safety net.

The reply itself is composed in bot.replying.compose (shared with `python -m bot reply`). With
INBOX_KEY, a reply without a confident answer offers to send the question to the team
(bot.app.handlers.inbox), and an awaited reply to the team's answer is taken before anything else.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.handlers.inbox import InboxHandlers
from bot.app.handlers.safety import alarm_answered
from bot.app.replies import send_view
from bot.app.services import Services
from bot.clock import local
from bot.replying.compose import text_reply
from bot.views import View


class QuestionHandlers:
    """Answers questions from the folder only; never a guess presented as an answer."""

    def __init__(self, services: Services, inbox: InboxHandlers) -> None:
        self.services = services
        self.inbox = inbox

    def handlers(self) -> list[Registration]:
        """Any new text that is not a command; registered after conversations, which take precedence."""
        texts = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
        return [(Group.DEFAULT, MessageHandler(texts, self.on_text))]

    async def on_text(self, update: Update, context: Context) -> None:
        """Smalltalk, a quoted passage with chapter buttons, or the safety net and "not in the folder"."""
        message = update.effective_message
        if message is None or not message.text:
            return
        if await self.inbox.take_reply(message, context):
            return  # the patient's one reply to the team's answer (its alarm, if any, was answered first)
        knowledge = self.services.knowledge.current
        lang = context.lang
        now = self.services.clock.now()
        assessment = context.assessment(message.text, knowledge)
        after_alarm = alarm_answered(update, context)
        reply = text_reply(assessment, now, lang, knowledge, after_alarm=after_alarm)
        if reply is None:
            # The alarm reply already told the patient whom to call; the question itself may still go to the team.
            offer = self.inbox.offer(context, message.message_id) if after_alarm else None
            if offer is not None:
                await send_view(message, View([context.t("inbox_offer_after_alarm")], [[offer]]), quote=True)
            return
        if reply.kind in ("not_found", "foreign", "body"):
            self.services.misses.add(local(now).date())
        elif reply.kind == "answer":
            self.services.misses.count(local(now).date(), "answered")  # for the console's statistics
        offer = self.inbox.offer(context, message.message_id) if reply.kind == "not_found" else None
        if offer is not None:
            # Offer, never assume: the reply quotes the message, which the button sends when pressed.
            view = reply.view
            await send_view(message, View(view.messages, [[offer], *view.keyboard]), quote=True)
            return
        await send_view(message, reply.view)
