"""Webhook mode: a request body that is not JSON is answered 400 (python-telegram-bot answers 500).

python-telegram-bot's webhook server builds its request handler from the module attribute
`telegram.ext._utils.webhookhandler.TelegramHandler`; `use_strict_json_handler` points that at a
subclass that checks the body first. A 500 would make Telegram (or a prober) retry the same bad
body and would count as a bot error; a 400 says whose mistake it was.
"""

from __future__ import annotations

import json

import tornado.web
from telegram.ext._utils import webhookhandler


class StrictJsonHandler(webhookhandler.TelegramHandler):
    """PTB's webhook handler, answering 400 to a body that is not a JSON object."""

    async def post(self) -> None:
        """Check the secret and content type, then the body, then let PTB handle the update."""
        self._validate_post()
        try:
            data = json.loads(self.request.body.decode())
        except (UnicodeDecodeError, ValueError):
            raise tornado.web.HTTPError(400, reason="Body is not JSON") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(400, reason="Body is not a JSON object")
        await super().post()


def use_strict_json_handler() -> None:
    """Make python-telegram-bot's webhook server use `StrictJsonHandler` (idempotent)."""
    webhookhandler.TelegramHandler = StrictJsonHandler  # type: ignore[misc]
