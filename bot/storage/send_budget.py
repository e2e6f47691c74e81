"""`SendBudgetQueries`: the running bot instances' shares of the bot's send budget, and their figures.

One row per running instance (`send_instances`). An instance that shares the budget (several
webhook instances on one PostgreSQL) holds a leased rate; every instance reports its send queues
there for the staff console. How a share is decided is the caller's (bot.outbox.budget); this
module only makes each decision atomic: on PostgreSQL under a transaction-scoped advisory lock, on
SQLite under the write lock every transaction takes at BEGIN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, text
from sqlalchemy.engine import Connection

from bot.storage import schema as s
from bot.storage.rows import dialect_insert
from bot.storage.types import as_utc, require_aware

# Any constant; identifies "the send budget's lock" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 7_315_026


@dataclass(frozen=True)
class SendStatus:
    """What an instance reports about its sending (counts since it started)."""

    queued_alarm: int = 0
    queued_reply: int = 0
    queued_reminder: int = 0
    queued_broadcast: int = 0
    oldest_alarm_s: float = 0.0
    sent: int = 0
    http_429: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class SendInstance:
    """One running instance as the console shows it."""

    instance_id: str
    shared: bool
    rate: float  # its leased share (shared), or the rate it sends at alone
    updated_at: datetime
    status: SendStatus


@dataclass(frozen=True)
class Lease:
    """The outcome of one `lease` call: this instance's rate, and how many instances share the budget."""

    rate: float
    instances: int


# Decides this instance's rate from the rates the other sharing instances may be using.
Decide = Callable[[Sequence[float]], float]


class SendBudgetQueries:
    """Shares and figures of the running instances, over the bot's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def lease(
        self,
        instance_id: str,
        now: datetime,
        decide: Decide,
        status: SendStatus,
        *,
        ttl: timedelta,
        memory: timedelta,
        hold: timedelta,
    ) -> Lease:
        """Renew this instance's share: `decide` it from the others' rates in use, atomically.

        A row counts as in use until `memory` after its lease expired (its instance may still be
        sending); a lowered rate still counts at its old value for `hold` (the instance lowers its
        pace just after this commits). Rows forgotten longer than `memory` are deleted.
        """
        require_aware(now)
        c = s.send_instances.c
        with self.engine.begin() as conn:
            _lock(conn)
            conn.execute(delete(s.send_instances).where(c.expires_at < now - memory))
            rows = conn.execute(select(s.send_instances).where(c.shared.is_(True))).mappings().all()
            others = [_in_use(row, now) for row in rows if row["instance_id"] != instance_id]
            mine = next((row for row in rows if row["instance_id"] == instance_id), None)
            rate = max(0.0, decide(others))
            old = 0.0 if mine is None else float(mine["rate"])
            held_rate, held_until = (old, now + hold) if rate < old else _held(mine)
            _upsert(conn, instance_id, now, status, shared=True, rate=rate, expires_at=now + ttl)
            conn.execute(
                s.send_instances.update()
                .where(c.instance_id == instance_id)
                .values(held_rate=held_rate, held_until=held_until)
            )
        return Lease(rate, len(others) + 1)

    def report(self, instance_id: str, now: datetime, status: SendStatus, *, rate: float, ttl: timedelta) -> None:
        """Record the figures of an instance that shares nothing (one alone sends at the full `rate`)."""
        require_aware(now)
        with self.engine.begin() as conn:
            _upsert(conn, instance_id, now, status, shared=False, rate=rate, expires_at=now + ttl)

    def release(self, instance_id: str) -> None:
        """The instance stops: its share is free at once."""
        with self.engine.begin() as conn:
            conn.execute(delete(s.send_instances).where(s.send_instances.c.instance_id == instance_id))

    def running(self, now: datetime) -> list[SendInstance]:
        """Instances whose row has not expired, oldest first."""
        require_aware(now)
        c = s.send_instances.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.send_instances).where(c.expires_at >= now).order_by(c.instance_id)).mappings()
            return [
                SendInstance(
                    instance_id=str(row["instance_id"]),
                    shared=bool(row["shared"]),
                    rate=float(row["rate"]),
                    updated_at=as_utc(row["updated_at"]),
                    status=SendStatus(
                        queued_alarm=int(row["queued_alarm"]),
                        queued_reply=int(row["queued_reply"]),
                        queued_reminder=int(row["queued_reminder"]),
                        queued_broadcast=int(row["queued_broadcast"]),
                        oldest_alarm_s=float(row["oldest_alarm_s"]),
                        sent=int(row["sent"]),
                        http_429=int(row["http_429"]),
                        dropped=int(row["dropped"]),
                    ),
                )
                for row in rows
            ]


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def _in_use(row: Mapping[Any, Any], now: datetime) -> float:
    """The rate an instance may be sending at: its share, or a lowered one's old value while held."""
    held_until = row["held_until"]
    held = float(row["held_rate"]) if held_until is not None and as_utc(held_until) > now else 0.0
    return max(float(row["rate"]), held)


def _held(row: Mapping[Any, Any] | None) -> tuple[float, datetime | None]:
    """A row's held rate, kept as it is (a rate that did not go down holds nothing new)."""
    if row is None:
        return 0.0, None
    return float(row["held_rate"]), None if row["held_until"] is None else as_utc(row["held_until"])


def _upsert(
    conn: Connection,
    instance_id: str,
    now: datetime,
    status: SendStatus,
    *,
    shared: bool,
    rate: float,
    expires_at: datetime,
) -> None:
    values = {
        "shared": shared,
        "rate": rate,
        "expires_at": expires_at,
        "updated_at": now,
        "queued_alarm": status.queued_alarm,
        "queued_reply": status.queued_reply,
        "queued_reminder": status.queued_reminder,
        "queued_broadcast": status.queued_broadcast,
        "oldest_alarm_s": status.oldest_alarm_s,
        "sent": status.sent,
        "http_429": status.http_429,
        "dropped": status.dropped,
    }
    stmt = dialect_insert(conn)(s.send_instances).values(instance_id=instance_id, held_rate=0.0, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=[s.send_instances.c.instance_id], set_=values))
