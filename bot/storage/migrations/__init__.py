"""Numbered schema migrations, applied in order at start-up, each in its own transaction.

One module per migration (`m001_initial.py`, ...); `MIGRATIONS` below is the one ordered list of them.
How to add one (e.g. enrolment codes as migration 8):

1. Write a module `m008_enrolment_codes.py` with its number, its name and its step::

       NUMBER = 8
       NAME = "enrolment codes"

       def apply(conn: Connection) -> None:
           md = MetaData()
           Table("enrol_codes", md, Column("code", String(16), primary_key=True), ...)
           md.create_all(conn)

2. Import it here and add it at the end of `MIGRATIONS`.
3. Add the same table (its current shape) to `bot.storage.schema` and the queries to the storage layer.

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

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import Connection

from bot.storage.migrations import (
    m001_initial,
    m002_staff,
    m003_console,
    m004_app_secrets,
    m005_updates_and_dialogs,
    m006_inbox,
    m007_send_instances,
)
from bot.storage.schema import schema_version

log = logging.getLogger(__name__)

# Any constant; identifies "the bot's migration lock" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 7_315_002


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    number: int
    name: str
    apply: Callable[[Connection], None]


# Every migration, in order: the one registration list.
MIGRATIONS: list[Migration] = [
    Migration(step.NUMBER, step.NAME, step.apply)
    for step in (
        m001_initial,
        m002_staff,
        m003_console,
        m004_app_secrets,
        m005_updates_and_dialogs,
        m006_inbox,
        m007_send_instances,
    )
]


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
