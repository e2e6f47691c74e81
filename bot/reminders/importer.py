"""Importing appointments: read every row, check them all, then apply all or nothing.

One pipeline for every source and both places it is used (`appointments import` on the command
line and the console's upload)::

    batch = read_import_data(name, data, limits)      # CSV, or bot.reminders.fhir.read_bundle; any ImportBatch
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

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.reminders.rules import ReminderRules, reminder_moments
from bot.reminders.validation import (
    FIELDS,
    Refusal,
    check_chat_id,
    check_external_id,
    check_start,
    check_type,
    read_time,
)
from bot.settings import Settings
from bot.storage.console_queries import PendingAppointment
from bot.storage.imports import (
    ImportConflict,
    NewAppointment,
    NewPending,
    PendingMove,
    Reschedule,
    import_appointments,
)
from bot.storage.records import Appointment, AppointmentType, Patient
from bot.storage.store import Storage
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, load_yaml


@dataclass(frozen=True)
class ImportLimits:
    """How much one import may hold (IMPORT_MAX_ROWS, IMPORT_MAX_FIELD_CHARS, JSON_MAX_DEPTH)."""

    max_rows: int = 5000
    max_field_chars: int = 200
    max_depth: int = 32

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportLimits:
        """The limits the environment sets."""
        return cls(settings.import_max_rows, settings.import_max_field_chars, settings.json_max_depth)


@dataclass(frozen=True)
class ImportRow:
    """One parsed appointment for a chat, with where it came from (file and line, or bundle and entry)."""

    line: int
    external_id: str
    chat_id: int
    type: AppointmentType
    start_utc: datetime
    source: str = ""


@dataclass(frozen=True)
class PendingRow:
    """An appointment for an enrolment code not redeemed yet: it waits until the patient enrols."""

    line: int
    external_id: str
    enrolment_id: int
    type: AppointmentType
    start_utc: datetime
    source: str = ""


@dataclass(frozen=True)
class CancelRow:
    """A cancellation by external id (FHIR status cancelled)."""

    line: int
    external_id: str
    source: str = ""


@dataclass
class ImportBatch:
    """What a file holds, read and checked on its own but not yet against the database."""

    source: str
    rows: list[ImportRow] = field(default_factory=list)
    pending: list[PendingRow] = field(default_factory=list)
    cancelled: list[CancelRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many rows were read, good or bad."""
        return len(self.rows) + len(self.pending) + len(self.cancelled) + len({p.line for p in self.problems})


def parse_row(
    source: str, line: int, raw: dict[str, Any], limits: ImportLimits | None = None
) -> ImportRow | list[Problem]:
    """One row from any source as `ImportRow`, or every problem it has."""
    limits = limits or ImportLimits()
    for name, value in raw.items():
        if isinstance(value, str) and len(value) > limits.max_field_chars:
            return [
                Problem(
                    source,
                    line,
                    f"{name} is {len(value)} characters long; a field holds at most {limits.max_field_chars}",
                )
            ]
    problems = [Problem(source, line, f"missing {f}") for f in FIELDS if str(raw.get(f) or "").strip() == ""]
    if problems:
        return problems
    external_id = str(raw["external_id"]).strip()
    why = check_external_id(external_id)
    if why:
        problems.append(Problem(source, line, why))
    chat_id = check_chat_id(raw["chat_id"])
    if isinstance(chat_id, Refusal):
        problems.append(Problem(source, line, chat_id.message))
    kind = check_type(raw["type"])
    if isinstance(kind, Refusal):
        problems.append(Problem(source, line, kind.message))
    start = read_time(raw["at"])
    if isinstance(start, Refusal):
        problems.append(Problem(source, line, start.message))
    if problems or isinstance(chat_id, Refusal) or isinstance(kind, Refusal) or isinstance(start, Refusal):
        return problems
    return ImportRow(line, external_id, chat_id, kind, start, source)


def _csv_records(
    source: str, data: bytes, limits: ImportLimits
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")  # Excel writes a byte order mark
    except UnicodeDecodeError as exc:
        return [], [Problem(source, 1, f"not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8")]
    if not text.strip():
        return [], [Problem(source, 1, "the file is empty")]
    header = text.splitlines()[0]
    # Dutch Excel separates with ';' (the comma is the decimal sign); take whichever the header uses.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [n.strip().lower() for n in reader.fieldnames or []]
    except csv.Error as exc:
        return [], [Problem(source, 1, f"cannot read CSV: {exc}")]
    missing = [f for f in FIELDS if f not in names]
    if missing:
        return [], [Problem(source, 1, f"the header must name {', '.join(FIELDS)}; missing {', '.join(missing)}")]
    records: list[tuple[int, dict[str, Any]]] = []
    try:
        for record in reader:
            if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
                continue  # an empty line (Excel adds them at the end)
            if len(records) >= limits.max_rows:
                return [], [too_many_rows(source, limits)]
            cleaned = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
            records.append((reader.line_num, cleaned))
    except csv.Error as exc:  # e.g. a field beyond the csv module's own limit
        return [], [Problem(source, reader.line_num, f"cannot read CSV: {exc}")]
    return records, []


def too_many_rows(source: str, limits: ImportLimits) -> Problem:
    """The one message for a file over IMPORT_MAX_ROWS."""
    return Problem(source, 1, f"more than {limits.max_rows} rows in one file: split it (IMPORT_MAX_ROWS)")


def _yaml_records(path: Path, limits: ImportLimits) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    source = str(path)
    try:
        data = load_yaml(path)
    except YamlError as exc:
        return [], [exc.problem]
    items = data.get("appointments") if isinstance(data, LineDict) else data
    if not isinstance(items, LineList):
        return [], [Problem(source, 1, "expected a list of appointments (or a key 'appointments' with one)")]
    if len(items) > limits.max_rows:
        return [], [too_many_rows(source, limits)]
    records: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for item, line in zip(items, items.item_lines, strict=True):
        if isinstance(item, dict):
            records.append((line, dict(item)))
        else:
            problems.append(Problem(source, line, "expected a mapping with " + ", ".join(FIELDS)))
    return records, problems


def _batch(
    source: str, records: list[tuple[int, dict[str, Any]]], problems: list[Problem], limits: ImportLimits
) -> ImportBatch:
    batch = ImportBatch(source, problems=list(problems))
    for line, raw in records:
        result = parse_row(source, line, raw, limits)
        if isinstance(result, ImportRow):
            batch.rows.append(result)
        else:
            batch.problems.extend(result)
    if not records and not batch.problems:
        batch.problems.append(Problem(source, 1, "the file has no appointments"))
    return batch


def read_csv_data(source: str, data: bytes, limits: ImportLimits | None = None) -> ImportBatch:
    """The rows of a CSV file's bytes (`;` or `,`, with or without a byte order mark)."""
    limits = limits or ImportLimits()
    records, problems = _csv_records(source, data, limits)
    return _batch(source, records, problems, limits)


def read_import_file(path: Path, limits: ImportLimits | None = None) -> tuple[list[ImportRow], list[Problem]]:
    """Parsed rows and problems (file and line) of a .csv or .yaml/.yml appointments file."""
    limits = limits or ImportLimits()
    source = str(path)
    if path.suffix.lower() == ".csv":
        try:
            data = path.read_bytes()
        except OSError as exc:
            return [], [Problem(source, 0, f"cannot read the file: {exc.strerror or exc}")]
        batch = read_csv_data(source, data, limits)
    else:
        records, problems = _yaml_records(path, limits)
        batch = _batch(source, records, problems, limits)
    return batch.rows, batch.problems


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
    "CancelRow",
    "ImportBatch",
    "ImportConflict",
    "ImportLimits",
    "ImportPlan",
    "ImportResult",
    "ImportRow",
    "PendingRow",
    "RowResult",
    "StorageLookup",
    "apply_import",
    "parse_row",
    "plan_import",
    "read_csv_data",
    "read_import_file",
]
