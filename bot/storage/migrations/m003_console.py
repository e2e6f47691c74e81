"""Migration 3: staff console: sign-in links, sessions, sign-offs, patient identifiers, daily counts.

Shipped: never edit it (its DDL is frozen, see `bot.storage.migrations`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection

from bot.storage.types import UtcDateTime

NUMBER = 3
NAME = "staff console: sign-in links, sessions, sign-offs, patient identifiers, daily counts"


def apply(conn: Connection) -> None:
    md = MetaData()
    # One-time sign-in links and browser sessions: only sha256 hashes of the secrets are kept.
    Table(
        "console_links",
        md,
        Column("id", Integer, primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("user_id", BigInteger, nullable=False, index=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("expires_at", UtcDateTime, nullable=False),
        Column("used_at", UtcDateTime, nullable=True),
    )
    Table(
        "console_sessions",
        md,
        Column("id", Integer, primary_key=True),
        Column("session_hash", String(64), nullable=False, unique=True),
        Column("user_id", BigInteger, nullable=False, index=True),
        Column("csrf_token", String(64), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("last_seen_at", UtcDateTime, nullable=False),
    )
    # A clinician's sign-off of one alarm concept, valid for exactly the vocabulary it was given for.
    Table(
        "concept_signoffs",
        md,
        Column("id", Integer, primary_key=True),
        Column("concept_id", String(60), nullable=False),
        Column("vocabulary_hash", String(64), nullable=False),
        Column("reviewed_by", String(120), nullable=False),
        Column("reviewed_on", Date, nullable=False),
        Column("signed_by", BigInteger, nullable=True),
        Column("signed_at", UtcDateTime, nullable=False),
        UniqueConstraint("concept_id", "vocabulary_hash", name="uq_concept_signoffs_concept_hash"),
    )
    # The hospital's patient identifier, only as a keyed hash, so FHIR imports find the enrolment.
    enrolments = Table("enrolments", md, Column("id", Integer, primary_key=True))  # exists: for the key only
    Table(
        "patient_identifiers",
        md,
        Column("identifier_hash", String(64), primary_key=True),
        Column("enrolment_id", Integer, ForeignKey("enrolments.id"), nullable=False, index=True),
    )
    # Per-day counts for the statistics page (alarms by level, questions answered): numbers only.
    Table(
        "daily_counts",
        md,
        Column("day", Date, primary_key=True),
        Column("name", String(30), primary_key=True),
        Column("count", Integer, nullable=False),
    )
    md.create_all(conn, tables=[t for t in md.sorted_tables if t is not enrolments])
