"""Reading appointment files for `appointments import`: CSV or YAML rows, each checked with its line number.

Columns / keys: external_id, chat_id, type, at ("YYYY-MM-DD HH:MM", Amsterdam local time).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import AMSTERDAM
from bot.storage.records import APPOINTMENT_TYPES, AppointmentType
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, load_yaml

FIELDS = ("external_id", "chat_id", "type", "at")


@dataclass(frozen=True)
class ImportRow:
    """One good row of an import file."""

    line: int
    external_id: str
    chat_id: int
    type: AppointmentType
    start_utc: datetime


def parse_local(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' in Amsterdam local time, as aware UTC; ValueError when unreadable."""
    naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")  # noqa: DTZ007 - zone added next line
    return naive.replace(tzinfo=AMSTERDAM).astimezone(AMSTERDAM)


def _row(file: str, line: int, raw: dict[str, Any]) -> ImportRow | Problem:
    missing = [f for f in FIELDS if raw.get(f) in (None, "")]
    if missing:
        return Problem(file, line, f"missing {', '.join(missing)}")
    try:
        chat_id = int(str(raw["chat_id"]).strip())
    except ValueError:
        return Problem(file, line, f"chat_id must be a number, got {raw['chat_id']!r}")
    kind = str(raw["type"]).strip().lower()
    if kind not in APPOINTMENT_TYPES:
        return Problem(file, line, f"type must be one of {', '.join(APPOINTMENT_TYPES)}, got {kind!r}")
    try:
        start = parse_local(str(raw["at"]))
    except ValueError:
        return Problem(file, line, f"at must be 'YYYY-MM-DD HH:MM', got {raw['at']!r}")
    return ImportRow(line, str(raw["external_id"]).strip(), chat_id, kind, start)


def read_import_file(path: Path) -> tuple[list[ImportRow], list[Problem]]:
    """Good rows and problems (file and line) of a .csv or .yaml/.yml appointments file."""
    file = str(path)
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    raws: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                for record in reader:
                    raws.append((reader.line_num, dict(record)))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            return [], [Problem(file, 0, f"cannot read CSV: {exc}")]
    else:
        try:
            data = load_yaml(path)
        except YamlError as exc:
            return [], [exc.problem]
        items = data.get("appointments") if isinstance(data, LineDict) else data
        if not isinstance(items, LineList):
            return [], [Problem(file, 1, "expected a list of appointments (or a key 'appointments' with one)")]
        for item, line in zip(items, items.item_lines, strict=True):
            if isinstance(item, dict):
                raws.append((line, dict(item)))
            else:
                problems.append(Problem(file, line, "expected a mapping with " + ", ".join(FIELDS)))
    for line, raw in raws:
        result = _row(file, line, raw)
        (problems if isinstance(result, Problem) else rows).append(result)  # type: ignore[arg-type]
    return rows, problems
