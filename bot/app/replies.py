"""The one way a handler answers: it builds a `View` and sends it (or shows it in place) through here.

`send_view` answers a message, `send_to_chat` a chat without a message to answer (a button under a
message the bot can no longer reach, the error fallback), `edit_view` shows a view in place of the
message whose button was pressed. With `urgent`, the requests are alarm replies or the safety net: they
take the first free connection and the first turn in the pacer (`bot.app.telegram_io.urgent`), as the
alarm reply always has; the helper adds no await before the request, no database, file or lock.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, CallbackQuery, Message
from telegram.error import BadRequest

from bot.app.telegram_io import to_markup, urgent
from bot.sending import Keyboard
from bot.views import View

log = logging.getLogger(__name__)


def say(text: str, keyboard: Keyboard = ()) -> View:
    """One message, with buttons under it when given."""
    return View([text], keyboard)


async def send_view(message: Message | None, view: View, *, quote: bool = False, alarm: bool = False) -> None:
    """Send the view's messages in reply to `message` (nothing when there is none); the keyboard goes under
    the last one, which quotes `message` when `quote` (a button under it then refers to that message).
    `alarm`: an alarm reply or the safety net (see the module docstring)."""
    if message is None:
        return
    with urgent() if alarm else contextlib.nullcontext():
        for text in view.messages[:-1]:
            await message.reply_text(text)
        await message.reply_text(view.messages[-1], reply_markup=to_markup(view.keyboard), do_quote=quote or None)


async def send_to_chat(bot: Bot, chat_id: int, view: View, *, alarm: bool = False) -> None:
    """Send the view to the chat `chat_id`, not as a reply (the keyboard under the last message)."""
    with urgent() if alarm else contextlib.nullcontext():
        for text in view.messages[:-1]:
            await bot.send_message(chat_id, text)
        await bot.send_message(chat_id, view.messages[-1], reply_markup=to_markup(view.keyboard))


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
