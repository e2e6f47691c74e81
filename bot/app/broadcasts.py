"""Building the outbox sender from the application's services (called in the assembly)."""

from __future__ import annotations

from typing import Any

from bot.app.services import Services
from bot.outbox.sender import BroadcastSender
from bot.sending import Keyboard
from bot.staff.compose import format_report, render_broadcast
from bot.storage.records import Broadcast, BroadcastSummary


def make_broadcast_sender(services: Services, **options: Any) -> BroadcastSender:
    """A BroadcastSender over `services.sender` (set it first) rendering with the current content.

    The end report of a broadcast goes straight to the staff member's chat (not via the outbox).
    """

    def render(broadcast: Broadcast, lang: str) -> tuple[str, Keyboard] | None:
        return render_broadcast(
            broadcast, lang, services.knowledge.current.catalog, services.knowledge.current.catalog.staff
        )

    async def report(summary: BroadcastSummary) -> None:
        chat_id = summary.broadcast.report_chat_id
        if chat_id is not None:
            await services.sender.send_message(
                chat_id, format_report(summary, services.knowledge.current.catalog.staff)
            )

    options.setdefault("rate", services.settings.broadcast_rate)
    options.setdefault("db", services.db)
    return BroadcastSender(
        services.storage,
        services.sender,
        services.clock,
        render=render,
        on_report=report,
        **options,
    )
