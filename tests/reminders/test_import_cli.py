"""`python -m bot appointments import FILE`: idempotent by external id, follows moved appointments."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import AMSTERDAM
from bot.storage.store import open_storage
from tests.cli import run_bot


def run_import(file: Path, db: str) -> subprocess.CompletedProcess[str]:
    return run_bot("appointments", "--db", db, "import", str(file))


def test_import_is_idempotent_reports_bad_rows_and_follows_moves(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'bot.db'}"
    storage = open_storage(db)
    now = datetime.now(UTC)
    storage.upsert_patient(11, "nl", now, consent_at=now)
    day = (now + timedelta(days=10)).astimezone(AMSTERDAM).date()
    later = (now + timedelta(days=12)).astimezone(AMSTERDAM).date()
    file = tmp_path / "afspraken.csv"
    file.write_text(
        f"external_id,chat_id,type,at\nHIX-1,11,mri,{day} 13:15\nHIX-2,11,scan,{day} 09:00\nHIX-3,99,ct,{day} 09:00\n",
        encoding="utf-8",
    )
    first = run_import(file, db)
    assert first.returncode == 1  # bad rows are reported …
    assert "afspraken.csv:3:" in first.stderr and "afspraken.csv:4:" in first.stderr
    assert "nothing imported" in first.stderr and storage.list_appointments(chat_id=11) == []  # … all or nothing
    partial = run_bot("appointments", "--db", db, "import", "--partial", str(file))
    assert partial.returncode == 1
    assert "1 added, 0 moved, 0 already present, 2 bad row(s) left out" in partial.stdout
    again = run_bot("appointments", "import", str(file), "--partial", "--db", db)  # --db after the action too
    assert "0 added, 0 moved, 1 already present" in again.stdout

    file.write_text(f"external_id,chat_id,type,at\nHIX-1,11,mri,{later} 10:00\n", encoding="utf-8")
    moved = run_import(file, db)
    assert moved.returncode == 0, moved.stderr
    assert "0 added, 1 moved, 0 already present, 0 bad row(s)" in moved.stdout
    (appointment,) = storage.list_appointments(chat_id=11)
    assert appointment.start_at.astimezone(AMSTERDAM).date() == later
    due = sorted(r.due_at for r in storage.reminders_of(appointment.id) if r.status == "pending")
    assert due and due[-1] == appointment.start_at - timedelta(hours=2)  # the reminders moved along
