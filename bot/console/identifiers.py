"""Hospital patient identifiers, kept only as a keyed hash (HMAC-SHA256 with PATIENT_ID_KEY)."""

from __future__ import annotations

import hashlib
import hmac
import re


def normalise_identifier(raw: str) -> str:
    """One spelling per identifier: no spaces, dots or dashes, upper case."""
    return re.sub(r"[\s.\-]", "", raw).upper()


def identifier_hash(key: str, raw: str) -> str:
    """The keyed hash stored for an identifier; without the key it cannot be recomputed from a guess."""
    return hmac.new(key.encode(), normalise_identifier(raw).encode(), hashlib.sha256).hexdigest()
