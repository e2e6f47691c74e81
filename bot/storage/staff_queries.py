"""SQL of the staff tools: enrolment codes, broadcasts (queued with their outbox rows), and the audit log.

`StaffQueries` is a class over the bot's engine, reached as `Storage.staff`; every method is one
short transaction. Sending the outbox rows is `bot.storage.outbox_queries` (`Storage.outbox`); the staff
tables' part of the privacy deletion and export is in `bot.storage.chat_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, exists, func, insert, literal, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from bot.storage import schema as s
from bot.storage.records import (
    APPOINTMENT_TYPES,
    AuditEntry,
    Broadcast,
    BroadcastKind,
    BroadcastSummary,
    Enrolment,
    OutboxStatus,
    Redemption,
)
from bot.storage.rows import broadcast_row, dialect_insert, enrolment_row, insert_reminders, write_audit
from bot.storage.signals import OUTBOX, REMINDERS, notify
from bot.storage.types import require_aware

# (appointment type, start) -> [(rule id, due time)]: the reminder rules, passed in by the caller; it raises
# ValueError (the reason, for staff) for an appointment that cannot be planned.
MomentsFor = Callable[[str, datetime], Iterable[tuple[str, datetime]]]
REFUSED_AT_ENROLMENT = "enrol-appointment-refused"  # the audit action staff see on the console's appointments page
TERMINAL: tuple[OutboxStatus, ...] = ("sent", "failed", "blocked", "skipped")


class DuplicatePendingExternalId(ValueError):
    """An appointment (waiting or linked) with this external id exists already."""


def audience_query(audience: str, now: datetime) -> Select[tuple[int]]:
    """Chat ids of an audience: `all` subscribers, or `type:<t>` (subscribers with such an upcoming appointment)."""
    p = s.patients.c
    query = select(p.chat_id).where(p.consent_at.is_not(None), p.active.is_(True), p.broadcasts_enabled.is_(True))
    if audience == "all":
        return query
    kind = audience.removeprefix("type:")
    if not audience.startswith("type:") or kind not in APPOINTMENT_TYPES:
        raise ValueError(f"unknown audience {audience!r}")
    a = s.appointments.c
    upcoming = exists().where(a.chat_id == p.chat_id, a.type == kind, a.start_at > now, a.cancelled_at.is_(None))
    return query.where(upcoming)


class StaffQueries:
    """Enrolment, broadcast and audit queries over the bot's engine (`Storage.staff`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- audit ----------------------------------------------------------------------------------

    def audit(self, now: datetime, actor: int | None, action: str, detail: str, chat_id: int | None = None) -> None:
        """Record a staff action (no patient text, no names); `chat_id`: the patient it concerns (unlinked by /stop)."""
        require_aware(now)
        with self.engine.begin() as conn:
            write_audit(conn, now, actor, action, detail, None, chat_id)

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest audit entries, newest first."""
        return self._audit(select(s.audit_log).order_by(s.audit_log.c.id.desc()).limit(limit))

    def audit_entries_of(self, action: str, since: datetime, limit: int = 50) -> list[AuditEntry]:
        """The newest entries of one action since `since`, newest first (e.g. what enrolment refused)."""
        require_aware(since)
        a = s.audit_log.c
        return self._audit(
            select(s.audit_log).where(a.action == action, a.at >= since).order_by(a.id.desc()).limit(limit)
        )

    def _audit(self, query: Select[Any]) -> list[AuditEntry]:
        with self.engine.connect() as conn:
            rows = conn.execute(query)
            return [
                AuditEntry(
                    id=int(m["id"]),
                    at=m["at"],
                    actor=m["actor"],
                    action=m["action"],
                    detail=m["detail"],
                    broadcast_id=m["broadcast_id"],
                    chat_id=m["chat_id"],
                )
                for m in (r._mapping for r in rows)
            ]

    # -- enrolment ------------------------------------------------------------------------------

    def create_enrolment(
        self, code_hash: str, created_by: int | None, now: datetime, expires_at: datetime
    ) -> Enrolment:
        """Store a new code (its hash only) and audit it."""
        require_aware(now)
        require_aware(expires_at)
        with self.engine.begin() as conn:
            new_id = conn.execute(
                insert(s.enrolments)
                .values(code_hash=code_hash, created_at=now, expires_at=expires_at, created_by=created_by)
                .returning(s.enrolments.c.id)
            ).scalar_one()
            write_audit(conn, now, created_by, "enrol-create", f"enrolment {new_id}, valid until {expires_at:%Y-%m-%d}")
            row = conn.execute(select(s.enrolments).where(s.enrolments.c.id == new_id)).one()
        return enrolment_row(row._mapping)

    def enrolment_by_hash(self, code_hash: str) -> Enrolment | None:
        """The enrolment of a code hash, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.enrolments).where(s.enrolments.c.code_hash == code_hash)).first()
        return enrolment_row(row._mapping) if row else None

    def add_pending_appointment(
        self, enrolment_id: int, type: str, start_at: datetime, now: datetime, external_id: str | None = None
    ) -> int:
        """Keep an appointment for a code not redeemed yet; it moves to the chat at redemption."""
        require_aware(start_at)
        require_aware(now)
        with self.engine.begin() as conn:
            if external_id is not None and (
                conn.execute(select(s.appointments.c.id).where(s.appointments.c.external_id == external_id)).first()
                or conn.execute(
                    select(s.pending_appointments.c.id).where(s.pending_appointments.c.external_id == external_id)
                ).first()
            ):
                raise DuplicatePendingExternalId(external_id)
            return int(
                conn.execute(
                    insert(s.pending_appointments)
                    .values(
                        enrolment_id=enrolment_id,
                        type=type,
                        start_at=start_at,
                        external_id=external_id,
                        created_at=now,
                    )
                    .returning(s.pending_appointments.c.id)
                ).scalar_one()
            )

    def pending_appointments_of(self, enrolment_id: int) -> int:
        """How many appointments wait for this enrolment's redemption."""
        pa = s.pending_appointments.c
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(s.pending_appointments).where(pa.enrolment_id == enrolment_id)
            return int(conn.execute(query).scalar_one())

    def redeem_enrolment(
        self, code_hash: str, chat_id: int, language: str, now: datetime, moments_for: MomentsFor
    ) -> Redemption:
        """Link the chat to the enrolment, record consent and move waiting appointments, all or nothing.

        Unknown, used and expired codes change nothing. The row is re-checked under the write lock
        (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), so a code is redeemed at most once.
        """
        require_aware(now)
        e = s.enrolments.c
        with self.engine.begin() as conn:
            row = conn.execute(select(s.enrolments).where(e.code_hash == code_hash).with_for_update()).first()
            if row is None:
                return Redemption("unknown")
            enrolment = enrolment_row(row._mapping)
            if enrolment.redeemed_at is not None:
                return Redemption("used")
            if enrolment.expires_at <= now:
                return Redemption("expired")
            conn.execute(
                dialect_insert(conn)(s.patients)
                .values(
                    chat_id=chat_id,
                    language=language,
                    consent_at=now,
                    broadcasts_enabled=True,
                    active=True,
                    created_at=now,
                )
                .on_conflict_do_update(index_elements=[s.patients.c.chat_id], set_={"consent_at": now, "active": True})
            )
            conn.execute(update(s.enrolments).where(e.id == enrolment.id).values(redeemed_at=now, chat_id=chat_id))
            moved, refused = self._move_pending(conn, enrolment.id, chat_id, now, moments_for)
            if moved:
                notify(conn, REMINDERS)
            write_audit(
                conn, now, None, "enrol-redeem", f"enrolment {enrolment.id}, {moved} appointment(s)", None, chat_id
            )
        return Redemption("ok", moved, refused)

    def _move_pending(
        self, conn: Connection, enrolment_id: int, chat_id: int, now: datetime, moments_for: MomentsFor
    ) -> tuple[int, int]:
        """Move the waiting appointments to the chat: (moved, refused).

        A row that cannot be planned (`moments_for` raises ValueError with the reason, or its external
        id was taken meanwhile) never fails the enrolment: it is left out and audited for staff.
        """
        pa = s.pending_appointments.c
        rows = conn.execute(select(s.pending_appointments).where(pa.enrolment_id == enrolment_id)).all()
        moved = refused = 0
        for row in rows:
            m = row._mapping
            start: datetime = m["start_at"]
            if start <= now:  # an appointment that passed while the code waited is dropped
                continue
            try:
                with conn.begin_nested():
                    self._move_one(conn, m, chat_id, now, moments_for)
                moved += 1
            except (ValueError, ArithmeticError, LookupError, IntegrityError) as exc:
                refused += 1
                reason = (
                    str(exc) if isinstance(exc, ValueError) else f"cannot plan its reminders ({type(exc).__name__})"
                )
                external = f" ({m['external_id']})" if m["external_id"] else ""
                detail = f"enrolment {enrolment_id}: waiting appointment {m['id']}{external} not planned: {reason}"
                write_audit(conn, now, None, REFUSED_AT_ENROLMENT, detail, None, chat_id)
        conn.execute(delete(s.pending_appointments).where(pa.enrolment_id == enrolment_id))
        return moved, refused

    def _move_one(self, conn: Connection, m: Any, chat_id: int, now: datetime, moments_for: MomentsFor) -> None:
        external_id = m["external_id"]
        if external_id is not None:
            taken = select(s.appointments.c.id).where(s.appointments.c.external_id == external_id)
            if conn.execute(taken).first() is not None:
                raise ValueError(f"external_id {external_id!r} belongs to another patient's appointment")
        moments = list(moments_for(m["type"], m["start_at"]))  # raises ValueError for what cannot be planned
        new_id = conn.execute(
            insert(s.appointments)
            .values(
                chat_id=chat_id,
                type=m["type"],
                start_at=m["start_at"],
                source="staff",
                external_id=external_id,
                created_at=now,
            )
            .returning(s.appointments.c.id)
        ).scalar_one()
        insert_reminders(conn, new_id, moments)

    def purge_enrolments(self, now: datetime) -> int:
        """Delete codes that expired unredeemed, with their waiting appointments; return how many codes."""
        require_aware(now)
        e = s.enrolments.c
        with self.engine.begin() as conn:
            stale = select(e.id).where(e.redeemed_at.is_(None), e.expires_at <= now)
            conn.execute(delete(s.pending_appointments).where(s.pending_appointments.c.enrolment_id.in_(stale)))
            conn.execute(delete(s.patient_identifiers).where(s.patient_identifiers.c.enrolment_id.in_(stale)))
            return int(conn.execute(delete(s.enrolments).where(e.redeemed_at.is_(None), e.expires_at <= now)).rowcount)

    # -- broadcasts -----------------------------------------------------------------------------

    def count_audience(self, audience: str, now: datetime) -> int:
        """How many chats a broadcast to `audience` would reach now (for the preview)."""
        require_aware(now)
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(func.count()).select_from(audience_query(audience, now).subquery())).scalar_one()
            )

    def create_broadcast(
        self,
        *,
        now: datetime,
        created_by: int | None,
        kind: BroadcastKind,
        audience: str,
        text: str | None = None,
        chapter_ids: Iterable[str] = (),
        content_version: str | None = None,
        urgent: bool = False,
        report_chat_id: int | None = None,
        origin: str | None = None,
    ) -> Broadcast:
        """Store a confirmed broadcast, one outbox row per recipient, and its audit entry, in one transaction."""
        require_aware(now)
        chapters = ",".join(chapter_ids)
        with self.engine.begin() as conn:
            bid = conn.execute(
                insert(s.broadcasts)
                .values(
                    created_at=now,
                    created_by=created_by,
                    kind=kind,
                    text=text,
                    chapter_ids=chapters or None,
                    content_version=content_version,
                    audience=audience,
                    urgent=urgent,
                    recipients=0,
                    status="sending",
                    report_chat_id=report_chat_id,
                )
                .returning(s.broadcasts.c.id)
            ).scalar_one()
            recipients = audience_query(audience, now).add_columns(
                literal(bid).label("broadcast_id"), literal("queued").label("status"), literal(0).label("attempts")
            )
            conn.execute(insert(s.outbox).from_select(["chat_id", "broadcast_id", "status", "attempts"], recipients))
            # Counted, not rowcount: drivers may report -1 for INSERT … SELECT.
            inserted = conn.execute(
                select(func.count()).select_from(s.outbox).where(s.outbox.c.broadcast_id == bid)
            ).scalar_one()
            conn.execute(update(s.broadcasts).where(s.broadcasts.c.id == bid).values(recipients=inserted))
            notify(conn, OUTBOX)
            what = f"text ({len(text or '')} chars)" if kind == "text" else f"{kind} {chapters} @ {content_version}"
            flags = (", urgent" if urgent else "") + (f"; {origin}" if origin else "")
            write_audit(
                conn, now, created_by, "broadcast", f"{what}; audience {audience}; {inserted} recipients{flags}", bid
            )
            row = conn.execute(select(s.broadcasts).where(s.broadcasts.c.id == bid)).one()
        return broadcast_row(row._mapping)

    def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        """The broadcast with this id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.broadcasts).where(s.broadcasts.c.id == broadcast_id)).first()
        return broadcast_row(row._mapping) if row else None

    def broadcast_summary(self, broadcast_id: int) -> BroadcastSummary | None:
        """One broadcast with its counts so far (None when there is no such broadcast)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(s.broadcasts).where(s.broadcasts.c.id == broadcast_id)).first()
            return None if row is None else self._summary(conn, broadcast_row(row._mapping))

    def list_broadcasts(self, limit: int = 20) -> list[BroadcastSummary]:
        """The newest broadcasts with their counts so far."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.broadcasts).order_by(s.broadcasts.c.id.desc()).limit(limit)).all()
            return [self._summary(conn, broadcast_row(r._mapping)) for r in rows]

    @staticmethod
    def _summary(conn: Connection, broadcast: Broadcast) -> BroadcastSummary:
        o = s.outbox.c
        counts: dict[str, int] = dict(
            conn.execute(select(o.status, func.count()).where(o.broadcast_id == broadcast.id).group_by(o.status)).all()
        )
        return BroadcastSummary(
            broadcast,
            sent=int(counts.get("sent", 0)),
            failed=int(counts.get("failed", 0)),
            blocked=int(counts.get("blocked", 0)),
            skipped=int(counts.get("skipped", 0)),
        )

    def finish_broadcasts(self, now: datetime) -> list[BroadcastSummary]:
        """Mark broadcasts whose rows are all done as finished; return their reports (each to one caller only)."""
        require_aware(now)
        b, o = s.broadcasts.c, s.outbox.c
        open_rows = exists().where(o.broadcast_id == b.id, o.status.in_(("queued", "sending")))
        done: list[BroadcastSummary] = []
        with self.engine.begin() as conn:
            ids = conn.execute(select(b.id).where(b.status == "sending", ~open_rows)).scalars().all()
            for bid in ids:
                won = conn.execute(
                    update(s.broadcasts)
                    .where(b.id == bid, b.status == "sending")
                    .values(status="done", finished_at=now)
                ).rowcount
                if not won:
                    continue
                row = conn.execute(select(s.broadcasts).where(b.id == bid)).one()
                summary = self._summary(conn, broadcast_row(row._mapping))
                detail = (
                    f"done: {summary.sent} sent, {summary.failed} failed, {summary.blocked} blocked, "
                    f"{summary.skipped} skipped in {summary.duration_seconds:.0f} s"
                )
                write_audit(conn, now, None, "broadcast-done", detail, bid)
                done.append(summary)
        return done
