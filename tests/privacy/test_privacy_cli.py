"""`python -m bot privacy export --chat-id N` prints everything held about a chat; `purge` applies retention."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.store import open_storage
from tests.cli import run_bot


def run(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return run_bot("privacy", "--db", db, *args)


def test_export_and_purge(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'bot.db'}"
    storage = open_storage(db)
    now = datetime.now(UTC)
    storage.upsert_patient(77, "nl", now, consent_at=now)
    storage.add_appointment(77, "ct", now - timedelta(days=40), "staff", now - timedelta(days=50))
    storage.add_appointment(
        77, "mri", now + timedelta(days=3), "patient", now, reminders=[("a", now + timedelta(days=2))]
    )

    exported = run("export", "--chat-id", "77", db=db)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["chat_id"] == 77 and data["patient"]["language"] == "nl"
    assert sorted(a["type"] for a in data["appointments"]) == ["ct", "mri"]
    assert len(data["reminders"]) == 1

    purged = run("purge", db=db)
    assert purged.returncode == 0, purged.stderr
    after = json.loads(run("export", "--chat-id", "77", db=db).stdout)
    assert [a["type"] for a in after["appointments"]] == ["mri"]  # the one 40 days ago is gone

    nobody = json.loads(run("export", "--chat-id", "78", db=db).stdout)
    assert nobody["patient"] is None and nobody["appointments"] == []
