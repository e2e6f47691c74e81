"""Day and month names in Dutch and English, written out here so nothing depends on the OS locale."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import local
from bot.localized import known_lang

DAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
_SHORT_DAYS = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_SHORT_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_RELATIVE = {"nl": ("vandaag", "morgen"), "en": ("today", "tomorrow")}


def format_when(when: datetime, lang: str, now: datetime | None = None) -> str:
    """E.g. "dinsdag 10 december, 13:15" (nl) or "Tuesday 10 December, 13:15" (en), in Amsterdam time.

    With `now`: "vandaag, 13:15" on the same day and "morgen, woensdag 11 december, 13:15" on the next,
    so a patient never has to work out which day a date is.
    """
    lang = known_lang(DAYS, lang)
    t = local(when)
    day = f"{DAYS[lang][t.weekday()]} {t.day} {MONTHS[lang][t.month - 1]}"
    if now is not None:
        days_ahead = (t.date() - local(now).date()).days
        if days_ahead == 0:
            return f"{_RELATIVE[lang][0]}, {t:%H:%M}"
        if days_ahead == 1:
            return f"{_RELATIVE[lang][1]}, {day}, {t:%H:%M}"
    return f"{day}, {t:%H:%M}"


def example_when(now: datetime, lang: str) -> str:
    """An appointment as a patient may type it, on the next working day at 10:00: "do 3 dec 10:00".

    Built from the calendar, so the weekday always matches the date and the date is always ahead.
    """
    lang = known_lang(DAYS, lang)
    day = local(now).date() + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return f"{_SHORT_DAYS[lang][day.weekday()]} {day.day} {_SHORT_MONTHS[lang][day.month - 1]} 10:00"


def format_day(when: datetime, lang: str) -> str:
    """E.g. "dinsdag 10 december" (nl) or "Tuesday 10 December" (en), in Amsterdam time."""
    lang = known_lang(DAYS, lang)
    t = local(when)
    return f"{DAYS[lang][t.weekday()]} {t.day} {MONTHS[lang][t.month - 1]}"


def format_date(when: datetime, lang: str) -> str:
    """E.g. "dinsdag 10 december 2026", in Amsterdam time."""
    lang = known_lang(DAYS, lang)
    t = local(when)
    return f"{DAYS[lang][t.weekday()]} {t.day} {MONTHS[lang][t.month - 1]} {t.year}"
