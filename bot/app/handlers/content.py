"""/start, /menu, /help, /contact, /taal, deep links, chapter navigation (pages of long chapters) and the
menu's "Spoed — wie bel ik?"."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks
from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.replies import edit_view, say, send_to_chat, send_view
from bot.app.services import Services
from bot.content.model import Lang
from bot.replying.spoed import spoed_view
from bot.sending import Button
from bot.views import View, chapter_view, menu_button, menu_view

log = logging.getLogger(__name__)

DeepLinkHandler = Callable[[Update, Context, str], Awaitable[bool]]


class ContentHandlers:
    """The folder's chapters as a menu with navigation that edits messages in place."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # Deep-link payloads that are not chapter ids (e.g. enrolment codes) go to these, in order.
        self.deep_link_handlers: list[DeepLinkHandler] = []

    def handlers(self) -> list[Registration]:
        """This module's handlers, in order (all in the default group)."""
        only_new = filters.UpdateType.MESSAGE
        return [
            (Group.DEFAULT, CommandHandler("start", self.start, filters=only_new)),
            (Group.DEFAULT, CommandHandler(["menu", "inhoud"], self.menu, filters=only_new)),
            (Group.DEFAULT, CommandHandler(["help", "hulp"], self.help, filters=only_new)),
            (Group.DEFAULT, CommandHandler("contact", self.contact, filters=only_new)),
            (Group.DEFAULT, CommandHandler(["taal", "language"], self.language, filters=only_new)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_menu, pattern=callbacks.MENU_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_spoed, pattern=callbacks.SPOED_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_chapter, pattern=callbacks.CHAPTER_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_page, pattern=callbacks.CHAPTER_PAGE_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_language, pattern=callbacks.LANGUAGE_PATTERN)),
        ]

    def _menu(self, lang: Lang, intro: str | None = None) -> View:
        knowledge = self.services.knowledge.current
        return menu_view(knowledge.catalog.content, knowledge.catalog.ui, lang, intro)

    def _chapter(self, chapter_id: str, lang: Lang, page: int = 1) -> View | None:
        knowledge = self.services.knowledge.current
        chapter = knowledge.catalog.content.chapter(chapter_id)
        if chapter is None:
            return None
        return chapter_view(knowledge.catalog.content, knowledge.catalog.ui, chapter, lang, page)

    async def start(self, update: Update, context: Context) -> None:
        """Welcome and menu; `/start <chapter-id>` (a deep link) opens that chapter."""
        message = update.effective_message
        if message is None:
            return
        lang = context.lang
        payload = context.args[0] if context.args else ""
        if payload:
            view = self._chapter(payload, lang)
            if view is not None:
                await send_view(message, view)
                return
            for handler in self.deep_link_handlers:
                if await handler(update, context, payload):
                    return
        welcome = context.t("welcome", days=self.services.settings.purge_after_days)
        await send_view(message, self._menu(lang, intro=welcome))

    async def menu(self, update: Update, context: Context) -> None:
        """The main menu."""
        if update.effective_message:
            await send_view(update.effective_message, self._menu(context.lang))

    async def help(self, update: Update, context: Context) -> None:
        """How the bot works and its commands."""
        if update.effective_message:
            ui = self.services.knowledge.current.catalog.ui
            text = context.t("help")
            if self.services.inbox is not None:  # questions to the team are on (INBOX_KEY)
                text = f"{text}\n\n{context.t('help_team')}"
            view = View([text], [[menu_button(ui, context.lang)]])
            await send_view(update.effective_message, view)

    async def contact(self, update: Update, context: Context) -> None:
        """The contact chapter: every number and the e-mail address."""
        view = self._chapter("contact", context.lang)
        if update.effective_message and view:
            await send_view(update.effective_message, view)

    async def language(self, update: Update, context: Context) -> None:
        """Choose Dutch or English for the interface."""
        if update.effective_message:
            keyboard = [[Button("Nederlands", callbacks.language("nl")), Button("English", callbacks.language("en"))]]
            await send_view(update.effective_message, say(context.t("choose_language"), keyboard))

    async def on_menu(self, update: Update, context: Context) -> None:
        """The menu button: show the contents in place."""
        query = update.callback_query
        if query:
            await query.answer()
            await edit_view(query, self._menu(context.lang))

    async def on_spoed(self, update: Update, context: Context) -> None:
        """The menu's first button: whom to call, for this moment (a new message, so the menu stays)."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        catalog = self.services.knowledge.current.catalog
        view = spoed_view(self.services.clock.now(), context.lang, catalog)
        if isinstance(query.message, Message):
            await send_view(query.message, view)
        elif update.effective_chat is not None:
            await send_to_chat(context.bot, update.effective_chat.id, view)

    async def on_page(self, update: Update, context: Context) -> None:
        """A page button of a long chapter: show that page in place."""
        query = update.callback_query
        parsed = callbacks.parse_chapter_page(query.data or "") if query is not None else None
        view = self._chapter(parsed[0], context.lang, parsed[1]) if parsed is not None else None
        if query is None or view is None:
            await self.stale(update, context)
            return
        await query.answer()
        await edit_view(query, view)

    async def on_chapter(self, update: Update, context: Context) -> None:
        """A chapter button: show the chapter in place; an unknown chapter is a stale button."""
        query = update.callback_query
        if query is None or query.data is None:
            return
        chapter_id = callbacks.parse_chapter(query.data)
        view = self._chapter(chapter_id, context.lang) if chapter_id is not None else None
        if view is None:
            await self.stale(update, context)
            return
        await query.answer()
        await edit_view(query, view)

    async def on_language(self, update: Update, context: Context) -> None:
        """Store the language choice of /taal."""
        query = update.callback_query
        lang = callbacks.parse_language(query.data or "") if query is not None else None
        if query is None or lang is None:
            await self.stale(update, context)
            return
        await query.answer()
        context.state.lang = lang
        chat = update.effective_chat
        if chat is not None:
            self.services.languages.remember(chat.id, lang)
            await self.services.db(self.services.storage.set_language, chat.id, lang)
        ui = self.services.knowledge.current.catalog.ui
        await edit_view(query, self._menu(lang, intro=ui.t("language_set", lang)))

    async def stale(self, update: Update, context: Context) -> None:
        """A button whose data we do not (or no longer) know: explain and show the menu."""
        query = update.callback_query
        if query is not None:
            await query.answer()
        message = query.message if query else None
        view = self._menu(context.lang, intro=context.t("stale_button"))
        if isinstance(message, Message):
            await send_view(message, view)
        elif update.effective_chat is not None:
            await send_to_chat(context.bot, update.effective_chat.id, view)

    async def unknown_command(self, update: Update, context: Context) -> None:
        """A command we do not know: say so kindly, with the menu."""
        if update.effective_message:
            view = self._menu(context.lang, intro=context.t("unknown_command"))
            await send_view(update.effective_message, view)
