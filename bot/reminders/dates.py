"""Day and month names in Dutch and English, written out here so nothing depends on the OS locale."""

from __future__ import annotations

from datetime import datetime

from bot.clock import local

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
_AT = {"nl": "om", "en": "at"}


def format_when(when: datetime, lang: str) -> str:
    """E.g. "dinsdag 10 december om 13:15" (nl) or "Tuesday 10 December at 13:15" (en), in Amsterdam time."""
    lang = lang if lang in DAYS else "nl"
    t = local(when)
    return f"{DAYS[lang][t.weekday()]} {t.day} {MONTHS[lang][t.month - 1]} {_AT[lang]} {t:%H:%M}"


def format_date(when: datetime, lang: str) -> str:
    """E.g. "dinsdag 10 december 2026", in Amsterdam time."""
    lang = lang if lang in DAYS else "nl"
    t = local(when)
    return f"{DAYS[lang][t.weekday()]} {t.day} {MONTHS[lang][t.month - 1]} {t.year}"
