"""Building the outbox sender from the application's parts (called in the assembly, before `Services`)."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.knowledge import KnowledgeStore
from bot.outbox.sender import BroadcastSender
from bot.reminders.rules import QuietHours
from bot.sending import Keyboard, MessageSender
from bot.settings import Settings
from bot.staff.compose import format_report, render_broadcast
from bot.storage.offload import Offload
from bot.storage.records import Broadcast, BroadcastSummary
from bot.storage.store import Storage


def make_broadcast_sender(
    *,
    settings: Settings,
    knowledge: KnowledgeStore,
    storage: Storage,
    sender: MessageSender,
    clock: Clock,
    db: Offload,
    **options: Any,
) -> BroadcastSender:
    """A BroadcastSender over `sender` rendering with the current content (it follows a reload).

    The end report of a broadcast goes straight to the staff member's chat (not via the outbox). Quiet
    hours are the schedule's (`ReminderRules.quiet_hours`), also after a reload.
    """

    def render(broadcast: Broadcast, lang: str) -> tuple[str, Keyboard] | None:
        catalog = knowledge.current.catalog
        return render_broadcast(broadcast, lang, catalog, catalog.staff)

    async def report(summary: BroadcastSummary) -> None:
        chat_id = summary.broadcast.report_chat_id
        if chat_id is not None:
            await sender.send_message(chat_id, format_report(summary, knowledge.current.catalog.staff))

    def quiet() -> QuietHours | None:
        return knowledge.current.catalog.reminder_rules.quiet_hours

    options.setdefault("rate", settings.broadcast_rate)
    options.setdefault("quiet", quiet)
    options.setdefault("db", db)
    return BroadcastSender(storage, sender, clock, render=render, on_report=report, **options)
