"""Hospital patient identifiers, kept only as a keyed hash (HMAC-SHA256 with PATIENT_ID_KEY)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from bot.storage.console_queries import ConsoleQueries


def normalise_identifier(raw: str) -> str:
    """One spelling per identifier: no spaces, dots or dashes, upper case."""
    return re.sub(r"[\s.\-]", "", raw).upper()


def identifier_hash(key: str, raw: str) -> str:
    """The keyed hash stored for an identifier; without the key it cannot be recomputed from a guess."""
    return hmac.new(key.encode(), normalise_identifier(raw).encode(), hashlib.sha256).hexdigest()


def patient_resolver(queries: ConsoleQueries, key: str | None) -> Callable[[str], int | str]:
    """identifier value -> the chat id of its redeemed enrolment, or why it cannot be used (for FHIR imports)."""

    def resolve(value: str) -> int | str:
        if not key:
            return "PATIENT_ID_KEY is not set, so patient numbers cannot be looked up"
        enrolment = queries.enrolment_by_identifier(identifier_hash(key, value))
        if enrolment is None:
            return "no enrolment has this patient number"
        if enrolment.chat_id is None:
            return "the patient has not used the enrolment code yet"
        return enrolment.chat_id

    return resolve
