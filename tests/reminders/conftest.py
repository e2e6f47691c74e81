"""Both database backends (see tests/databases.py) and the shipped reminder rules."""

from pathlib import Path

import pytest

from tests.databases import engine_factory, storage

__all__ = ["engine_factory", "rules", "storage"]


@pytest.fixture(scope="session")
def rules() -> object:
    """The shipped schedules/reminders.yaml."""
    from bot.reminders.loader import load_reminder_rules

    loaded, problems = load_reminder_rules(Path(__file__).resolve().parents[2] / "schedules" / "reminders.yaml")
    assert problems == []
    return loaded
