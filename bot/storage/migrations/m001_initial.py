"""Migration 1: patients, appointments, reminders, miss counts.

Shipped: never edit it (its DDL is frozen, see `bot.storage.migrations`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection

from bot.storage.types import UtcDateTime

NUMBER = 1
NAME = "patients, appointments, reminders, miss counts"


def apply(conn: Connection) -> None:
    md = MetaData()
    Table(
        "patients",
        md,
        Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
        Column("language", String(8), nullable=False),
        Column("consent_at", UtcDateTime, nullable=True),
        Column("broadcasts_enabled", Boolean, nullable=False),
        Column("active", Boolean, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )
    Table(
        "appointments",
        md,
        Column("id", Integer, primary_key=True),
        Column("chat_id", BigInteger, ForeignKey("patients.chat_id"), nullable=False, index=True),
        Column("type", String(20), nullable=False),
        Column("start_at", UtcDateTime, nullable=False),
        Column("source", String(10), nullable=False),
        Column("external_id", String(100), nullable=True, unique=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("cancelled_at", UtcDateTime, nullable=True),
    )
    reminders = Table(
        "reminders",
        md,
        Column("id", Integer, primary_key=True),
        Column("appointment_id", Integer, ForeignKey("appointments.id"), nullable=False),
        Column("rule", String(40), nullable=False),
        Column("due_at", UtcDateTime, nullable=False),
        Column("status", String(10), nullable=False),
        Column("retry_at", UtcDateTime, nullable=True),
        Column("attempts", Integer, nullable=False),
        Column("claimed_by", String(40), nullable=True),
        Column("claimed_at", UtcDateTime, nullable=True),
        Column("sent_at", UtcDateTime, nullable=True),
        Column("read_at", UtcDateTime, nullable=True),
        Column("error", String(40), nullable=True),
        UniqueConstraint("appointment_id", "rule", name="uq_reminders_appointment_rule"),
    )
    # The sender's query: open reminders by due time.
    Index("ix_reminders_status_due", reminders.c.status, reminders.c.due_at)
    Table(
        "miss_counts",
        md,
        Column("day", Date, primary_key=True),
        Column("count", Integer, nullable=False),
    )
    md.create_all(conn)
