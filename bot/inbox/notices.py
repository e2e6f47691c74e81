"""Telling staff that questions wait: one Telegram message per office-hours interval to those who asked for it.

Run every minute by the bot (bot.app.inbox). In office hours, when new questions (nobody claimed them)
wait, each opted-in staff member gets "3 nieuwe vragen, oudste 2 uur" with the console's link, once
per interval of `staff_notice_every_hours`: the interval is taken with one conditional UPDATE per
staff member, so with several instances it still goes out once. The message holds numbers only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.catalog import Catalog
from bot.inbox.hours import office_slot, working_time
from bot.inbox.texts import staff_notice
from bot.observability.pseudonyms import hash_chat_id
from bot.sending import MessageSender, SendError
from bot.storage.inbox_records import Waiting
from bot.storage.offload import Offload
from bot.storage.store import Storage

log = logging.getLogger(__name__)


async def send_notices(
    storage: Storage,
    sender: MessageSender,
    db: Offload,
    catalog: Catalog,
    now: datetime,
    console_url: str,
    lang_of: Callable[[int], str],
    waiting: Waiting | None = None,
) -> int:
    """Send this interval's notice to every opted-in staff member that has not had it; return how many."""
    content = catalog.content
    slot = office_slot(now, content.office_hours, content.team_questions.staff_notice_every_hours)
    if slot is None:
        return 0
    if waiting is None:
        waiting = await db(storage.inbox.waiting)
    if waiting.new == 0 or waiting.oldest_new is None:
        return 0
    age = working_time(waiting.oldest_new, now, content.office_hours)
    sent = 0
    for user_id in await db(storage.inbox_delivery.notice_recipients):
        if not await db(storage.inbox_delivery.claim_notice, user_id, slot):
            continue  # had it this interval (here or on another instance)
        text = staff_notice(catalog.staff, lang_of(user_id), waiting.new, age, f"{console_url}/questions")
        try:
            await sender.send_message(user_id, text)
        except SendError as exc:  # at most once: the slot stays taken, the next interval tries again
            log.warning("inbox notice to staff %s not sent: %s", hash_chat_id(user_id), type(exc).__name__)
            continue
        sent += 1
    return sent
