"""Who is staff: Telegram user ids from Settings.staff_user_ids (STAFF_USER_IDS). Nothing else counts."""

from __future__ import annotations

import logging

from bot.observability.pseudonyms import hash_chat_id
from bot.settings import Settings

log = logging.getLogger(__name__)


def is_staff(settings: Settings, user_id: int | None) -> bool:
    """True only for a configured staff user id."""
    return user_id is not None and user_id in settings.staff_user_ids


def log_refused(command: str, user_id: int | None) -> None:
    """Log a refused staff command: which command and a pseudonym of the user, never the message text."""
    who = hash_chat_id(user_id) if user_id is not None else "-"
    log.warning("staff command refused: /%s by %s (not in STAFF_USER_IDS)", command, who)
