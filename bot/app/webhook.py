"""Webhook mode: the secret and the size are checked before the body is read; a bad body is a 400.

python-telegram-bot's webhook server builds its request handler from the module attribute
`telegram.ext._utils.webhookhandler.TelegramHandler`; `use_strict_json_handler` points that at a
subclass that:

* checks the content type and the secret (`X-Telegram-Bot-Api-Secret-Token`, compared in constant
  time) from the headers alone, and refuses (403) before a byte of the body is read: tornado's
  server would otherwise read up to 100 MB of anyone's body first;
* reads the body streamed, refusing (413) beyond WEBHOOK_MAX_BYTES by its Content-Length at once or
  when the stream passes the limit;
* parses it with a bound on its nesting (JSON_MAX_DEPTH, `bot.boundedjson`): too deep, not JSON, or
  not an object is a 400. A 500 would make Telegram (or a prober) retry the same bad body and would
  count as a bot error; a 400 says whose mistake it was.
"""

from __future__ import annotations

import hmac
from http import HTTPStatus

import tornado.web
from telegram import Update
from telegram.ext import ExtBot
from telegram.ext._utils import webhookhandler

from bot import boundedjson

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_MAX_DEPTH = 32


@tornado.web.stream_request_body
class StrictJsonHandler(webhookhandler.TelegramHandler):
    """PTB's webhook handler with the checks above; the limits are class attributes set by `use_strict_json_handler`."""

    max_bytes = DEFAULT_MAX_BYTES
    max_depth = DEFAULT_MAX_DEPTH

    def prepare(self) -> None:
        """Before any body: the content type, the secret, and the declared size."""
        self._chunks: list[bytes] = []
        self._received = 0
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            # Tornado's own cut (it closes the connection without an answer) only beyond ours.
            connection.set_max_body_size(2 * self.max_bytes)
        if self.request.headers.get("Content-Type") != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if self.secret_token is not None:
            given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN, reason="Missing or wrong secret token")
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, reason="Body too large")

    def data_received(self, chunk: bytes) -> None:
        """Collect the body, at most `max_bytes` of it."""
        self._received += len(chunk)
        if self._received > self.max_bytes:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, reason="Body too large")
        self._chunks.append(chunk)

    async def post(self) -> None:
        """Parse the body with its depth bounded, then hand the update to the application like PTB does."""
        body = b"".join(self._chunks)
        try:
            data = boundedjson.loads(body, self.max_depth)
        except boundedjson.JsonTooDeep:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Body nested too deep") from None
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Body is not JSON") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Body is not a JSON object")
        self.set_status(HTTPStatus.OK)
        try:
            update = Update.de_json(data, self.bot)
        except Exception as exc:
            # Logged by PTB's logger as it does itself; bot.observability.logs keeps the content out.
            webhookhandler._LOGGER.critical(
                "Received data was *not* processed! Received data was: %r", data, exc_info=exc
            )
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Update could not be processed") from exc
        if update:
            if isinstance(self.bot, ExtBot):
                self.bot.insert_callback_data(update)
            await self.update_queue.put(update)


def use_strict_json_handler(max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    """Make python-telegram-bot's webhook server use `StrictJsonHandler` with these limits (idempotent)."""
    StrictJsonHandler.max_bytes = max_bytes
    StrictJsonHandler.max_depth = max_depth
    webhookhandler.TelegramHandler = StrictJsonHandler  # type: ignore[misc]
