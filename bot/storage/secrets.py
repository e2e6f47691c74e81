"""Secrets the bot generates once and keeps in the database, shared by every instance."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bot.storage import schema as s
from bot.storage.store import Storage
from bot.storage.types import require_aware

LOG_SALT = "log_hash_salt"


def kept_secret(storage: Storage, name: str, now: datetime) -> str:
    """The secret `name`, created (256 random bits) the first time it is asked for.

    Two instances starting at once both try to insert; the loser reads the winner's value.
    """
    require_aware(now)
    query = select(s.app_secrets.c.value).where(s.app_secrets.c.name == name)
    with storage.engine.connect() as conn:
        found = conn.execute(query).scalar_one_or_none()
    if found is not None:
        return str(found)
    try:
        with storage.engine.begin() as conn:
            conn.execute(insert(s.app_secrets).values(name=name, value=secrets.token_hex(32), created_at=now))
    except IntegrityError:
        pass  # another instance was first
    with storage.engine.connect() as conn:
        return str(conn.execute(query).scalar_one())
