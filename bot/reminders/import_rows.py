"""The rows of an appointment import and how they are read: CSV and YAML files, within `ImportLimits`.

Each row says where it came from (`source`, `line`); a row that cannot be read is a `Problem` with the
same location. Reading writes nothing: planning and applying are `bot.reminders.importer`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.reminders.validation import (
    FIELDS,
    Refusal,
    check_chat_id,
    check_external_id,
    check_type,
    read_time,
)
from bot.settings import Settings
from bot.storage.records import AppointmentType
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
