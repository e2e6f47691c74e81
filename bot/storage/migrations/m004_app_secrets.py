"""Migration 4: secrets the bot generates itself (the log pseudonym salt).

Shipped: never edit it (its DDL is frozen, see `bot.storage.migrations`).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    MetaData,
    String,
    Table,
)
from sqlalchemy.engine import Connection

from bot.storage.types import UtcDateTime

NUMBER = 4
NAME = "secrets the bot generates itself (the log pseudonym salt)"


def apply(conn: Connection) -> None:
    md = MetaData()
    Table(
        "app_secrets",
        md,
        Column("name", String(40), primary_key=True),
        Column("value", String(200), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )
    md.create_all(conn)
