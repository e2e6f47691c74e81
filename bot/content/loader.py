"""Load and validate `content/folder.yaml` and `content/contacts.yaml` into a `Content`.

The contacts file (numbers, hours, the team's questions) is read by `bot.content.contacts`; this module
reads the folder's chapters (with the contacts' numbers filled in) and puts both together.

Every problem is reported at once, with file and line, so that whoever edits the files sees all
mistakes in one run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.content.contacts import (
    CONTACT_FIELDS,
    ID_RE,
    parse_contacts,
    parse_team_questions,
    text_or_none,
)
from bot.content.model import Chapter, Contact, Content, MenuChoice, TeamQuestions, WeeklyHours
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, check_keys, load_yaml

FOLDER_FILE = "folder.yaml"
CONTACTS_FILE = "contacts.yaml"

# "ch:" + id must fit in Telegram's 64-byte callback data; deep-link payloads allow 64 characters.
MAX_ID_LENGTH = 60
PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

_CHAPTER_KEYS = {"id", "title", "subtitle", "button", "parent", "text"}


def load_content(content_dir: Path) -> tuple[Content | None, list[Problem]]:
    """Load the folder and contacts from `content_dir`; Content is None when there are problems."""
    problems: list[Problem] = []
    contacts_path = content_dir / CONTACTS_FILE
    folder_path = content_dir / FOLDER_FILE
    contacts_doc = _load(contacts_path, problems)
    folder_doc = _load(folder_path, problems)

    contacts: dict[str, Contact] = {}
    hours: dict[str, tuple[WeeklyHours, tuple[MenuChoice, ...]]] = {}
    team = TeamQuestions()
    if contacts_doc is not None:
        contacts, hours = parse_contacts(contacts_doc, str(contacts_path), problems)
        team = parse_team_questions(contacts_doc, str(contacts_path), problems)
    chapters: list[Chapter] = []
    if folder_doc is not None:
        chapters = _parse_folder(folder_doc, str(folder_path), contacts, problems)

    if problems or "spreekuur" not in hours or "office_hours" not in hours:
        if not problems:
            problems.append(Problem(str(contacts_path), 0, "spreekuur and office_hours are required"))
        return None, sorted(problems)
    spreekuur, menu = hours["spreekuur"]
    office, _ = hours["office_hours"]
    return Content(tuple(chapters), contacts, spreekuur, menu, office, team), []


def _load(path: Path, problems: list[Problem]) -> Any:
    try:
        return load_yaml(path)
    except YamlError as exc:
        problems.append(exc.problem)
        return None


def _fill_placeholders(text: str, contacts: dict[str, Contact], file: str, line: int, problems: list[Problem]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        contact_id, _, field_name = name.partition(".")
        contact = contacts.get(contact_id)
        if contact is None:
            problems.append(Problem(file, line, f"placeholder {{{{{name}}}}} names unknown contact '{contact_id}'"))
            return match.group(0)
        if field_name not in CONTACT_FIELDS:
            problems.append(Problem(file, line, f"placeholder {{{{{name}}}}}: use .phone, .tel or .email"))
            return match.group(0)
        value = getattr(contact, field_name)
        if not value:
            problems.append(
                Problem(file, line, f"placeholder {{{{{name}}}}}: contact '{contact_id}' has no {field_name}")
            )
            return match.group(0)
        return str(value)

    return PLACEHOLDER_RE.sub(replace, text)


def _parse_folder(doc: Any, file: str, contacts: dict[str, Contact], problems: list[Problem]) -> list[Chapter]:
    if not isinstance(doc, LineDict):
        problems.append(Problem(file, 1, "expected a mapping with a 'chapters' list"))
        return []
    problems += check_keys(doc, file, {"chapters"}, {"chapters"}, "folder.yaml")
    entries = doc.get("chapters")
    if not isinstance(entries, LineList):
        if entries is not None:
            problems.append(Problem(file, doc.line_of("chapters"), "chapters must be a list"))
        return []
    chapters: list[Chapter] = []
    seen: dict[str, int] = {}
    parent_lines: dict[str, int] = {}
    without_text: set[str] = set()
    for entry, line in zip(entries, entries.item_lines, strict=True):
        if not isinstance(entry, LineDict):
            problems.append(Problem(file, line, "chapter: expected a mapping with id, title and text"))
            continue
        chapter = _parse_chapter(entry, file, contacts, seen, problems)
        if chapter:
            chapters.append(chapter)
            parent_lines[chapter.id] = entry.line_of("parent")
            if "text" not in entry:
                without_text.add(chapter.id)
    _check_structure(chapters, seen, parent_lines, without_text, file, problems)
    return chapters


def _parse_chapter(
    entry: LineDict, file: str, contacts: dict[str, Contact], seen: dict[str, int], problems: list[Problem]
) -> Chapter | None:
    raw_id = entry.get("id")
    what = f"chapter '{raw_id}'" if isinstance(raw_id, str) else "chapter"
    problems += check_keys(entry, file, _CHAPTER_KEYS, {"id", "title"}, what)
    line = entry.line
    if not isinstance(raw_id, str) or not ID_RE.match(raw_id) or len(raw_id) > MAX_ID_LENGTH:
        if "id" in entry:
            problems.append(Problem(file, entry.line_of("id"), f"{what}: id must be lowercase words joined by '-'"))
        return None
    if raw_id in seen:
        problems.append(Problem(file, line, f"duplicate id '{raw_id}' (first at line {seen[raw_id]})"))
        return None
    seen[raw_id] = line
    title = text_or_none(entry.get("title"))
    if title is None and "title" in entry:
        problems.append(Problem(file, entry.line_of("title"), f"{what}: empty title"))
    for optional in ("subtitle", "button", "parent"):
        if optional in entry and text_or_none(entry.get(optional)) is None:
            problems.append(Problem(file, entry.line_of(optional), f"{what}: empty {optional}"))
    button = text_or_none(entry.get("button"))
    if button and len(button) > 40:
        problems.append(Problem(file, entry.line_of("button"), f"{what}: button label longer than 40 characters"))
    raw_text = entry.get("text")
    text = ""
    if "text" in entry:
        if text_or_none(raw_text) is None:
            problems.append(Problem(file, entry.line_of("text"), f"{what}: empty text"))
        else:
            text = _fill_placeholders(str(raw_text).strip(), contacts, file, entry.line_of("text"), problems)
    if title is None:
        return None
    return Chapter(
        id=raw_id,
        title=title,
        parent=text_or_none(entry.get("parent")),
        text=text,
        subtitle=text_or_none(entry.get("subtitle")),
        button=button,
        file=file,
        line=line,
    )


def _check_structure(
    chapters: list[Chapter],
    seen: dict[str, int],
    parent_lines: dict[str, int],
    without_text: set[str],
    file: str,
    problems: list[Problem],
) -> None:
    by_id = {c.id: c for c in chapters}
    parents = {c.parent for c in chapters if c.parent}
    for chapter in chapters:
        if chapter.parent is not None:
            parent = by_id.get(chapter.parent)
            line = parent_lines[chapter.id]
            if chapter.parent not in seen:
                problems.append(
                    Problem(file, line, f"chapter '{chapter.id}': parent '{chapter.parent}' does not exist")
                )
            elif parent is not None and parent.parent is not None:
                problems.append(Problem(file, line, f"chapter '{chapter.id}': sections cannot have sections"))
        if chapter.id in without_text and chapter.id not in parents:
            problems.append(
                Problem(
                    file,
                    chapter.line,
                    f"chapter '{chapter.id}': empty text (only a chapter with sections may have none)",
                )
            )
    if not chapters:
        problems.append(Problem(file, 1, "no chapters"))
