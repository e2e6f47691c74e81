"""Privacy helpers for logs: a chat id appears in logs only as a short keyed hash."""

from __future__ import annotations

import hashlib
import os

# A per-deployment salt keeps the hashes from being reversed by hashing all plausible chat ids;
# without it the hashes are still stable (useful to follow one chat through the logs).
_SALT = os.environ.get("LOG_HASH_SALT", "levermetastasen-bot").encode()


def hash_chat_id(chat_id: int) -> str:
    """A short, stable pseudonym of `chat_id` for log lines (never log the id itself)."""
    digest = hashlib.blake2b(str(chat_id).encode(), key=_SALT[:64], digest_size=6).hexdigest()
    return f"chat-{digest}"
