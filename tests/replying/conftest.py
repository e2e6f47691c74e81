"""Fixtures for the reply composer: the repository's own content, loaded once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.catalog import load_catalog
from bot.clock import AMSTERDAM
from bot.knowledge import Knowledge

ROOT = Path(__file__).resolve().parents[2]
# A Tuesday: 11:00 is within office hours and the spreekuur, 00:30 is night.
OFFICE = datetime(2026, 12, 1, 11, 0, tzinfo=AMSTERDAM)
NIGHT = datetime(2026, 12, 1, 0, 30, tzinfo=AMSTERDAM)
SPOEDLIJN = "06 25 71 60 27"
SEH = "020 44 43 636"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    catalog, problems = load_catalog(ROOT / "content", ROOT / "schedules")
    assert catalog is not None, problems
    return Knowledge.build(catalog)
