"""Migration 2: enrolment codes, broadcasts, outbox, audit log.

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

NUMBER = 2
NAME = "enrolment codes, broadcasts, outbox, audit log"


def apply(conn: Connection) -> None:
    md = MetaData()
    Table(
        "enrolments",
        md,
        Column("id", Integer, primary_key=True),
        Column("code_hash", String(64), nullable=False, unique=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("expires_at", UtcDateTime, nullable=False),
        Column("created_by", BigInteger, nullable=True),
        Column("redeemed_at", UtcDateTime, nullable=True),
        Column("chat_id", BigInteger, nullable=True, index=True),
    )
    # Appointments staff enter for a code before the patient redeemed it; moved to `appointments`
    # (with reminders computed then) at redemption, so the reminder tables only ever see real chats.
    Table(
        "pending_appointments",
        md,
        Column("id", Integer, primary_key=True),
        Column("enrolment_id", Integer, ForeignKey("enrolments.id"), nullable=False, index=True),
        Column("type", String(20), nullable=False),
        Column("start_at", UtcDateTime, nullable=False),
        Column("external_id", String(100), nullable=True, unique=True),
        Column("created_at", UtcDateTime, nullable=False),
    )
    Table(
        "broadcasts",
        md,
        Column("id", Integer, primary_key=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("created_by", BigInteger, nullable=True),
        Column("kind", String(10), nullable=False),
        Column("text", Text, nullable=True),
        Column("chapter_ids", String(400), nullable=True),
        Column("content_version", String(400), nullable=True),
        Column("audience", String(30), nullable=False),
        Column("urgent", Boolean, nullable=False),
        Column("recipients", Integer, nullable=False),
        Column("status", String(10), nullable=False),
        Column("report_chat_id", BigInteger, nullable=True),
        Column("finished_at", UtcDateTime, nullable=True),
    )
    outbox = Table(
        "outbox",
        md,
        Column("id", Integer, primary_key=True),
        Column("broadcast_id", Integer, ForeignKey("broadcasts.id"), nullable=False),
        Column("chat_id", BigInteger, nullable=False, index=True),
        Column("status", String(10), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("not_before", UtcDateTime, nullable=True),
        Column("claimed_by", String(40), nullable=True),
        Column("claimed_at", UtcDateTime, nullable=True),
        Column("sent_at", UtcDateTime, nullable=True),
        Column("error", String(40), nullable=True),
        UniqueConstraint("broadcast_id", "chat_id", name="uq_outbox_broadcast_chat"),
    )
    Index("ix_outbox_status_id", outbox.c.status, outbox.c.id)
    Table(
        "audit_log",
        md,
        Column("id", Integer, primary_key=True),
        Column("at", UtcDateTime, nullable=False),
        Column("actor", BigInteger, nullable=True),
        Column("action", String(30), nullable=False),
        Column("broadcast_id", Integer, nullable=True),
        Column("chat_id", BigInteger, nullable=True),
        Column("detail", String(400), nullable=False),
    )
    md.create_all(conn)
