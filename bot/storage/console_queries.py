"""SQL of the staff console: sign-in links, sessions, enrolment listing, concept sign-offs, patient identifiers.

A class over the bot's engine, reached as `Storage.console`; every method is one short transaction
and every staff action is written to the same audit log as the bot's staff tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage import schema as s
from bot.storage.records import Appointment, Enrolment
from bot.storage.rows import appointment_row, dialect_insert, enrolment_row, write_audit
from bot.storage.types import as_utc, require_aware

LinkOutcome = Literal["ok", "unknown", "used", "expired", "refused"]


@dataclass(frozen=True)
class ConsoleSession:
    """A signed-in browser: whose it is and the CSRF token its forms must carry."""

    user_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class SignIn:
    """What redeeming a sign-in link did: the outcome and, when ok, the staff user id."""

    outcome: LinkOutcome
    user_id: int | None = None


@dataclass(frozen=True)
class SignOff:
    """A clinician's sign-off of one alarm concept for one version (hash) of its vocabulary."""

    concept_id: str
    vocabulary_hash: str
    reviewed_by: str
    reviewed_on: date
    signed_by: int | None
    signed_at: datetime


@dataclass(frozen=True)
class PendingAppointment:
    """An appointment waiting for an enrolment code to be redeemed."""

    id: int
    enrolment_id: int
    type: str
    start_at: datetime
    external_id: str | None


class ConsoleQueries:
    """The console's own queries (`Storage.console`); the audit goes through `rows.write_audit` like the staff tools'."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- sign-in links --------------------------------------------------------------------------

    def create_link(
        self, token_hash: str, user_id: int, now: datetime, valid: timedelta, limit: int, window: timedelta
    ) -> bool:
        """Store a sign-in link (its hash); False, storing nothing, when `user_id` made `limit` in `window`."""
        require_aware(now)
        c = s.console_links.c
        with self.engine.begin() as conn:
            # Old links and idle sessions are of no use to anyone: drop them while we are here.
            conn.execute(delete(s.console_links).where(c.expires_at < now - timedelta(days=1)))
            conn.execute(delete(s.console_sessions).where(s.console_sessions.c.last_seen_at < now - timedelta(days=1)))
            recent = conn.execute(
                select(func.count()).where(c.user_id == user_id, c.created_at > now - window)
            ).scalar_one()
            if int(recent) >= limit:
                write_audit(conn, now, user_id, "console-link-refused", "rate limit")
                return False
            conn.execute(
                insert(s.console_links).values(
                    token_hash=token_hash, user_id=user_id, created_at=now, expires_at=now + valid
                )
            )
            write_audit(conn, now, user_id, "console-link", f"valid until {now + valid:%Y-%m-%d %H:%M} UTC")
        return True

    def redeem_link(
        self,
        token_hash: str,
        session_hash: str,
        csrf_token: str,
        now: datetime,
        staff: frozenset[int],
        audit_refusal: bool = True,
    ) -> SignIn:
        """Use a link once: mark it used and, for a member of `staff`, open a session, in one transaction.

        A refusal is audited as one (used, expired, or a user no longer in STAFF_USER_IDS, whose link
        is used up all the same); `audit_refusal=False` when the address is over its limit of failures.
        """
        require_aware(now)
        c = s.console_links.c
        with self.engine.begin() as conn:
            row = conn.execute(select(s.console_links).where(c.token_hash == token_hash).with_for_update()).first()
            if row is None:
                return SignIn("unknown")
            m = row._mapping
            user_id = int(m["user_id"])
            refusal: tuple[LinkOutcome, str] | None = None
            if m["used_at"] is not None:
                refusal = ("used", "link used before")
            elif m["expires_at"] <= now:
                refusal = ("expired", "link expired")
            elif user_id not in staff:
                conn.execute(update(s.console_links).where(c.id == m["id"]).values(used_at=now))
                refusal = ("refused", "not in STAFF_USER_IDS")
            if refusal is not None:
                if audit_refusal:
                    write_audit(conn, now, user_id, "console-signin-refused", refusal[1])
                return SignIn(refusal[0])
            conn.execute(update(s.console_links).where(c.id == m["id"]).values(used_at=now))
            conn.execute(
                insert(s.console_sessions).values(
                    session_hash=session_hash,
                    user_id=user_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            write_audit(conn, now, user_id, "console-signin", "signed in with a one-time link")
            return SignIn("ok", user_id)

    # -- sessions -------------------------------------------------------------------------------

    def touch_session(
        self, session_hash: str, now: datetime, idle: timedelta, lifetime: timedelta, *, extend: bool = True
    ) -> ConsoleSession | None:
        """The live session of this hash, or None; one idle or past its lifetime is deleted (audited).

        `extend`: the request is activity, so the idle clock restarts (a background poll is not).
        """
        require_aware(now)
        c = s.console_sessions.c
        with self.engine.begin() as conn:
            row = conn.execute(select(s.console_sessions).where(c.session_hash == session_hash)).first()
            if row is None:
                return None
            m = row._mapping
            ended = None
            if m["created_at"] <= now - lifetime:
                ended = "session ended after its lifetime"
            elif m["last_seen_at"] <= now - idle:
                ended = "session ended after idle time"
            if ended is not None:
                conn.execute(delete(s.console_sessions).where(c.id == m["id"]))
                write_audit(conn, now, m["user_id"], "console-timeout", ended)
                return None
            seen = m["last_seen_at"]
            if extend:
                conn.execute(update(s.console_sessions).where(c.id == m["id"]).values(last_seen_at=now))
                seen = now
            return ConsoleSession(int(m["user_id"]), m["csrf_token"], m["created_at"], seen)

    def end_session(self, session_hash: str, now: datetime, reason: str = "signed out") -> bool:
        """Sign out: delete the session (audited); False when there was none."""
        c = s.console_sessions.c
        with self.engine.begin() as conn:
            row = conn.execute(select(c.id, c.user_id).where(c.session_hash == session_hash)).first()
            if row is None:
                return False
            conn.execute(delete(s.console_sessions).where(c.id == row.id))
            write_audit(conn, now, int(row.user_id), "console-signout", reason)
        return True

    # -- enrolment ------------------------------------------------------------------------------

    def list_enrolments(self, limit: int = 50) -> list[Enrolment]:
        """The newest enrolment codes (hashes only), newest first."""
        e = s.enrolments.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.enrolments).order_by(e.id.desc()).limit(limit)).all()
        return [enrolment_row(r._mapping) for r in rows]

    def revoke_enrolment(self, enrolment_id: int, actor: int, now: datetime) -> bool:
        """Make an unused code unusable now (audited); False when unknown or already used."""
        require_aware(now)
        e = s.enrolments.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(s.enrolments)
                .where(e.id == enrolment_id, e.redeemed_at.is_(None), e.expires_at > now)
                .values(expires_at=now)
            ).rowcount
            if done:
                conn.execute(
                    delete(s.pending_appointments).where(s.pending_appointments.c.enrolment_id == enrolment_id)
                )
                write_audit(conn, now, actor, "enrol-revoke", f"enrolment {enrolment_id}")
        return bool(done)

    def set_patient_identifier(self, enrolment_id: int, identifier_hash: str) -> bool:
        """Link a hospital identifier (keyed hash) to an enrolment; False when it is linked to another already."""
        with self.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(s.patient_identifiers).values(identifier_hash=identifier_hash, enrolment_id=enrolment_id)
                    )
            except IntegrityError:
                return False
        return True

    def enrolment_by_identifier(self, identifier_hash: str) -> Enrolment | None:
        """The enrolment a hospital identifier (keyed hash) was given for."""
        pi, e = s.patient_identifiers.c, s.enrolments.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.enrolments)
                .join(s.patient_identifiers, pi.enrolment_id == e.id)
                .where(pi.identifier_hash == identifier_hash)
            ).first()
        return enrolment_row(row._mapping) if row else None

    def enrolments_with_identifier(self) -> set[int]:
        """Ids of enrolments that have a hospital identifier."""
        with self.engine.connect() as conn:
            return {int(x) for x in conn.execute(select(s.patient_identifiers.c.enrolment_id)).scalars()}

    # -- appointments ---------------------------------------------------------------------------

    def upcoming_appointments(self, now: datetime, until: datetime) -> list[Appointment]:
        """Appointments between `now` and `until` that are not cancelled, soonest first."""
        a = s.appointments.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.appointments)
                .where(a.start_at > now, a.start_at <= until, a.cancelled_at.is_(None))
                .order_by(a.start_at, a.id)
            ).all()
        return [appointment_row(r._mapping) for r in rows]

    def pending_appointments(self, now: datetime) -> list[PendingAppointment]:
        """Appointments waiting for a code to be redeemed (still ahead), soonest first."""
        p = s.pending_appointments.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.pending_appointments).where(p.start_at > now).order_by(p.start_at, p.id)).all()
        return [
            PendingAppointment(int(m["id"]), int(m["enrolment_id"]), m["type"], m["start_at"], m["external_id"])
            for m in (r._mapping for r in rows)
        ]

    def pending_by_external_id(self, external_id: str) -> PendingAppointment | None:
        """A waiting appointment with this external id."""
        p = s.pending_appointments.c
        with self.engine.connect() as conn:
            row = conn.execute(select(s.pending_appointments).where(p.external_id == external_id)).first()
        if row is None:
            return None
        m = row._mapping
        return PendingAppointment(int(m["id"]), int(m["enrolment_id"]), m["type"], m["start_at"], m["external_id"])

    def update_pending(self, pending_id: int, start_at: datetime | None, cancel: bool) -> bool:
        """Move (new start) or drop (cancel) a waiting appointment."""
        p = s.pending_appointments.c
        with self.engine.begin() as conn:
            if cancel:
                return bool(conn.execute(delete(s.pending_appointments).where(p.id == pending_id)).rowcount)
            return bool(
                conn.execute(
                    update(s.pending_appointments).where(p.id == pending_id).values(start_at=start_at)
                ).rowcount
            )

    # -- concept sign-offs ----------------------------------------------------------------------

    def add_signoff(
        self, concept_id: str, vocabulary_hash: str, reviewed_by: str, reviewed_on: date, actor: int, now: datetime
    ) -> bool:
        """Record a clinician's sign-off (audited); False when this version is signed off already."""
        require_aware(now)
        with self.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(s.concept_signoffs).values(
                            concept_id=concept_id,
                            vocabulary_hash=vocabulary_hash,
                            reviewed_by=reviewed_by,
                            reviewed_on=reviewed_on,
                            signed_by=actor,
                            signed_at=now,
                        )
                    )
            except IntegrityError:
                return False
            detail = f"concept {concept_id} ({vocabulary_hash[:12]}) by {reviewed_by[:60]} on {reviewed_on}"
            write_audit(conn, now, actor, "concept-signoff", detail)
        return True

    def signoffs(self) -> dict[tuple[str, str], SignOff]:
        """Every sign-off by (concept id, vocabulary hash)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.concept_signoffs).order_by(s.concept_signoffs.c.id)).all()
        result: dict[tuple[str, str], SignOff] = {}
        for r in rows:
            m = r._mapping
            result[(m["concept_id"], m["vocabulary_hash"])] = SignOff(
                m["concept_id"],
                m["vocabulary_hash"],
                m["reviewed_by"],
                m["reviewed_on"],
                m["signed_by"],
                m["signed_at"],
            )
        return result

    # -- statistics -----------------------------------------------------------------------------

    def add_daily_count(self, day: date, name: str, n: int) -> None:
        """Add `n` to the count `name` of `day` (alarms by level, questions answered; no text)."""
        d = s.daily_counts.c
        with self.engine.begin() as conn:
            stmt = dialect_insert(conn)(s.daily_counts).values(day=day, name=name, count=n)
            conn.execute(stmt.on_conflict_do_update(index_elements=[d.day, d.name], set_={"count": d.count + n}))

    def daily_counts(self, since: date) -> list[tuple[date, str, int]]:
        """(day, name, count) from `since` on."""
        d = s.daily_counts.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(d.day, d.name, d.count).where(d.day >= since)).all()
        return [(day, str(name), int(count)) for day, name, count in rows]

    def reminder_counts(self, since: datetime) -> list[tuple[datetime, str]]:
        """(due time, status) of reminders due since `since` that are settled (sent, skipped, failed)."""
        r = s.reminders.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(r.due_at, r.status).where(
                    r.due_at >= since, or_(r.status == "sent", r.status == "skipped", r.status == "failed")
                )
            ).all()
        return [(as_utc(d), str(st)) for d, st in rows]

    def broadcast_days(self, since: datetime) -> list[tuple[datetime, int, int]]:
        """(created, recipients, sent) of broadcasts created since `since`."""
        b, o = s.broadcasts.c, s.outbox.c
        sent = (
            select(func.count())
            .where(and_(o.broadcast_id == b.id, o.status == "sent"))
            .correlate(s.broadcasts)
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(select(b.created_at, b.recipients, sent).where(b.created_at >= since)).all()
        return [(as_utc(c), int(n), int(k)) for c, n, k in rows]
