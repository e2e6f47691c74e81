"""Migration 6: questions to the team: threads, their encrypted messages, staff notices.

Shipped: never edit it (its DDL is frozen, see `bot.storage.migrations`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection

from bot.storage.types import UtcDateTime

NUMBER = 6
NAME = "questions to the team: threads, their encrypted messages, staff notices"


def apply(conn: Connection) -> None:
    md = MetaData()
    # One question of a patient to the team and its answers; texts only in inbox_messages, encrypted.
    threads = Table(
        "inbox_threads",
        md,
        Column("id", Integer, primary_key=True),
        Column("chat_id", BigInteger, nullable=False, index=True),
        Column("language", String(8), nullable=False),
        Column("level", String(12), nullable=False),
        Column("status", String(10), nullable=False),
        Column("revision", Integer, nullable=False),
        Column("source_message_id", BigInteger, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("waiting_since", UtcDateTime, nullable=True),
        Column("claimed_by", BigInteger, nullable=True),
        Column("claimed_at", UtcDateTime, nullable=True),
        Column("answered_at", UtcDateTime, nullable=True),
        Column("answered_by", BigInteger, nullable=True),
        Column("closed_at", UtcDateTime, nullable=True),
        Column("closed_by", BigInteger, nullable=True),
        Column("close_reason", String(20), nullable=True),
        Column("follow_up_used", Boolean, nullable=False),
        UniqueConstraint("chat_id", "source_message_id", name="uq_inbox_threads_chat_message"),
    )
    Index("ix_inbox_threads_status_waiting", threads.c.status, threads.c.waiting_since)
    messages = Table(
        "inbox_messages",
        md,
        Column("id", Integer, primary_key=True),
        Column("thread_id", Integer, ForeignKey("inbox_threads.id"), nullable=False, index=True),
        Column("chat_id", BigInteger, nullable=False, index=True),
        Column("author", String(8), nullable=False),
        Column("staff_id", BigInteger, nullable=True),
        Column("body", Text, nullable=False),
        Column("level", String(12), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        # A team answer is delivered like a reminder: queued, claimed (sending), then sent or failed.
        Column("status", String(10), nullable=True),
        Column("attempts", Integer, nullable=False),
        Column("retry_at", UtcDateTime, nullable=True),
        Column("claimed_by", String(40), nullable=True),
        Column("claimed_at", UtcDateTime, nullable=True),
        Column("sent_at", UtcDateTime, nullable=True),
        Column("error", String(40), nullable=True),
    )
    Index("ix_inbox_messages_status_id", messages.c.status, messages.c.id)
    # Staff who want a Telegram notice when new questions wait, and the office-hours interval of the last one.
    Table(
        "inbox_staff",
        md,
        Column("user_id", BigInteger, primary_key=True, autoincrement=False),
        Column("notify", Boolean, nullable=False),
        Column("notified_slot", UtcDateTime, nullable=True),
        Column("updated_at", UtcDateTime, nullable=False),
    )
    md.create_all(conn)
