"""Reply texts for alarms, the safety net, unreadable messages, crashes and the spreekuur (Telegram HTML).

Templates come from content/alarm_replies.yaml; numbers come from Content.contacts. Template text
is escaped first, then placeholders are replaced by escaped, tappable numbers.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.clock import AMSTERDAM
from bot.content.model import LANGS, Contact, Content, Lang
from bot.triage.levels import Level
from bot.triage.matcher import TriageResult
from bot.triage.routing import ALARMNUMMER, ROLES, Routing, route, spreekuur_status
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, check_keys, load_yaml

REPLIES_FILE = "alarm_replies.yaml"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_TEXT_KEYS = {
    "unreadable": (),
    "foreign": (),
    "error": (),
    "spoed": (),
    "spreekuur_title": ("spreekuur",),
    "spreekuur_hours": ("days", "start", "end"),
    "spreekuur_open": (),
    "spreekuur_next": ("day", "time"),
    "spreekuur_menu": ("menu",),
    "and": (),
    "extra_line": ("name", "number"),
}
_LANG_KEYS = {"lines", "days", *_TEXT_KEYS}
# Optional: a line of its own for an extra contact an alarm concept names (e.g. 113 after 112).
_OPTIONAL_KEYS = {"extra_lines"}


@dataclass(frozen=True)
class LangReplies:
    """The templates of one language."""

    lines: dict[str, str]
    texts: dict[str, str]
    days: tuple[str, ...]
    extra_lines: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AlarmReplies:
    """All reply templates, by language."""

    langs: dict[str, LangReplies]

    def get(self, lang: str) -> LangReplies:
        """Templates for `lang`, falling back to Dutch."""
        return self.langs.get(lang) or self.langs["nl"]


def load_alarm_replies(path: Path) -> tuple[AlarmReplies | None, list[Problem]]:
    """Load and validate alarm_replies.yaml, reporting every problem with file and line."""
    file = str(path)
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    if not isinstance(doc, LineDict):
        return None, [Problem(file, 1, "alarm_replies.yaml: must be a mapping with nl and en")]
    problems = check_keys(doc, file, set(LANGS), set(LANGS), "alarm_replies.yaml")
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
            {r: (r,) for r in ROLES if r != "spreekuur"},
            problems,
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
        langs[lang] = LangReplies(lines, texts, tuple(days), extra_lines)
    if problems:
        return None, sorted(problems)
    return AlarmReplies(langs), []


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
    for name in _PLACEHOLDER.findall(raw):
        if name not in allowed:
            problems.append(Problem(file, line, f"{what}: unknown placeholder {{{name}}}"))
    if re.search(r"\d{3}", _PLACEHOLDER.sub("", raw)):
        problems.append(Problem(file, line, f"{what}: write phone numbers as placeholders, not digits"))
    return raw


def contact_html(contact: Contact, lang: Lang) -> str:
    """A contact as HTML: its number, else its e-mail address, else its name.

    No tel: links: Telegram's API does not accept them in every client, and a rejected alarm reply
    would be lost; Telegram apps make phone numbers in plain text tappable themselves.
    """
    if contact.phone:
        return html.escape(contact.phone)
    if contact.email:
        return f'<a href="mailto:{html.escape(contact.email)}">{html.escape(contact.email)}</a>'
    return html.escape(contact.label(lang))


def _fill(template: str, values: dict[str, str]) -> str:
    """Escape the template, then put in the (already escaped) values."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), html.escape(template, quote=False))


def _contact_values(content: Content, lang: Lang) -> dict[str, str]:
    return {cid: contact_html(contact, lang) for cid, contact in content.contacts.items()}


def _routing_lines(routing: Routing, content: Content, lang: Lang, templates: LangReplies) -> list[str]:
    values = _contact_values(content, lang)
    return [_fill(templates.lines[c.role], values) for c in routing.contacts if c.role in templates.lines]


def _extra_line(contact_id: str, content: Content, lang: Lang, templates: LangReplies) -> str | None:
    """The line for an extra contact: its own template, else the generic "name: number"."""
    contact = content.contacts.get(contact_id)
    if contact is None:  # reported by `content check`; the reply never fails on it
        return None
    number = contact_html(contact, lang)
    own = templates.extra_lines.get(contact_id)
    if own:
        return _fill(own, {contact_id: number})
    return _fill(
        templates.texts["extra_line"], {"name": html.escape(contact.label(lang), quote=False), "number": number}
    )


def _alarm_lines(
    result: TriageResult, routing: Routing, content: Content, lang: Lang, templates: LangReplies
) -> list[tuple[str, str]]:
    """(role, HTML line) in the order shown: the routing, 112 always, extra contacts right after 112."""
    values = _contact_values(content, lang)
    lines = [(c.role, _fill(templates.lines[c.role], values)) for c in routing.contacts if c.role in templates.lines]
    if ALARMNUMMER not in routing.roles and ALARMNUMMER in templates.lines:
        lines.append((ALARMNUMMER, _fill(templates.lines[ALARMNUMMER], values)))
    extra = [
        (cid, line)
        for cid in dict.fromkeys(result.extra_contacts)
        if (line := _extra_line(cid, content, lang, templates)) is not None
    ]
    at = next((i + 1 for i, (role, _) in enumerate(lines) if role == ALARMNUMMER), len(lines))
    return lines[:at] + extra + lines[at:]


def alarm_roles(result: TriageResult, routing: Routing, content: Content) -> tuple[str, ...]:
    """The contacts an alarm reply shows, in order (roles and extra contact ids), as `render_alarm_reply`."""
    roles = [*routing.roles] + ([] if ALARMNUMMER in routing.roles else [ALARMNUMMER])
    at = roles.index(ALARMNUMMER) + 1
    extra = [cid for cid in result.extra_contacts if cid in content.contacts]
    return tuple(dict.fromkeys([*roles[:at], *extra, *roles[at:]]))


def render_alarm_reply(
    result: TriageResult, routing: Routing, content: Content, lang: Lang, replies: AlarmReplies
) -> str:
    """The alarm reply: the routed lines in order, the first in bold; always with the 112 line, and the
    extra contacts of the alarm (e.g. 113) right after it.

    For a message without alarm (level none) this is the spreekuur reply.
    """
    templates = replies.get(lang)
    if result.level is Level.NONE or routing.level is Level.NONE:
        return render_spreekuur_reply(routing.at, content, lang, replies)
    lines = [line for _, line in _alarm_lines(result, routing, content, lang, templates)]
    if lines:
        lines[0] = f"<b>{lines[0]}</b>"
    return "\n\n".join(lines)


def safety_net_roles(now: dt.datetime, content: Content) -> tuple[str, ...]:
    """The contacts the safety net shows: the spoed routing for this moment and 112."""
    return route(Level.URGENT, now, content).roles


def render_safety_net(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """The folder's spoed sentences for this moment (spoedlijn or huisartsenpost) and 112, one per line.

    Goes on top of every reply that is not a confident answer, so nobody is left with only the spreekuur.
    """
    templates = replies.get(lang)
    return "\n".join(_routing_lines(route(Level.URGENT, now, content), content, lang, templates))


def render_foreign_reply(now: dt.datetime, content: Content, langs: tuple[Lang, ...], replies: AlarmReplies) -> str:
    """For a message in a language the bot does not read: the safety net and "I cannot read this",
    once per language in `langs` (Dutch and English); the numbers carry the message."""
    blocks = [
        f"{render_safety_net(now, content, lang, replies)}\n{_fill(replies.get(lang).texts['foreign'], {})}"
        for lang in langs
    ]
    return "\n\n".join(blocks)


def _spoed_reply(first: str, now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    templates = replies.get(lang)
    routing = route(Level.URGENT, now, content)
    lines = [_fill(first, {}), _fill(templates.texts["spoed"], {}), *_routing_lines(routing, content, lang, templates)]
    return "\n\n".join(lines)


def render_unreadable_reply(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """For voice, photo, sticker …: "I cannot read this", then the spoed lines and 112."""
    templates = replies.get(lang)
    return _spoed_reply(templates.texts["unreadable"], now, content, lang, replies)


def render_with_spoed_lines(first: str, now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """Any first line (e.g. "this is not possible right now"), then the spoed lines and 112."""
    return _spoed_reply(first, now, content, lang, replies)


def render_error_fallback(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """When a handler crashed: say so, then the spoed lines and 112."""
    templates = replies.get(lang)
    return _spoed_reply(templates.texts["error"], now, content, lang, replies)


def render_spreekuur_reply(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """The verpleegkundig telefonisch spreekuur: number, hours, open now or next opening, menu."""
    templates = replies.get(lang)
    texts = templates.texts
    values = _contact_values(content, lang)
    hours = content.spreekuur
    day_names = [templates.days[d] for d in sorted(hours.days)]
    days = ", ".join(day_names[:-1]) + f" {texts['and']} {day_names[-1]}" if len(day_names) > 1 else "".join(day_names)
    lines = []
    if "spreekuur" in content.contacts:
        lines.append(f"<b>{_fill(texts['spreekuur_title'], values)}</b>")
    lines.append(
        _fill(
            texts["spreekuur_hours"],
            {"days": html.escape(days), "start": f"{hours.start:%H:%M}", "end": f"{hours.end:%H:%M}"},
        )
    )
    status = spreekuur_status(now, content)
    if status.open_now:
        lines.append(_fill(texts["spreekuur_open"], {}))
    elif status.next_open is not None:
        opening = status.next_open.astimezone(AMSTERDAM)
        lines.append(
            _fill(
                texts["spreekuur_next"],
                {
                    "day": html.escape(f"{templates.days[opening.weekday()]} {opening.day}-{opening.month}"),
                    "time": f"{opening:%H:%M}",
                },
            )
        )
    if content.spreekuur_menu:
        menu = ", ".join(f"{c.label.get(lang) or c.label.get('nl', '')} ({c.choice})" for c in content.spreekuur_menu)
        lines.append(_fill(texts["spreekuur_menu"], {"menu": html.escape(menu)}))
    return "\n".join(lines)
