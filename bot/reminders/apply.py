"""Applying import rows (CSV or FHIR) idempotently by external id, with one result per row.

No web code here: the console and `appointments import` both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.reminders.fhir import PendingRow
from bot.reminders.importer import ImportRow, plan_import
from bot.reminders.service import ReminderService
from bot.storage.console_queries import ConsoleQueries
from bot.storage.staff_queries import DuplicatePendingExternalId
from bot.storage.store import DuplicateExternalId, Storage, UnknownPatient


@dataclass(frozen=True)
class RowResult:
    """What happened to one row of an import."""

    line: int
    ok: bool
    message: str


def apply_rows(
    service: ReminderService, queries: ConsoleQueries, rows: list[ImportRow], cancelled: list[tuple[int, str]]
) -> list[RowResult]:
    """Add, move or cancel, idempotently by external id; one result per row.

    Rows are checked by the same planner as `appointments import` first, so an external id of another
    patient, a duplicate in the file or a time that cannot be is refused and never changes anything.
    """
    now = service.clock.now()
    refused: dict[int, str] = {}
    for problem in plan_import(rows, [], service.storage, now).problems:
        refused.setdefault(problem.line, problem.message)
    results = []
    for row in rows:
        if row.line in refused:
            results.append(RowResult(row.line, False, f"{row.external_id}: {refused[row.line]}"))
            continue
        known = service.storage.appointment_by_external_id(row.external_id)
        if known is not None:
            if known.cancelled:
                results.append(RowResult(row.line, True, f"{row.external_id}: cancelled earlier, unchanged"))
            elif known.start_at != row.start_utc and row.start_utc > now:
                service.move_appointment(known.id, row.start_utc)
                results.append(RowResult(row.line, True, f"{row.external_id}: moved"))
            else:
                results.append(RowResult(row.line, True, f"{row.external_id}: already present, unchanged"))
            continue
        if row.start_utc <= now:
            results.append(RowResult(row.line, False, f"{row.external_id}: the appointment is in the past"))
            continue
        try:
            service.add_appointment(row.chat_id, row.type, row.start_utc, "staff", row.external_id)
            results.append(RowResult(row.line, True, f"{row.external_id}: added"))
        except UnknownPatient:
            results.append(RowResult(row.line, False, f"{row.external_id}: the patient has not started the bot"))
        except DuplicateExternalId:
            results.append(RowResult(row.line, True, f"{row.external_id}: already present, unchanged"))
    for line, external_id in cancelled:
        known = service.storage.appointment_by_external_id(external_id)
        waiting = queries.pending_by_external_id(external_id) if known is None else None
        if waiting is not None:
            queries.update_pending(waiting.id, None, cancel=True)
            results.append(RowResult(line, True, f"{external_id}: cancelled (it was waiting for the enrolment)"))
        elif known is None:
            results.append(RowResult(line, True, f"{external_id}: cancelled, not known here: nothing to do"))
        elif known.cancelled:
            results.append(RowResult(line, True, f"{external_id}: already cancelled, unchanged"))
        else:
            service.cancel_appointment(known.id)
            results.append(RowResult(line, True, f"{external_id}: cancelled"))
    return results


def apply_pending(queries: ConsoleQueries, storage: Storage, rows: list[PendingRow], now: datetime) -> list[RowResult]:
    """Appointments for codes not redeemed yet: kept waiting (or moved), idempotently by external id."""
    results = []
    for row in rows:
        waiting = queries.pending_by_external_id(row.external_id)
        if waiting is not None:
            if waiting.start_at != row.start_utc and row.start_utc > now:
                queries.update_pending(waiting.id, row.start_utc, cancel=False)
                results.append(RowResult(row.line, True, f"{row.external_id}: moved (waiting for the enrolment)"))
            else:
                results.append(RowResult(row.line, True, f"{row.external_id}: already present, unchanged"))
            continue
        if row.start_utc <= now:
            results.append(RowResult(row.line, False, f"{row.external_id}: the appointment is in the past"))
            continue
        try:
            storage.staff.add_pending_appointment(row.enrolment_id, row.type, row.start_utc, now, row.external_id)
        except DuplicatePendingExternalId:
            results.append(RowResult(row.line, True, f"{row.external_id}: already present, unchanged"))
            continue
        results.append(RowResult(row.line, True, f"{row.external_id}: added, waiting for the patient's enrolment"))
    return results
