"""Creating the SQLAlchemy engine: SQLite (WAL, busy timeout) by default, PostgreSQL via DATABASE_URL.

Every wait is bounded, so a database that does not answer turns into an error the bot can answer
with (see bot.storage.offload) instead of a frozen worker: a connect timeout and server-side
statement and lock timeouts on PostgreSQL, a short busy timeout on SQLite, a pool checkout timeout,
and pre-ping so a connection that died while the database was away is replaced, not reused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 2_000
PG_CONNECT_TIMEOUT_S = 3
PG_STATEMENT_TIMEOUT_MS = 4_000
PG_LOCK_TIMEOUT_MS = 2_000
POOL_TIMEOUT_S = 3


def make_engine(url: str, connect_args: dict[str, Any] | None = None) -> Engine:
    """An engine for `url` (`sqlite:///path` or `postgresql+psycopg://…`); creates SQLite's directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        pg = create_engine(
            url,
            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, **(connect_args or {})},
            pool_pre_ping=True,
            pool_timeout=POOL_TIMEOUT_S,
        )

        @event.listens_for(pg, "connect")
        def _on_pg_connect(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {PG_STATEMENT_TIMEOUT_MS}")
                cursor.execute(f"SET lock_timeout = {PG_LOCK_TIMEOUT_MS}")
            dbapi_connection.commit()

        return pg
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, **(connect_args or {})},
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_S,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock at BEGIN: a read-then-write transaction can then never
        # fail with SQLITE_BUSY_SNAPSHOT, and two processes claiming reminders are serialised.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
