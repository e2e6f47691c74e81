"""`load_reminder_rules`: read and validate schedules/reminders.yaml, reporting every problem with its line."""

from __future__ import annotations

import re
import string
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from bot.reminders.rules import Moment, QuietHours, ReminderRules, SitePreparation, TypeRules
from bot.storage.records import APPOINTMENT_TYPES
from bot.yamlsrc import Checker, LineDict, LineList, Problem, YamlError, load_yaml

LANGS = ("nl", "en")
CHAPTERS = ("ct-scan", "mri-scan", "pet-scan", "leverpunctie", "uitslag")
TEMPLATE_KEYS = {
    "reminder": {"type", "when"},
    "folder_intro": set(),
    "site_intro": set(),
    "button_read": set(),
    "button_chapter": {"type"},
    "button_move": set(),
    "ics_summary": {"type"},
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class _Checker(Checker):
    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.add(line, f"{what}: expected a mapping")
        return None

    def time(self, value: Any, line: int, what: str) -> time | None:
        match = _HHMM.match(value) if isinstance(value, str) else None
        if match is None:
            self.add(line, f'{what}: expected a time as "HH:MM" in quotes, got {value!r}')
            return None
        return time(int(match[1]), int(match[2]))

    def languages(self, value: Any, line: int, what: str) -> dict[str, str] | None:
        mapping = self.mapping(value, line, what)
        if mapping is None:
            return None
        self.keys(mapping, set(LANGS), set(LANGS), what)
        result = {}
        for lang in LANGS:
            text = mapping.get(lang)
            if lang in mapping and (not isinstance(text, str) or not text.strip()):
                self.add(mapping.line_of(lang), f"{what}.{lang}: expected non-empty text")
            elif isinstance(text, str):
                result[lang] = text.strip()
        return result if len(result) == len(LANGS) else None

    def moments(self, value: Any, line: int, what: str) -> tuple[Moment, ...] | None:
        if not isinstance(value, LineList) or not value:
            self.add(line, f"{what}: expected a non-empty list of moments")
            return None
        result: list[Moment] = []
        ids: set[str] = set()
        for item, item_line in zip(value, value.item_lines, strict=True):
            moment = self.moment(item, item_line, what)
            if moment is None:
                continue
            if moment.id in ids:
                self.add(item_line, f"{what}: moment id '{moment.id}' used twice")
            ids.add(moment.id)
            result.append(moment)
        return tuple(result) if len(result) == len(value) else None

    def moment(self, item: Any, line: int, what: str) -> Moment | None:
        m = self.mapping(item, line, f"{what} item")
        if m is None:
            return None
        allowed = {"id", "days_before", "at", "hours_before", "minutes_before"}
        before_problems = len(self.problems)
        self.keys(m, allowed, {"id"}, f"{what} item")
        moment_id = m.get("id")
        if not isinstance(moment_id, str) or not re.fullmatch(r"[a-z0-9-]{1,40}", moment_id):
            self.add(m.line_of("id"), f"{what}: id must be 1-40 of a-z, 0-9 and '-', got {moment_id!r}")
        if "days_before" in m or "at" in m:
            if "hours_before" in m or "minutes_before" in m:
                self.add(m.line, f"{what}: use either days_before + at, or hours_before/minutes_before")
            days = m.get("days_before")
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 30:
                self.add(m.line_of("days_before"), f"{what}: days_before must be a whole number 0-30")
            at = self.time(m.get("at"), m.line_of("at"), f"{what}.at")
            if len(self.problems) > before_problems:
                return None
            return Moment(str(moment_id), days_before=days if isinstance(days, int) else 0, at=at)
        hours, minutes = m.get("hours_before", 0), m.get("minutes_before", 0)
        for key, number in (("hours_before", hours), ("minutes_before", minutes)):
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                self.add(m.line_of(key), f"{what}: {key} must be a whole number >= 0")
        if len(self.problems) == before_problems and hours * 60 + minutes <= 0:
            self.add(m.line, f"{what}: a moment needs days_before + at, or hours_before/minutes_before > 0")
        if len(self.problems) > before_problems:
            return None
        return Moment(str(moment_id), before=timedelta(hours=hours, minutes=minutes))

    def quiet(self, value: Any, line: int, what: str) -> QuietHours | bool | None:
        """QuietHours, None for 'no quiet hours' (null), or False after a problem."""
        if value is None:
            return None
        m = self.mapping(value, line, what)
        if m is None:
            return False
        self.keys(m, {"start", "end"}, {"start", "end"}, what)
        start = self.time(m.get("start"), m.line_of("start"), f"{what}.start")
        end = self.time(m.get("end"), m.line_of("end"), f"{what}.end")
        if start is None or end is None:
            return False
        if start == end:
            self.add(m.line, f"{what}: start and end are the same")
            return False
        return QuietHours(start, end)


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def load_reminder_rules(path: Path, folder_text: str | None = None) -> tuple[ReminderRules | None, list[Problem]]:
    """Load and validate the reminder rules. With `folder_text`, folder facts must be quoted verbatim."""
    file = str(path)
    try:
        root = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    c = _Checker(file)
    top = c.mapping(root, 1, "reminders.yaml")
    if top is None:
        return None, c.problems
    c.keys(top, {"defaults", "types", "templates"}, {"defaults", "types", "templates"}, "top level")

    default_moments: tuple[Moment, ...] | None = None
    default_quiet: QuietHours | bool | None = None
    defaults = c.mapping(top.get("defaults"), top.line_of("defaults"), "defaults") if "defaults" in top else None
    if defaults is not None:
        c.keys(defaults, {"moments", "quiet_hours"}, {"moments"}, "defaults")
        default_moments = c.moments(defaults.get("moments"), defaults.line_of("moments"), "defaults.moments")
        default_quiet = c.quiet(defaults.get("quiet_hours"), defaults.line_of("quiet_hours"), "defaults.quiet_hours")

    types: dict[str, TypeRules] = {}
    types_map = c.mapping(top.get("types"), top.line_of("types"), "types") if "types" in top else None
    if types_map is not None:
        c.keys(types_map, set(APPOINTMENT_TYPES), set(APPOINTMENT_TYPES), "types")
        for name in APPOINTMENT_TYPES:
            if name in types_map:
                rules = _type_rules(c, name, types_map, default_moments, default_quiet, folder_text)
                if rules is not None:
                    types[name] = rules

    templates: dict[str, dict[str, str]] = {}
    tmpl = c.mapping(top.get("templates"), top.line_of("templates"), "templates") if "templates" in top else None
    if tmpl is not None:
        c.keys(tmpl, set(LANGS), set(LANGS), "templates")
        for lang in LANGS:
            words = c.mapping(tmpl.get(lang), tmpl.line_of(lang), f"templates.{lang}") if lang in tmpl else None
            if words is None:
                continue
            c.keys(words, set(TEMPLATE_KEYS), set(TEMPLATE_KEYS), f"templates.{lang}")
            templates[lang] = {}
            for key, fields in TEMPLATE_KEYS.items():
                value = words.get(key)
                if key not in words:
                    continue
                if not isinstance(value, str) or not value.strip():
                    c.add(words.line_of(key), f"templates.{lang}.{key}: expected non-empty text")
                    continue
                used = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
                if used - fields:
                    allowed = ", ".join("{" + f + "}" for f in sorted(fields)) or "none"
                    c.add(
                        words.line_of(key),
                        f"templates.{lang}.{key}: unknown placeholder(s) {sorted(used - fields)}; allowed: {allowed}",
                    )
                    continue
                templates[lang][key] = value

    if c.problems:
        return None, sorted(c.problems)
    broadcast_quiet = default_quiet if isinstance(default_quiet, QuietHours) else None
    return ReminderRules(types=types, templates=templates, quiet_hours=broadcast_quiet), []


def _type_rules(
    c: _Checker,
    name: str,
    types_map: LineDict,
    default_moments: tuple[Moment, ...] | None,
    default_quiet: QuietHours | bool | None,
    folder_text: str | None,
) -> TypeRules | None:
    what = f"types.{name}"
    m = c.mapping(types_map[name], types_map.line_of(name), what)
    if m is None:
        return None
    allowed = {"label", "chapter", "folder_facts", "moments", "quiet_hours", "site_preparation"}
    c.keys(m, allowed, {"label", "chapter", "folder_facts"}, what)
    label = c.languages(m.get("label"), m.line_of("label"), f"{what}.label")
    chapter = m.get("chapter")
    if chapter is not None and chapter not in CHAPTERS:
        c.add(m.line_of("chapter"), f"{what}.chapter: unknown chapter id {chapter!r}; one of {', '.join(CHAPTERS)}")
    facts = m.get("folder_facts")
    if facts is not None and (not isinstance(facts, str) or not facts.strip()):
        c.add(m.line_of("folder_facts"), f"{what}.folder_facts: expected text or null")
        facts = None
    elif isinstance(facts, str) and folder_text is not None and _fold(facts) not in _fold(folder_text):
        c.add(m.line_of("folder_facts"), f"{what}.folder_facts: not found word for word in the folder")
    moments = default_moments
    if "moments" in m:
        moments = c.moments(m["moments"], m.line_of("moments"), f"{what}.moments")
    quiet = (
        c.quiet(m["quiet_hours"], m.line_of("quiet_hours"), f"{what}.quiet_hours")
        if "quiet_hours" in m
        else default_quiet
    )
    site = _site_preparation(c, m, what) if m.get("site_preparation") is not None else None
    if label is None or moments is None or quiet is False or site is False:
        return None
    return TypeRules(
        type=name,
        label=label,
        chapter=chapter if isinstance(chapter, str) else None,
        folder_facts=_fold(facts) if isinstance(facts, str) else None,
        moments=moments,
        quiet_hours=quiet if isinstance(quiet, QuietHours) else None,
        site_preparation=site if isinstance(site, SitePreparation) else None,
    )


def _site_preparation(c: _Checker, m: LineDict, what: str) -> SitePreparation | bool:
    sp = c.mapping(m["site_preparation"], m.line_of("site_preparation"), f"{what}.site_preparation")
    if sp is None:
        return False
    before = len(c.problems)
    c.keys(
        sp, {"text", "reviewed_by", "reviewed_on"}, {"text", "reviewed_by", "reviewed_on"}, f"{what}.site_preparation"
    )
    text = c.languages(sp.get("text"), sp.line_of("text"), f"{what}.site_preparation.text")
    by = sp.get("reviewed_by")
    if not isinstance(by, str) or not by.strip():
        c.add(sp.line_of("reviewed_by"), f"{what}.site_preparation.reviewed_by: who reviewed this text?")
    on = sp.get("reviewed_on")
    if not isinstance(on, date):
        c.add(sp.line_of("reviewed_on"), f"{what}.site_preparation.reviewed_on: expected a date YYYY-MM-DD")
    if len(c.problems) > before or text is None or not isinstance(on, date):
        return False
    return SitePreparation(text=text, reviewed_by=str(by), reviewed_on=on)
