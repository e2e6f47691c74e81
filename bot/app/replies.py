"""Sending and editing `View`s through python-telegram-bot."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message
from telegram.error import BadRequest

from bot.app.telegram_io import to_markup
from bot.views import View

log = logging.getLogger(__name__)


async def send_view(message: Message, view: View, *, quote: bool = False) -> None:
    """Send the view's messages in reply to `message`; the keyboard goes under the last one, which
    quotes `message` when `quote` (a button under it then refers to that message)."""
    for text in view.messages[:-1]:
        await message.reply_text(text)
    await message.reply_text(view.messages[-1], reply_markup=to_markup(view.keyboard), do_quote=quote or None)


async def edit_view(query: CallbackQuery, view: View) -> None:
    """Show the view in place of the message whose button was pressed (navigation)."""
    message = query.message
    if not isinstance(message, Message):
        return
    first, rest = view.messages[0], view.messages[1:]
    try:
        await message.edit_text(first, reply_markup=None if rest else to_markup(view.keyboard))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    for index, text in enumerate(rest):
        last = index == len(rest) - 1
        await message.reply_text(text, reply_markup=to_markup(view.keyboard) if last else None)
