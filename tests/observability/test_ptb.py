"""InstrumentedApplication counts and times updates of a real PTB application (against the local fake)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.app.instrumented import InstrumentedApplication
from bot.fakeapi.harness import harness_for
from bot.observability.metrics import Metrics
from tests.observability.conftest import samples


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("ok")


async def test_updates_are_counted_by_kind_and_timed() -> None:
    metrics = Metrics()

    def build(base_url: str) -> InstrumentedApplication:
        app = (
            Application.builder()
            .token("123:TEST")
            .base_url(base_url)
            .application_class(InstrumentedApplication, kwargs={"metrics": metrics})
            .build()
        )
        assert isinstance(app, InstrumentedApplication)
        app.add_handler(CommandHandler("start", echo))
        app.add_handler(MessageHandler(filters.TEXT, echo))
        return app

    async with harness_for(build) as h:
        (await h.command(1000, "start")).assert_contains("ok")
        (await h.say(1000, "koorts")).assert_contains("ok")
        (await h.say(1000, "nog een vraag")).assert_contains("ok")

    got = samples(metrics)
    assert got[("bot_updates_handled_total", (("kind", "command"),))] == 1
    assert got[("bot_updates_handled_total", (("kind", "message"),))] == 2
    assert got[("bot_handler_latency_seconds_count", ())] == 3
    assert "koorts" not in metrics.render().decode()
