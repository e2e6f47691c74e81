"""Hospital patient identifiers, kept only as a keyed hash (HMAC-SHA256 with PATIENT_ID_KEY)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import datetime

from bot.reminders.fhir import WaitingEnrolment
from bot.storage.console_queries import ConsoleQueries


def normalise_identifier(raw: str) -> str:
    """One spelling per identifier: no spaces, dots or dashes, upper case."""
    return re.sub(r"[\s.\-]", "", raw).upper()


def identifier_hash(key: str, raw: str) -> str:
    """The keyed hash stored for an identifier; without the key it cannot be recomputed from a guess."""
    return hmac.new(key.encode(), normalise_identifier(raw).encode(), hashlib.sha256).hexdigest()


def patient_resolver(
    queries: ConsoleQueries, key: str | None, now: Callable[[], datetime]
) -> Callable[[str], int | WaitingEnrolment | str]:
    """identifier value -> the chat id of its enrolment, the enrolment still waiting, or why it cannot be used."""

    def resolve(value: str) -> int | WaitingEnrolment | str:
        if not key:
            return "PATIENT_ID_KEY is not set, so patient numbers cannot be looked up"
        enrolment = queries.enrolment_by_identifier(identifier_hash(key, value))
        if enrolment is None:
            return "no enrolment has this patient number"
        if enrolment.chat_id is not None:
            return enrolment.chat_id
        if enrolment.expires_at <= now():
            return "the patient's enrolment code expired unused"
        return WaitingEnrolment(enrolment.id)

    return resolve
