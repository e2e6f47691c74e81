"""`parse_appointment_time`: a patient's Dutch (or English) date and time, read as hospital hours.

Day-first always (10/12 is 10 December). A date without a year is its next occurrence. An hour
from 1 to 12 without "'s middags"/"pm" is read as a hospital hour between 07:00 and 20:00:
"om 2 uur" is 14:00, "9u" is 09:00, and 7 (07:00 or 19:00) stays ambiguous, so we ask. Dutch clock
idioms dateparser lacks are handled here ("half tien" is 09:30, "kwart voor elf" 10:45);
dateparser reads what remains of the date ("over 2 weken", "next friday").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

import dateparser

from bot.clock import AMSTERDAM, NonexistentLocalTime, amsterdam_time, local
from bot.localized import in_lang

Question = Literal["ask_time", "ask_day", "ask_which", "check_weekday", "nonexistent"]

QUESTIONS: dict[str, dict[str, str]] = {
    "ask_time": {"nl": "Hoe laat is de afspraak?", "en": "At what time is the appointment?"},
    "ask_day": {"nl": "Op welke dag is de afspraak?", "en": "On which day is the appointment?"},
    "ask_which": {"nl": "Welke tijd bedoelt u?", "en": "Which time do you mean?"},
    "check_weekday": {
        "nl": "De dag en de datum passen niet bij elkaar. Welke bedoelt u?",
        "en": "The weekday and the date do not match. Which one do you mean?",
    },
    "nonexistent": {
        "nl": "Die tijd bestaat niet op die dag: de klok gaat die nacht van 02:00 naar 03:00. Hoe laat is de afspraak?",
        "en": "That time does not exist on that day: the clocks go from 02:00 to 03:00 that night. At what time is the appointment?",
    },
}

# Hospital hours: an hour 1-12 is read as the one of h and h+12 that falls in [07:00, 20:00).
HOSPITAL_START, HOSPITAL_END = time(7, 0), time(20, 0)


@dataclass(frozen=True)
class ParsedTime:
    """The result: ok (`when`), ambiguous (`candidates` and a `question`) or error (`reason`)."""

    status: Literal["ok", "ambiguous", "error"]
    when: datetime | None = None
    candidates: tuple[datetime, ...] = ()
    question: Question | None = None
    reason: Literal["past", "unreadable"] | None = None
    day: date | None = None  # with question 'ask_time': the day that was understood

    def question_text(self, lang: str) -> str | None:
        """The question to ask the patient, in `lang`."""
        if self.question is None:
            return None
        texts = QUESTIONS[self.question]
        return in_lang(texts, lang)


_NUMBERS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "dertien": 13, "veertien": 14, "vijftien": 15, "twintig": 20,
}  # fmt: skip
_NUM = r"(\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "maart": 3,
    "march": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "june": 6,
    "jun": 6, "juli": 7, "july": 7, "jul": 7, "augustus": 8, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = {
    "maandag": 0, "monday": 0, "ma": 0, "mon": 0, "dinsdag": 1, "tuesday": 1, "di": 1, "tue": 1,
    "tues": 1, "woensdag": 2, "wednesday": 2, "wo": 2, "wed": 2, "donderdag": 3, "thursday": 3,
    "do": 3, "thu": 3, "thurs": 3, "vrijdag": 4, "friday": 4, "vr": 4, "fri": 4, "zaterdag": 5,
    "saturday": 5, "za": 5, "sat": 5, "zondag": 6, "sunday": 6, "zo": 6, "sun": 6,
}  # fmt: skip
_WEEKDAY = r"\b(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\b\.?"
_FILLER = {
    "om", "op", "uur", "de", "het", "a.s.", "as", "aanstaande", "at", "on", "the", "van", "rond",
    "ongeveer", "is", "mijn", "afspraak", "ik", "heb", "een", "s", "'s", "o'clock", "oclock", ",", "-",
}  # fmt: skip


def _num(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBERS[token]


@dataclass(frozen=True)
class _Clock:
    """A time as written: `exact` when it is unambiguous 24-hour time (13:15, 08:45)."""

    hour: int
    minute: int
    exact: bool


def _cut(text: str, match: re.Match[str]) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


def _daypart(text: str) -> tuple[str, Literal["am", "pm"] | None]:
    patterns: list[tuple[str, Literal["am", "pm"]]] = [
        (r"(?:'s|des)\s*(?:ochtends|morgens)|\bochtend\b|\bmorning\b|(?:(?<=\d)|\b)a\.?m\.?(?=\s|$)", "am"),
        (r"(?:'s|des)\s*(?:middags|avonds)|\bmiddag\b|\bavond\b|\bafternoon\b|\bevening\b|"
         r"(?:(?<=\d)|\b)p\.?m\.?(?=\s|$)", "pm"),
    ]  # fmt: skip
    for pattern, part in patterns:
        match = re.search(pattern, text)
        if match:
            return _cut(text, match), part
    return text, None


def _extract_clock(text: str, bare_hour: bool) -> tuple[str, _Clock | None, bool]:
    """Find a time of day; return the rest of the text, the time, and whether the text was unreadable.

    `bare_hour`: a lone number counts as an hour (when "pm" or "'s middags" was written).
    """
    rules: list[tuple[str, str]] = [
        # "tien over half tien" (09:40), "vijf voor half elf" (10:25)
        (rf"\b{_NUM}\s+(over|voor)\s+half\s+{_NUM}\b", "n_half"),
        (rf"\bkwart\s+(over|voor)\s+half\s+{_NUM}\b", "kwart_half"),
        (rf"\bkwart\s+(over|voor)\s+{_NUM}\b", "kwart"),
        (rf"\bquarter\s+(past|to)\s+{_NUM}\b", "quarter"),
        (rf"\bhalf\s+past\s+{_NUM}\b", "half_past"),
        (rf"\bhalf\s+{_NUM}\b", "half"),
        (rf"\b{_NUM}\s+(?:minuten\s+)?(over|voor)\s+{_NUM}\b", "n_over"),
        (r"\b(\d{1,2})[:.](\d{2})\s*(?:uur|u|h)?(?!\d)", "hhmm"),
        (r"\b(\d{1,2})\s*(?:u|h|uur)\s*(\d{2})\b", "hhmm"),
        (r"\b(\d{1,2})\s*(?:uur|u|h)\b", "h"),
        (rf"\b{_NUM}\s+uur\b", "h"),
        (rf"\b(?:om|at|rond)\s+{_NUM}\b", "h"),
        (r"\b(noon|middernacht|midnight)\b", "noon"),
    ]
    if bare_hour:
        rules.append((rf"\b{_NUM}\b", "h"))
    for pattern, kind in rules:
        match = re.search(pattern, text)
        if match is None:
            continue
        g = match.groups()
        rest = _cut(text, match)
        if kind == "noon":
            return rest, (_Clock(12, 0, True) if g[0] == "noon" else None), g[0] != "noon"
        if kind == "hhmm":
            hour, minute = int(g[0]), int(g[1])
            if hour > 23 or minute > 59:
                return rest, None, True
            return rest, _Clock(hour, minute, hour == 0 or hour > 12 or g[0].startswith("0")), False
        if kind == "h":
            hour = _num(g[0])
            if hour > 23:
                return rest, None, True
            return rest, _Clock(hour, 0, hour == 0 or hour > 12 or g[0].startswith("0")), False
        if kind == "half":
            return rest, _Clock((_num(g[0]) - 1) % 12, 30, False), False
        if kind == "half_past":
            return rest, _Clock(_num(g[0]), 30, False), False
        if kind in ("kwart", "quarter"):
            hour, after = _num(g[1]), g[0] in ("over", "past")
            return rest, _Clock(hour if after else (hour - 1) % 12, 15 if after else 45, False), False
        if kind == "kwart_half":
            hour = _num(g[1]) - 1
            return rest, _Clock(hour % 12, 45 if g[0] == "over" else 15, False), False
        if kind == "n_half":
            minutes, hour = _num(g[0]), _num(g[2]) - 1
            total = hour * 60 + 30 + (minutes if g[1] == "over" else -minutes)
            return rest, _Clock((total // 60) % 12, total % 60, False), minutes >= 30
        if kind == "n_over":
            minutes, hour = _num(g[0]), _num(g[2])
            total = hour * 60 + (minutes if g[1] == "over" else -minutes)
            return rest, _Clock((total // 60) % 12, total % 60, False), minutes >= 30
    return text, None, False


def _hours(clock: _Clock, part: Literal["am", "pm"] | None) -> list[time]:
    """Candidate times of day for a clock reading, as hospital hours."""
    if clock.exact:
        return [time(clock.hour, clock.minute)]
    base = clock.hour % 12
    if part == "am":
        return [time(base, clock.minute)]
    if part == "pm":
        return [time(base + 12, clock.minute)]
    options = [time(base, clock.minute), time(base + 12, clock.minute)]
    inside = [t for t in options if HOSPITAL_START <= t < HOSPITAL_END]
    return inside or [time(clock.hour, clock.minute)]


def _next_occurrence(day: int, month: int, today: date) -> date | None:
    for year in (today.year, today.year + 1, today.year + 2):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # e.g. 29 February in a year that has none
        if candidate >= today:
            return candidate
    return None


def _year(token: str) -> int:
    value = int(token)
    return value + 2000 if value < 100 else value


@dataclass
class _DateFound:
    day: date | None = None
    weekday: int | None = None
    bad: bool = False  # something that looked like a date but is not one (31-02)


def _extract_date(text: str, today: date) -> tuple[str, _DateFound]:
    found = _DateFound()
    # Relative days; "overmorgen" before "morgen".
    relative = [
        (r"\bovermorgen\b|\bday after tomorrow\b", 2),
        (r"\bmorgen\b|\btomorrow\b", 1),
        (r"\bvandaag\b|\btoday\b", 0),
    ]
    for pattern, days in relative:
        match = re.search(pattern, text)
        if match:
            found.day = today + timedelta(days=days)
            return _cut(text, match), found
    patterns = [
        (r"\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})\b", "dmy"),
        (r"\b(\d{1,2})\s*[-/]\s*(\d{1,2})\b", "dm"),
        (rf"\b(\d{{1,2}})(?:e|ste|de|st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+(\d{{4}}))?(?!\w)", "d_month"),
        (rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", "month_d"),
    ]
    for pattern, kind in patterns:
        match = re.search(pattern, text)
        if match is None:
            continue
        g = match.groups()
        text = _cut(text, match)
        if kind == "month_d":
            g = (g[1], g[0], g[2])
        day = int(g[0])
        month = int(g[1]) if kind in ("dmy", "dm") else _MONTHS[g[1]]
        year = g[2] if len(g) > 2 else None
        try:
            found.day = date(_year(year), month, day) if year else _next_occurrence(day, month, today)
        except ValueError:
            found.bad = True
        if found.day is None:
            found.bad = True
        break
    match = re.search(rf"\b(?:volgende\s+week|next\s+week)\s+{_WEEKDAY}|{_WEEKDAY}\s+(?:volgende\s+week|next\s+week)",
                      text)  # fmt: skip
    if match:
        weekday = _WEEKDAYS[match.group(1) or match.group(2)]
        monday_next_week = today - timedelta(days=today.weekday()) + timedelta(days=7)
        found.weekday = weekday
        if found.day is None:
            found.day = monday_next_week + timedelta(days=weekday)
        return _cut(text, match), found
    match = re.search(rf"(?:\b(?:volgende|aanstaande|komende|next)\s+)?{_WEEKDAY}", text)
    if match:
        weekday = _WEEKDAYS[match.group(1)]
        found.weekday = weekday
        if found.day is None:
            found.day = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
        return _cut(text, match), found
    return text, found


def _leftover(text: str) -> str:
    words = [w for w in re.split(r"[\s,;!?]+", text) if w and w not in _FILLER]
    return " ".join(words)


def _dateparser_day(text: str, now_local: datetime) -> date | None:
    words = " ".join(str(_NUMBERS[w]) if w in _NUMBERS else w for w in text.split())
    result = dateparser.parse(
        words,
        languages=["nl", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now_local.replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return result.date() if result is not None else None


def _combine(day: date, at: time) -> datetime:
    # Through UTC and back, so a wall time in the DST gap lands on a real instant (callers drop those).
    return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(AMSTERDAM)


def _exists(day: date, at: time) -> bool:
    """Whether `at` on `day` is a real Amsterdam time (not in the hour skipped in March)."""
    try:
        amsterdam_time(datetime.combine(day, at))
    except NonexistentLocalTime:
        return False
    return True


_DATE_WORDS = re.compile(
    r"\d|\b(?:overmorgen|morgen|vandaag|tomorrow|today|uur|half|kwart|volgende|next|week|noon|middernacht)\b|"
    rf"{_WEEKDAY}|\b{_MONTH}(?!\w)"
)


def mentions_date_or_time(text: str) -> bool:
    """True when `text` has anything of a date or a time in it: a digit, a weekday, a month, "morgen", "uur"."""
    return _DATE_WORDS.search(_normalise(text)) is not None


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def parse_appointment_time(text: str, now: datetime, day: date | None = None) -> ParsedTime:
    """Read an appointment's date and time from a patient's words.

    `day`: the day already understood (after question 'ask_time'), used when `text` holds only a time.
    """
    if now.tzinfo is None:
        raise ValueError("aware datetimes only")
    now_local = local(now)
    today = now_local.date()
    rest = _normalise(text)
    # The date first: "10.12.2026 08:45" must not read "10.12" as a time.
    rest, found = _extract_date(rest, today)
    rest, part = _daypart(rest)
    rest, clock, bad_clock = _extract_clock(rest, bare_hour=part is not None)
    leftover = _leftover(rest)
    if bad_clock or found.bad:
        return ParsedTime("error", reason="unreadable")
    if leftover:
        if found.day is not None:
            return ParsedTime("error", reason="unreadable")
        found.day = _dateparser_day(leftover, now_local)
        if found.day is None:
            return ParsedTime("error", reason="unreadable")
    if found.day is None and day is not None:
        found.day = day
    if found.day is None and clock is None:
        return ParsedTime("error", reason="unreadable")
    times = _hours(clock, part) if clock is not None else []
    if found.day is None:
        candidates = [
            c
            for d in (today, today + timedelta(days=1))
            for t in times
            if _exists(d, t) and (c := _combine(d, t)) > now
        ]
        return ParsedTime("ambiguous", candidates=tuple(candidates[:2]), question="ask_day")
    if found.day < today:
        return ParsedTime("error", reason="past")
    if not times:
        return ParsedTime("ambiguous", question="ask_time", day=found.day)
    real = [t for t in times if _exists(found.day, t)]
    if not real:  # never move the time silently: ask again
        return ParsedTime("ambiguous", question="nonexistent", day=found.day)
    moments = [_combine(found.day, t) for t in real]
    ahead = [m for m in moments if m > now]
    if not ahead:
        return ParsedTime("error", reason="past")
    if found.weekday is not None and found.day.weekday() != found.weekday:
        return ParsedTime("ambiguous", candidates=tuple(ahead), question="check_weekday")
    if len(ahead) > 1:
        return ParsedTime("ambiguous", candidates=tuple(ahead), question="ask_which")
    return ParsedTime("ok", when=ahead[0])
