"""Privacy helpers for logs: a chat id appears in logs only as a short keyed hash."""

from __future__ import annotations

import hashlib

from bot.settings import DEFAULT_LOG_HASH_SALT


class _Pseudonyms:
    """The key of the log pseudonyms. Process-wide like the logging configuration it serves.

    A deployment's own secret salt keeps the hashes from being reversed by hashing every plausible
    chat id (a 10-digit space is cheap to search). Each process sets it at start-up from
    `Settings.log_hash_salt` (LOG_HASH_SALT); `run` uses a random salt kept in the database when
    that is empty or the public default. Until then it is the public default.
    """

    def __init__(self) -> None:
        self.key = DEFAULT_LOG_HASH_SALT.encode()

    def use_salt(self, salt: str | None) -> None:
        self.key = (salt or DEFAULT_LOG_HASH_SALT).encode()[:64]


_PSEUDONYMS = _Pseudonyms()


def use_log_salt(salt: str | None) -> None:
    """Key every later `hash_chat_id` with `salt` (called once at start-up); None: the public default."""
    _PSEUDONYMS.use_salt(salt)


def hash_chat_id(chat_id: int) -> str:
    """A short, stable pseudonym of `chat_id` for log lines (never log the id itself)."""
    digest = hashlib.blake2b(str(chat_id).encode(), key=_PSEUDONYMS.key, digest_size=6).hexdigest()
    return f"chat-{digest}"
