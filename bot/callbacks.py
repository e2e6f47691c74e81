"""Callback data of inline buttons: one build and one parse function per kind, and the handler patterns.

Data is a short prefixed string (Telegram allows 64 bytes). Buttons already sent to patients keep
their data for weeks, so these strings never change shape:

menu                      the main menu
ch:<chapter-id>           open a chapter
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

Each `*_PATTERN` is the regular expression of the handler for that data; a `parse_*` function
returns None for data that does not fit, which the handler treats as a stale button.
"""

from __future__ import annotations

import re
from typing import Literal

YesNo = Literal["yes", "no"]
ListAction = Literal["del", "ics"]
BroadcastChoice = Literal["on", "off", "consent"]
Confirm = Literal["save", "again", "cancel"]
Send = Literal["send", "urgent"]

EMPTY_PATTERN = r"^$"  # a button without data matches every pattern in python-telegram-bot


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _yes_no(raw: str) -> YesNo | None:
    return "yes" if raw == "yes" else "no" if raw == "no" else None


# -- content ------------------------------------------------------------------------------------

MENU = "menu"
MENU_PATTERN = rf"^{MENU}$"
CHAPTER_PATTERN = r"^ch:"
LANGUAGE_PATTERN = r"^lang:"


def chapter(chapter_id: str) -> str:
    """Callback data that opens a chapter."""
    return f"ch:{chapter_id}"


def parse_chapter(data: str) -> str:
    """The chapter id of `ch:` data (unknown ids are the handler's to judge)."""
    return data.removeprefix("ch:")


def language(lang: Literal["nl", "en"]) -> str:
    """Callback data that switches the chat's language."""
    return f"lang:{lang}"


def parse_language(data: str) -> Literal["nl", "en"] | None:
    """The language of `lang:` data, or None."""
    return "nl" if data == "lang:nl" else "en" if data == "lang:en" else None


# -- /afspraak, /afspraken, reminders -------------------------------------------------------------

APPOINTMENT_CONSENT_PATTERN = r"^appt:consent:(yes|no)$"
APPOINTMENT_TYPE_PATTERN = r"^appt:type:"
APPOINTMENT_PICK_PATTERN = r"^appt:pick:"
APPOINTMENT_SAVE_PATTERN = r"^appt:save$"
APPOINTMENT_AGAIN_PATTERN = r"^appt:again$"
APPOINTMENT_CANCEL_PATTERN = r"^appt:cancel$"
APPOINTMENT_DEL_PATTERN = r"^appt:del:\d+$"
APPOINTMENT_ICS_PATTERN = r"^appt:ics:\d+$"
APPOINTMENT_LIST_PATTERN = r"^appt:(del|ics):\d+$"  # either of the two above
REMINDER_READ_PATTERN = r"^rem:read:\d+$"
REMINDER_MOVE_PATTERN = r"^rem:move:\d+$"


def appointment_consent(answer: YesNo) -> str:
    """Consent (or not) before an appointment is stored."""
    return f"appt:consent:{answer}"


def parse_appointment_consent(data: str) -> YesNo | None:
    """The answer of `appt:consent:` data, or None."""
    return _yes_no(data.removeprefix("appt:consent:")) if data.startswith("appt:consent:") else None


def appointment_type(kind: str) -> str:
    """The kind of appointment chosen."""
    return f"appt:type:{kind}"


def parse_appointment_type(data: str) -> str:
    """The kind of `appt:type:` data (the handler checks it is a known kind)."""
    return data.removeprefix("appt:type:")


def appointment_pick(timestamp: int) -> str:
    """One of the date-times read from the patient's words, as Unix seconds."""
    return f"appt:pick:{timestamp}"


def parse_appointment_pick(data: str) -> int:
    """The Unix seconds of `appt:pick:` data; ValueError when they are not a number."""
    return int(data.removeprefix("appt:pick:"))


def appointment_confirm(choice: Confirm) -> str:
    """The confirmation step: save, enter the date again, or cancel."""
    return f"appt:{choice}"


def appointment_list_action(action: ListAction, appointment_id: int) -> str:
    """Under an appointment in /afspraken: cancel it, or send it as .ics."""
    return f"appt:{action}:{appointment_id}"


def parse_appointment_list_action(data: str) -> tuple[ListAction, int] | None:
    """(action, appointment id) of `appt:del:` / `appt:ics:` data, or None."""
    match = re.fullmatch(APPOINTMENT_LIST_PATTERN.strip("^$"), data)
    if match is None:
        return None
    action: ListAction = "del" if match.group(1) == "del" else "ics"
    return action, int(data.rsplit(":", 1)[1])


def reminder_read(reminder_id: int) -> str:
    """Callback data of the "Gelezen" button."""
    return f"rem:read:{reminder_id}"


def reminder_move(appointment_id: int) -> str:
    """Callback data of the "Afspraak verzetten?" button."""
    return f"rem:move:{appointment_id}"


def parse_reminder_id(data: str) -> int | None:
    """The number after `rem:read:` or `rem:move:` (a reminder id or an appointment id), or None."""
    prefix, _, raw = data.rpartition(":")
    return _number(raw) if prefix in ("rem:read", "rem:move") else None


# -- privacy and enrolment ------------------------------------------------------------------------

DELETE_PATTERN = r"^del:(yes|no)$"
BROADCASTS_PATTERN = r"^bcast:(on|off|consent)$"
ENROL_PATTERN = r"^enr:(yes|no)$"


def delete(answer: YesNo) -> str:
    """/stop: delete everything, or not."""
    return f"del:{answer}"


def parse_delete(data: str) -> YesNo | None:
    """The answer of `del:` data, or None."""
    return _yes_no(data.removeprefix("del:")) if data.startswith("del:") else None


def broadcasts(choice: BroadcastChoice) -> str:
    """/meldingen: team messages on, off, or consent to them."""
    return f"bcast:{choice}"


def parse_broadcasts(data: str) -> BroadcastChoice | None:
    """The choice of `bcast:` data, or None."""
    choice = data.removeprefix("bcast:") if data.startswith("bcast:") else ""
    return "on" if choice == "on" else "off" if choice == "off" else "consent" if choice == "consent" else None


def enrol(answer: YesNo) -> str:
    """Consent (or not) after an enrolment link."""
    return f"enr:{answer}"


def parse_enrol(data: str) -> YesNo | None:
    """The answer of `enr:` data, or None."""
    return _yes_no(data.removeprefix("enr:")) if data.startswith("enr:") else None


# -- staff broadcasts -----------------------------------------------------------------------------

BC_AUDIENCE_PATTERN = r"^bc:aud:"
BC_CHOOSE_PATTERN = r"^bc:chs$"
BC_CHAPTER_PATTERN = r"^bc:ch:"
BC_SEND_PATTERN = r"^bc:(send|urgent)$"
BC_CANCEL_PATTERN = r"^bc:cancel$"
BC_UPDATED_PATTERN = r"^bc:upd$"
BC_PATTERN = r"^bc:"  # any other `bc:` data: a stale button


def bc_audience(audience: str) -> str:
    """The audience of a broadcast: "all" or "type:<appointment type>"."""
    return f"bc:aud:{audience}"


def parse_bc_audience(data: str) -> str:
    """The audience of `bc:aud:` data (the handler checks it is valid)."""
    return data.removeprefix("bc:aud:")


BC_CHOOSE = "bc:chs"
BC_CANCEL = "bc:cancel"
BC_UPDATED = "bc:upd"


def bc_chapter(chapter_id: str) -> str:
    """The chapter a broadcast announces."""
    return f"bc:ch:{chapter_id}"


def parse_bc_chapter(data: str) -> str:
    """The chapter id of `bc:ch:` data."""
    return data.removeprefix("bc:ch:")


def bc_send(kind: Send) -> str:
    """Send the broadcast (urgent: also in quiet hours)."""
    return f"bc:{kind}"


def parse_bc_send(data: str) -> Send | None:
    """ "send" or "urgent" of `bc:send` / `bc:urgent`, or None."""
    return "send" if data == "bc:send" else "urgent" if data == "bc:urgent" else None


# -- questions to the team --------------------------------------------------------------------------

TQ_SEND_PATTERN = r"^tq:send:\d+$"
TQ_REPLY_PATTERN = r"^tq:reply:\d+$"
TQ_NO_REPLY_PATTERN = r"^tq:noreply$"
TQ_NO_REPLY = "tq:noreply"


def tq_send(message_id: int) -> str:
    """Send the patient's message `message_id` (the one the bot's reply quotes) to the team."""
    return f"tq:send:{message_id}"


def tq_reply(thread_id: int) -> str:
    """Reply once to the team's answer in thread `thread_id`."""
    return f"tq:reply:{thread_id}"


def parse_tq_number(data: str) -> int | None:
    """The number after `tq:send:` or `tq:reply:`, or None."""
    prefix, _, raw = data.rpartition(":")
    return _number(raw) if prefix in ("tq:send", "tq:reply") else None
