"""Database fixtures shared by the storage, reminder, outbox and application tests.

`engine_factory` and `storage` run a test on both backends: SQLite in tmp_path, and PostgreSQL at
127.0.0.1:5432 when it answers (skipped with a message saying so when it does not). `pg_url` gives a
database URL for a fresh PostgreSQL schema, for tests that start whole applications.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text

from bot.storage import Storage
from bot.storage.engine import make_engine

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it answers."""
    try:
        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at 127.0.0.1:5432 not answering: {exc}"
    return None


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server, dropped afterwards; skips the test when none answers."""
    problem = pg_problem()
    if problem:
        pytest.skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            # A test may leave a server backend behind that still holds locks in the schema (a bot killed
            # while its connection hung behind a relay): end it, or the DROP waits out lock_timeout.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks l "
                    "JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :schema AND l.pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Engine]]:
    """Makes fresh engines on one database (like restarts); PG gets a schema of its own per test."""
    engines: list[Engine] = []
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'bot.db'}"

        def make() -> Engine:
            engines.append(make_engine(url))
            return engines[-1]

        yield make
    else:
        with pg_schema() as schema:

            def make() -> Engine:
                engines.append(make_engine(PG_URL, {"options": f"-csearch_path={schema}"}))
                return engines[-1]

            yield make
            for engine in engines:
                engine.dispose()
    for engine in engines:
        engine.dispose()


@pytest.fixture
def storage(engine_factory: Callable[[], Engine]) -> Storage:
    """A migrated Storage on a fresh database."""
    store = Storage(engine_factory())
    store.migrate()
    return store


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database URL whose search_path is a fresh schema on the PostgreSQL server at 127.0.0.1:5432."""
    with pg_schema() as schema:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
