"""Column types: `UtcDateTime` stores aware UTC datetimes on every backend; `as_utc` reads them back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC. SQLite keeps no time zone, so values are normalised on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime")
        value = value.astimezone(UTC)
        # SQLite stores text: a naive UTC value keeps every row in one comparable format.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        return as_utc(value)


def as_utc(value: Any) -> datetime:
    """A stored time as an aware UTC datetime: naive means UTC (SQLite), text is ISO 8601.

    Typed columns come through `UtcDateTime`; aggregates (MIN, MAX) may come back untyped on SQLite,
    as text or naive, and are normalised here the same way.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_utc_or_none(value: Any) -> datetime | None:
    """`as_utc`, with None (an aggregate over no rows) passed through."""
    return None if value is None else as_utc(value)


def require_aware(when: datetime) -> None:
    """Refuse naive datetimes: storage keeps only aware UTC."""
    if when.tzinfo is None:
        raise ValueError("aware datetimes only")
