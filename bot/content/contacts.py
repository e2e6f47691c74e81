"""Load and validate `content/contacts.yaml`: the contacts (numbers, e-mail, who signed off one beyond the
folder), the spreekuur's and office hours with the spreekuur's menu, and the questions to the team.

Every problem is added to the caller's list, with file and line; `bot.content.loader` puts the result
together with the folder.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from bot.content.model import SOURCES, WEEKDAYS, Contact, MenuChoice, TeamQuestions, WeeklyHours
from bot.yamlsrc import LineDict, LineList, Problem, check_keys

# The bot's logic routes patients to these contacts, so they must exist (their numbers may change).
REQUIRED_CONTACTS = ("spoedlijn", "huisartsenpost", "seh", "alarmnummer", "spreekuur", "afsprakenlijn", "email")

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

CONTACT_KEYS = {"name", "phone", "tel", "email", "source", "reviewed_by", "reviewed_on"}
CONTACT_FIELDS = ("phone", "tel", "email")


def text_or_none(value: Any) -> str | None:
    """The text stripped, or None when it is no text or blank."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_contacts(
    doc: Any, file: str, problems: list[Problem]
) -> tuple[dict[str, Contact], dict[str, tuple[WeeklyHours, tuple[MenuChoice, ...]]]]:
    contacts: dict[str, Contact] = {}
    hours: dict[str, tuple[WeeklyHours, tuple[MenuChoice, ...]]] = {}
    if not isinstance(doc, LineDict):
        problems.append(Problem(file, 1, "expected a mapping with contacts, spreekuur and office_hours"))
        return contacts, hours
    problems += check_keys(
        doc, file, {"contacts", "spreekuur", "office_hours", "team_questions"}, {"contacts"}, "contacts.yaml"
    )
    raw_contacts = doc.get("contacts")
    if isinstance(raw_contacts, LineDict):
        problems += check_keys(raw_contacts, file, set(raw_contacts), set(), "contacts")
        for contact_id, entry in raw_contacts.items():
            contact = _parse_contact(contact_id, entry, raw_contacts.line_of(contact_id), file, problems)
            if contact:
                contacts[contact_id] = contact
        for required in REQUIRED_CONTACTS:
            if required not in raw_contacts:
                problems.append(Problem(file, raw_contacts.line, f"contacts: missing contact '{required}'"))
    elif raw_contacts is not None:
        problems.append(Problem(file, doc.line_of("contacts"), "contacts: expected a mapping of contacts"))

    holiday_country: str | None = None
    office = doc.get("office_hours")
    if isinstance(office, LineDict):
        extra = {"holidays", "confirmed_by", "confirmed_on"}
        parsed = _parse_hours(office, file, "office_hours", extra, problems)
        raw_country = office.get("holidays")
        if raw_country is not None and not (isinstance(raw_country, str) and raw_country.isalpha()):
            problems.append(
                Problem(file, office.line_of("holidays"), "office_hours: holidays must be a country code like NL")
            )
        holiday_country = raw_country if isinstance(raw_country, str) else None
        if parsed:
            hours["office_hours"] = (WeeklyHours(parsed[0], parsed[1], parsed[2], holiday_country), ())
    else:
        problems.append(Problem(file, doc.line, "office_hours: missing or not a mapping"))

    spreekuur = doc.get("spreekuur")
    if isinstance(spreekuur, LineDict):
        parsed = _parse_hours(spreekuur, file, "spreekuur", {"menu", "closed_on_holidays"}, problems)
        menu = _parse_menu(spreekuur.get("menu"), file, spreekuur.line_of("menu"), problems)
        closed = spreekuur.get("closed_on_holidays", True)
        if not isinstance(closed, bool):
            problems.append(
                Problem(file, spreekuur.line_of("closed_on_holidays"), "closed_on_holidays must be true or false")
            )
        if parsed:
            country = (holiday_country or "NL") if closed is True else None
            hours["spreekuur"] = (WeeklyHours(parsed[0], parsed[1], parsed[2], country), menu)
    else:
        problems.append(Problem(file, doc.line, "spreekuur: missing or not a mapping"))
    return contacts, hours


# (key, lowest, highest) of the whole numbers in `team_questions`.
_TEAM_NUMBERS = (("answer_within_working_days", 1, 20), ("staff_notice_every_hours", 1, 9))


def parse_team_questions(doc: Any, file: str, problems: list[Problem]) -> TeamQuestions:
    """The optional `team_questions` section: the answer time promised to patients, the staff notice interval."""
    node = doc.get("team_questions") if isinstance(doc, LineDict) else None
    if node is None:
        return TeamQuestions()
    if not isinstance(node, LineDict):
        problems.append(Problem(file, doc.line_of("team_questions"), "team_questions: expected a mapping"))
        return TeamQuestions()
    keys = {name for name, _, _ in _TEAM_NUMBERS}
    problems += check_keys(node, file, keys | {"confirmed_by", "confirmed_on"}, keys, "team_questions")
    values: dict[str, int] = {}
    for name, low, high in _TEAM_NUMBERS:
        raw = node.get(name)
        if name not in node:
            continue
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            problems.append(Problem(file, node.line_of(name), f"team_questions: {name} must be from {low} to {high}"))
            continue
        values[name] = raw
    return TeamQuestions(**values)


def same_number(phone: str, tel: str) -> bool:
    """Whether the number as written (`06 25 71 60 27`) and the dialler's (`+31625716027`) are one number.

    Dutch national numbers start with 0 where the international form has +31. A phone written as
    alternatives (`113 / 0800-0113`) agrees when `tel` is one of them.
    """
    return any(_one_number(part, tel) for part in re.split(r"\s*/\s*|\s+(?:of|or)\s+", phone))


def _one_number(phone: str, tel: str) -> bool:
    written = ("+" if phone.strip().startswith("+") else "") + re.sub(r"\D", "", phone)
    if written.startswith("00"):
        written = "+" + written[2:]
    if tel.startswith("+31") and written.startswith("0"):
        return written == "0" + tel[3:]
    return written == tel


def _parse_contact(contact_id: str, entry: Any, line: int, file: str, problems: list[Problem]) -> Contact | None:
    what = f"contact '{contact_id}'"
    if not ID_RE.match(contact_id):
        problems.append(Problem(file, line, f"{what}: ids are lowercase letters, digits and '-'"))
    if not isinstance(entry, LineDict):
        problems.append(Problem(file, line, f"{what}: expected a mapping with name, phone, tel, email"))
        return None
    problems += check_keys(entry, file, CONTACT_KEYS, {"name"}, what)
    name = entry.get("name")
    names: dict[str, str] = {}
    if isinstance(name, LineDict):
        problems += check_keys(name, file, {"nl", "en"}, {"nl"}, f"{what} name")
        names = {k: v for k, v in name.items() if isinstance(v, str) and v.strip()}
        if "nl" not in names:
            problems.append(Problem(file, name.line, f"{what}: name.nl must be text"))
    elif name is not None:
        problems.append(Problem(file, entry.line_of("name"), f"{what}: name must have nl and en"))
    values: dict[str, str | None] = {}
    for field_name in CONTACT_FIELDS:
        raw = entry.get(field_name)
        if raw is not None and not (isinstance(raw, str) and raw.strip()):
            problems.append(Problem(file, entry.line_of(field_name), f"{what}: {field_name} must be text in quotes"))
            raw = None
        values[field_name] = raw
    tel = values["tel"]
    if tel is not None and not re.fullmatch(r"\+?\d{3,15}", tel):
        problems.append(Problem(file, entry.line_of("tel"), f"{what}: tel must be digits, e.g. +31204444444"))
    elif tel is not None and values["phone"] is not None and not same_number(values["phone"], tel):
        problems.append(
            Problem(
                file,
                entry.line_of("tel"),
                f"{what}: phone {values['phone']!r} and tel {tel!r} are different numbers; "
                "a patient who taps the number would call the other one",
            )
        )
    elif tel is not None and values["phone"] is None:
        problems.append(Problem(file, entry.line_of("tel"), f"{what}: tel without phone: the patient cannot read it"))
    email = values["email"]
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", email):
        problems.append(Problem(file, entry.line_of("email"), f"{what}: not an e-mail address"))
    source, reviewed_by, reviewed_on = _parse_sign_off(entry, file, what, problems)
    if not names.get("nl"):
        return None
    return Contact(contact_id, names, values["phone"], tel, email, source, reviewed_by, reviewed_on)


def _parse_sign_off(
    entry: LineDict, file: str, what: str, problems: list[Problem]
) -> tuple[str, str | None, date | None]:
    """`source` (folder or beyond-folder) and, beyond the folder, who signed the contact off and when."""
    source = entry.get("source", "folder")
    if source not in SOURCES:
        problems.append(Problem(file, entry.line_of("source"), f"{what}: source must be folder or beyond-folder"))
        source = "beyond-folder"  # in doubt, it still needs a clinician's sign-off
    reviewed_by, reviewed_on = entry.get("reviewed_by"), entry.get("reviewed_on")
    if reviewed_by is not None and not text_or_none(reviewed_by):
        problems.append(Problem(file, entry.line_of("reviewed_by"), f"{what}: reviewed_by must be a name or empty"))
        reviewed_by = None
    if reviewed_on is not None and not isinstance(reviewed_on, date):
        problems.append(
            Problem(file, entry.line_of("reviewed_on"), f"{what}: reviewed_on must be a date like 2026-06-30 or empty")
        )
        reviewed_on = None
    if (entry.get("reviewed_by") is None) != (entry.get("reviewed_on") is None):
        problems.append(Problem(file, entry.line, f"{what}: fill in both reviewed_by and reviewed_on, or neither"))
    if source == "beyond-folder":
        for key in ("reviewed_by", "reviewed_on"):
            if key not in entry:
                problems.append(
                    Problem(file, entry.line, f"{what}: beyond the folder, so it needs '{key}' (may be empty)")
                )
    elif "reviewed_by" in entry or "reviewed_on" in entry:
        problems.append(Problem(file, entry.line, f"{what}: reviewed_by/reviewed_on only for source: beyond-folder"))
    return str(source), text_or_none(reviewed_by), reviewed_on


def _parse_time(raw: Any, file: str, line: int, what: str, problems: list[Problem]) -> time | None:
    match = TIME_RE.match(raw) if isinstance(raw, str) else None
    if not match:
        problems.append(Problem(file, line, f'{what}: expected a time like "08:00" in quotes, got {raw!r}'))
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _parse_hours(
    node: LineDict, file: str, what: str, extra: set[str], problems: list[Problem]
) -> tuple[frozenset[int], time, time] | None:
    problems += check_keys(node, file, {"days", "start", "end"} | extra, {"days", "start", "end"}, what)
    days_raw = node.get("days")
    days: set[int] = set()
    if isinstance(days_raw, LineList) and days_raw:
        for day, line in zip(days_raw, days_raw.item_lines, strict=True):
            if isinstance(day, str) and day.lower() in WEEKDAYS:
                days.add(WEEKDAYS.index(day.lower()))
            else:
                problems.append(Problem(file, line, f"{what}: unknown weekday {day!r} (use monday … sunday)"))
    elif "days" in node:
        problems.append(Problem(file, node.line_of("days"), f"{what}: days must be a list of weekdays"))
    start = (
        _parse_time(node.get("start"), file, node.line_of("start"), f"{what} start", problems)
        if "start" in node
        else None
    )
    end = _parse_time(node.get("end"), file, node.line_of("end"), f"{what} end", problems) if "end" in node else None
    if start and end and start >= end:
        problems.append(Problem(file, node.line_of("end"), f"{what}: end must be after start"))
    if not days or start is None or end is None:
        return None
    return frozenset(days), start, end


def _parse_menu(raw: Any, file: str, line: int, problems: list[Problem]) -> tuple[MenuChoice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        problems.append(Problem(file, line, "spreekuur menu: expected a list"))
        return ()
    choices = []
    for item, item_line in zip(raw, raw.item_lines, strict=True):
        if not isinstance(item, LineDict):
            problems.append(Problem(file, item_line, "spreekuur menu: expected {choice, label}"))
            continue
        problems += check_keys(item, file, {"choice", "label"}, {"choice", "label"}, "spreekuur menu")
        choice, label = item.get("choice"), item.get("label")
        if isinstance(choice, int) and isinstance(label, LineDict) and isinstance(label.get("nl"), str):
            choices.append(MenuChoice(choice, dict(label)))
        else:
            problems.append(Problem(file, item_line, "spreekuur menu: choice must be a number, label must have nl"))
    return tuple(choices)
