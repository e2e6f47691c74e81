"""Callback data of inline buttons: each kind declared once, as a route whose template gives its pattern,
its builder and its typed parser.

Data is a short prefixed string (Telegram allows 64 bytes). Buttons already sent to patients keep
their data for weeks, so these strings never change shape:

menu                      the main menu
spoed                     the menu's "Spoed — wie bel ik?": whom to call now
ch:<chapter-id>           open a chapter
pg:<chapter-id>:<n>       page n (from 1) of a long chapter
lang:<nl|en>              /taal
appt:consent:<yes|no>     /afspraak: consent before anything is stored
appt:type:<type>          /afspraak: the kind of appointment
appt:pick:<unix-seconds>  /afspraak: one of the dates read from the patient's words
appt:save|again|cancel    /afspraak: the confirmation step
appt:<del|ics>:<appt-id>  /afspraken: cancel an appointment, or get it as .ics
rem:read:<reminder-id>    "Gelezen" under a reminder
rem:move:<appt-id>        "Afspraak verzetten?" under a reminder
del:<yes|no>              /stop confirmation
bcast:<on|off|consent>    /meldingen
enr:<yes|no>              consent after an enrolment link
bc:aud:<audience>         staff broadcast: the audience ("all" or "type:<type>")
bc:chs, bc:ch:<id>        staff broadcast: choose a chapter, the chapter chosen
bc:send|urgent|cancel     staff broadcast: the confirmation
bc:upd                    staff: announce the chapters a reload changed
tq:send:<message-id>      send the patient's message (the one the reply quotes) to the team
tq:reply:<thread-id>      reply once to the team's answer
tq:noreply                do not reply after all

A route is declared once from a template such as "pg:{chapter}:{page}" and one convertor per
parameter (the model is Starlette's `compile_path`): the template gives the regular expression of the
handler (`pattern`), the builder (`build`, the template's text with each value's string) and the parser
(`parse`). Every parser has one failure convention: None for data of another kind or that does not fit
(the handler answers it as a stale button); its values come back typed by the convertors. A `REST`
parameter takes any text, even empty, so its pattern sends every data of the kind to the handler,
which judges the value (an unknown chapter, an appointment type that does not exist). The `*_PATTERN`
names and the build and parse functions below are the routes' own, under the names the handlers use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, cast

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C", bound=str)

YesNo = Literal["yes", "no"]
Lang = Literal["nl", "en"]
ListAction = Literal["del", "ics"]
BroadcastChoice = Literal["on", "off", "consent"]
Confirm = Literal["save", "again", "cancel"]
Send = Literal["send", "urgent"]

EMPTY_PATTERN = r"^$"  # a button without data matches every pattern in python-telegram-bot
PARAM = re.compile(r"{([a-z_]+)}")


# -- convertors: a parameter's regular expression, and its value to and from text ---------------------


class Convertor(Generic[T]):
    """How one parameter reads and writes: `regex` for the pattern, `convert` (None: does not fit)."""

    regex = ""

    def convert(self, raw: str) -> T | None:
        raise NotImplementedError

    def to_string(self, value: T) -> str:
        return str(value)


class Rest(Convertor[str]):
    """Any text up to the end, even empty or with line breaks: the handler judges it."""

    regex = r"(?s:.*)"

    def convert(self, raw: str) -> str:
        return raw


class Text(Convertor[str]):
    """Text of at least one character."""

    regex = r".+"

    def convert(self, raw: str) -> str:
        return raw


class Number(Convertor[int]):
    """A whole number of decimal digits (an id, a page, Unix seconds)."""

    regex = r"\d+"

    def convert(self, raw: str) -> int | None:
        return int(raw) if raw.isdecimal() else None


class Positive(Number):
    """A number from 1."""

    def convert(self, raw: str) -> int | None:
        number = super().convert(raw)
        return number if number else None


class Choice(Convertor[C]):
    """One of a few fixed words, typed as their `Literal`."""

    def __init__(self, values: tuple[C, ...]) -> None:
        self.values = values
        self.regex = "(?:" + "|".join(re.escape(value) for value in values) + ")"

    def convert(self, raw: str) -> C | None:
        return next((value for value in self.values if value == raw), None)

    def to_string(self, value: C) -> str:
        return value


REST, TEXT, NUMBER, POSITIVE = Rest(), Text(), Number(), Positive()
YES_NO: Choice[YesNo] = Choice(("yes", "no"))


# -- the template, compiled once (after starlette.routing.compile_path) ------------------------------


@dataclass(frozen=True)
class Template:
    """A template with its convertors: the pattern, the text of given values, the values of a text."""

    text: str
    convertors: tuple[Convertor[Any], ...]
    names: tuple[str, ...] = field(init=False)
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        names = tuple(PARAM.findall(self.text))
        if len(names) != len(self.convertors) or len(set(names)) != len(names):
            raise ValueError(f"{self.text!r}: one convertor per parameter, each name once")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "regex", re.compile(self.expression()))

    def expression(self, fixed: Sequence[str] = ()) -> str:
        """The regular expression of the data, with the first parameters given as text in `fixed`."""
        regex, start = "^", 0
        for index, match in enumerate(PARAM.finditer(self.text)):
            regex += re.escape(self.text[start : match.start()])
            name, convertor = match.group(1), self.convertors[index]
            regex += re.escape(fixed[index]) if index < len(fixed) else f"(?P<{name}>{convertor.regex})"
            start = match.end()
        return regex + re.escape(self.text[start:]) + "$"

    def format(self, *values: Any) -> str:
        texts = {name: c.to_string(v) for name, c, v in zip(self.names, self.convertors, values, strict=True)}
        return PARAM.sub(lambda match: texts[match.group(1)], self.text)

    def values(self, data: str) -> list[Any] | None:
        match = self.regex.fullmatch(data)
        if match is None:
            return None
        values = [c.convert(match.group(name)) for name, c in zip(self.names, self.convertors, strict=True)]
        return None if any(value is None for value in values) else values


@dataclass(frozen=True)
class Fixed:
    """A kind without parameters: one string."""

    data: str

    @property
    def pattern(self) -> str:
        return f"^{re.escape(self.data)}$"


class Route(Generic[T]):
    """A kind with one parameter: `build(value)`, `parse(data) -> value | None`."""

    def __init__(self, template: str, convertor: Convertor[T]) -> None:
        self.template = Template(template, (convertor,))
        self.pattern = self.template.expression()

    @property
    def prefix_pattern(self) -> str:
        """The pattern of every data that starts like this kind's, whether its value fits or not."""
        return "^" + re.escape(self.template.text.split("{", 1)[0])

    def pattern_for(self, value: T) -> str:
        """The pattern of this kind's data with this one value (a handler per choice)."""
        return self.template.expression([self.template.convertors[0].to_string(value)])

    def build(self, value: T) -> str:
        return self.template.format(value)

    def parse(self, data: str) -> T | None:
        values = self.template.values(data)
        return None if values is None else cast("T", values[0])


class Route2(Generic[A, B]):
    """A kind with two parameters: `build(a, b)`, `parse(data) -> (a, b) | None`."""

    def __init__(self, template: str, first: Convertor[A], second: Convertor[B]) -> None:
        self.template = Template(template, (first, second))
        self.pattern = self.template.expression()

    def pattern_for(self, first: A) -> str:
        """The pattern of this kind's data with this first value (a handler per choice)."""
        return self.template.expression([self.template.convertors[0].to_string(first)])

    def build(self, first: A, second: B) -> str:
        return self.template.format(first, second)

    def parse(self, data: str) -> tuple[A, B] | None:
        values = self.template.values(data)
        return None if values is None else (cast("A", values[0]), cast("B", values[1]))


# -- content ------------------------------------------------------------------------------------

MENU_ROUTE = Fixed("menu")
SPOED_ROUTE = Fixed("spoed")
CHAPTER = Route("ch:{chapter}", REST)  # an unknown id is the handler's to judge
CHAPTER_PAGE = Route2("pg:{chapter}:{page}", TEXT, POSITIVE)
LANGUAGE: Route[Lang] = Route("lang:{lang}", Choice(("nl", "en")))

# -- /afspraak, /afspraken, reminders -------------------------------------------------------------

APPOINTMENT_CONSENT = Route("appt:consent:{answer}", YES_NO)
APPOINTMENT_TYPE = Route("appt:type:{kind}", REST)  # the handler checks it is a known kind
APPOINTMENT_PICK = Route("appt:pick:{when}", NUMBER)
APPOINTMENT_CONFIRM: Route[Confirm] = Route("appt:{choice}", Choice(("save", "again", "cancel")))
APPOINTMENT_LIST: Route2[ListAction, int] = Route2("appt:{action}:{appointment}", Choice(("del", "ics")), NUMBER)
REMINDER_READ = Route("rem:read:{reminder}", NUMBER)
REMINDER_MOVE = Route("rem:move:{appointment}", NUMBER)

# -- privacy and enrolment ------------------------------------------------------------------------

DELETE = Route("del:{answer}", YES_NO)
BROADCASTS: Route[BroadcastChoice] = Route("bcast:{choice}", Choice(("on", "off", "consent")))
ENROL = Route("enr:{answer}", YES_NO)

# -- staff broadcasts -----------------------------------------------------------------------------

BC_AUDIENCE = Route("bc:aud:{audience}", REST)  # the handler checks it is valid
BC_CHOOSE_ROUTE = Fixed("bc:chs")
BC_CHAPTER = Route("bc:ch:{chapter}", REST)
BC_SEND: Route[Send] = Route("bc:{kind}", Choice(("send", "urgent")))
BC_CANCEL_ROUTE = Fixed("bc:cancel")
BC_UPDATED_ROUTE = Fixed("bc:upd")
BC_FAMILY = "bc:"  # any other data of this family: a stale staff button

# -- questions to the team --------------------------------------------------------------------------

TQ_SEND = Route("tq:send:{message}", NUMBER)
TQ_REPLY = Route("tq:reply:{thread}", NUMBER)
TQ_NO_REPLY_ROUTE = Fixed("tq:noreply")


# -- the names the handlers use ---------------------------------------------------------------------

MENU, MENU_PATTERN = MENU_ROUTE.data, MENU_ROUTE.pattern
SPOED, SPOED_PATTERN = SPOED_ROUTE.data, SPOED_ROUTE.pattern
chapter, parse_chapter, CHAPTER_PATTERN = CHAPTER.build, CHAPTER.parse, CHAPTER.pattern
chapter_page, parse_chapter_page, CHAPTER_PAGE_PATTERN = CHAPTER_PAGE.build, CHAPTER_PAGE.parse, CHAPTER_PAGE.pattern
language, parse_language, LANGUAGE_PATTERN = LANGUAGE.build, LANGUAGE.parse, LANGUAGE.pattern

appointment_consent, parse_appointment_consent = APPOINTMENT_CONSENT.build, APPOINTMENT_CONSENT.parse
APPOINTMENT_CONSENT_PATTERN = APPOINTMENT_CONSENT.pattern
appointment_type, parse_appointment_type = APPOINTMENT_TYPE.build, APPOINTMENT_TYPE.parse
APPOINTMENT_TYPE_PATTERN = APPOINTMENT_TYPE.pattern
appointment_pick, parse_appointment_pick = APPOINTMENT_PICK.build, APPOINTMENT_PICK.parse
# Every `appt:pick:` data reaches its handler, which ignores one that does not parse.
APPOINTMENT_PICK_PATTERN = APPOINTMENT_PICK.prefix_pattern
appointment_confirm = APPOINTMENT_CONFIRM.build
APPOINTMENT_SAVE_PATTERN = APPOINTMENT_CONFIRM.pattern_for("save")
APPOINTMENT_AGAIN_PATTERN = APPOINTMENT_CONFIRM.pattern_for("again")
APPOINTMENT_CANCEL_PATTERN = APPOINTMENT_CONFIRM.pattern_for("cancel")
appointment_list_action, parse_appointment_list_action = APPOINTMENT_LIST.build, APPOINTMENT_LIST.parse
APPOINTMENT_LIST_PATTERN = APPOINTMENT_LIST.pattern
APPOINTMENT_DEL_PATTERN = APPOINTMENT_LIST.pattern_for("del")
APPOINTMENT_ICS_PATTERN = APPOINTMENT_LIST.pattern_for("ics")
reminder_read, REMINDER_READ_PATTERN = REMINDER_READ.build, REMINDER_READ.pattern
reminder_move, REMINDER_MOVE_PATTERN = REMINDER_MOVE.build, REMINDER_MOVE.pattern

delete, parse_delete, DELETE_PATTERN = DELETE.build, DELETE.parse, DELETE.pattern
broadcasts, parse_broadcasts, BROADCASTS_PATTERN = BROADCASTS.build, BROADCASTS.parse, BROADCASTS.pattern
enrol, parse_enrol, ENROL_PATTERN = ENROL.build, ENROL.parse, ENROL.pattern

bc_audience, parse_bc_audience, BC_AUDIENCE_PATTERN = BC_AUDIENCE.build, BC_AUDIENCE.parse, BC_AUDIENCE.pattern
BC_CHOOSE, BC_CHOOSE_PATTERN = BC_CHOOSE_ROUTE.data, BC_CHOOSE_ROUTE.pattern
bc_chapter, parse_bc_chapter, BC_CHAPTER_PATTERN = BC_CHAPTER.build, BC_CHAPTER.parse, BC_CHAPTER.pattern
bc_send, parse_bc_send, BC_SEND_PATTERN = BC_SEND.build, BC_SEND.parse, BC_SEND.pattern
BC_CANCEL, BC_CANCEL_PATTERN = BC_CANCEL_ROUTE.data, BC_CANCEL_ROUTE.pattern
BC_UPDATED, BC_UPDATED_PATTERN = BC_UPDATED_ROUTE.data, BC_UPDATED_ROUTE.pattern
BC_PATTERN = f"^{re.escape(BC_FAMILY)}"

tq_send, TQ_SEND_PATTERN = TQ_SEND.build, TQ_SEND.pattern
tq_reply, TQ_REPLY_PATTERN = TQ_REPLY.build, TQ_REPLY.pattern
TQ_NO_REPLY, TQ_NO_REPLY_PATTERN = TQ_NO_REPLY_ROUTE.data, TQ_NO_REPLY_ROUTE.pattern


def parse_reminder_id(data: str) -> int | None:
    """The number of `rem:read:` or `rem:move:` data (a reminder id or an appointment id), or None."""
    read = REMINDER_READ.parse(data)
    return read if read is not None else REMINDER_MOVE.parse(data)


def parse_tq_number(data: str) -> int | None:
    """The number of `tq:send:` or `tq:reply:` data, or None."""
    sent = TQ_SEND.parse(data)
    return sent if sent is not None else TQ_REPLY.parse(data)
