"""Issue 12 through the commands a user types: one line and a non-zero exit for every bad input."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM
from bot.storage.store import open_storage
from tests.cli import clean_env, run_bot
from tests.databases import pg_url

__all__ = ["pg_url"]  # a fixture


def assert_one_line(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    # argparse puts its usage line before the error line; anything else is exactly one line.
    assert len(lines) == 1 or (len(lines) == 2 and lines[0].startswith("usage:")), stderr


def later(days: int = 10) -> str:
    return f"{(datetime.now(UTC) + timedelta(days=days)).astimezone(AMSTERDAM):%Y-%m-%d} 10:00"


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    storage = open_storage(url)
    now = datetime.now(UTC)
    storage.upsert_patient(11, "nl", now, consent_at=now)
    storage.close()
    return url


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("PURGE_AFTER_DAYS", "-400", "PURGE_AFTER_DAYS must be from 1 to 3650"),
        ("ENROL_CODE_DAYS", "-5", "ENROL_CODE_DAYS must be from 1 to 90"),
        ("BROADCAST_RATE", "0", "BROADCAST_RATE must be from 1 to 30"),
        ("METRICS_PORT", "70000", "METRICS_PORT must be from 0 to 65535"),
        ("METRICS_PORT", "-1", "METRICS_PORT must be from 0 to 65535"),
        ("REMINDER_MAX_LATE_HOURS", "six", "REMINDER_MAX_LATE_HOURS must be a whole number from 0 to 72"),
        ("DATABASE_URL", "mysql://bot:hunter2@db/bot", "DATABASE_URL must start with sqlite:/// or postgresql"),
        ("STAFF_USER_IDS", "abc", "STAFF_USER_IDS must be Telegram user ids"),
        ("TELEGRAM_BASE_URL", "127.0.0.1:8081/bot", "TELEGRAM_BASE_URL must be an http:// or https:// URL"),
        ("INBOX_KEY", "hunter2", "INBOX_KEY must be Fernet keys"),  # the value itself is never printed
        ("INBOX_PURGE_DAYS", "0", "INBOX_PURGE_DAYS must be from 1 to 3650"),
        ("JSON_MAX_DEPTH", "0", "JSON_MAX_DEPTH must be from 8 to 512"),
        ("CONSOLE_TRUSTED_PROXIES", "proxy.example", "CONSOLE_TRUSTED_PROXIES must be IP addresses or networks"),
    ],
)
@pytest.mark.parametrize("command", [("run",), ("privacy", "purge"), ("enroll", "--bot", "b")], ids=" ".join)
def test_a_bad_setting_is_one_line_naming_it(
    tmp_path: Path, variable: str, value: str, expected: str, command: tuple[str, ...]
) -> None:
    env = clean_env(TELEGRAM_BOT_TOKEN="123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi", **{variable: value})
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    result = run_bot(*command, env=env)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "hunter2" not in result.stderr
    assert_one_line(result.stderr)


def test_purge_refuses_a_negative_retention_and_keeps_upcoming_appointments(db: str) -> None:
    assert (
        run_bot("appointments", "--db", db, "add", "--chat-id", "11", "--type", "mri", "--at", later()).returncode == 0
    )
    refused = run_bot("privacy", "purge", "--db", db, env=clean_env(PURGE_AFTER_DAYS="-400"))
    assert refused.returncode == 2
    assert len(open_storage(db).list_appointments()) == 1
    assert run_bot("privacy", "purge", "--db", db, env=clean_env()).returncode == 0
    assert len(open_storage(db).list_appointments()) == 1  # upcoming: never purged


@pytest.mark.parametrize(
    "args",
    [
        ("appointments", "add", "--chat-id", "99999999999999999999999", "--type", "mri", "--at", "2027-01-12 10:00"),
        ("privacy", "export", "--chat-id", "99999999999999999999999"),
        ("appointments", "cancel", "99999999999999999999999"),
        ("appointments", "list", "--chat-id", "-5"),
        ("appointments", "add", "--chat-id", "11", "--type", "mri", "--at", "9999-12-31 10:00"),
        ("appointments", "add", "--chat-id", "11", "--type", "mri", "--at", "2027-03-28 02:30"),
        ("appointments", "add", "--chat-id", "11", "--type", "mri", "--at", "LATER", "--external-id", "x" * 300),
        ("misses", "--days", "99999999"),
        ("broadcasts", "--limit", "0"),
        ("broadcast", "--text", "x" * 3600, "--yes"),
        ("enroll", "--bot", "levermetastasen_bot", "--qr", "NOWHERE/patient.png"),
    ],
    ids=[
        "overflowing-chat-id",
        "overflowing-export-chat-id",
        "overflowing-appointment-id",
        "group-chat-id",
        "year-9999",
        "nonexistent-dst-time",
        "300-char-external-id",
        "misses-days",
        "broadcasts-limit",
        "broadcast-too-long",
        "qr-into-missing-folder",
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path: Path, db: str, args: tuple[str, ...]) -> None:
    args = tuple(later() if a == "LATER" else a.replace("NOWHERE", str(tmp_path / "missing")) for a in args)
    result = run_bot(*args, "--db", db, env=clean_env())
    assert result.returncode != 0
    assert_one_line(result.stderr)
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        # Refused means refused: no appointment, no enrolment code, no broadcast was stored.
        for table in ("appointments", "enrolments", "broadcasts"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table  # noqa: S608


@pytest.mark.postgres
def test_a_300_character_external_id_on_postgres_is_one_line(pg_url: str) -> None:
    now = datetime.now(UTC)
    storage = open_storage(pg_url)
    storage.upsert_patient(11, "nl", now, consent_at=now)
    storage.close()
    args = ("appointments", "--db", pg_url, "add", "--chat-id", "11", "--type", "mri", "--at", later())
    result = run_bot(*args, "--external-id", "x" * 300, env=clean_env())
    assert result.returncode == 2
    assert_one_line(result.stderr)
    assert "INSERT" not in result.stderr


def test_broadcast_without_yes_on_a_closed_input_sends_nothing(db: str) -> None:
    result = run_bot("broadcast", "--text", "Let op", "--db", db, input="", env=clean_env())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "--yes" in result.stderr
    assert run_bot("broadcasts", "--db", db, env=clean_env()).stdout.strip() == ""


def test_db_may_follow_the_action(db: str) -> None:
    for args in (("privacy", "export", "--chat-id", "11", "--db", db), ("appointments", "list", "--all", "--db", db)):
        result = run_bot(*args, env=clean_env())
        assert result.returncode == 0, result.stderr
    bad = run_bot("privacy", "export", "--chat-id", "11", "--db", "mysql://x", env=clean_env())
    assert bad.returncode == 2 and "--db must start with" in bad.stderr


def test_content_check_catches_a_number_whose_tel_differs(tmp_path: Path) -> None:
    content = tmp_path / "content"
    root = Path(__file__).resolve().parents[2]
    content.mkdir()
    for file in (root / "content").iterdir():
        (content / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    contacts = content / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    assert 'tel: "+31625716027"' in text
    contacts.write_text(text.replace('tel: "+31625716027"', 'tel: "+31625716072"'), encoding="utf-8")
    result = run_bot("content", "check", env=clean_env(CONTENT_DIR=str(content)))
    assert result.returncode == 1
    assert "spoedlijn" in result.stdout + result.stderr and "different numbers" in result.stdout + result.stderr


def test_the_purge_itself_refuses_a_retention_below_one_day(db: str) -> None:
    storage = open_storage(db)
    for days in (0, -400):
        with pytest.raises(ValueError, match="at least 1 day"):
            storage.purge_appointments(datetime.now(UTC), days)
