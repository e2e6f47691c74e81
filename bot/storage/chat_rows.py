"""Everything stored about one chat, across the tables: its deletion and its export (AVG/GDPR).

`Storage.delete_chat` and `Storage.export_chat` run these in one transaction; each area's tables have
their own part (patients and appointments, the staff tools, the questions to the team).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from bot.storage import schema as s
from bot.storage.rows import plain


def delete_chat_rows(conn: Connection, chat_id: int) -> dict[str, int]:
    """Delete everything stored about a chat (in the caller's transaction); the rows deleted per table."""
    ids = select(s.appointments.c.id).where(s.appointments.c.chat_id == chat_id)
    return {
        "reminders": conn.execute(delete(s.reminders).where(s.reminders.c.appointment_id.in_(ids))).rowcount,
        "appointments": conn.execute(delete(s.appointments).where(s.appointments.c.chat_id == chat_id)).rowcount,
        "patients": conn.execute(delete(s.patients).where(s.patients.c.chat_id == chat_id)).rowcount,
        "dialogs": conn.execute(delete(s.dialog_state).where(s.dialog_state.c.chat_id == chat_id)).rowcount,
        **delete_staff_rows(conn, chat_id),
        **delete_inbox_rows(conn, chat_id),
    }


def export_chat_rows(conn: Connection, chat_id: int) -> dict[str, Any]:
    """Everything stored about a chat, as JSON-ready data (times as ISO 8601 UTC)."""
    patient = conn.execute(select(s.patients).where(s.patients.c.chat_id == chat_id)).first()
    appts = conn.execute(
        select(s.appointments).where(s.appointments.c.chat_id == chat_id).order_by(s.appointments.c.id)
    ).all()
    rems = conn.execute(
        select(s.reminders).where(s.reminders.c.appointment_id.in_([a.id for a in appts])).order_by(s.reminders.c.id)
    ).all()
    staff_rows = export_staff_rows(conn, chat_id)
    inbox_rows = export_inbox_rows(conn, chat_id)
    dialogs = conn.execute(select(s.dialog_state).where(s.dialog_state.c.chat_id == chat_id)).all()
    return {
        "patient": plain(patient) if patient else None,
        "appointments": [plain(a) for a in appts],
        "reminders": [plain(r) for r in rems],
        "dialogs": [plain(d) for d in dialogs],
        **staff_rows,
        **inbox_rows,
    }


SCRUBBED = "detail deleted with the patient's data (/stop)"


def delete_staff_rows(conn: Connection, chat_id: int) -> dict[str, int]:
    """Part of `delete_chat_rows`: outbox rows, the enrolment link, and the chat in audit entries.

    An audit entry about the chat keeps what was done, when and by whom, but loses the chat and its
    detail (which may name an appointment's id, type or external id): nothing of the patient is left.
    """
    e = s.enrolments.c
    linked = select(e.id).where(e.chat_id == chat_id)
    conn.execute(delete(s.pending_appointments).where(s.pending_appointments.c.enrolment_id.in_(linked)))
    identifiers = delete(s.patient_identifiers).where(s.patient_identifiers.c.enrolment_id.in_(linked))
    return {
        "patient_identifiers": conn.execute(identifiers).rowcount,
        "outbox": conn.execute(delete(s.outbox).where(s.outbox.c.chat_id == chat_id)).rowcount,
        "enrolments": conn.execute(delete(s.enrolments).where(e.chat_id == chat_id)).rowcount,
        "audit_references": conn.execute(
            update(s.audit_log).where(s.audit_log.c.chat_id == chat_id).values(chat_id=None, detail=SCRUBBED)
        ).rowcount,
    }


def export_staff_rows(conn: Connection, chat_id: int) -> dict[str, Any]:
    """Part of `export_chat_rows`: every stored field of the staff tables about the chat (no secrets).

    Its enrolments (with the keyed hash of the hospital patient number linked to them, and any
    appointment still waiting), its broadcast deliveries and the audit entries about it; and, when the
    chat is a staff member's, what they did: audit entries, broadcasts, enrolment codes, console
    sign-ins and sign-offs (secrets of live sessions left out).
    """
    e, o, a = s.enrolments.c, s.outbox.c, s.audit_log.c
    linked = select(e.id).where(e.chat_id == chat_id)
    pi, pa = s.patient_identifiers.c, s.pending_appointments.c
    links, sessions = s.console_links.c, s.console_sessions.c
    b = s.broadcasts.c

    def rows(query: Select[Any]) -> list[dict[str, Any]]:
        return [plain(r) for r in conn.execute(query).all()]

    return {
        # Every field but the code's hash: a secret of the code, not data about the patient.
        "enrolments": rows(
            select(*(c for c in s.enrolments.c if c.name != "code_hash")).where(e.chat_id == chat_id).order_by(e.id)
        ),
        "hospital_patient_numbers": rows(
            select(pi.enrolment_id, pi.identifier_hash).where(pi.enrolment_id.in_(linked)).order_by(pi.enrolment_id)
        ),
        "waiting_appointments": rows(select(s.pending_appointments).where(pa.enrolment_id.in_(linked)).order_by(pa.id)),
        "broadcast_deliveries": rows(select(s.outbox).where(o.chat_id == chat_id).order_by(o.id)),
        "audit_references": rows(select(s.audit_log).where(a.chat_id == chat_id).order_by(a.id)),
        # When the chat is a staff member's: what they did.
        "staff_audit_entries": rows(select(s.audit_log).where(a.actor == chat_id).order_by(a.id)),
        "staff_broadcasts": rows(
            select(s.broadcasts).where(or_(b.created_by == chat_id, b.report_chat_id == chat_id)).order_by(b.id)
        ),
        "staff_enrolments_created": rows(
            select(e.id, e.created_at, e.expires_at, e.redeemed_at).where(e.created_by == chat_id).order_by(e.id)
        ),
        "staff_console_links": rows(
            select(links.created_at, links.expires_at, links.used_at).where(links.user_id == chat_id)
        ),
        "staff_console_sessions": rows(
            select(sessions.created_at, sessions.last_seen_at).where(sessions.user_id == chat_id)
        ),
        "staff_concept_signoffs": rows(select(s.concept_signoffs).where(s.concept_signoffs.c.signed_by == chat_id)),
    }


def delete_inbox_rows(conn: Connection, chat_id: int) -> dict[str, int]:
    """Part of `delete_chat_rows`: every question, follow-up and answer of the chat."""
    return {
        "inbox_messages": conn.execute(delete(s.inbox_messages).where(s.inbox_messages.c.chat_id == chat_id)).rowcount,
        "inbox_threads": conn.execute(delete(s.inbox_threads).where(s.inbox_threads.c.chat_id == chat_id)).rowcount,
    }


def export_inbox_rows(conn: Connection, chat_id: int) -> dict[str, list[dict[str, Any]]]:
    """Part of `export_chat_rows`: the chat's threads and messages (texts sealed; the command line opens them)."""
    t, m = s.inbox_threads.c, s.inbox_messages.c
    threads = conn.execute(select(s.inbox_threads).where(t.chat_id == chat_id).order_by(t.id)).all()
    messages = conn.execute(
        select(m.id, m.thread_id, m.author, m.body, m.level, m.created_at, m.status, m.sent_at)
        .where(m.chat_id == chat_id)
        .order_by(m.id)
    ).all()
    return {"inbox_threads": [plain(r) for r in threads], "inbox_messages": [plain(r) for r in messages]}
