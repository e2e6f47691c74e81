"""`python -m bot enroll | broadcast | broadcasts | misses` and `appointments add --patient`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import local
from bot.reminders.codes import code_hash
from bot.storage import open_storage


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_USERNAME", "test_bot")
    return url


def test_enroll_then_appointment_for_the_code_then_redeem(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["enroll", "--qr", str(tmp_path / "qr.png")]) == 0
    out = capsys.readouterr().out
    code = re.search(r"start=([A-Za-z0-9_-]+)", out)
    assert code and (tmp_path / "qr.png").read_bytes().startswith(b"\x89PNG")
    when = local(datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d 10:00")
    assert main(["appointments", "add", f"--patient={code.group(1)}", "--type", "mri", "--at", when]) == 0
    assert "kept for enrolment" in capsys.readouterr().out
    storage = open_storage(db)
    now = datetime.now(UTC)
    assert storage.staff.redeem_enrolment(code_hash(code.group(1)), 5, "nl", now, lambda k, s: []).appointments == 1
    # After redemption the same code reaches the linked chat directly.
    assert main(["appointments", "add", f"--patient={code.group(1)}", "--type", "ct", "--at", when]) == 0
    assert sorted(a.type for a in storage.list_appointments(chat_id=5)) == ["ct", "mri"]
    assert main(["appointments", "add", "--patient", "x" * 32, "--type", "ct", "--at", when]) == 1


def test_broadcast_needs_confirmation_and_is_audited(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = open_storage(db)
    now = datetime.now(UTC)
    storage.upsert_patient(1, "nl", now, consent_at=now)
    monkeypatch.setattr("builtins.input", lambda prompt: "nee")
    assert main(["broadcast", "--text", "Hallo allemaal"]) == 1
    assert storage.staff.list_broadcasts() == []
    assert main(["broadcast", "--chapter", "contact", "--audience", "all", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "recipients: 1" in out and "queued for 1" in out
    [entry] = [e for e in storage.staff.audit_entries() if e.action == "broadcast"]
    assert "contact@" in entry.detail and "command line" in entry.detail
    assert main(["broadcasts"]) == 0 and "chapter contact" in capsys.readouterr().out
    assert main(["broadcast", "--text", "x", "--audience", "type:nonsense", "--yes"]) == 2


def test_misses(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    storage = open_storage(db)
    today = local(datetime.now(UTC)).date()
    storage.count_miss(today)
    assert main(["misses", "--days", "7"]) == 0
    assert f"{today.isoformat()}\t1" in capsys.readouterr().out
