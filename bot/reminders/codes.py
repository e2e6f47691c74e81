"""An enrolment code as the patient an appointment is for (`appointments add --patient`, the console).

Codes are made and redeemed by the staff tools (`bot.staff.enrolment`); only their sha256 is stored.
A code that is not redeemed yet takes appointments that wait for it (`pending_appointments`).
"""

from __future__ import annotations

import hashlib

from bot.clock import Clock
from bot.storage.records import Enrolment
from bot.storage.store import Storage


class UnusableCode(LookupError):
    """The code is unknown or expired, so no appointment can be attached to it."""


def code_hash(code: str) -> str:
    """What the database keeps of a code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def code_target(storage: Storage, code: str, clock: Clock) -> tuple[Enrolment, int | None]:
    """The enrolment of a code and its chat (None while not redeemed); UnusableCode when it cannot take appointments."""
    enrolment = storage.staff.enrolment_by_hash(code_hash(code))
    if enrolment is None:
        raise UnusableCode("unknown code")
    if enrolment.chat_id is None and enrolment.expires_at <= clock.now():
        raise UnusableCode("the code expired before the patient used it")
    return enrolment, enrolment.chat_id
