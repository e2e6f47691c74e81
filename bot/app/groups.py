"""The handler groups of python-telegram-bot, in the order an update meets them.

python-telegram-bot offers every update to each group in ascending order; within a group the first
handler that matches runs, and `ApplicationHandlerStop` ends the update. The registration list in
bot.app.assembly puts each handler in one of these groups; docs/ARCHITECTURE.md shows this table.
"""

from __future__ import annotations

from enum import IntEnum

from telegram.ext import BaseHandler


class Group(IntEnum):
    """Handler groups, lowest (first) on top; the numbers only keep the order."""

    PRIVATE_ONLY = -1000
    STAFF_STATE = -30
    STAFF_DRAFT = -20
    SAFETY = -10
    UNREADABLE = -9
    DIALOG_STATE = -8
    DIALOGUE = -2
    STAFF = -1
    DEFAULT = 0


# One line per group: why it sits where it does.
REASONS: dict[Group, str] = {
    Group.PRIVATE_ONLY: "leave group chats and channels before anyone else sees their updates",
    Group.STAFF_STATE: "staff chats: read the dialog state before the staff draft needs it",
    Group.STAFF_DRAFT: "a staff member's broadcast text becomes the message, not an alarm answer",
    Group.SAFETY: "the alarm check sees every text before any dialogue or database read",
    Group.UNREADABLE: "voice, photo, sticker, …: a reply with the spoed lines and 112",
    Group.DIALOG_STATE: "everyone else: read the dialog state only after the alarm reply went out",
    Group.DIALOGUE: "typed text inside a dialogue (stop, help, a date) and /annuleer, before the commands of group 0",
    Group.STAFF: "staff commands and buttons, before the unknown-command catch-all",
    Group.DEFAULT: "commands, buttons and questions; the catch-alls come last",
}

Registration = tuple[Group, BaseHandler]  # type: ignore[type-arg]


def order_table() -> str:
    """The groups as a Markdown table, in the order python-telegram-bot runs them."""
    rows = ["| Group | Number | Why here |", "|---|---|---|"]
    rows += [f"| `{group.name}` | {group.value} | {REASONS[group]} |" for group in sorted(Group)]
    return "\n".join(rows)
