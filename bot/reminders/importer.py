"""Importing appointments: read every row, check them all, then apply all or nothing.

One pipeline for every source and both places it is used (`appointments import` on the command
line and the console's upload)::

    batch = read_csv_data(name, data, limits)         # bot.reminders.import_rows, or fhir.read_bundle; any ImportBatch
    plan = plan_import(batch, StorageLookup(storage), now)  # every check, nothing written
    if plan.problems: report them (each with its line) and stop, or apply only the good rows (--partial)
    result = apply_import(storage, plan, rules, now)    # one transaction

An `ImportRow` is one appointment for a chat, a `PendingRow` one for an enrolment code not redeemed
yet, a `CancelRow` a cancellation; each knows where it came from (`source`, `line`: a file and line,
or a bundle and entry number). A `Problem` (bot.yamlsrc) is a message with the same location. The
fields are checked by bot.reminders.validation, the same rules as the console's form and `/afspraak`.
The format of the files is documented in docs/IMPORT.md, with an example in docs/afspraken-voorbeeld.csv.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.reminders.import_rows import CancelRow, ImportBatch, ImportRow, PendingRow
from bot.reminders.rules import ReminderRules, reminder_moments
from bot.reminders.validation import check_start
from bot.storage.console_queries import PendingAppointment
from bot.storage.imports import (
    ImportConflict,
    NewAppointment,
    NewPending,
    PendingMove,
    Reschedule,
    import_appointments,
)
from bot.storage.records import Appointment, Patient
from bot.storage.store import Storage
from bot.yamlsrc import Problem


class ImportLookup(Protocol):
    """What planning needs to read (`StorageLookup` over the database)."""

    def appointment_by_external_id(self, external_id: str) -> Appointment | None: ...

    def pending_by_external_id(self, external_id: str) -> PendingAppointment | None: ...

    def get_patient(self, chat_id: int) -> Patient | None: ...


class StorageLookup:
    """`ImportLookup` over the bot's database."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def appointment_by_external_id(self, external_id: str) -> Appointment | None:
        """The appointment with this external id."""
        return self.storage.appointment_by_external_id(external_id)

    def pending_by_external_id(self, external_id: str) -> PendingAppointment | None:
        """The appointment waiting for an enrolment with this external id."""
        return self.storage.console.pending_by_external_id(external_id)

    def get_patient(self, chat_id: int) -> Patient | None:
        """The patient of a chat."""
        return self.storage.get_patient(chat_id)


@dataclass(frozen=True)
class RowResult:
    """What happens (or happened) to one row: shown per row in the console, counted on the command line."""

    line: int
    ok: bool
    message: str


@dataclass
class ImportPlan:
    """What an import would do, and every problem; nothing is written while planning."""

    add: list[ImportRow] = field(default_factory=list)
    move: list[tuple[ImportRow, Appointment]] = field(default_factory=list)
    unchanged: list[ImportRow | PendingRow] = field(default_factory=list)
    wait: list[PendingRow] = field(default_factory=list)
    wait_move: list[tuple[PendingRow, PendingAppointment]] = field(default_factory=list)
    cancel: list[tuple[CancelRow, Appointment]] = field(default_factory=list)
    drop: list[tuple[CancelRow, PendingAppointment]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outcomes: list[RowResult] = field(default_factory=list)  # the good rows, each with what it does

    @property
    def bad_lines(self) -> int:
        """How many distinct rows have a problem."""
        return len({(p.file, p.line) for p in self.problems})

    def results(self) -> list[RowResult]:
        """Every row's outcome and every problem, by line."""
        bad = [RowResult(p.line, False, p.message) for p in self.problems]
        return sorted(self.outcomes + bad, key=lambda r: (r.line, r.ok))


def plan_import(batch: ImportBatch, lookup: ImportLookup, now: datetime) -> ImportPlan:
    """Check every row against the others and the database: add, move, unchanged, cancel, or a problem."""
    plan = ImportPlan(problems=list(batch.problems))
    located: list[ImportRow | PendingRow | CancelRow] = [*batch.rows, *batch.pending, *batch.cancelled]
    lines: dict[str, list[int]] = {}
    for row in sorted(located, key=lambda r: r.line):
        lines.setdefault(row.external_id, []).append(row.line)
    for row in located:
        seen = lines[row.external_id]
        if len(seen) > 1:
            others = ", ".join(str(n) for n in seen if n != row.line)
            plan.problems.append(
                Problem(row.source, row.line, f"external_id {row.external_id!r} is also on line {others}")
            )
            continue
        if isinstance(row, ImportRow):
            problem = _check_row(row, lookup, now, plan)
        elif isinstance(row, PendingRow):
            problem = _check_pending(row, lookup, now, plan)
        else:
            problem = _check_cancel(row, lookup, plan)
        if problem:
            plan.problems.append(Problem(row.source, row.line, problem))
    plan.problems.sort()
    return plan


def _ok(plan: ImportPlan, line: int, external_id: str, what: str) -> None:
    plan.outcomes.append(RowResult(line, True, f"{external_id}: {what}"))


def _check_row(row: ImportRow, lookup: ImportLookup, now: datetime, plan: ImportPlan) -> str | None:
    waiting = lookup.pending_by_external_id(row.external_id)
    if waiting is not None:
        return f"external_id {row.external_id!r} belongs to an appointment waiting for another patient's enrolment"
    known = lookup.appointment_by_external_id(row.external_id)
    if known is None:
        why = check_start(row.start_utc, now)
        if why:
            return why
        if lookup.get_patient(row.chat_id) is None:
            return f"chat {row.chat_id} has not started the bot (no consent yet)"
        plan.add.append(row)
        _ok(plan, row.line, row.external_id, "added")
        return None
    if known.chat_id != row.chat_id:
        return f"external_id {row.external_id!r} belongs to another patient's appointment ({known.id})"
    if known.type != row.type:
        return f"external_id {row.external_id!r} is a {known.type} appointment, not {row.type}; cancel it and add a new one"
    if known.cancelled:
        plan.unchanged.append(row)
        _ok(plan, row.line, row.external_id, "cancelled earlier, unchanged")
        return None
    if known.start_at == row.start_utc:
        plan.unchanged.append(row)
        _ok(plan, row.line, row.external_id, "already present, unchanged")
        return None
    why = check_start(row.start_utc, now)
    if why:
        return f"the new time: {why}"
    plan.move.append((row, known))
    _ok(plan, row.line, row.external_id, "moved")
    return None


def _check_pending(row: PendingRow, lookup: ImportLookup, now: datetime, plan: ImportPlan) -> str | None:
    if lookup.appointment_by_external_id(row.external_id) is not None:
        return f"external_id {row.external_id!r} belongs to another patient's appointment"
    waiting = lookup.pending_by_external_id(row.external_id)
    if waiting is not None and waiting.enrolment_id != row.enrolment_id:
        return f"external_id {row.external_id!r} belongs to an appointment waiting for another enrolment"
    if waiting is not None and waiting.type != row.type:
        return f"external_id {row.external_id!r} is a {waiting.type} appointment, not {row.type}; cancel it and add a new one"
    if waiting is not None and waiting.start_at == row.start_utc:
        plan.unchanged.append(row)
        _ok(plan, row.line, row.external_id, "already present, unchanged")
        return None
    why = check_start(row.start_utc, now)
    if why:
        return why if waiting is None else f"the new time: {why}"
    if waiting is None:
        plan.wait.append(row)
        _ok(plan, row.line, row.external_id, "added, waiting for the patient's enrolment")
    else:
        plan.wait_move.append((row, waiting))
        _ok(plan, row.line, row.external_id, "moved (waiting for the enrolment)")
    return None


def _check_cancel(row: CancelRow, lookup: ImportLookup, plan: ImportPlan) -> str | None:
    known = lookup.appointment_by_external_id(row.external_id)
    waiting = lookup.pending_by_external_id(row.external_id) if known is None else None
    if waiting is not None:
        plan.drop.append((row, waiting))
        _ok(plan, row.line, row.external_id, "cancelled (it was waiting for the enrolment)")
    elif known is None:
        _ok(plan, row.line, row.external_id, "cancelled, not known here: nothing to do")
    elif known.cancelled:
        _ok(plan, row.line, row.external_id, "already cancelled, unchanged")
    else:
        plan.cancel.append((row, known))
        _ok(plan, row.line, row.external_id, "cancelled")
    return None


@dataclass(frozen=True)
class ImportResult:
    """What `apply_import` wrote."""

    added: int
    moved: int
    unchanged: int
    cancelled: int = 0
    waiting: int = 0

    def summary(self, bad_lines: int = 0, left_out: bool = False) -> str:
        """One line for people: the command line prints it, the console shows it."""
        text = f"{self.added} added, {self.moved} moved, {self.unchanged} already present, {bad_lines} bad row(s)"
        text += " left out" if left_out else ""
        if self.cancelled:
            text += f", {self.cancelled} cancelled"
        if self.waiting:
            text += f", {self.waiting} waiting for an enrolment"
        return text


def apply_import(
    storage: Storage, plan: ImportPlan, rules: ReminderRules, now: datetime, *, partial: bool = False
) -> ImportResult:
    """Write the plan in one transaction. Refuses a plan with problems unless `partial` (then only good rows).

    ImportConflict when the database changed since planning (e.g. a racing import); nothing is written then.
    """
    if plan.problems and not partial:
        raise ValueError("the plan has problems; fix them or import with partial=True")
    adds = [
        NewAppointment(r.chat_id, r.type, r.start_utc, r.external_id, reminder_moments(rules, r.type, r.start_utc, now))
        for r in plan.add
    ]
    moves = [
        Reschedule(known.id, known.chat_id, r.start_utc, reminder_moments(rules, known.type, r.start_utc, now))
        for r, known in plan.move
    ]
    waits = [NewPending(r.enrolment_id, r.type, r.start_utc, r.external_id) for r in plan.wait]
    wait_moves = [PendingMove(waiting.id, r.start_utc) for r, waiting in plan.wait_move]
    import_appointments(
        storage,
        adds,
        moves,
        now,
        cancels=[known.id for _, known in plan.cancel],
        waiting=waits,
        waiting_moves=wait_moves,
        waiting_drops=[waiting.id for _, waiting in plan.drop],
    )
    return ImportResult(
        len(adds),
        len(moves),
        len(plan.unchanged),
        len(plan.cancel) + len(plan.drop),
        len(waits) + len(wait_moves),
    )


__all__ = [
    "ImportConflict",
    "ImportLookup",
    "ImportPlan",
    "ImportResult",
    "RowResult",
    "StorageLookup",
    "apply_import",
    "plan_import",
]
