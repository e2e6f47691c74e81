"""One-time sign-in links: 256 random bits, only their sha256 stored, valid 5 minutes, rate limited per user."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from bot.storage.console_queries import ConsoleQueries

LINK_VALID = timedelta(minutes=5)
LINK_LIMIT = 5  # links per staff member …
LINK_WINDOW = timedelta(minutes=15)  # … within this window
TOKEN_BYTES = 32  # 256 bits


class TooManyLinks(RuntimeError):
    """The staff member asked for more sign-in links than the rate limit allows."""


def new_secret() -> str:
    """A fresh URL-safe random secret (token, session id or CSRF token)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def secret_hash(secret: str) -> str:
    """What the database keeps of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode(), b.encode())


def signin_url(console_url: str, token: str) -> str:
    """The link a staff member opens: <CONSOLE_URL>/signin/<token>."""
    return f"{console_url.rstrip('/')}/signin/{token}"


def create_signin_link(queries: ConsoleQueries, console_url: str, user_id: int, now: datetime) -> str:
    """A new one-time sign-in link for `user_id` (the caller checks that the id is staff); TooManyLinks."""
    token = new_secret()
    if not queries.create_link(secret_hash(token), user_id, now, LINK_VALID, LINK_LIMIT, LINK_WINDOW):
        raise TooManyLinks(f"at most {LINK_LIMIT} sign-in links per {LINK_WINDOW.seconds // 60} minutes")
    return signin_url(console_url, token)
