"""SQL of the questions to the team (`Storage.inbox`): threads, their encrypted messages, staff actions.

Texts arrive here sealed (bot.inbox.crypto) and leave sealed: this module never sees a plain text.
Staff act on the revision of a thread they saw: claim, answer and close are one conditional UPDATE
each (`WHERE revision = :seen`), so of two staff members answering at once exactly one succeeds and
the other is told what happened, on any number of console processes. A team answer is then
delivered like a reminder (`bot.storage.inbox_delivery`); the records are in `bot.storage.inbox_records`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.clock import local
from bot.storage import schema as s
from bot.storage.inbox_records import (
    CLOSE_REASONS,
    COUNT_ANSWER_MINUTES,
    COUNT_ANSWERED,
    COUNT_ASKED,
    OPEN,
    DeliveryStatus,
    Opened,
    StaffAction,
    Thread,
    ThreadDetail,
    ThreadStatus,
    Waiting,
    higher_level,
    message_row,
    thread_row,
)
from bot.storage.rows import dialect_insert, write_audit
from bot.storage.signals import INBOX, notify
from bot.storage.types import as_utc_or_none, require_aware


def _count(conn: Connection, day: date, name: str, n: int) -> None:
    """Add `n` to a daily count for the statistics page, in the caller's transaction."""
    d = s.daily_counts.c
    stmt = dialect_insert(conn)(s.daily_counts).values(day=day, name=name, count=n)
    conn.execute(stmt.on_conflict_do_update(index_elements=[d.day, d.name], set_={"count": d.count + n}))


class InboxQueries:
    """Threads, messages and staff actions of the questions to the team (`Storage.inbox`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- the patient ----------------------------------------------------------------------------

    def open_thread(
        self, chat_id: int, language: str, level: str, body: str, source_message_id: int, now: datetime
    ) -> Opened:
        """Store a question (sealed `body`) as a new thread; the same Telegram message twice opens it once."""
        require_aware(now)
        t = s.inbox_threads.c
        with self.engine.begin() as conn:
            known = conn.execute(
                select(t.id).where(t.chat_id == chat_id, t.source_message_id == source_message_id)
            ).scalar()
            if known is not None:
                return Opened(int(known), False)
            try:
                with conn.begin_nested():
                    thread_id = conn.execute(
                        insert(s.inbox_threads)
                        .values(
                            chat_id=chat_id,
                            language=language,
                            level=level,
                            status="new",
                            revision=1,
                            source_message_id=source_message_id,
                            created_at=now,
                            waiting_since=now,
                            follow_up_used=False,
                        )
                        .returning(t.id)
                    ).scalar_one()
            except IntegrityError:  # the same press on another instance, a moment earlier
                again = conn.execute(
                    select(t.id).where(t.chat_id == chat_id, t.source_message_id == source_message_id)
                ).scalar_one()
                return Opened(int(again), False)
            self._add_message(conn, thread_id, chat_id, "patient", None, body, level, now)
            _count(conn, local(now).date(), COUNT_ASKED, 1)
        return Opened(int(thread_id), True)

    def follow_up_open(self, thread_id: int, chat_id: int) -> bool:
        """Whether the patient of `chat_id` may still reply once to this thread (it was answered or closed)."""
        t = s.inbox_threads.c
        with self.engine.connect() as conn:
            found = conn.execute(
                select(t.id).where(
                    t.id == thread_id,
                    t.chat_id == chat_id,
                    t.follow_up_used.is_(False),
                    t.status.in_(("answered", "closed")),
                )
            ).first()
        return found is not None

    def add_follow_up(self, thread_id: int, chat_id: int, body: str, level: str, now: datetime) -> bool:
        """The patient's one reply (sealed `body`): the thread is new again; False when not allowed (any more)."""
        require_aware(now)
        t = s.inbox_threads.c
        with self.engine.begin() as conn:
            current = conn.execute(select(t.level).where(t.id == thread_id, t.chat_id == chat_id)).scalar()
            if current is None:
                return False
            reopened = conn.execute(
                update(s.inbox_threads)
                .where(
                    t.id == thread_id,
                    t.chat_id == chat_id,
                    t.follow_up_used.is_(False),
                    t.status.in_(("answered", "closed")),
                )
                .values(
                    status="new",
                    revision=t.revision + 1,
                    waiting_since=now,
                    follow_up_used=True,
                    claimed_by=None,
                    claimed_at=None,
                    closed_at=None,
                    closed_by=None,
                    close_reason=None,
                    level=higher_level(str(current), level),
                )
            ).rowcount
            if not reopened:
                return False
            self._add_message(conn, thread_id, chat_id, "patient", None, body, level, now)
        return True

    # -- the console ----------------------------------------------------------------------------

    def list_threads(self, open_only: bool, limit: int = 100) -> list[Thread]:
        """Open threads (new, claimed) oldest waiting first; else the handled ones, latest first. No texts."""
        t, m = s.inbox_threads.c, s.inbox_messages.c
        messages = select(func.count()).where(m.thread_id == t.id).correlate(s.inbox_threads).scalar_subquery()
        undelivered = (
            select(func.count())
            .where(m.thread_id == t.id, m.author == "team", m.status == "failed")
            .correlate(s.inbox_threads)
            .scalar_subquery()
        )
        query = select(s.inbox_threads, messages.label("n"), undelivered.label("undelivered"))
        if open_only:
            query = query.where(t.status.in_(OPEN)).order_by(t.waiting_since, t.id)
        else:
            last = func.coalesce(t.closed_at, t.answered_at, t.created_at)
            query = query.where(t.status.in_(("answered", "closed"))).order_by(last.desc(), t.id.desc())
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [thread_row(r._mapping, int(r._mapping["n"]), int(r._mapping["undelivered"])) for r in rows]

    def read_thread(self, thread_id: int, actor: int, now: datetime) -> ThreadDetail | None:
        """A thread with its (sealed) messages for a staff member; the read is audited. None when unknown."""
        require_aware(now)
        with self.engine.begin() as conn:
            detail = self._detail(conn, thread_id)
            if detail is None:
                return None
            write_audit(conn, now, actor, "inbox-read", f"thread {thread_id}", chat_id=detail.thread.chat_id)
        return detail

    def thread_detail(self, thread_id: int) -> ThreadDetail | None:
        """A thread with its (sealed) messages, not audited: for a page whose opening was (the answer's
        preview and length check, which show the staff member what they already read)."""
        with self.engine.connect() as conn:
            return self._detail(conn, thread_id)

    def claim(self, thread_id: int, actor: int, revision: int, now: datetime) -> StaffAction:
        """Take a thread on (others see who); also taking it over from a colleague. Audited."""
        values = {"status": "claimed", "claimed_by": actor, "claimed_at": now}
        return self._act(thread_id, actor, revision, now, OPEN, values, "inbox-claim", f"thread {thread_id}")

    def answer(
        self,
        thread_id: int,
        actor: int,
        revision: int,
        body: str,
        length: int,
        now: datetime,
        waited: Callable[[datetime], timedelta],
    ) -> StaffAction:
        """Answer (sealed `body`, `length` characters) and queue it for the bot to send, in one transaction.

        Only when the thread is still at `revision`: of two staff answering at once, one answer is stored
        and sent, the other gets `changed` with the thread as the first left it. `waited(since)` is the
        office time since the question came in, for the statistics.
        """
        require_aware(now)
        t = s.inbox_threads.c
        with self.engine.begin() as conn:
            row = conn.execute(select(t.chat_id, t.waiting_since).where(t.id == thread_id)).first()
            if row is None:
                return StaffAction("unknown", None)
            values = {"status": "answered", "answered_at": now, "answered_by": actor, "waiting_since": None}
            if not self._update(conn, thread_id, revision, OPEN, values):
                return StaffAction("changed", self._detail_thread(conn, thread_id))
            chat_id = int(row.chat_id)
            answer_id = self._add_message(conn, thread_id, chat_id, "team", actor, body, "none", now, status="queued")
            write_audit(
                conn,
                now,
                actor,
                "inbox-answer",
                f"thread {thread_id}, answer {answer_id}, {length} characters",
                chat_id=chat_id,
            )
            day = local(now).date()
            _count(conn, day, COUNT_ANSWERED, 1)
            since = as_utc_or_none(row.waiting_since)
            if since is not None:
                _count(conn, day, COUNT_ANSWER_MINUTES, int(waited(since).total_seconds() // 60))
            notify(conn, INBOX)
            return StaffAction("ok", self._detail_thread(conn, thread_id))

    def close(self, thread_id: int, actor: int, revision: int, reason: str, now: datetime) -> StaffAction:
        """Close a thread with one of `CLOSE_REASONS` (a reply is still possible once). Audited."""
        if reason not in CLOSE_REASONS:
            raise ValueError(f"unknown close reason {reason!r}")
        values = {
            "status": "closed",
            "closed_at": now,
            "closed_by": actor,
            "close_reason": reason,
            "waiting_since": None,
        }
        allowed: tuple[ThreadStatus, ...] = ("new", "claimed", "answered")
        return self._act(
            thread_id, actor, revision, now, allowed, values, "inbox-close", f"thread {thread_id}: {reason}"
        )

    def _act(
        self,
        thread_id: int,
        actor: int,
        revision: int,
        now: datetime,
        allowed: tuple[ThreadStatus, ...],
        values: dict[str, Any],
        action: str,
        detail: str,
    ) -> StaffAction:
        require_aware(now)
        with self.engine.begin() as conn:
            if not self._update(conn, thread_id, revision, allowed, values):
                current = self._detail_thread(conn, thread_id)
                return StaffAction("changed" if current else "unknown", current)
            thread = self._detail_thread(conn, thread_id)
            write_audit(conn, now, actor, action, detail, chat_id=thread.chat_id if thread else None)
            return StaffAction("ok", thread)

    @staticmethod
    def _update(
        conn: Connection, thread_id: int, revision: int, allowed: tuple[ThreadStatus, ...], values: dict[str, Any]
    ) -> bool:
        """The conditional UPDATE every staff action is: only from the revision the staff member saw."""
        t = s.inbox_threads.c
        done = conn.execute(
            update(s.inbox_threads)
            .where(t.id == thread_id, t.revision == revision, t.status.in_(allowed))
            .values(revision=t.revision + 1, **values)
        ).rowcount
        return bool(done)

    @staticmethod
    def _detail_thread(conn: Connection, thread_id: int) -> Thread | None:
        row = conn.execute(select(s.inbox_threads).where(s.inbox_threads.c.id == thread_id)).first()
        return thread_row(row._mapping) if row else None

    @staticmethod
    def _detail(conn: Connection, thread_id: int) -> ThreadDetail | None:
        thread = InboxQueries._detail_thread(conn, thread_id)
        if thread is None:
            return None
        m = s.inbox_messages.c
        rows = conn.execute(select(s.inbox_messages).where(m.thread_id == thread_id).order_by(m.id)).all()
        return ThreadDetail(thread, [message_row(r._mapping) for r in rows])

    @staticmethod
    def _add_message(
        conn: Connection,
        thread_id: int,
        chat_id: int,
        author: str,
        staff_id: int | None,
        body: str,
        level: str,
        now: datetime,
        status: DeliveryStatus | None = None,
    ) -> int:
        return int(
            conn.execute(
                insert(s.inbox_messages)
                .values(
                    thread_id=thread_id,
                    chat_id=chat_id,
                    author=author,
                    staff_id=staff_id,
                    body=body,
                    level=level,
                    created_at=now,
                    status=status,
                    attempts=0,
                )
                .returning(s.inbox_messages.c.id)
            ).scalar_one()
        )

    # -- waiting questions, staff notices -------------------------------------------------------

    def waiting(self) -> Waiting:
        """How many questions wait and since when (the oldest), for the metrics and the staff notices."""
        t = s.inbox_threads.c
        with self.engine.connect() as conn:
            new = conn.execute(select(func.count(), func.min(t.waiting_since)).where(t.status == "new")).one()
            open_ = conn.execute(select(func.count(), func.min(t.waiting_since)).where(t.status.in_(OPEN))).one()
        return Waiting(int(new[0]), as_utc_or_none(new[1]), int(open_[0]), as_utc_or_none(open_[1]))

    # -- privacy --------------------------------------------------------------------------------

    def purge(self, now: datetime, days: int) -> dict[str, int]:
        """Delete threads closed (or answered without a reply) more than `days` days ago, with their messages."""
        require_aware(now)
        if days < 1:
            raise ValueError(f"retention must be at least 1 day, not {days}")
        cutoff = now - timedelta(days=days)
        t, m = s.inbox_threads.c, s.inbox_messages.c
        done = or_(
            and_(t.status == "closed", t.closed_at < cutoff),
            and_(t.status == "answered", t.answered_at < cutoff),
        )
        with self.engine.begin() as conn:
            ids = [int(i) for i in conn.execute(select(t.id).where(done)).scalars()]
            if not ids:
                return {"inbox_messages": 0, "inbox_threads": 0}
            messages = conn.execute(delete(s.inbox_messages).where(m.thread_id.in_(ids))).rowcount
            threads = conn.execute(delete(s.inbox_threads).where(t.id.in_(ids))).rowcount
        return {"inbox_messages": messages, "inbox_threads": threads}
