"""Migration 7: running instances: shares of the send budget, send queues.

Shipped: never edit it (its DDL is frozen, see `bot.storage.migrations`).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.engine import Connection

from bot.storage.types import UtcDateTime

NUMBER = 7
NAME = "running instances: shares of the send budget, send queues"


def apply(conn: Connection) -> None:
    md = MetaData()
    Table(
        "send_instances",
        md,
        Column("instance_id", String(64), primary_key=True),
        Column("shared", Boolean, nullable=False),
        Column("rate", Float, nullable=False),
        Column("held_rate", Float, nullable=False),
        Column("held_until", UtcDateTime, nullable=True),
        Column("expires_at", UtcDateTime, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        Column("queued_alarm", Integer, nullable=False),
        Column("queued_reply", Integer, nullable=False),
        Column("queued_reminder", Integer, nullable=False),
        Column("queued_broadcast", Integer, nullable=False),
        Column("oldest_alarm_s", Float, nullable=False),
        Column("sent", Integer, nullable=False),
        Column("http_429", Integer, nullable=False),
        Column("dropped", Integer, nullable=False),
    )
    md.create_all(conn)
