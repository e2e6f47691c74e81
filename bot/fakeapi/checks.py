"""What Telegram refuses in what the bot sends: empty or too long texts, bad HTML, invalid keyboards."""

from __future__ import annotations

from typing import Any

from bot.fakeapi.telegram_html import HtmlError, parse_html
from bot.fakeapi.wire import ApiError, Params

MAX_TEXT = 4096
MAX_CAPTION = 1024


def validate_markup(markup: Any) -> None:
    """Reject keyboards Telegram would reject (the common mistakes)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise ApiError(400, f"Bad Request: inline keyboard button URL '{url}' is invalid")


def checked_text(params: Params) -> tuple[str, str | None]:
    """The text and parse mode of a send or edit, refused like Telegram when empty, too long or bad HTML."""
    text = params.get_str("text") or ""
    parse_mode = params.get_str("parse_mode")
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if formatted_length(text, parse_mode) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text, parse_mode


def formatted_length(text: str, parse_mode: str | None) -> int:
    """The length Telegram counts: of the text after HTML parsing; 400 on HTML Telegram cannot parse."""
    if parse_mode is not None and parse_mode.lower() == "html":
        try:
            return len(parse_html(text))
        except HtmlError as exc:
            raise ApiError(400, f"Bad Request: {exc}") from None
    return len(text)
