"""python-telegram-bot glue: an Application that counts and times every update.

Wiring (in the application builder)::

    builder = Application.builder().application_class(InstrumentedApplication, kwargs={"metrics": metrics})

Errors are not counted here: the bot's own error handler calls `metrics.telegram_error(error)` for
`telegram.error.TelegramError`s, and senders do the same where they catch them.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.observability.metrics import Metrics, classify_update


class InstrumentedApplication(Application):  # type: ignore[type-arg]
    """`Application` whose `process_update` feeds `updates_handled` and `handler_latency_seconds`.

    The latency is the time spent in `process_update`: all blocking handlers of the update (handlers
    registered with `block=False` run as separate tasks and are not included).
    """

    def __init__(self, *, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics

    async def process_update(self, update: object) -> None:
        """Process `update` as usual, then count it by kind and record how long it took."""
        try:
            with self.metrics.time_handler():
                await super().process_update(update)
        finally:
            self.metrics.update_handled(classify_update(update))
