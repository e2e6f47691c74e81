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


def test_export_opens_the_questions_to_the_team_and_purge_removes_handled_ones(tmp_path: Path) -> None:
    from bot.inbox.crypto import InboxCipher
    from tests.inbox.conftest import KEY

    db = f"sqlite:///{tmp_path / 'bot.db'}"
    storage = open_storage(db)
    cipher = InboxCipher(KEY)
    now = datetime.now(UTC)
    old = storage.inbox.open_thread(77, "nl", "none", cipher.seal("Mag mijn hond mee?"), 3, now - timedelta(days=60))
    storage.inbox.close(old.thread_id, 4242, 1, "answered_by_phone", now - timedelta(days=40))
    storage.inbox.open_thread(77, "nl", "urgent", cipher.seal("Ik heb pijn, wat nu?"), 4, now)

    exported = run_bot("privacy", "--db", db, "export", "--chat-id", "77", env={"INBOX_KEY": KEY})
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert [m["text"] for m in data["inbox_messages"]] == ["Mag mijn hond mee?", "Ik heb pijn, wat nu?"]
    assert len(data["inbox_threads"]) == 2
    keyless = json.loads(run("export", "--chat-id", "77", db=db).stdout)
    assert keyless["inbox_messages"][0]["text"] is None and "INBOX_KEY" in keyless["inbox_messages"][0]["text_note"]

    purged = run("purge", db=db)
    assert purged.returncode == 0 and "inbox_threads: 1" in purged.stdout, purged.stdout
    after = json.loads(run_bot("privacy", "--db", db, "export", "--chat-id", "77", env={"INBOX_KEY": KEY}).stdout)
    assert [m["text"] for m in after["inbox_messages"]] == ["Ik heb pijn, wat nu?"]
