"""Plain data types for the folder's content. No I/O, no Telegram."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

from bot.localized import Localized, in_lang

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Where a contact comes from: the patient folder itself, or added beyond it (then a clinician signs it off).
SOURCES = ("folder", "beyond-folder")


@dataclass(frozen=True)
class Contact:
    """A phone number and/or e-mail address the folder gives, with its name in both languages."""

    id: str
    name: Localized[str]
    phone: str | None = None
    tel: str | None = None
    email: str | None = None
    source: str = "folder"
    reviewed_by: str | None = None
    reviewed_on: date | None = None

    def label(self, lang: Lang) -> str:
        """The contact's name in `lang`, falling back to Dutch."""
        return in_lang(self.name, lang)

    @property
    def awaiting_sign_off(self) -> bool:
        """True for a contact beyond the folder that no clinician has signed off yet."""
        return self.source != "folder" and (not self.reviewed_by or self.reviewed_on is None)


@dataclass(frozen=True)
class WeeklyHours:
    """Opening hours: the same window on some weekdays (0 = Monday), optionally closed on holidays."""

    days: frozenset[int]
    start: time
    end: time
    holidays: str | None = None  # a country code for the `holidays` package, e.g. "NL"


@dataclass(frozen=True)
class TeamQuestions:
    """What the team promises about questions sent to it from the bot (contacts.yaml `team_questions`)."""

    answer_within_working_days: int = 2  # working days: `office_hours`, holidays closed
    staff_notice_every_hours: int = 2  # opted-in staff get at most one "new questions" message per this many hours


@dataclass(frozen=True)
class MenuChoice:
    """One step in the telephone menu of the spreekuur."""

    choice: int
    label: Mapping[str, str]


@dataclass(frozen=True)
class Chapter:
    """A chapter or section of the folder. `text` is the folder's text with contacts filled in."""

    id: str
    title: str
    parent: str | None
    text: str
    subtitle: str | None = None
    button: str | None = None
    file: str = ""
    line: int = 0

    @property
    def version(self) -> str:
        """A short content hash; changes whenever title or text change."""
        digest = hashlib.sha256(f"{self.title}\n{self.subtitle}\n{self.text}".encode()).hexdigest()
        return digest[:12]

    @property
    def label(self) -> str:
        """The short label for buttons."""
        return self.button or self.title


@dataclass(frozen=True)
class Content:
    """The whole folder: chapters in folder order, contacts, spreekuur and office hours."""

    chapters: tuple[Chapter, ...]
    contacts: Mapping[str, Contact]
    spreekuur: WeeklyHours
    spreekuur_menu: tuple[MenuChoice, ...]
    office_hours: WeeklyHours
    team_questions: TeamQuestions = TeamQuestions()
    _by_id: Mapping[str, Chapter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.chapters})

    def chapter(self, chapter_id: str) -> Chapter | None:
        """The chapter with this id, or None."""
        return self._by_id.get(chapter_id)

    def top_level(self) -> tuple[Chapter, ...]:
        """Chapters without a parent, in folder order (the main menu)."""
        return tuple(c for c in self.chapters if c.parent is None)

    def children(self, chapter_id: str) -> tuple[Chapter, ...]:
        """The sections of a chapter, in folder order."""
        return tuple(c for c in self.chapters if c.parent == chapter_id)

    def neighbours(self, chapter_id: str) -> tuple[Chapter | None, Chapter | None]:
        """Previous and next chapter at the same level (siblings), for navigation."""
        chapter = self._by_id.get(chapter_id)
        if chapter is None:
            return None, None
        siblings = [c for c in self.chapters if c.parent == chapter.parent]
        index = siblings.index(chapter)
        previous = siblings[index - 1] if index > 0 else None
        following = siblings[index + 1] if index + 1 < len(siblings) else None
        return previous, following
