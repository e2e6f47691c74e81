"""Staff tools in Telegram: /herladen (and SIGHUP) reloads the content, /gemist counts unanswered questions,
/console gives a one-time sign-in link to the staff console. Every command is guarded
(bot.app.handlers.staff_access); the reload report's `bc:upd` button is the broadcast dialogue's.
"""

from __future__ import annotations

import asyncio
import html
import logging
import signal
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot import callbacks
from bot.app.context import Context
from bot.app.groups import Registration
from bot.app.handlers.staff_access import guarded
from bot.app.memory import keep_reloaded_out_of_gc
from bot.app.replies import say, send_view
from bot.app.services import Services
from bot.clock import local
from bot.knowledge import ReloadReport
from bot.sending import Button, Keyboard, SendError
from bot.staff.reload import format_reload, reload_content
from bot.staff.signin import TooManyLinks, create_signin_link
from bot.staff.texts import StaffTexts

log = logging.getLogger(__name__)
MISSES_DAYS = 30


class StaffTools:
    """/herladen, /gemist and /console; `last_changed` are the chapters the last good reload changed."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.last_changed: tuple[str, ...] = ()

    @property
    def texts_now(self) -> StaffTexts:
        """The staff texts of the content in use now (they follow a reload)."""
        return self.services.knowledge.current.catalog.staff

    def commands(self) -> list[Registration]:
        """/herladen, /gemist and /console (staff only)."""
        actions = {"herladen": self.reload, "gemist": self.misses, "console": self.console_link}
        return [guarded(self.services, name, action) for name, action in actions.items()]

    async def reload(self, update: Update, context: Context) -> None:
        """Reload content; report problems with file and line, or the changed chapters with a notice button."""
        user = update.effective_user
        report = await asyncio.to_thread(self._reload, user.id if user else None)
        keyboard: Keyboard = ()
        if report.ok and (report.changed or report.added):
            self.last_changed = tuple(report.changed + report.added)
            keyboard = [[Button(context.staff_t("staff_reload_notify"), callbacks.BC_UPDATED)]]
        await send_view(update.effective_message, say(format_reload(report, self.texts_now, context.lang), keyboard))

    async def reload_from_signal(self) -> None:
        """SIGHUP: reload, and tell every staff member the outcome (problems with file and line)."""
        report = await asyncio.to_thread(self._reload, None)
        if report.ok and (report.changed or report.added):
            self.last_changed = tuple(report.changed + report.added)
        text = format_reload(report, self.texts_now, "nl")
        for staff_id in sorted(self.services.settings.staff_user_ids):
            try:
                await self.services.sender.send_message(staff_id, text)
            except SendError as exc:
                log.warning("reload report not delivered to a staff member: %s", type(exc).__name__)

    def _reload(self, actor: int | None) -> ReloadReport:
        services = self.services
        report = reload_content(services.knowledge, services.storage, services.clock, actor, services.reminders)
        if report.ok:
            keep_reloaded_out_of_gc()  # the new content lives as long as the old did
        return report

    async def misses(self, update: Update, context: Context) -> None:
        """Unanswered questions per day (counts only; no question text is ever stored)."""
        today = local(self.services.clock.now()).date()
        rows = await self.services.db(self.services.storage.miss_counts, today - timedelta(days=MISSES_DAYS))
        if not rows:
            await send_view(update.effective_message, say(context.staff_t("staff_misses_none", days=MISSES_DAYS)))
            return
        lines = [context.staff_t("staff_misses_title", days=MISSES_DAYS)]
        lines += [f"{day:%a %d-%m}: {count}" for day, count in rows]
        lines.append(f"Σ {sum(count for _, count in rows)}")
        await send_view(update.effective_message, say("\n".join(lines)))

    async def console_link(self, update: Update, context: Context) -> None:
        """/console: a one-time sign-in link to the staff console (valid 5 minutes, rate limited)."""
        user = update.effective_user
        if user is None:
            return
        queries = self.services.storage.console
        url, now = self.services.settings.console_url, self.services.clock.now()
        try:
            link = await self.services.db(create_signin_link, queries, url, user.id, now)
        except TooManyLinks:
            await send_view(update.effective_message, say(context.staff_t("staff_console_refused")))
            return
        text = context.staff_t("staff_console_link", link=html.escape(link))
        await send_view(update.effective_message, say(text))


def install_sighup(app: Application[Any, Any, Any, Any, Any, Any], tools: StaffTools) -> bool:
    """Reload content on SIGHUP (Unix, running loop); False where signals cannot be handled."""
    try:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, lambda: app.create_task(tools.reload_from_signal()))
    except (NotImplementedError, RuntimeError, AttributeError):
        return False
    return True
