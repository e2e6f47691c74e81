"""Importing appointments: parse every row, check them all, then apply all or nothing.

The pipeline, shared by every source (CSV and YAML files here; a FHIR bundle or a web form can feed
the same steps)::

    rows, problems = read_import_file(path)          # or any parser producing ImportRow + Problem
    plan = plan_import(rows, problems, storage, now)  # every check, nothing written
    if plan.problems: report them (each with its line) and stop, or apply only plan.good (--partial)
    result = apply_import(storage, plan, rules, now)  # one transaction

An `ImportRow` is one appointment with where it came from (`source`, `line`: a file and line, or a
bundle and entry number); a `Problem` (bot.yamlsrc) is a message with the same location. The format
of the files is documented in docs/IMPORT.md, with an example in docs/afspraken-voorbeeld.csv.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.clock import NonexistentLocalTime, amsterdam_time
from bot.reminders.rules import ReminderRules, reminder_moments
from bot.settings import MAX_TELEGRAM_ID
from bot.storage.imports import ImportConflict, NewAppointment, Reschedule, import_appointments
from bot.storage.records import APPOINTMENT_TYPES, Appointment, AppointmentType, Patient
from bot.storage.store import Storage
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, load_yaml

FIELDS = ("external_id", "chat_id", "type", "at")
MAX_EXTERNAL_ID = 100  # the column's length
MAX_AHEAD = timedelta(days=2 * 366)  # an appointment further ahead is a typo (year 2062, 9999 …)
TIME_FORMAT = "YYYY-MM-DD HH:MM"


@dataclass(frozen=True)
class ImportRow:
    """One parsed appointment, with where it came from (file and line, or bundle and entry)."""

    line: int
    external_id: str
    chat_id: int
    type: AppointmentType
    start_utc: datetime
    source: str = ""


def parse_local(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' in Amsterdam local time, aware; ValueError (NonexistentLocalTime) when unusable."""
    naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")  # noqa: DTZ007 - the zone is added next
    return amsterdam_time(naive)


def check_start(start: datetime, now: datetime) -> str | None:
    """Why an appointment at `start` cannot be planned now, or None."""
    if start <= now:
        return "the appointment is in the past"
    if start - now > MAX_AHEAD:
        return "the appointment is more than two years ahead: check the year"
    return None


def check_chat_id(raw: object) -> int | str:
    """The chat id, or why it is not one (a patient's private chat: a positive Telegram id)."""
    text = str(raw).strip()
    if not text.isdigit():
        return f"chat_id must be a positive whole number, got {text[:30]!r}"
    value = int(text)
    if not 0 < value < MAX_TELEGRAM_ID:
        return f"chat_id must be a Telegram user id below {MAX_TELEGRAM_ID}, got {text[:30]}"
    return value


def check_external_id(raw: object) -> str | None:
    """Why `raw` cannot be an external id, or None."""
    text = str(raw).strip()
    if len(text) > MAX_EXTERNAL_ID:
        return f"external_id is {len(text)} characters long; at most {MAX_EXTERNAL_ID}"
    if not text.isprintable():
        return "external_id contains control characters"
    return None


def parse_row(source: str, line: int, raw: dict[str, Any]) -> ImportRow | list[Problem]:
    """One row from any source as `ImportRow`, or every problem it has."""
    problems = [Problem(source, line, f"missing {f}") for f in FIELDS if str(raw.get(f) or "").strip() == ""]
    if problems:
        return problems
    why = check_external_id(raw["external_id"])
    if why:
        problems.append(Problem(source, line, why))
    chat_id = check_chat_id(raw["chat_id"])
    if isinstance(chat_id, str):
        problems.append(Problem(source, line, chat_id))
    kind = str(raw["type"]).strip().lower()
    if kind not in APPOINTMENT_TYPES:
        problems.append(Problem(source, line, f"type must be one of {', '.join(APPOINTMENT_TYPES)}, got {kind[:30]!r}"))
    start: datetime | None = None
    try:
        start = parse_local(str(raw["at"]))
    except NonexistentLocalTime as exc:
        problems.append(Problem(source, line, f"at: {exc}; give the real time"))
    except ValueError:
        problems.append(
            Problem(source, line, f"at must be '{TIME_FORMAT}' (Amsterdam time), got {str(raw['at'])[:30]!r}")
        )
    if problems or start is None or isinstance(chat_id, str):
        return problems
    return ImportRow(line, str(raw["external_id"]).strip(), chat_id, kind, start, source)  # type: ignore[arg-type]


def _csv_records(source: str, data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
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
    names = [n.strip().lower() for n in reader.fieldnames or []]
    missing = [f for f in FIELDS if f not in names]
    if missing:
        return [], [Problem(source, 1, f"the header must name {', '.join(FIELDS)}; missing {', '.join(missing)}")]
    records: list[tuple[int, dict[str, Any]]] = []
    try:
        for record in reader:
            if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
                continue  # an empty line (Excel adds them at the end)
            cleaned = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
            records.append((reader.line_num, cleaned))
    except csv.Error as exc:
        return [], [Problem(source, reader.line_num, f"cannot read CSV: {exc}")]
    return records, []


def _yaml_records(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    source = str(path)
    try:
        data = load_yaml(path)
    except YamlError as exc:
        return [], [exc.problem]
    items = data.get("appointments") if isinstance(data, LineDict) else data
    if not isinstance(items, LineList):
        return [], [Problem(source, 1, "expected a list of appointments (or a key 'appointments' with one)")]
    records: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for item, line in zip(items, items.item_lines, strict=True):
        if isinstance(item, dict):
            records.append((line, dict(item)))
        else:
            problems.append(Problem(source, line, "expected a mapping with " + ", ".join(FIELDS)))
    return records, problems


def read_import_file(path: Path) -> tuple[list[ImportRow], list[Problem]]:
    """Parsed rows and problems (file and line) of a .csv or .yaml/.yml appointments file."""
    source = str(path)
    if path.suffix.lower() == ".csv":
        try:
            data = path.read_bytes()
        except OSError as exc:
            return [], [Problem(source, 0, f"cannot read the file: {exc.strerror or exc}")]
        records, problems = _csv_records(source, data)
    else:
        records, problems = _yaml_records(path)
    rows: list[ImportRow] = []
    for line, raw in records:
        result = parse_row(source, line, raw)
        if isinstance(result, ImportRow):
            rows.append(result)
        else:
            problems.extend(result)
    if not records and not problems:
        problems.append(Problem(source, 1, "the file has no appointments"))
    return rows, problems


class ImportLookup(Protocol):
    """What planning needs to read (Storage has it)."""

    def appointment_by_external_id(self, external_id: str) -> Appointment | None: ...

    def get_patient(self, chat_id: int) -> Patient | None: ...


@dataclass
class ImportPlan:
    """What an import would do, and every problem; nothing is written while planning."""

    add: list[ImportRow] = field(default_factory=list)
    move: list[tuple[ImportRow, Appointment]] = field(default_factory=list)
    unchanged: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_lines(self) -> int:
        """How many distinct rows have a problem."""
        return len({(p.file, p.line) for p in self.problems})


def plan_import(
    rows: Sequence[ImportRow], problems: Iterable[Problem], lookup: ImportLookup, now: datetime
) -> ImportPlan:
    """Check every row against the others and the database: add, move, unchanged, or a problem."""
    plan = ImportPlan(problems=list(problems))
    first_line: dict[str, int] = {}
    duplicated: set[str] = set()
    for row in rows:
        if row.external_id in first_line:
            duplicated.add(row.external_id)
            plan.problems.append(
                Problem(
                    row.source,
                    row.line,
                    f"external_id {row.external_id!r} is also on line {first_line[row.external_id]}",
                )
            )
        else:
            first_line[row.external_id] = row.line
    for row in rows:
        if row.external_id in duplicated:
            if first_line[row.external_id] == row.line:
                plan.problems.append(
                    Problem(row.source, row.line, f"external_id {row.external_id!r} occurs more than once")
                )
            continue
        problem = _check_row(row, lookup, now, plan)
        if problem:
            plan.problems.append(Problem(row.source, row.line, problem))
    plan.problems.sort()
    return plan


def _check_row(row: ImportRow, lookup: ImportLookup, now: datetime, plan: ImportPlan) -> str | None:
    known = lookup.appointment_by_external_id(row.external_id)
    if known is None:
        why = check_start(row.start_utc, now)
        if why:
            return why
        if lookup.get_patient(row.chat_id) is None:
            return f"chat {row.chat_id} has not started the bot (no consent yet)"
        plan.add.append(row)
        return None
    if known.chat_id != row.chat_id:
        return f"external_id {row.external_id!r} belongs to another patient's appointment ({known.id})"
    if known.type != row.type:
        return f"external_id {row.external_id!r} is a {known.type} appointment, not {row.type}; cancel it and add a new one"
    if known.start_at == row.start_utc or known.cancelled:
        plan.unchanged.append(row)
        return None
    why = check_start(row.start_utc, now)
    if why:
        return f"the new time: {why}"
    plan.move.append((row, known))
    return None


@dataclass(frozen=True)
class ImportResult:
    """What `apply_import` wrote."""

    added: int
    moved: int
    unchanged: int


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
    import_appointments(storage, adds, moves, now)
    return ImportResult(len(adds), len(moves), len(plan.unchanged))


__all__ = [
    "FIELDS",
    "ImportConflict",
    "ImportPlan",
    "ImportResult",
    "ImportRow",
    "apply_import",
    "check_start",
    "parse_local",
    "parse_row",
    "plan_import",
    "read_import_file",
]
