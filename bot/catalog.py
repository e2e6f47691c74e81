"""Everything the bot reads from `content/` and `schedules/`, loaded and validated together.

A reload builds a new Catalog and swaps it in only when it has no problems, so a broken file never
replaces working content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.ui import UI_FILE, UiText, load_ui
from bot.yamlsrc import Problem


@dataclass(frozen=True)
class Catalog:
    """The loaded content, interface texts, alarm vocabulary, search vocabulary and reminder rules."""

    content: Content
    ui: UiText

    def summary(self) -> str:
        """One line describing what was loaded."""
        content = self.content
        return f"{len(content.chapters)} chapters, {len(content.contacts)} contacts"


def load_catalog(content_dir: Path, schedules_dir: Path) -> tuple[Catalog | None, list[Problem]]:
    """Load every content and schedule file; None and all problems when anything is wrong."""
    problems: list[Problem] = []
    content, content_problems = load_content(content_dir)
    problems += content_problems
    ui, ui_problems = load_ui(content_dir / UI_FILE)
    problems += ui_problems
    if content is None or ui is None or problems:
        return None, sorted(problems)
    return Catalog(content, ui), []
