"""Free text: short replies to greetings and thanks, otherwise the folder's passage that answers."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot import callbacks
from bot.app.handlers.safety import alarm_answered
from bot.app.replies import send_view
from bot.app.services import Services
from bot.app.views import View, menu_button
from bot.clock import local
from bot.content.model import Lang
from bot.search.smalltalk import classify_smalltalk
from bot.sending import Button
from bot.triage.replies import render_spreekuur_reply

Context = ContextTypes.DEFAULT_TYPE


class QuestionHandlers:
    """Answers questions from the folder only; never a guess presented as an answer."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        """Any new text that is not a command; registered after conversations, which take precedence."""
        texts = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
        app.add_handler(MessageHandler(texts, self.on_text))

    async def on_text(self, update: Update, context: Context) -> None:
        """Smalltalk, a quoted passage with chapter buttons, or an honest "not in the folder"."""
        message = update.effective_message
        if message is None or not message.text:
            return
        view = self.answer(message.text, self.services.lang(update, context.chat_data), alarm_answered(update, context))
        if view is not None:
            await send_view(message, view)

    def answer(self, text: str, lang: Lang, after_alarm: bool) -> View | None:
        """The reply to a free-text message, or None when the alarm reply already said enough."""
        knowledge = self.services.knowledge.current
        ui = knowledge.catalog.ui
        content = knowledge.catalog.content
        kind = classify_smalltalk(text)
        if kind is not None and not after_alarm:
            return View([ui.t(f"smalltalk_{kind}", lang)])
        result = knowledge.search.search(text, limit=3)
        best = content.chapter(result.best) if result.best else None
        if result.confident and best is not None and result.passage:
            quote = "\n".join(html.escape(line, quote=False) for line in result.passage.splitlines())
            text_html = f"{ui.t('answer_intro', lang, title=html.escape(best.title, quote=False))}\n<blockquote>{quote}</blockquote>"
            keyboard = [[Button(ui.t("button_read", lang, title=best.label), callbacks.chapter(best.id))]]
            for hit in result.hits[1:3]:
                other = content.chapter(hit.chapter_id)
                if other is not None:
                    keyboard.append([Button(ui.t("button_read", lang, title=other.label), callbacks.chapter(other.id))])
            keyboard.append([menu_button(ui, lang)])
            self.services.misses.count(local(self.services.clock.now()).date(), "answered")  # for the statistics
            return View([text_html], keyboard)
        if after_alarm:
            return None  # the alarm reply already told the patient whom to call
        self.services.misses.add(local(self.services.clock.now()).date())
        email = content.contacts["email"].email or ""
        parts = [
            ui.t("not_found", lang),
            render_spreekuur_reply(self.services.clock.now(), content, lang, knowledge.catalog.alarm_replies),
            ui.t("not_found_casemanager", lang, email=html.escape(email)),
        ]
        return View(["\n\n".join(parts)], [[menu_button(ui, lang)]])
