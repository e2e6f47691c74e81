"""The console's texts (content/console.yaml) are checked with the rest of the content: `content check` sees them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog import CONSOLE_FILE, load_catalog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "schedules", tmp_path / "schedules")
    return tmp_path / "content", tmp_path / "schedules"


def test_the_shipped_console_texts_load_into_the_catalog() -> None:
    catalog, problems = load_catalog(ROOT / "content", ROOT / "schedules")
    assert problems == [] and catalog is not None
    assert catalog.console.t("nav_broadcasts", "nl") == "Berichten"
    assert catalog.console.t("nav_broadcasts", "en") == "Broadcasts"
    assert catalog.console.t("too_large", "en", limit=2) == (
        "This request is too large. A file may be at most 2 MB (CONSOLE_MAX_UPLOAD_BYTES)."
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('  nav_stats: "Statistics"\n', "", "nl.nav_stats: missing in en"),
        ('  nav_stats: "Statistics"\n', '  nav_stats: " "\n', "en.nav_stats: must be text"),
        (
            '"This request is too large. A file may be at most {limit} MB',
            '"This request is too large. A file may be at most {size} MB',
            "en.too_large: placeholders differ from nl",
        ),
    ],
)
def test_a_broken_console_text_stops_the_catalog(dirs: tuple[Path, Path], old: str, new: str, message: str) -> None:
    content, schedules = dirs
    path = content / CONSOLE_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    catalog, problems = load_catalog(content, schedules)
    assert catalog is None
    assert any(p.file.endswith(CONSOLE_FILE) and p.message == message and p.line > 0 for p in problems)
