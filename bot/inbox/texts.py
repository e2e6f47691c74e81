"""What the patient and staff read about a question to the team: the confirmation, the answer, the staff notice.

Pure: content and `now` in, Telegram HTML out. Every text is in content/ui.yaml (patients) or
content/staff.yaml (staff); what staff and patients typed is escaped here and nowhere else.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

from bot import callbacks
from bot.catalog import Catalog
from bot.content.model import Lang
from bot.content.ui import UiText
from bot.inbox.hours import answer_due
from bot.localized import in_lang
from bot.reminders.dates import DAYS, MONTHS, format_when
from bot.sending import Button, Keyboard
from bot.triage.alarm_texts import render_safety_net

TELEGRAM_LIMIT = 4096  # characters of one message, counted after its HTML tags
MAX_ANSWER = 3500  # a team answer: room for the header, the question and the footer within TELEGRAM_LIMIT
QUESTION_EXCERPT = 300  # how much of the patient's question the answer repeats
_TAG = re.compile(r"<[^>]+>")


def visible_length(telegram_html: str) -> int:
    """Characters Telegram counts for its limit: the text without tags, entities as one character."""
    return len(html.unescape(_TAG.sub("", telegram_html)))


def format_day(day: date, lang: str) -> str:
    """E.g. "donderdag 3 december" / "Thursday 3 December"."""
    names = in_lang(DAYS, lang)
    months = in_lang(MONTHS, lang)
    return f"{names[day.weekday()]} {day.day} {months[day.month - 1]}"


def format_age(age: timedelta, lang: str) -> str:
    """A waiting time in words: "35 minuten", "2,5 uur", "11 uur" (of working time: office hours only)."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} {'minuten' if lang == 'nl' else 'minutes'}"
    hours = round(minutes / 60, 1) if minutes < 600 else minutes // 60
    number = f"{hours:g}".replace(".", "," if lang == "nl" else ".")
    return f"{number} {'uur' if lang == 'nl' else ('hour' if hours == 1 else 'hours')}"


def confirmation(catalog: Catalog, lang: Lang, now: datetime, retention_days: int, *, follow_up: bool = False) -> str:
    """After a question (or the one reply) went to the team: who reads it, by when they answer, that it is
    not for urgent complaints (the spoed route for this hour and 112), and how it is kept."""
    ui, content = catalog.ui, catalog.content
    team = content.team_questions
    due = answer_due(now, content.office_hours, team.answer_within_working_days)
    first = ui.t("inbox_reply_sent" if follow_up else "inbox_sent", lang)
    who = ui.t("inbox_who", lang, due=format_day(due, lang), days=team.answer_within_working_days)
    net = render_safety_net(now, content, lang, catalog.alarm_replies)
    urgent = ui.t("inbox_not_urgent", lang)
    privacy = ui.t("inbox_privacy", lang, days=retention_days)
    return f"{first}\n{who}\n\n{urgent}\n{net}\n\n<i>{privacy}</i>"


def render_answer(ui: UiText, lang: str, answer: str, question: str | None, asked_at: datetime | None) -> str:
    """The team's answer as the patient gets it: marked as from the team, with the question it answers."""
    parts = [ui.t("inbox_answer_header", lang)]
    if question is not None:
        excerpt = question if len(question) <= QUESTION_EXCERPT else question[: QUESTION_EXCERPT - 1].rstrip() + "…"
        when = format_when(asked_at, lang) if asked_at is not None else ""
        parts.append(
            f"{ui.t('inbox_answer_question', lang, when=when)}\n<blockquote>{html.escape(excerpt)}</blockquote>"
        )
    parts.append(html.escape(answer.strip()))
    parts.append(f"<i>{ui.t('inbox_answer_footer', lang)}</i>")
    return "\n\n".join(parts)


def answer_keyboard(ui: UiText, lang: str, thread_id: int, follow_up_open: bool) -> Keyboard:
    """The one reply button under an answer (none once the patient replied)."""
    return [[Button(ui.t("button_reply_to_team", lang), callbacks.tq_reply(thread_id))]] if follow_up_open else []


def staff_notice(staff: UiText, lang: str, count: int, oldest: timedelta, link: str) -> str:
    """ "3 nieuwe vragen, oudste 2 uur" with the console's link (numbers only, never a question's text)."""
    key = "staff_inbox_notice_one" if count == 1 else "staff_inbox_notice"
    return staff.t(key, lang, count=count, age=format_age(oldest, lang), link=html.escape(link))
