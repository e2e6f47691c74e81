"""Free text: short replies to greetings and thanks, the folder's passage that answers, or the safety net.

The reply itself is composed in bot.replying.compose (shared with `python -m bot reply`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.handlers.safety import alarm_answered
from bot.app.replies import send_view
from bot.app.services import Services
from bot.clock import local
from bot.replying.compose import text_reply


class QuestionHandlers:
    """Answers questions from the folder only; never a guess presented as an answer."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handlers(self) -> list[Registration]:
        """Any new text that is not a command; registered after conversations, which take precedence."""
        texts = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
        return [(Group.DEFAULT, MessageHandler(texts, self.on_text))]

    async def on_text(self, update: Update, context: Context) -> None:
        """Smalltalk, a quoted passage with chapter buttons, or the safety net and "not in the folder"."""
        message = update.effective_message
        if message is None or not message.text:
            return
        knowledge = self.services.knowledge.current
        lang = context.lang
        now = self.services.clock.now()
        assessment = context.assessment(message.text, knowledge)
        reply = text_reply(assessment, now, lang, knowledge, after_alarm=alarm_answered(update, context))
        if reply is None:
            return  # the alarm reply already told the patient whom to call
        if reply.kind in ("not_found", "foreign", "body"):
            self.services.misses.add(local(now).date())
        elif reply.kind == "answer":
            self.services.misses.count(local(now).date(), "answered")  # for the console's statistics
        await send_view(message, reply.view)
