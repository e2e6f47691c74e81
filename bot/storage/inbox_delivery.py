"""What leaves the questions to the team (`Storage.inbox_delivery`): the team's answers to patients, delivered
like reminders (claimed with `claim_rows`, sent once, recorded), and the staff's notices that questions wait.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, and_, or_, select, update

from bot.storage import schema as s
from bot.storage.claims import claim_rows
from bot.storage.inbox_records import ClaimedAnswer
from bot.storage.rows import dialect_insert, write_audit
from bot.storage.types import as_utc, require_aware


class InboxDelivery:
    """Delivery of team answers and the staff notices' settings and slots (`Storage.inbox_delivery`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- delivery of team answers (like reminders: claimed, sent once, recorded) ---------------------

    def claim_answers(self, now: datetime, claimer: str, lease: timedelta, limit: int = 20) -> list[ClaimedAnswer]:
        """Claim up to `limit` queued answers (or ones whose claim expired); see bot.storage.claims."""
        require_aware(now)
        m, t = s.inbox_messages.c, s.inbox_threads.c
        claimable = or_(
            and_(m.status == "queued", or_(m.retry_at.is_(None), m.retry_at <= now)),
            and_(m.status == "sending", m.claimed_at <= now - lease),
        )
        with self.engine.begin() as conn:
            ids = claim_rows(conn, s.inbox_messages, claimable, (m.id,), limit, claimer, now)
            if not ids:
                return []
            rows = conn.execute(
                select(s.inbox_messages, t.language, t.follow_up_used, t.status.label("thread_status"))
                .join(s.inbox_threads, t.id == m.thread_id)
                .where(m.id.in_(ids), m.status == "sending", m.claimed_by == claimer, m.claimed_at == now)
                .order_by(m.id)
            ).all()
            claimed = []
            for row in rows:
                r = row._mapping
                question = conn.execute(
                    select(m.body, m.created_at)
                    .where(m.thread_id == r["thread_id"], m.author == "patient", m.id < r["id"])
                    .order_by(m.id.desc())
                    .limit(1)
                ).first()
                claimed.append(
                    ClaimedAnswer(
                        message_id=int(r["id"]),
                        thread_id=int(r["thread_id"]),
                        chat_id=int(r["chat_id"]),
                        language=str(r["language"]),
                        body=str(r["body"]),
                        question=str(question.body) if question else None,
                        asked_at=as_utc(question.created_at) if question else None,
                        attempts=int(r["attempts"]),
                        follow_up_open=not r["follow_up_used"],
                    )
                )
        return claimed

    def finish_answer(
        self, message_id: int, claimer: str, status: Literal["sent", "failed"], now: datetime, error: str | None = None
    ) -> bool:
        """Record a claimed answer's outcome; False when the claim is no longer ours."""
        require_aware(now)
        values: dict[str, Any] = {"status": status, "error": error, "claimed_by": None}
        if status == "sent":
            values["sent_at"] = now
        return self._update_claimed(message_id, claimer, values)

    def release_answer(self, message_id: int, claimer: str, retry_at: datetime, error: str) -> bool:
        """Give a claimed answer back, to be retried at `retry_at`."""
        require_aware(retry_at)
        values = {"status": "queued", "retry_at": retry_at, "error": error, "claimed_by": None, "claimed_at": None}
        return self._update_claimed(message_id, claimer, values)

    def _update_claimed(self, message_id: int, claimer: str, values: dict[str, Any]) -> bool:
        m = s.inbox_messages.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(s.inbox_messages)
                .where(m.id == message_id, m.status == "sending", m.claimed_by == claimer)
                .values(**values)
            ).rowcount
        return bool(done)

    # -- staff notices --------------------------------------------------------------------------

    def set_notify(self, user_id: int, notify: bool, now: datetime) -> None:
        """A staff member's choice: a Telegram notice when new questions wait, or not. Audited."""
        require_aware(now)
        st = s.inbox_staff.c
        with self.engine.begin() as conn:
            stmt = dialect_insert(conn)(s.inbox_staff).values(user_id=user_id, notify=notify, updated_at=now)
            conn.execute(
                stmt.on_conflict_do_update(index_elements=[st.user_id], set_={"notify": notify, "updated_at": now})
            )
            write_audit(conn, now, user_id, "inbox-notify", "notices on" if notify else "notices off")

    def notify_wanted(self, user_id: int) -> bool:
        """Whether this staff member asked for notices."""
        st = s.inbox_staff.c
        with self.engine.connect() as conn:
            return bool(conn.execute(select(st.notify).where(st.user_id == user_id)).scalar())

    def notice_recipients(self) -> list[int]:
        """Staff user ids that asked for notices."""
        st = s.inbox_staff.c
        with self.engine.connect() as conn:
            return [int(u) for u in conn.execute(select(st.user_id).where(st.notify.is_(True))).scalars()]

    def claim_notice(self, user_id: int, slot: datetime) -> bool:
        """Take the notice of office-hours interval `slot` for this staff member: True once per slot, on any instance."""
        require_aware(slot)
        st = s.inbox_staff.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(s.inbox_staff)
                .where(
                    st.user_id == user_id,
                    st.notify.is_(True),
                    or_(st.notified_slot.is_(None), st.notified_slot < slot),
                )
                .values(notified_slot=slot)
            ).rowcount
        return bool(done)
