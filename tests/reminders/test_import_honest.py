"""Imports are atomic per file and honest (issue 12): every problem with its line, then all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM
from bot.reminders.import_rows import read_import_file
from bot.storage.store import Storage, open_storage
from tests.cli import ROOT, run_bot


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def store(db: str) -> Storage:
    storage = open_storage(db)
    now = datetime.now(UTC)
    for chat in (11, 22):
        storage.upsert_patient(chat, "nl", now, consent_at=now)
    return storage


def day(days: int) -> str:
    return f"{(datetime.now(UTC) + timedelta(days=days)).astimezone(AMSTERDAM).date()}"


def write(tmp_path: Path, text: str, name: str = "afspraken.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_an_external_id_of_another_chat_is_an_error_and_moves_nothing(tmp_path: Path, db: str, store: Storage) -> None:
    first = write(tmp_path, f"external_id,chat_id,type,at\nHIX-1,11,mri,{day(10)} 13:15\n")
    assert run_bot("appointments", "--db", db, "import", str(first)).returncode == 0
    other = write(tmp_path, f"external_id,chat_id,type,at\nHIX-1,22,mri,{day(12)} 09:00\n")
    result = run_bot("appointments", "--db", db, "import", str(other))
    assert result.returncode == 1
    assert "afspraken.csv:2: external_id 'HIX-1' belongs to another patient's appointment" in result.stderr
    (kept,) = store.list_appointments()
    assert kept.chat_id == 11 and kept.start_at.astimezone(AMSTERDAM).date().isoformat() == day(10)


def test_duplicates_and_bad_rows_are_all_reported_and_nothing_is_imported(
    tmp_path: Path, db: str, store: Storage
) -> None:
    file = write(
        tmp_path,
        "external_id,chat_id,type,at\n"
        f"HIX-1,11,mri,{day(10)} 13:15\n"
        f"HIX-2,99999999999999999999999,ct,{day(10)} 09:00\n"  # out of range: once aborted the import
        f"HIX-1,11,ct,{day(11)} 09:00\n"
        f"HIX-4,11,ct,{day(11)} 10:00\n",
    )
    result = run_bot("appointments", "--db", db, "import", str(file))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for line in (":2:", ":3:", ":4:"):
        assert f"afspraken.csv{line}" in result.stderr
    assert "also on line 2" in result.stderr
    assert "nothing imported" in result.stderr
    assert store.list_appointments() == []  # HIX-4 is fine, but the file is all or nothing


@pytest.mark.parametrize(
    ("header", "sep", "encoding"),
    [("external_id;chat_id;type;at", ";", "utf-8-sig"), ("external_id,chat_id,type,at", ",", "utf-8-sig")],
    ids=["semicolon-bom", "comma-bom"],
)
def test_dutch_excel_csv_is_read(tmp_path: Path, db: str, store: Storage, header: str, sep: str, encoding: str) -> None:
    file = write(tmp_path, f"{header}\r\nHIX-1{sep}11{sep}MRI{sep}{day(10)} 13:15\r\n\r\n", encoding=encoding)
    result = run_bot("appointments", "--db", db, "import", str(file))
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout


@pytest.mark.parametrize("text", ["", "external_id,chat_id,type,at\n"], ids=["empty", "header-only"])
def test_an_empty_file_is_an_error(tmp_path: Path, db: str, store: Storage, text: str) -> None:
    result = run_bot("appointments", "--db", db, "import", str(write(tmp_path, text)))
    assert result.returncode == 1
    assert "afspraken.csv:1:" in result.stderr


def test_a_nonexistent_or_far_time_is_refused_in_a_file(tmp_path: Path, db: str, store: Storage) -> None:
    file = write(tmp_path, "external_id,chat_id,type,at\nA,11,mri,2027-03-28 02:30\nB,11,mri,9999-12-31 10:00\n")
    result = run_bot("appointments", "--db", db, "import", str(file))
    assert result.returncode == 1
    assert "afspraken.csv:2: at: 2027-03-28 02:30 does not exist" in result.stderr
    assert "afspraken.csv:3: the appointment is more than two years ahead" in result.stderr


def test_the_documented_example_file_reads_without_problems() -> None:
    rows, problems = read_import_file(ROOT / "docs" / "afspraken-voorbeeld.csv")
    assert problems == [] and len(rows) == 3
    assert "afspraken-voorbeeld.csv" in (ROOT / "docs" / "IMPORT.md").read_text(encoding="utf-8")
    assert "docs/IMPORT.md" in (ROOT / "README.md").read_text(encoding="utf-8")
