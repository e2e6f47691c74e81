"""The console's sign-offs read straight from a database URL, for `content check` (which has no `Storage`).

It never creates anything: not a table, not an SQLite file; a database it cannot read gives None.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.storage import schema as s
from bot.storage.engine import make_engine


def read_signoffs(url: str) -> list[tuple[str, str, str, date]] | None:
    """(concept id, vocabulary hash, name, date) of every console sign-off, for `content check`.

    None when the database cannot be reached or has no console tables yet; never creates anything
    (an SQLite file that does not exist stays absent).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).is_file():
            return None
        engine = make_engine(url)
    else:
        engine = make_engine(url, {"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(s.concept_signoffs.name):
                return None
            rows = conn.execute(
                select(
                    s.concept_signoffs.c.concept_id,
                    s.concept_signoffs.c.vocabulary_hash,
                    s.concept_signoffs.c.reviewed_by,
                    s.concept_signoffs.c.reviewed_on,
                )
            ).all()
            return [(str(a), str(b), str(c), d) for a, b, c, d in rows]
    except (SQLAlchemyError, OSError):
        return None
    finally:
        engine.dispose()
