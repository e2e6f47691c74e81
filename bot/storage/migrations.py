"""Numbered schema migrations, applied in order at start-up, each in its own transaction.

How to add one (e.g. enrolment codes as migration 2):

1. Write one function below, decorated with the next number::

       @migration(2, "enrolment codes")
       def _m002_enrolment_codes(conn: Connection) -> None:
           md = MetaData()
           Table("enrol_codes", md, Column("code", String(16), primary_key=True), ...)
           md.create_all(conn)

2. Add the same table (its current shape) to `bot.storage.schema` and the queries to `Storage`.

Rules: never edit a migration that has shipped; DDL inside a migration is frozen (it builds its
own `MetaData`, it does not use `bot.storage.schema`), so an old database and a new one end up
identical. Numbers are consecutive; `migrate` refuses gaps. Each migration and the row recording it
in `schema_version` commit together, so a crash leaves either all or nothing of a migration.
Two processes starting at once are serialised (a PostgreSQL advisory lock; on SQLite every
transaction begins IMMEDIATE), and each re-reads the version under that lock, so running
`migrate` again is a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection

from bot.storage.schema import schema_version
from bot.storage.types import UtcDateTime

log = logging.getLogger(__name__)

# Any constant; identifies "the bot's migration lock" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 7_315_002


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    number: int
    name: str
    apply: Callable[[Connection], None]


MIGRATIONS: list[Migration] = []


def migration(number: int, name: str) -> Callable[[Callable[[Connection], None]], Callable[[Connection], None]]:
    """Register the decorated function as migration `number`."""

    def register(fn: Callable[[Connection], None]) -> Callable[[Connection], None]:
        MIGRATIONS.append(Migration(number, name, fn))
        MIGRATIONS.sort(key=lambda m: m.number)
        return fn

    return register


@migration(1, "patients, appointments, reminders, miss counts")
def _m001_initial(conn: Connection) -> None:
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


@migration(2, "enrolment codes, broadcasts, outbox, audit log")
def _m002_staff(conn: Connection) -> None:
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


@migration(3, "staff console: sign-in links, sessions, sign-offs, patient identifiers, daily counts")
def _m003_console(conn: Connection) -> None:
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


@migration(4, "secrets the bot generates itself (the log pseudonym salt)")
def _m004_app_secrets(conn: Connection) -> None:
    md = MetaData()
    Table(
        "app_secrets",
        md,
        Column("name", String(40), primary_key=True),
        Column("value", String(200), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )
    md.create_all(conn)


@migration(5, "seen webhook updates and dialog state")
def _m005_updates_and_dialogs(conn: Connection) -> None:
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


@migration(6, "questions to the team: threads, their encrypted messages, staff notices")
def _m006_inbox(conn: Connection) -> None:
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


@migration(7, "running instances: shares of the send budget, send queues")
def _m007_send_instances(conn: Connection) -> None:
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


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def current_version(conn: Connection) -> int:
    """The highest applied migration number (0 for an empty database)."""
    if not conn.dialect.has_table(conn, schema_version.name):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(schema_version.c.version), 0))).scalar_one())


def migrate(engine: Engine, migrations: list[Migration] | None = None) -> list[int]:
    """Apply every migration not yet applied, in order; return the numbers applied now."""
    steps = MIGRATIONS if migrations is None else migrations
    numbers = [m.number for m in steps]
    if numbers != list(range(1, len(steps) + 1)):
        raise RuntimeError(f"migration numbers must be 1..n without gaps, got {numbers}")
    with engine.begin() as conn:
        _lock(conn)
        schema_version.create(conn, checkfirst=True)
    applied: list[int] = []
    for step in steps:
        with engine.begin() as conn:
            _lock(conn)
            if current_version(conn) >= step.number:
                continue
            step.apply(conn)
            conn.execute(
                insert(schema_version).values(version=step.number, name=step.name, applied_at=datetime.now(UTC))
            )
            log.info("applied migration %d: %s", step.number, step.name)
            applied.append(step.number)
    return applied
