"""The handler order: every handler sits in a named group, and each group says why it is there."""

from __future__ import annotations

from pathlib import Path

from bot.app.assembly import build_application
from bot.app.groups import REASONS, Group, order_table
from bot.settings import Settings


def test_every_group_has_a_reason() -> None:
    assert set(REASONS) == set(Group)
    assert all(reason.strip() for reason in REASONS.values())


def test_the_application_uses_only_the_named_groups(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"})
    app = build_application(settings).app
    assert set(app.handlers) <= set(Group)
    # The alarm check is the first handler that sees a patient's text.
    first_text = next(group for group in sorted(app.handlers) if group > Group.STAFF_DRAFT)
    assert first_text == Group.SAFETY


def test_the_architecture_doc_shows_the_groups_in_order() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert order_table() in doc, "docs/ARCHITECTURE.md: paste bot.app.groups.order_table() under 'Handler order'"
