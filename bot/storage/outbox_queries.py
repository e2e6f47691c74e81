"""SQL of the broadcast outbox (`Storage.outbox`): one row per recipient, claimed, sent once, recorded.

The rows are written with their broadcast (`StaffQueries.create_broadcast`); the bot's `BroadcastSender`
claims them like reminders (`bot.storage.claims`), records each outcome, and gives claims back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, literal, or_, select, update

from bot.storage import schema as s
from bot.storage.claims import claim_rows
from bot.storage.records import ClaimedOutbox, OutboxStatus
from bot.storage.types import as_utc_or_none, require_aware


class OutboxQueries:
    """The outbox's queries over the bot's engine (`Storage.outbox`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def counts(self, broadcast_id: int | None = None) -> dict[str, int]:
        """Outbox rows per status (of one broadcast, or all)."""
        o = s.outbox.c
        query = select(o.status, func.count()).group_by(o.status)
        if broadcast_id is not None:
            query = query.where(o.broadcast_id == broadcast_id)
        with self.engine.connect() as conn:
            return {str(k): int(v) for k, v in conn.execute(query).all()}

    @staticmethod
    def _claimable(now: datetime, lease: timedelta, urgent_only: bool) -> Any:
        o = s.outbox.c
        condition = or_(
            and_(o.status == "queued", or_(o.not_before.is_(None), o.not_before <= now)),
            and_(o.status == "sending", o.claimed_at <= now - lease),
        )
        if urgent_only:
            urgent = select(s.broadcasts.c.id).where(s.broadcasts.c.urgent.is_(True))
            condition = and_(condition, o.broadcast_id.in_(urgent))
        return condition

    def claim(
        self, now: datetime, claimer: str, lease: timedelta, limit: int = 25, urgent_only: bool = False
    ) -> list[ClaimedOutbox]:
        """Atomically claim up to `limit` sendable outbox rows (oldest first), like `claim_due` for reminders."""
        require_aware(now)
        o, p = s.outbox.c, s.patients.c
        claimable = self._claimable(now, lease, urgent_only)
        with self.engine.begin() as conn:
            ids = claim_rows(conn, s.outbox, claimable, (o.id,), limit, claimer, now)
            if not ids:
                return []
            rows = conn.execute(
                select(
                    o.id,
                    o.broadcast_id,
                    o.chat_id,
                    o.attempts,
                    p.language,
                    p.active,
                    p.broadcasts_enabled,
                    p.consent_at,
                )
                .select_from(s.outbox.outerjoin(s.patients, p.chat_id == o.chat_id))
                .where(o.id.in_(ids), o.status == "sending", o.claimed_by == claimer, o.claimed_at == now)
                .order_by(o.id)
            ).all()
        return [self._claimed(r) for r in rows]

    @staticmethod
    def _claimed(row: Any) -> ClaimedOutbox:
        m = row._mapping
        # Checked again at sending time: the patient may have switched broadcasts off since confirmation.
        deliverable = m["language"] is not None and bool(m["active"]) and bool(m["broadcasts_enabled"])
        return ClaimedOutbox(
            id=int(m["id"]),
            broadcast_id=int(m["broadcast_id"]),
            chat_id=int(m["chat_id"]),
            attempts=int(m["attempts"]),
            language=str(m["language"] or "nl"),
            deliverable=deliverable and m["consent_at"] is not None,
        )

    def finish(self, row_id: int, claimer: str, status: OutboxStatus, now: datetime, error: str | None = None) -> bool:
        """Record the outcome of a claimed row; False when the claim is no longer ours."""
        require_aware(now)
        values: dict[str, Any] = {"status": status, "error": error, "claimed_by": None}
        if status == "sent":
            values["sent_at"] = now
        return self._update_claim(row_id, claimer, values)

    def release(self, row_id: int, claimer: str, not_before: datetime | None, error: str | None = None) -> bool:
        """Give a claimed row back to the queue (retry at `not_before`)."""
        values = {"status": "queued", "not_before": not_before, "error": error, "claimed_by": None, "claimed_at": None}
        return self._update_claim(row_id, claimer, values)

    def _update_claim(self, row_id: int, claimer: str, values: dict[str, Any]) -> bool:
        o = s.outbox.c
        with self.engine.begin() as conn:
            result = conn.execute(
                update(s.outbox).where(o.id == row_id, o.status == "sending", o.claimed_by == claimer).values(**values)
            )
        return result.rowcount > 0

    def release_claims(self, claimer: str) -> int:
        """Requeue every row `claimer` holds (its own rows after a restart with the same instance id)."""
        o = s.outbox.c
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    update(s.outbox)
                    .where(o.status == "sending", o.claimed_by == claimer)
                    .values(status="queued", claimed_by=None, claimed_at=None)
                ).rowcount
            )

    def next_due(self, lease: timedelta, urgent_only: bool = False) -> datetime | None:
        """When the outbox has work next: the earliest queued row (or expired claim), or None."""
        o = s.outbox.c
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        with self.engine.connect() as conn:
            queued = select(func.min(func.coalesce(o.not_before, literal(epoch, s.outbox.c.not_before.type))))
            queued = queued.where(o.status == "queued")
            claimed = select(func.min(o.claimed_at)).where(o.status == "sending")
            if urgent_only:
                urgent = select(s.broadcasts.c.id).where(s.broadcasts.c.urgent.is_(True))
                queued = queued.where(o.broadcast_id.in_(urgent))
                claimed = claimed.where(o.broadcast_id.in_(urgent))
            first = as_utc_or_none(conn.execute(queued).scalar_one())
            held = as_utc_or_none(conn.execute(claimed).scalar_one())
        times = [t for t in (first, held + lease if held else None) if t is not None]
        return min(times) if times else None
