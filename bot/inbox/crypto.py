"""The texts of questions and answers, encrypted at rest with `INBOX_KEY` (Fernet: AES-128-CBC with HMAC-SHA256).

`INBOX_KEY` holds one or more keys, comma-separated: the first encrypts, every one decrypts, so a key is
replaced by putting the new one first and dropping the old one once the old texts are purged. Without a
key the feature is off (`cipher_from_key` gives None), and nothing of it is shown or stored.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableText(ValueError):
    """A stored text that none of the keys opens (a key was dropped too early, or the row is damaged)."""


class InboxCipher:
    """Encrypts and decrypts the inbox's texts; a text is never logged, and neither is a key."""

    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet([Fernet(part.strip().encode("ascii")) for part in keys.split(",") if part.strip()])

    def seal(self, text: str) -> str:
        """`text` encrypted (and authenticated), as URL-safe ASCII for a Text column."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """The text of a sealed token; UnreadableText when no key opens it."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise UnreadableText("a stored text could not be decrypted with INBOX_KEY") from exc


def cipher_from_key(keys: str | None) -> InboxCipher | None:
    """The cipher for `INBOX_KEY` (`Settings.inbox_key`, checked at start-up), or None: the feature is off."""
    return InboxCipher(keys) if keys else None


def new_key() -> str:
    """A fresh random key for `INBOX_KEY`."""
    return Fernet.generate_key().decode("ascii")
