"""The alarm reply templates (content/alarm_replies.yaml) as reviewed data, and their validating loader.

Rendering them is bot/triage/alarm_texts.py's; this module only reads, checks and holds the templates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.model import LANGS, SOURCES, Content
from bot.localized import in_lang
from bot.triage.routing import (
    ALARMNUMMER,
    HUISARTSENPOST,
    ROLES,
    SEH,
    SPOEDLIJN,
    SPREEKUUR,
)
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, check_keys, load_yaml

REPLIES_FILE = "alarm_replies.yaml"
# The roles whose call is the instruction of an alarm reply (the spreekuur is never an alarm's).
CALL_ROLES = (ALARMNUMMER, SEH, SPOEDLIJN, HUISARTSENPOST)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


_TEXT_KEYS = {
    "escalate": (ALARMNUMMER,),
    "from_folder": (),
    "extra_line": ("name", "number"),
    "spoed_line": ("call", ALARMNUMMER),
    "body_check": (ALARMNUMMER,),
    "body_signs": (),
    "body_else": ("call",),
    "body_unsure": (),
    "not_found": (),
    "not_found_contact": ("email", SPREEKUUR),
    "spoed_title": (),
    "spoed_emergency": (ALARMNUMMER,),
    "spoed_seh": (SEH,),
    "spoed_other": ("call",),
    "spoed_none": (SPREEKUUR,),
    "spoed_folder": (),
    "unreadable": (),
    "foreign": (),
    "error": (),
    "spreekuur_title": (SPREEKUUR,),
    "spreekuur_hours": ("days", "start", "end"),
    "spreekuur_open": (),
    "spreekuur_next": ("when",),
    "spreekuur_menu": ("menu",),
    "and": (),
}


_LANG_KEYS = {"lines", "call", "days", *_TEXT_KEYS}


# Optional: a line of its own for an extra contact an alarm concept names (e.g. 113 after 112).
_OPTIONAL_KEYS = {"extra_lines"}


_TOP_KEYS = {*LANGS, "folder_lines_for", "review"}


_REVIEW_KEYS = {"source", "reviewed_by", "reviewed_on"}


@dataclass(frozen=True)
class LangReplies:
    """The templates of one language: the folder's `lines`, the bot's `call` lines and texts."""

    lines: dict[str, str]
    texts: dict[str, str]
    days: tuple[str, ...]
    extra_lines: dict[str, str] = field(default_factory=dict)
    call: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Review:
    """Whether the bot's own wording (everything but the folder's `lines`) is signed off."""

    source: str = "beyond-folder"
    reviewed_by: str | None = None
    reviewed_on: dt.date | None = None

    @property
    def awaiting_sign_off(self) -> bool:
        """True while no clinician has signed the wording off."""
        return self.source != "folder" and (not self.reviewed_by or self.reviewed_on is None)


@dataclass(frozen=True)
class AlarmReplies:
    """All reply templates, by language; which folder lines depend on the alarm's reason; the sign-off."""

    langs: dict[str, LangReplies]
    folder_lines_for: Mapping[str, frozenset[str]] = field(default_factory=dict)
    review: Review = Review()

    def get(self, lang: str) -> LangReplies:
        """Templates for `lang`, falling back to Dutch."""
        return in_lang(self.langs, lang)


def load_alarm_replies(path: Path) -> tuple[AlarmReplies | None, list[Problem]]:
    """Load and validate alarm_replies.yaml, reporting every problem with file and line."""
    file = str(path)
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    if not isinstance(doc, LineDict):
        return None, [Problem(file, 1, "alarm_replies.yaml: must be a mapping with nl and en")]
    problems = check_keys(doc, file, _TOP_KEYS, set(LANGS), "alarm_replies.yaml")
    langs: dict[str, LangReplies] = {}
    for lang in LANGS:
        entry = doc.get(lang)
        if not isinstance(entry, LineDict):
            continue
        problems += check_keys(entry, file, _LANG_KEYS | _OPTIONAL_KEYS, _LANG_KEYS, lang)
        lines = _templates(
            entry.get("lines"),
            entry.line_of("lines"),
            file,
            f"{lang}.lines",
            {r: (r,) for r in ROLES if r != SPREEKUUR},
            problems,
        )
        call = _templates(
            entry.get("call"), entry.line_of("call"), file, f"{lang}.call", {r: (r,) for r in CALL_ROLES}, problems
        )
        extra = entry.get("extra_lines")
        extra_lines = (
            _templates(
                extra,
                entry.line_of("extra_lines"),
                file,
                f"{lang}.extra_lines",
                {str(k): (str(k),) for k in extra} if isinstance(extra, LineDict) else {},
                problems,
            )
            if "extra_lines" in entry
            else {}
        )
        texts = {}
        for key, allowed in _TEXT_KEYS.items():
            if key in entry:
                texts[key] = _template(entry[key], entry.line_of(key), file, f"{lang}.{key}", allowed, problems)
        days = entry.get("days")
        if not isinstance(days, LineList) or len(days) != 7 or not all(isinstance(d, str) for d in days):
            problems.append(Problem(file, entry.line_of("days"), f"{lang}.days: must list the 7 weekdays"))
            days = [""] * 7
        langs[lang] = LangReplies(lines, texts, tuple(days), extra_lines, call)
    folder_lines_for = _folder_lines_for(doc, file, problems)
    review = _review(doc, file, problems)
    if problems:
        return None, sorted(problems)
    return AlarmReplies(langs, folder_lines_for, review), []


def _folder_lines_for(doc: LineDict, file: str, problems: list[Problem]) -> dict[str, frozenset[str]]:
    raw = doc.get("folder_lines_for")
    if raw is None:
        return {}
    line = doc.line_of("folder_lines_for")
    if not isinstance(raw, LineDict):
        problems.append(Problem(file, line, "folder_lines_for: must map a role to a list of alarm concept ids"))
        return {}
    result = {}
    for role, concepts in raw.items():
        if role not in ROLES:
            problems.append(
                Problem(file, raw.line_of(role), f"folder_lines_for: '{role}' is not a role ({', '.join(ROLES)})")
            )
        elif not isinstance(concepts, LineList) or not all(isinstance(c, str) for c in concepts):
            problems.append(Problem(file, raw.line_of(role), f"folder_lines_for.{role}: must be a list of concept ids"))
        else:
            result[str(role)] = frozenset(str(c) for c in concepts)
    return result


def _review(doc: LineDict, file: str, problems: list[Problem]) -> Review:
    raw = doc.get("review")
    if raw is None:
        return Review()
    if not isinstance(raw, LineDict):
        problems.append(Problem(file, doc.line_of("review"), "review: must be a mapping"))
        return Review()
    problems += check_keys(raw, file, _REVIEW_KEYS, {"source"}, "review")
    source = str(raw.get("source", ""))
    if source not in SOURCES:
        problems.append(Problem(file, raw.line_of("source"), f"review.source: must be one of {', '.join(SOURCES)}"))
    on = raw.get("reviewed_on")
    if on is not None and not isinstance(on, dt.date):
        problems.append(Problem(file, raw.line_of("reviewed_on"), "review.reviewed_on: must be a date (YYYY-MM-DD)"))
        on = None
    by = raw.get("reviewed_by")
    return Review(source, str(by) if by else None, on)


def check_reason_concepts(replies: AlarmReplies, concept_ids: set[str], path: Path) -> list[Problem]:
    """Every concept that `folder_lines_for` names must be an alarm concept of alarms.yaml."""
    return [
        Problem(str(path), 0, f"folder_lines_for.{role}: '{cid}' is not an alarm concept in alarms.yaml")
        for role, concepts in replies.folder_lines_for.items()
        for cid in sorted(concepts)
        if cid not in concept_ids
    ]


def check_extra_contacts(replies: AlarmReplies, content: Content, path: Path) -> list[Problem]:
    """Every contact with a line of its own in extra_lines must exist in contacts.yaml."""
    return [
        Problem(str(path), 0, f"{lang}.extra_lines: '{cid}' is not a contact in contacts.yaml")
        for lang, templates in replies.langs.items()
        for cid in templates.extra_lines
        if cid not in content.contacts
    ]


def _templates(
    raw: Any, line: int, file: str, what: str, allowed: dict[str, tuple[str, ...]], problems: list[Problem]
) -> dict[str, str]:
    if not isinstance(raw, LineDict):
        problems.append(Problem(file, line, f"{what}: must be a mapping"))
        return {}
    problems += check_keys(raw, file, set(allowed), set(allowed), what)
    return {
        key: _template(raw[key], raw.line_of(key), file, f"{what}.{key}", allowed[key], problems)
        for key in allowed
        if key in raw
    }


def _template(raw: Any, line: int, file: str, what: str, allowed: tuple[str, ...], problems: list[Problem]) -> str:
    if not isinstance(raw, str) or not raw.strip():
        problems.append(Problem(file, line, f"{what}: must be non-empty text"))
        return ""
    for name in PLACEHOLDER.findall(raw):
        if name not in allowed:
            problems.append(Problem(file, line, f"{what}: unknown placeholder {{{name}}}"))
    if re.search(r"\d{3}", PLACEHOLDER.sub("", raw)):
        problems.append(Problem(file, line, f"{what}: write phone numbers as placeholders, not digits"))
    return raw
