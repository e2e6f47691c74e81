"""Who may use the staff commands and buttons, and what everyone else gets: the unknown-command answer.

Every staff command (`STAFF_COMMANDS`) is registered through `guarded` in `Group.STAFF` (-1), ahead of
group 0, so the unknown-command catch-all never sees it; a guarded command ends the update. A non-staff
user gets exactly the unknown-command answer (ui `unknown_command` with the menu) and a log line, so a
staff command is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, filters

from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.replies import send_view
from bot.app.services import Services
from bot.staff.auth import is_staff, log_refused
from bot.views import menu_view

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

# Command -> aliases; every one is staff-only.
STAFF_COMMANDS: dict[str, tuple[str, ...]] = {
    "inschrijven": ("inschrijven", "enrol"),
    "bericht": ("bericht", "broadcast"),
    "herladen": ("herladen", "reload"),
    "gemist": ("gemist", "misses"),
    "console": ("console",),
}


def from_staff(services: Services, update: Update) -> bool:
    """True when the update's user is a staff member (STAFF_USER_IDS)."""
    user = update.effective_user
    return is_staff(services.settings, user.id if user else None)


async def unknown_command(services: Services, update: Update, context: Context) -> None:
    """Exactly what ContentHandlers.unknown_command answers: a staff command is not revealed."""
    catalog = services.knowledge.current.catalog
    intro = context.t("unknown_command")
    await send_view(update.effective_message, menu_view(catalog.content, catalog.ui, context.lang, intro=intro))


async def refuse(services: Services, name: str, update: Update, context: Context) -> None:
    """Log the refusal of `name` to a non-staff user and give the unknown-command answer."""
    user = update.effective_user
    log_refused(name, user.id if user else None)
    await unknown_command(services, update, context)


def guarded(services: Services, name: str, action: Handler) -> Registration:
    """The staff command `name` (with its aliases): `action` for staff, the unknown-command answer for others."""

    async def handle(update: Update, context: Context) -> None:
        if from_staff(services, update):
            await action(update, context)
        else:
            await refuse(services, name, update, context)
        raise ApplicationHandlerStop

    return Group.STAFF, CommandHandler(list(STAFF_COMMANDS[name]), handle, filters.UpdateType.MESSAGE)
