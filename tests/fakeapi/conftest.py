"""Fixtures for the fake Bot API tests: a started fake, a tiny echo bot and a harness over it."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.fakeapi import FakeBotApi
from bot.fakeapi.harness import BotHarness

TOKEN = "123456:TEST"
EchoApp = Application[Any, Any, Any, Any, Any, Any]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    await update.effective_message.reply_text(
        f"Je zei: <b>{html.escape(text)}</b>",
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Ok", callback_data="ok"), InlineKeyboardButton("Nee", callback_data="nee")],
                [InlineKeyboardButton("Website", url="https://www.amsterdamumc.nl")],
            ]
        ),
    )


async def _other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    kind = next(k for k in ("voice", "photo", "sticker", "location", "document") if getattr(message, k))
    await message.reply_text(f"Ontvangen: {kind}" + (f" ({message.caption})" if message.caption else ""))


async def _edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"Aangepast: {update.edited_message.text}")


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"Gekozen: {query.data}")


async def _bad_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("a <b>b", parse_mode=ParseMode.HTML)


async def _document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="afspraak.ics", caption="Uw afspraak"
    )


def build_echo_app(base_url: str, *, read_timeout: float = 2.0) -> EchoApp:
    """A tiny bot: echoes text (HTML, with buttons), edits on button press, /bad and /doc commands."""
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(base_url)
        .read_timeout(read_timeout)
        .write_timeout(2)
        .connect_timeout(2)
        .pool_timeout(2)
        .get_updates_read_timeout(2)
        .build()
    )
    app.add_handler(CommandHandler("bad", _bad_html))
    app.add_handler(CommandHandler("doc", _document))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, _edited))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, _other))
    app.add_handler(CallbackQueryHandler(_pressed))
    return app


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def harness(fake: FakeBotApi) -> AsyncIterator[BotHarness]:
    async with BotHarness(build_echo_app(fake.base_url), fake, poll_timeout=5) as h:
        yield h
