"""`DialogStore`: short-lived rows that let several instances share one conversation.

Two tables: `seen_updates` (the update_ids of webhook updates an instance has taken, so a
redelivered update is handled once across instances) and `dialog_state` (conversation states and
the typed chat state with its drafts, as JSON). Both are purged after `DIALOG_TTL`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select

from bot.storage import schema as s
from bot.storage.rows import dialect_insert
from bot.storage.types import require_aware

DIALOG_TTL = timedelta(hours=24)


class DialogStore:
    """Seen webhook updates and dialog state, over the bot's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def take_update(self, update_id: int, now: datetime) -> bool:
        """Record that this update is being handled; False when some instance took it already."""
        require_aware(now)
        with self.engine.begin() as conn:
            stmt = (
                dialect_insert(conn)(s.seen_updates)
                .values(update_id=update_id, seen_at=now)
                .on_conflict_do_nothing(index_elements=[s.seen_updates.c.update_id])
                .returning(s.seen_updates.c.update_id)
            )
            return conn.execute(stmt).first() is not None

    def load(self, kind: str, now: datetime) -> dict[str, str]:
        """Every unexpired row of `kind`, key -> JSON data."""
        require_aware(now)
        d = s.dialog_state.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(d.key, d.data).where(d.kind == kind, d.updated_at > now - DIALOG_TTL)).all()
        return {str(key): str(data) for key, data in rows}

    def load_one(self, kind: str, key: str, now: datetime) -> str | None:
        """The JSON data of one row, or None when absent or expired."""
        require_aware(now)
        d = s.dialog_state.c
        with self.engine.connect() as conn:
            value = conn.execute(
                select(d.data).where(d.kind == kind, d.key == key, d.updated_at > now - DIALOG_TTL)
            ).scalar_one_or_none()
        return None if value is None else str(value)

    def save(self, kind: str, key: str, data: str | None, now: datetime, chat_id: int | None = None) -> None:
        """Store (or with `data` None, delete) one row."""
        require_aware(now)
        d = s.dialog_state.c
        with self.engine.begin() as conn:
            if data is None:
                conn.execute(delete(s.dialog_state).where(d.kind == kind, d.key == key))
                return
            stmt = dialect_insert(conn)(s.dialog_state).values(
                kind=kind, key=key, chat_id=chat_id, data=data, updated_at=now
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=[d.kind, d.key], set_={"data": data, "updated_at": now, "chat_id": chat_id}
            )
            conn.execute(stmt)

    def purge(self, now: datetime) -> dict[str, int]:
        """Delete seen updates and dialog state older than `DIALOG_TTL`."""
        require_aware(now)
        cutoff = now - DIALOG_TTL
        with self.engine.begin() as conn:
            updates = conn.execute(delete(s.seen_updates).where(s.seen_updates.c.seen_at < cutoff)).rowcount
            dialogs = conn.execute(delete(s.dialog_state).where(s.dialog_state.c.updated_at < cutoff)).rowcount
        return {"seen_updates": updates, "dialog_state": dialogs}
