"""One set of rules for an appointment, whatever brings it in.

The command line (`appointments add`, `appointments import` of CSV, YAML and FHIR), the console's add,
move and upload, and the patient's `/afspraak` all check an appointment here, so each refuses the same
things with the same words: a time that cannot be read or does not exist (the hour skipped when the
clocks go forward), a new or moved time in the past or more than two years ahead (a year typo: 2062,
9999-12-31 as an "open end"), an unknown type, an external id that is not printable text of at most
100 characters, and a chat id outside Telegram's range. Messages are for staff (English, like the
command line's); the patient's dialogue words its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import NonexistentLocalTime, amsterdam_time
from bot.settings import MAX_TELEGRAM_ID
from bot.storage.records import APPOINTMENT_TYPES, AppointmentType

FIELDS = ("external_id", "chat_id", "type", "at")
MAX_EXTERNAL_ID = 100  # the column's length
MAX_AHEAD = timedelta(days=2 * 366)  # further ahead is a typo (year 2062, 9999-12-31 …)
TIME_FORMAT = "YYYY-MM-DD HH:MM"
PAST = "the appointment is in the past"
TOO_FAR = "the appointment is more than two years ahead: check the year"


@dataclass(frozen=True)
class Refusal:
    """Why a value cannot be used (checks that produce a value return it or a Refusal)."""

    message: str


def _shown(raw: object) -> str:
    """A value quoted in a message: short, so a message never echoes a whole field back."""
    return repr(str(raw).strip()[:30])


def read_time(raw: object, name: str = "at") -> datetime | Refusal:
    """'YYYY-MM-DD HH:MM' in Amsterdam local time as an aware datetime, or why it cannot be one.

    `name` is the field as the message names it (`at` in a file, `--at` on the command line).
    """
    text = str(raw).strip()
    try:
        naive = datetime.strptime(text, "%Y-%m-%d %H:%M")  # noqa: DTZ007 - the zone is added next
        return amsterdam_time(naive)
    except NonexistentLocalTime as exc:
        return Refusal(f"{name}: {exc}; give the real time")
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01 00:00 has no UTC instant
        return Refusal(f"{name} must be '{TIME_FORMAT}' (Amsterdam time), got {_shown(text)}")


def check_start(start: datetime, now: datetime) -> str | None:
    """Why a new or moved appointment cannot start at `start`, or None."""
    if start <= now:
        return PAST
    if start - now > MAX_AHEAD:
        return TOO_FAR
    return None


def check_type(raw: object) -> AppointmentType | Refusal:
    """The appointment type, or why `raw` is not one."""
    kind = str(raw).strip().lower()
    for known in APPOINTMENT_TYPES:
        if kind == known:
            return known
    return Refusal(f"type must be one of {', '.join(APPOINTMENT_TYPES)}, got {_shown(kind)}")


def check_external_id(raw: object) -> str | None:
    """Why `raw` cannot be an external id (printable text, 1 to 100 characters), or None."""
    text = str(raw).strip()
    if not text:
        return "external_id is empty"
    if len(text) > MAX_EXTERNAL_ID:
        return f"external_id is {len(text)} characters long; at most {MAX_EXTERNAL_ID}"
    if not text.isprintable():
        return "external_id contains control characters"
    return None


def check_chat_id(raw: object) -> int | Refusal:
    """The chat id, or why it is not one (a patient's private chat: a positive Telegram user id)."""
    text = str(raw).strip()
    if not text.isdigit() or not text.isascii():
        return Refusal(f"chat_id must be a positive whole number, got {_shown(text)}")
    if len(text) > 20 or not 0 < int(text) < MAX_TELEGRAM_ID:
        return Refusal(f"chat_id must be a Telegram user id below {MAX_TELEGRAM_ID}, got {text[:30]}")
    return int(text)


def check_new(
    type_raw: object, at_raw: object, external_id: object | None, now: datetime, time_name: str = "at"
) -> tuple[AppointmentType, datetime, str | None] | list[str]:
    """A new appointment typed by staff (console, command line): (type, start, external id) or every problem."""
    problems: list[str] = []
    kind = check_type(type_raw)
    if isinstance(kind, Refusal):
        problems.append(kind.message)
    start = read_time(at_raw, time_name)
    if isinstance(start, Refusal):
        problems.append(start.message)
    elif why := check_start(start, now):
        problems.append(why)
    external = str(external_id).strip() if external_id is not None else ""
    if external and (why := check_external_id(external)):
        problems.append(why)
    if problems or isinstance(kind, Refusal) or isinstance(start, Refusal):
        return problems
    return kind, start, external or None
