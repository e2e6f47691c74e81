"""The console's SQL on both backends (SQLite, and PostgreSQL when one answers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.storage import Storage
from bot.storage.signoff_reader import read_signoffs
from bot.triage.signoffs import as_lookup
from tests.databases import engine_factory, storage  # noqa: F401 - fixtures

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_links_sessions_signoffs_identifiers_and_counts(storage: Storage) -> None:  # noqa: F811
    q = storage.console
    assert q.create_link("a" * 64, 7, NOW, timedelta(minutes=5), 2, timedelta(minutes=15))
    assert q.create_link("b" * 64, 7, NOW, timedelta(minutes=5), 2, timedelta(minutes=15))
    assert not q.create_link("c" * 64, 7, NOW, timedelta(minutes=5), 2, timedelta(minutes=15))
    staff = frozenset({7})
    assert q.redeem_link("a" * 64, "s" * 64, "csrf", NOW, staff).outcome == "ok"
    assert q.redeem_link("a" * 64, "t" * 64, "csrf", NOW, staff).outcome == "used"
    assert q.redeem_link("b" * 64, "t" * 64, "csrf", NOW + timedelta(minutes=6), staff).outcome == "expired"
    assert q.redeem_link("z" * 64, "t" * 64, "csrf", NOW, staff).outcome == "unknown"
    idle, lifetime = timedelta(minutes=30), timedelta(hours=12)
    session = q.touch_session("s" * 64, NOW + timedelta(minutes=10), idle, lifetime)
    assert session is not None and session.user_id == 7 and session.csrf_token == "csrf"
    assert q.touch_session("s" * 64, NOW + timedelta(minutes=41), idle, lifetime) is None
    assert q.touch_session("s" * 64, NOW + timedelta(minutes=42), idle, lifetime) is None

    assert q.add_signoff("fever", "h" * 64, "Dr. X", date(2026, 12, 1), 7, NOW)
    assert not q.add_signoff("fever", "h" * 64, "Dr. Y", date(2026, 12, 2), 7, NOW)
    assert as_lookup((k[0], k[1], v.reviewed_by, v.reviewed_on) for k, v in q.signoffs().items()) == {
        ("fever", "h" * 64): ("Dr. X", date(2026, 12, 1))
    }

    enrolment = storage.staff.create_enrolment("e" * 64, 7, NOW, NOW + timedelta(days=14))
    assert q.set_patient_identifier(enrolment.id, "i" * 64)
    assert not q.set_patient_identifier(enrolment.id, "i" * 64)
    found = q.enrolment_by_identifier("i" * 64)
    assert found is not None and found.id == enrolment.id
    assert q.revoke_enrolment(enrolment.id, 7, NOW)
    assert not q.revoke_enrolment(enrolment.id, 7, NOW)
    assert storage.staff.purge_enrolments(NOW + timedelta(seconds=1)) == 1
    assert q.enrolment_by_identifier("i" * 64) is None  # the identifier went with its code

    q.add_daily_count(date(2026, 12, 1), "alarm_urgent", 2)
    q.add_daily_count(date(2026, 12, 1), "alarm_urgent", 3)
    assert q.daily_counts(date(2026, 11, 30)) == [(date(2026, 12, 1), "alarm_urgent", 5)]
    actions = [e.action for e in storage.staff.audit_entries()]
    assert {"console-link", "console-link-refused", "console-signin", "console-signin-refused"} <= set(actions)
    assert {"console-timeout", "concept-signoff", "enrol-revoke"} <= set(actions)


def test_read_signoffs_never_creates_a_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'absent' / 'bot.db'}"
    assert read_signoffs(url) is None
    assert not (tmp_path / "absent").exists()
    assert read_signoffs("postgresql+psycopg://nobody@127.0.0.1:1/none") is None
