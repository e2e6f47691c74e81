"""The Bot API wire format as the fake reads it: request parameters and error answers.

PTB sends form fields (non-string values JSON-encoded) or multipart form data; an error answer is
``{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": N}}``.
"""

from __future__ import annotations

import json
from typing import Any

from bot.fakeapi.models import JsonDict

# Methods that put a message in a chat; rate limits and `Stats` apply to these.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendvoice",
        "sendaudio",
        "sendvideo",
        "sendsticker",
        "sendlocation",
        "sendcontact",
        "copymessage",
        "forwardmessage",
        "sendmediagroup",
    }
)
# Parameters whose form value is a JSON document (PTB JSON-encodes every non-string value).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)


class ApiError(Exception):
    """An error answer: HTTP status = Telegram error_code."""

    def __init__(self, code: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JsonDict:
        """The Telegram-shaped JSON body."""
        body: JsonDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class Params:
    """Request parameters with Telegram's lenient typing (form strings or JSON values)."""

    def __init__(self, raw: JsonDict) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        """Whether `name` was sent and is not empty."""
        return self.raw.get(name) not in (None, "")

    def get_str(self, name: str, default: str | None = None) -> str | None:
        """The value as a string, or `default` when absent."""
        value = self.raw.get(name)
        return default if value is None else str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        """The value as an int, or `default` when absent or empty; 400 when not a number."""
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def get_float(self, name: str, default: float = 0.0) -> float:
        """The value as a float, or `default` when absent or empty; 400 when not a number."""
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        """Whether the value is true (JSON true, "true" or "1")."""
        value = self.raw.get(name)
        return value is True or str(value).lower() in {"true", "1"}

    def get_json(self, name: str) -> Any:
        """The value JSON-decoded when it came as a string; 400 when that fails."""
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int:
        """The ``chat_id`` parameter; 400 when it is missing."""
        chat_id = self.get_int("chat_id")
        if chat_id is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        return chat_id


def decode_json_fields(raw: JsonDict) -> JsonDict:
    """JSON-decode the structured fields so recorded calls are easy to assert on."""
    decoded = dict(raw)
    for name in _JSON_FIELDS & raw.keys():
        if isinstance(raw[name], str):
            try:
                decoded[name] = json.loads(raw[name])
            except json.JSONDecodeError:
                pass  # keep the raw string; the method will answer 400
    return decoded
