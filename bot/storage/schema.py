"""The current shape of every table, for queries. Migrations (bot.storage.migrations) create them.

When a migration changes a table, change its definition here too; the migration itself keeps
its own frozen DDL so that an old database and a new one end up the same.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.storage.types import UtcDateTime

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

patients = Table(
    "patients",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("language", String(8), nullable=False),
    Column("consent_at", UtcDateTime, nullable=True),
    Column("broadcasts_enabled", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

appointments = Table(
    "appointments",
    metadata,
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
    metadata,
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

miss_counts = Table(
    "miss_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("count", Integer, nullable=False),
)

# -- migration 2: staff tools ------------------------------------------------------------------

enrolments = Table(
    "enrolments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("created_by", BigInteger, nullable=True),
    Column("redeemed_at", UtcDateTime, nullable=True),
    Column("chat_id", BigInteger, nullable=True, index=True),
)

pending_appointments = Table(
    "pending_appointments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enrolment_id", Integer, ForeignKey("enrolments.id"), nullable=False, index=True),
    Column("type", String(20), nullable=False),
    Column("start_at", UtcDateTime, nullable=False),
    Column("external_id", String(100), nullable=True, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

broadcasts = Table(
    "broadcasts",
    metadata,
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
    metadata,
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

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", BigInteger, nullable=True),
    Column("action", String(30), nullable=False),
    Column("broadcast_id", Integer, nullable=True),
    Column("chat_id", BigInteger, nullable=True),
    Column("detail", String(400), nullable=False),
)

# -- migration 3: staff console ----------------------------------------------------------------

console_links = Table(
    "console_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", BigInteger, nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_hash", String(64), nullable=False, unique=True),
    Column("user_id", BigInteger, nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
)

concept_signoffs = Table(
    "concept_signoffs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("concept_id", String(60), nullable=False),
    Column("vocabulary_hash", String(64), nullable=False),
    Column("reviewed_by", String(120), nullable=False),
    Column("reviewed_on", Date, nullable=False),
    Column("signed_by", BigInteger, nullable=True),
    Column("signed_at", UtcDateTime, nullable=False),
    UniqueConstraint("concept_id", "vocabulary_hash", name="uq_concept_signoffs_concept_hash"),
)

patient_identifiers = Table(
    "patient_identifiers",
    metadata,
    Column("identifier_hash", String(64), primary_key=True),
    Column("enrolment_id", Integer, ForeignKey("enrolments.id"), nullable=False, index=True),
)

daily_counts = Table(
    "daily_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("name", String(30), primary_key=True),
    Column("count", Integer, nullable=False),
)

# Secrets the bot generates itself and all instances must share, e.g. the salt of the log pseudonyms.
app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# -- migration 5: seen webhook updates and dialog state ------------------------------------------

seen_updates = Table(
    "seen_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("seen_at", UtcDateTime, nullable=False, index=True),
)

dialog_state = Table(
    "dialog_state",
    metadata,
    Column("kind", String(40), primary_key=True),
    Column("key", String(80), primary_key=True),
    Column("chat_id", BigInteger, nullable=True, index=True),
    Column("data", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False, index=True),
)

# -- migration 6: questions to the team ----------------------------------------------------------

inbox_threads = Table(
    "inbox_threads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, nullable=False, index=True),
    Column("language", String(8), nullable=False),
    Column("level", String(12), nullable=False),  # the highest triage level of the patient's messages
    Column("status", String(10), nullable=False),  # new, claimed, answered, closed
    Column("revision", Integer, nullable=False),  # +1 on every change: staff act on the revision they saw
    Column("source_message_id", BigInteger, nullable=False),  # the patient's Telegram message: asked once
    Column("created_at", UtcDateTime, nullable=False),
    Column("waiting_since", UtcDateTime, nullable=True),  # the patient's unanswered message (None: none waits)
    Column("claimed_by", BigInteger, nullable=True),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("answered_at", UtcDateTime, nullable=True),
    Column("answered_by", BigInteger, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("closed_by", BigInteger, nullable=True),
    Column("close_reason", String(20), nullable=True),  # a fixed code, never free text
    Column("follow_up_used", Boolean, nullable=False),
    UniqueConstraint("chat_id", "source_message_id", name="uq_inbox_threads_chat_message"),
)
Index("ix_inbox_threads_status_waiting", inbox_threads.c.status, inbox_threads.c.waiting_since)

inbox_messages = Table(
    "inbox_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("thread_id", Integer, ForeignKey("inbox_threads.id"), nullable=False, index=True),
    Column("chat_id", BigInteger, nullable=False, index=True),
    Column("author", String(8), nullable=False),  # patient or team
    Column("staff_id", BigInteger, nullable=True),
    Column("body", Text, nullable=False),  # Fernet token (bot.inbox.crypto): never the plain text
    Column("level", String(12), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(10), nullable=True),  # team answers: queued, sending, sent, failed
    Column("attempts", Integer, nullable=False),
    Column("retry_at", UtcDateTime, nullable=True),
    Column("claimed_by", String(40), nullable=True),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("error", String(40), nullable=True),
)
Index("ix_inbox_messages_status_id", inbox_messages.c.status, inbox_messages.c.id)

inbox_staff = Table(
    "inbox_staff",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("notify", Boolean, nullable=False),
    Column("notified_slot", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# -- migration 7: running instances ------------------------------------------------------------

# Running bot instances: each one's leased share of the send budget (several webhook instances on one
# PostgreSQL) and its send queues, for the staff console. No chat ids, no texts.
send_instances = Table(
    "send_instances",
    metadata,
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
