"""Migration 5: seen webhook updates and dialog state.

Shipped: never edit it (its DDL is frozen, see `bot.storage.migrations`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Connection

from bot.storage.types import UtcDateTime

NUMBER = 5
NAME = "seen webhook updates and dialog state"


def apply(conn: Connection) -> None:
    md = MetaData()
    # update_ids of webhook updates already taken by an instance; purged after a day.
    Table(
        "seen_updates",
        md,
        Column("update_id", BigInteger, primary_key=True, autoincrement=False),
        Column("seen_at", UtcDateTime, nullable=False, index=True),
    )
    # Conversation states and typed chat state (drafts), so a dialogue survives a restart and
    # continues on any instance. kind: "chat" (key: chat id) or "conv:<name>" (key: the
    # conversation key); data: JSON. Expired after a day by the housekeeping job.
    Table(
        "dialog_state",
        md,
        Column("kind", String(40), primary_key=True),
        Column("key", String(80), primary_key=True),
        Column("chat_id", BigInteger, nullable=True, index=True),
        Column("data", Text, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False, index=True),
    )
    md.create_all(conn)
