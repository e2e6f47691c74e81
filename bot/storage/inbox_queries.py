"""SQL of the questions to the team (`Storage.inbox`): threads, their encrypted messages, delivery of answers.

Texts arrive here sealed (bot.inbox.crypto) and leave sealed: this module never sees a plain text.
Staff act on the revision of a thread they saw: claim, answer and close are one conditional UPDATE
each (`WHERE revision = :seen`), so of two staff members answering at once exactly one succeeds and
the other is told what happened, on any number of console processes. A team answer is then
delivered like a reminder: claimed with `claim_rows`, sent once, recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.clock import local
from bot.storage import schema as s
from bot.storage.claims import claim_rows
from bot.storage.rows import dialect_insert, plain, write_audit
from bot.storage.signals import INBOX, notify
from bot.storage.types import as_utc, as_utc_or_none, require_aware

ThreadStatus = Literal["new", "claimed", "answered", "closed"]
OPEN: tuple[ThreadStatus, ...] = ("new", "claimed")
# Why staff close a thread: fixed codes (texts in the console), so no free text is ever stored for it.
CLOSE_REASONS = ("answered_by_phone", "duplicate", "not_a_question", "referred", "other")
Outcome = Literal["ok", "changed", "unknown"]
DeliveryStatus = Literal["queued", "sending", "sent", "failed"]
# Counts per day for the console's statistics (numbers only; they outlive the purged threads).
COUNT_ASKED, COUNT_ANSWERED, COUNT_ANSWER_MINUTES = "team_questions", "team_answered", "team_answer_minutes"
_LEVELS = ("none", "urgent", "seh", "emergency")  # the triage levels, lowest first (bot.triage.levels)


def higher_level(a: str, b: str) -> str:
    """The more urgent of two triage level labels (an unknown label counts as urgent: when in doubt, flag)."""
    rank = {label: i for i, label in enumerate(_LEVELS)}
    return a if rank.get(a, 1) >= rank.get(b, 1) else b


@dataclass(frozen=True)
class Thread:
    """One question of a patient to the team, without its texts."""

    id: int
    chat_id: int
    language: str
    level: str
    status: ThreadStatus
    revision: int
    created_at: datetime
    waiting_since: datetime | None
    claimed_by: int | None
    claimed_at: datetime | None
    answered_at: datetime | None
    answered_by: int | None
    closed_at: datetime | None
    closed_by: int | None
    close_reason: str | None
    follow_up_used: bool
    messages: int = 0
    undelivered: int = 0  # team answers that failed to reach the patient


@dataclass(frozen=True)
class InboxMessage:
    """One message of a thread: the patient's (question, follow-up) or the team's answer; `body` is sealed."""

    id: int
    thread_id: int
    author: Literal["patient", "team"]
    staff_id: int | None
    body: str
    level: str
    created_at: datetime
    status: str | None
    sent_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class ThreadDetail:
    """A thread with its messages, oldest first."""

    thread: Thread
    messages: list[InboxMessage]


@dataclass(frozen=True)
class Opened:
    """What asking did: the thread, and whether it is new (False: this message was sent before)."""

    thread_id: int
    created: bool


@dataclass(frozen=True)
class StaffAction:
    """The outcome of a claim, answer or close, and the thread as it is now (who got there first)."""

    outcome: Outcome
    thread: Thread | None


@dataclass(frozen=True)
class ClaimedAnswer:
    """A team answer claimed for delivery, with what rendering it needs (texts sealed)."""

    message_id: int
    thread_id: int
    chat_id: int
    language: str
    body: str
    question: str | None  # the patient's message it answers
    asked_at: datetime | None
    attempts: int
    follow_up_open: bool  # the patient may still reply once


@dataclass(frozen=True)
class Waiting:
    """Questions waiting for the team: new ones (nobody claimed them) and all unanswered ones."""

    new: int
    oldest_new: datetime | None
    open: int
    oldest_open: datetime | None


def _thread(m: Any, messages: int = 0, undelivered: int = 0) -> Thread:
    return Thread(
        id=int(m["id"]),
        chat_id=int(m["chat_id"]),
        language=m["language"],
        level=m["level"],
        status=m["status"],
        revision=int(m["revision"]),
        created_at=as_utc(m["created_at"]),
        waiting_since=as_utc_or_none(m["waiting_since"]),
        claimed_by=m["claimed_by"],
        claimed_at=as_utc_or_none(m["claimed_at"]),
        answered_at=as_utc_or_none(m["answered_at"]),
        answered_by=m["answered_by"],
        closed_at=as_utc_or_none(m["closed_at"]),
        closed_by=m["closed_by"],
        close_reason=m["close_reason"],
        follow_up_used=bool(m["follow_up_used"]),
        messages=messages,
        undelivered=undelivered,
    )


def _message(m: Any) -> InboxMessage:
    return InboxMessage(
        id=int(m["id"]),
        thread_id=int(m["thread_id"]),
        author=m["author"],
        staff_id=m["staff_id"],
        body=m["body"],
        level=m["level"],
        created_at=as_utc(m["created_at"]),
        status=m["status"],
        sent_at=as_utc_or_none(m["sent_at"]),
        error=m["error"],
    )


def _count(conn: Connection, day: date, name: str, n: int) -> None:
    """Add `n` to a daily count for the statistics page, in the caller's transaction."""
    d = s.daily_counts.c
    stmt = dialect_insert(conn)(s.daily_counts).values(day=day, name=name, count=n)
    conn.execute(stmt.on_conflict_do_update(index_elements=[d.day, d.name], set_={"count": d.count + n}))


class InboxQueries:
    """Threads, messages, staff actions, delivery and notices of the questions to the team."""

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
        return [_thread(r._mapping, int(r._mapping["n"]), int(r._mapping["undelivered"])) for r in rows]

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
        return _thread(row._mapping) if row else None

    @staticmethod
    def _detail(conn: Connection, thread_id: int) -> ThreadDetail | None:
        thread = InboxQueries._detail_thread(conn, thread_id)
        if thread is None:
            return None
        m = s.inbox_messages.c
        rows = conn.execute(select(s.inbox_messages).where(m.thread_id == thread_id).order_by(m.id)).all()
        return ThreadDetail(thread, [_message(r._mapping) for r in rows])

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

    # -- waiting questions, staff notices -------------------------------------------------------

    def waiting(self) -> Waiting:
        """How many questions wait and since when (the oldest), for the metrics and the staff notices."""
        t = s.inbox_threads.c
        with self.engine.connect() as conn:
            new = conn.execute(select(func.count(), func.min(t.waiting_since)).where(t.status == "new")).one()
            open_ = conn.execute(select(func.count(), func.min(t.waiting_since)).where(t.status.in_(OPEN))).one()
        return Waiting(int(new[0]), as_utc_or_none(new[1]), int(open_[0]), as_utc_or_none(open_[1]))

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


def delete_inbox_rows(conn: Connection, chat_id: int) -> dict[str, int]:
    """Part of `Storage.delete_chat`: every question, follow-up and answer of the chat."""
    return {
        "inbox_messages": conn.execute(delete(s.inbox_messages).where(s.inbox_messages.c.chat_id == chat_id)).rowcount,
        "inbox_threads": conn.execute(delete(s.inbox_threads).where(s.inbox_threads.c.chat_id == chat_id)).rowcount,
    }


def export_inbox_rows(conn: Connection, chat_id: int) -> dict[str, list[dict[str, Any]]]:
    """Part of `Storage.export_chat`: the chat's threads and messages (texts sealed; the command line opens them)."""
    t, m = s.inbox_threads.c, s.inbox_messages.c
    threads = conn.execute(select(s.inbox_threads).where(t.chat_id == chat_id).order_by(t.id)).all()
    messages = conn.execute(
        select(m.id, m.thread_id, m.author, m.body, m.level, m.created_at, m.status, m.sent_at)
        .where(m.chat_id == chat_id)
        .order_by(m.id)
    ).all()
    return {"inbox_threads": [plain(r) for r in threads], "inbox_messages": [plain(r) for r in messages]}
