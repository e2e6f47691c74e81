"""Claiming rows for sending (reminders, outbox): the one pattern both senders share.

A claim marks rows 'sending' with who claimed them and when, in one transaction. On PostgreSQL the
candidates are locked with FOR UPDATE SKIP LOCKED, so two instances never claim the same row; on
SQLite the write lock taken at BEGIN serialises claims. The ids are selected (and locked) first and
updated second: PostgreSQL may re-evaluate an `IN (… LIMIT … SKIP LOCKED)` subquery inside an UPDATE
and claim more than `limit` rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, select, update
from sqlalchemy.engine import Connection


def claim_rows(
    conn: Connection,
    table: Table,
    claimable: ColumnElement[bool],
    order_by: Sequence[Any],
    limit: int,
    claimer: str,
    now: datetime,
) -> list[int]:
    """Claim up to `limit` rows of `table` that are `claimable`, in `order_by` order; return their ids."""
    c = table.c
    candidates = select(c.id).where(claimable).order_by(*order_by).limit(limit).with_for_update(skip_locked=True)
    ids = list(conn.execute(candidates).scalars())
    if ids:
        conn.execute(
            update(table)
            .where(c.id.in_(ids), claimable)
            .values(status="sending", claimed_by=claimer, claimed_at=now, attempts=c.attempts + 1)
        )
    return ids
