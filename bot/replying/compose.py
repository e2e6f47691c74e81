"""Everything the patient sees for one incoming text, in the order it is sent. Pure: no Telegram, no I/O.

The Telegram handlers and `python -m bot reply` both build their replies here, so what a clinician
reviews on the command line is what a patient gets. Two parts, because Telegram answers them from
two handlers: the alarm reply (sent at once, before any conversation state) and the text reply.

The text reply fits what was written, with as much safety text as the message calls for:
* a question the folder answers: the answer;
* a message about the body or a complaint that the bot does not understand: first the 112 situations,
  then the spoed route for this moment (`render_body_check`), never the spreekuur;
* a feeling (fear, grief, …): one reviewed sentence and the folder's support route, no 112;
* anything else: the folder's passage or "not in the folder" with one contact line, and the spoed route
  as one short line at the end.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Literal, Protocol

from bot import callbacks, questions
from bot.catalog import Catalog
from bot.content.conversation import Feeling
from bot.content.model import LANGS, Lang
from bot.search.index import SearchIndex
from bot.search.smalltalk import classify_smalltalk
from bot.sending import Button
from bot.triage.alarm_texts import (
    alarm_roles,
    body_check_roles,
    not_found_roles,
    render_alarm_reply,
    render_body_check,
    render_foreign_reply,
    render_not_found,
    render_safety_net,
    render_spoed_line,
    safety_net_roles,
)
from bot.triage.asking import looks_like_question
from bot.triage.language import Reading, read_language
from bot.triage.levels import Level
from bot.triage.match import TriageResult
from bot.triage.matcher import Triage
from bot.triage.routing import SPREEKUUR, route
from bot.views import View, menu_button

Kind = Literal["smalltalk", "answer", "not_found", "foreign", "body", "feeling", "help", "stop"]


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
    roles = alarm_roles(result, routing, content, catalog.alarm_replies)
    return AlarmReply(result.level, roles, text, looks_like_question(assessment.text))


def text_reply(
    assessment: Assessment, now: dt.datetime, lang: Lang, knowledge: Knowing, *, after_alarm: bool = False
) -> TextReply | None:
    """What the message calls for (see the module docstring); None when the alarm reply already said enough."""
    catalog = knowledge.catalog
    ui = catalog.ui
    text = assessment.text
    if not after_alarm:
        kind = classify_smalltalk(text)
        if kind is not None:
            return TextReply("smalltalk", View([ui.t(f"smalltalk_{kind}", lang)]))
        intent = catalog.conversation.intent(text)
        if intent == "help":
            return help_reply(now, lang, catalog)
        if intent == "stop":
            return TextReply("stop", View([ui.t("stop_nothing_open", lang)], [[menu_button(ui, lang)]]))
    answer = None
    if assessment.reading is not Reading.FOREIGN_SCRIPT:
        answer = _folder_answer(text, lang, knowledge)
    if after_alarm:
        return answer  # the alarm reply already told the patient whom to call
    if assessment.reading.foreign:
        langs = reply_langs(lang, assessment.reading)
        foreign = render_foreign_reply(now, catalog.content, langs, catalog.alarm_replies)
        return TextReply("foreign", View([foreign], [[menu_button(ui, lang)]]), safety_net_roles(now, catalog.content))
    conversation = catalog.conversation
    complaint = conversation.mentions_complaint(text)
    feeling = conversation.feeling(text)
    asks = asks_a_question(text)
    if answer is not None and asks:
        reply = _with_first(answer, feeling.text(lang) if feeling else None)
        return _with_spoed_line(reply, now, lang, catalog) if complaint else reply
    if complaint:
        # Without the passage: for a statement it may reassure where it should not.
        return body_reply(now, lang, catalog, feeling.text(lang) if feeling else None)
    if feeling is not None:
        # A question the folder did not answer ("kan het kwaad dat ...?") may hide a complaint: the spoed line.
        reply = feeling_reply(feeling, lang, catalog)
        return _with_spoed_line(reply, now, lang, catalog) if asks and questions.asked_outright(text) else reply
    if answer is not None:
        # A statement ("ik ben mijn afsprakenkaart kwijt") was not asked of the folder: the passage may
        # not be what the patient needs, so the spoed route follows as one short line.
        return _with_spoed_line(answer, now, lang, catalog)
    return not_found_reply(now, lang, catalog)


def _with_spoed_line(reply: TextReply, now: dt.datetime, lang: Lang, catalog: Catalog) -> TextReply:
    """`reply` with the spoed route as one short line at the end."""
    line = render_spoed_line(now, catalog.content, lang, catalog.alarm_replies)
    messages = [*reply.view.messages[:-1], f"{reply.view.messages[-1]}\n\n{line}"]
    roles = tuple(dict.fromkeys((*reply.roles, *safety_net_roles(now, catalog.content))))
    return TextReply(reply.kind, View(messages, reply.view.keyboard), roles)


def _with_first(reply: TextReply, first: str | None) -> TextReply:
    """`reply` with `first` (a sentence of the bot's own) on top of its first message."""
    if not first:
        return reply
    messages = [f"{html.escape(first, quote=False)}\n\n{reply.view.messages[0]}", *reply.view.messages[1:]]
    return TextReply(reply.kind, View(messages, reply.view.keyboard), reply.roles)


def not_found_reply(now: dt.datetime, lang: Lang, catalog: Catalog) -> TextReply:
    """ "Not in the folder" with one contact line, and the spoed route as one short line at the end."""
    ui, content = catalog.ui, catalog.content
    text = render_not_found(now, content, lang, catalog.alarm_replies)
    return TextReply("not_found", View([text], [[menu_button(ui, lang)]]), not_found_roles(now, content))


def body_reply(now: dt.datetime, lang: Lang, catalog: Catalog, feeling: str | None = None) -> TextReply:
    """A message about the body or a complaint that the bot does not understand: the 112 situations
    first, then the spoed route for this moment; a feeling's sentence after them."""
    ui, content = catalog.ui, catalog.content
    parts = [render_body_check(now, content, lang, catalog.alarm_replies)]
    if feeling:
        parts.append(html.escape(feeling, quote=False))
    return TextReply("body", View(["\n\n".join(parts)], [[menu_button(ui, lang)]]), body_check_roles(now, content))


def feeling_reply(feeling: Feeling, lang: Lang, catalog: Catalog) -> TextReply:
    """One reviewed sentence for a feeling and, where it fits, the folder's own support route."""
    ui, content, conversation = catalog.ui, catalog.content, catalog.conversation
    parts = [html.escape(feeling.text(lang), quote=False)]
    keyboard: list[list[Button]] = []
    roles: tuple[str, ...] = ()
    if feeling.support:
        parts.append(support_html(lang, catalog))
        chapter = content.chapter(conversation.support_chapter)
        if chapter is not None:
            keyboard.append([Button(ui.t("button_read", lang, title=chapter.label), callbacks.chapter(chapter.id))])
        roles = tuple(r for r in ("email", SPREEKUUR) if r in content.contacts)
    keyboard.append([menu_button(ui, lang)])
    return TextReply("feeling", View(["\n\n".join(parts)], keyboard), roles)


def support_html(lang: Lang, catalog: Catalog) -> str:
    """The folder's support route: the casemanager (who can refer to a diëtist or psycholoog), the
    folder's own sentence, and how to reach her."""
    ui, content, conversation = catalog.ui, catalog.content, catalog.conversation
    email = content.contacts.get("email")
    spreekuur = content.contacts.get(SPREEKUUR)
    contact = ui.t(
        "support_contact",
        lang,
        email=html.escape(email.email or "") if email else "",
        spreekuur=html.escape(spreekuur.phone or "") if spreekuur else "",
    )
    sentence = html.escape(conversation.support_sentence, quote=False)
    return f"{ui.t('support_intro', lang)}\n<i>{sentence}</i>\n{contact}"


def help_reply(now: dt.datetime, lang: Lang, catalog: Catalog) -> TextReply:
    """ "help" on its own: the spoed line first (it may be a cry for help), then how the bot works."""
    ui, content = catalog.ui, catalog.content
    text = f"{render_safety_net(now, content, lang, catalog.alarm_replies)}\n\n{ui.t('help', lang)}"
    return TextReply("help", View([text], [[menu_button(ui, lang)]]), safety_net_roles(now, content))


def not_an_answer(text: str, catalog: Catalog) -> bool:
    """True when a message typed where a dialogue waits for an answer speaks of a complaint, a feeling
    or asks something: it gets the reply it calls for, not "I cannot read that date"."""
    conversation = catalog.conversation
    return conversation.mentions_complaint(text) or conversation.feeling(text) is not None or asks_a_question(text)


def asks_a_question(text: str) -> bool:
    """True for a question: a question mark, a question word ("metastasen, wat betekent dat"), or a verb
    before its subject ("mag ik …", "is het …"). Not "zijn neus bloedt", not "mijn ogen zijn wat geel".
    The strict `reply` reading of bot/questions.py."""
    return questions.asks_in_a_clause(text)


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
