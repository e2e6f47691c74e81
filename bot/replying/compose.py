"""Everything the patient sees for one incoming text, in the order it is sent. Pure: no Telegram, no I/O.

The Telegram handlers and `python -m bot reply` both build their replies here, so what a clinician
reviews on the command line is what a patient gets. Two parts, because Telegram answers them from
two handlers: the alarm reply (sent at once, before any conversation state) and the text reply (a
greeting, a folder answer, or the safety net). Every reply that is not a confident answer starts
with the spoed routing for this moment and 112.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Literal, Protocol

from bot import callbacks
from bot.catalog import Catalog
from bot.content.model import LANGS, Lang
from bot.search.index import SearchIndex
from bot.search.smalltalk import classify_smalltalk
from bot.sending import Button
from bot.triage.language import Reading, read_language
from bot.triage.levels import Level
from bot.triage.matcher import Triage, TriageResult, looks_like_question
from bot.triage.replies import (
    alarm_roles,
    render_alarm_reply,
    render_foreign_reply,
    render_safety_net,
    render_spreekuur_reply,
    safety_net_roles,
)
from bot.triage.routing import SPREEKUUR, route
from bot.views import View, menu_button

Kind = Literal["smalltalk", "answer", "not_found", "foreign"]

# Question syntax, Dutch and English: a question word opening a clause, or a verb before its subject.
_QUESTION_WORDS = frozenset(
    "wat hoe hoelang hoeveel waar waarom wanneer wie welke welk waarmee waarvoor waardoor "
    "what how where when why who whom whose which".split()
)
_VERBS = frozenset(
    "mag mogen moet moeten kan kun kunt kunnen is zijn ben bent wordt worden zal zult zullen zou zouden hoort "
    "klopt heb hebt heeft hebben ga gaat gaan krijg krijgt krijgen doe doet weet weten blijf blijft "
    "can could should shall do does did is are am may might will would have has".split()
)
_SUBJECTS = frozenset(
    "ik je jij u we wij hij zij ze het er men jullie de een dit dat die deze mijn mn uw "
    "i you we he she it they there the my a an this that your his her".split()
)
# "wat" after these means "somewhat" ("ik heb wat pijn", "zijn wat geel"), not "what".
_SOMEWHAT = _VERBS | frozenset("me mij voel voelt een beetje nog al ook wel".split())
# These open a question whatever follows ("is moeheid normaal"); "zijn" may be "his" ("zijn neus").
_VERB_FIRST = frozenset("is are do does did".split())
_CLAUSES = re.compile(r"[.,!;:\n]+")
_WORDS = re.compile(r"[^\W\d_]+")


class Knowing(Protocol):
    """The loaded knowledge a reply needs (bot.knowledge.Knowledge has these)."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def triage(self) -> Triage: ...

    @property
    def search(self) -> SearchIndex: ...


@dataclass(frozen=True)
class Assessment:
    """What the bot makes of a text before answering: its alarm level and whether it can read it."""

    text: str
    result: TriageResult
    reading: Reading

    @property
    def alarm(self) -> bool:
        """True when the text is an alarm."""
        return self.result.level > Level.NONE


@dataclass(frozen=True)
class AlarmReply:
    """The alarm reply, and whether the message also asks something the text reply should answer."""

    level: Level
    roles: tuple[str, ...]
    text: str
    asks: bool


@dataclass(frozen=True)
class TextReply:
    """A greeting, a folder answer or the safety net, with the contacts it shows."""

    kind: Kind
    view: View
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """The whole reply to one text: the alarm reply first, then the text reply (either may be absent)."""

    level: Level
    alarm: AlarmReply | None
    text: TextReply | None

    @property
    def messages(self) -> list[str]:
        """The message texts in the order they are sent (Telegram HTML)."""
        return ([self.alarm.text] if self.alarm else []) + (list(self.text.view.messages) if self.text else [])

    @property
    def roles(self) -> tuple[str, ...]:
        """The contacts shown, in order of appearance."""
        shown = (self.alarm.roles if self.alarm else ()) + (self.text.roles if self.text else ())
        return tuple(dict.fromkeys(shown))

    @property
    def buttons(self) -> list[list[str]]:
        """The labels of the buttons under the last message, row by row."""
        return [[b.label for b in row] for row in self.text.view.keyboard] if self.text else []


def assess(text: str, knowledge: Knowing) -> Assessment:
    """Triage `text` and decide whether the bot reads its language. Pure and in memory."""
    triage = knowledge.triage
    result = triage.assess(text)
    reading = read_language(text, triage.read_words(result))
    if reading is Reading.READABLE and triage.foreign_alarm(result):
        # "j'ai de la fièvre", "mama is tay7at en makatfi9ch": the alarm is answered in Dutch and English.
        reading = Reading.FOREIGN_WORDS
    return Assessment(text, result, reading)


def reply_langs(lang: Lang, reading: Reading) -> tuple[Lang, ...]:
    """The chat's language; for a message the bot cannot read, Dutch and English (the chat's first)."""
    if not reading.foreign:
        return (lang,)
    return (lang, *(other for other in LANGS if other != lang))


def alarm_reply(assessment: Assessment, now: dt.datetime, lang: Lang, catalog: Catalog) -> AlarmReply | None:
    """The alarm reply for an alarm (None otherwise); in Dutch and English when the language is foreign."""
    result = assessment.result
    if result.level is Level.NONE:
        return None
    content = catalog.content
    routing = route(result.level, now, content)
    text = "\n\n".join(
        render_alarm_reply(result, routing, content, each, catalog.alarm_replies)
        for each in reply_langs(lang, assessment.reading)
    )
    return AlarmReply(result.level, alarm_roles(result, routing, content), text, looks_like_question(assessment.text))


def text_reply(
    assessment: Assessment, now: dt.datetime, lang: Lang, knowledge: Knowing, *, after_alarm: bool = False
) -> TextReply | None:
    """A greeting, the folder's passage, or the safety net; None when the alarm reply already said enough."""
    catalog = knowledge.catalog
    ui = catalog.ui
    text = assessment.text
    if not after_alarm:
        kind = classify_smalltalk(text)
        if kind is not None:
            return TextReply("smalltalk", View([ui.t(f"smalltalk_{kind}", lang)]))
    if assessment.reading is not Reading.FOREIGN_SCRIPT:
        answer = _folder_answer(text, lang, knowledge)
        if answer is not None and not after_alarm and not asks_a_question(text):
            # A statement ("mijn ogen zijn geel geworden") was not asked of the folder: the passage the
            # search found may not be what the patient needs, so the spoed lines and 112 come first.
            net = render_safety_net(now, catalog.content, lang, catalog.alarm_replies)
            messages = [f"{net}\n\n{answer.view.messages[0]}", *answer.view.messages[1:]]
            return TextReply("answer", View(messages, answer.view.keyboard), safety_net_roles(now, catalog.content))
        if answer is not None:
            return answer
    if after_alarm:
        return None  # the alarm reply already told the patient whom to call
    if assessment.reading.foreign:
        langs = reply_langs(lang, assessment.reading)
        foreign = render_foreign_reply(now, catalog.content, langs, catalog.alarm_replies)
        return TextReply("foreign", View([foreign], [[menu_button(ui, lang)]]), safety_net_roles(now, catalog.content))
    return not_found_reply(now, lang, catalog)


def not_found_reply(now: dt.datetime, lang: Lang, catalog: Catalog) -> TextReply:
    """The safety net (spoed routing and 112) first, then "not in the folder", the spreekuur and e-mail."""
    ui, content = catalog.ui, catalog.content
    email = content.contacts["email"].email if "email" in content.contacts else None
    parts = [
        render_safety_net(now, content, lang, catalog.alarm_replies),
        ui.t("not_found", lang),
        render_spreekuur_reply(now, content, lang, catalog.alarm_replies),
    ]
    if email:
        parts.append(ui.t("not_found_casemanager", lang, email=html.escape(email)))
    roles = (*safety_net_roles(now, content), SPREEKUUR)
    return TextReply("not_found", View(["\n\n".join(parts)], [[menu_button(ui, lang)]]), roles)


def asks_a_question(text: str) -> bool:
    """True for a question: a question mark, a question word ("metastasen, wat betekent dat"), or a verb
    before its subject ("mag ik …", "is het …"). Not "zijn neus bloedt", not "mijn ogen zijn wat geel"."""
    if "?" in text:
        return True
    for clause in _CLAUSES.split(text.lower()):
        words = _WORDS.findall(clause)
        for i, word in enumerate(words):
            if word in _QUESTION_WORDS and not (word == "wat" and i > 0 and words[i - 1] in _SOMEWHAT):
                return True
        if len(words) > 1 and words[0] in _VERBS and (words[1] in _SUBJECTS or words[0] in _VERB_FIRST):
            return True
    return False


def _folder_answer(text: str, lang: Lang, knowledge: Knowing) -> TextReply | None:
    """The folder's passage with chapter buttons, when the search is confident; else None."""
    ui, content = knowledge.catalog.ui, knowledge.catalog.content
    result = knowledge.search.search(text, limit=3)
    best = content.chapter(result.best) if result.best else None
    if not (result.confident and best is not None and result.passage):
        return None
    quote = "\n".join(html.escape(line, quote=False) for line in result.passage.splitlines())
    intro = ui.t("answer_intro", lang, title=html.escape(best.title, quote=False))
    keyboard = [[Button(ui.t("button_read", lang, title=best.label), callbacks.chapter(best.id))]]
    for hit in result.hits[1:3]:
        other = content.chapter(hit.chapter_id)
        if other is not None:
            keyboard.append([Button(ui.t("button_read", lang, title=other.label), callbacks.chapter(other.id))])
    keyboard.append([menu_button(ui, lang)])
    return TextReply("answer", View([f"{intro}\n<blockquote>{quote}</blockquote>"], keyboard))


def compose(text: str, now: dt.datetime, lang: Lang, knowledge: Knowing) -> Reply:
    """The whole reply to one new text message, as the Telegram handlers send it."""
    assessment = assess(text, knowledge)
    alarm = alarm_reply(assessment, now, lang, knowledge.catalog)
    if alarm is not None and not alarm.asks:
        return Reply(assessment.result.level, alarm, None)
    answer = text_reply(assessment, now, lang, knowledge, after_alarm=alarm is not None)
    return Reply(assessment.result.level, alarm, answer)
