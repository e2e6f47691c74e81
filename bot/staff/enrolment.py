"""One-time enrolment codes: created by staff, redeemed by the patient through a deep link.

A code is 192 random bits from `secrets` (32 URL-safe characters, within Telegram's 64-character
deep-link payload limit); only its sha256 is stored. It is valid `days` days and can be redeemed
once. Staff may enter appointments for a code before the patient redeems it; they wait in
`pending_appointments` and move to the chat, with their reminders, at redemption.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import qrcode
from qrcode.image.pure import PyPNGImage

from bot.clock import Clock
from bot.reminders.codes import code_hash, code_target
from bot.reminders.rules import ReminderRules, reminder_moments
from bot.reminders.validation import Refusal, check_start, check_type
from bot.storage.records import AppointmentType, Enrolment, Redemption
from bot.storage.store import Storage

CODE_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_code() -> str:
    """A fresh random code (only [A-Za-z0-9_-])."""
    return secrets.token_urlsafe(CODE_BYTES)


def looks_like_code(payload: str) -> bool:
    """Whether a deep-link payload has the shape of an enrolment code (chapter ids are tried first)."""
    return bool(_CODE_RE.match(payload))


def deep_link(bot_username: str, code: str) -> str:
    """https://t.me/<bot>?start=<code>"""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def qr_png(data: str) -> bytes:
    """A QR code PNG of `data` (pure Python: qrcode's PyPNG factory, no Pillow needed)."""
    buffer = io.BytesIO()
    qrcode.make(data, image_factory=PyPNGImage, box_size=8, border=4).save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class NewEnrolment:
    """A code just created: the plain code exists only here, never in the database."""

    code: str
    enrolment: Enrolment

    @property
    def expires_at(self) -> datetime:
        """When the code stops working (UTC)."""
        return self.enrolment.expires_at


class EnrolmentService:
    """Creates and redeems codes, and attaches appointments to a code before or after redemption."""

    def __init__(self, storage: Storage, clock: Clock, days: int = 14) -> None:
        self.storage = storage
        self.clock = clock
        self.days = days

    def create(self, created_by: int | None) -> NewEnrolment:
        """A new code valid `days` days; `created_by` is the staff user id (None: command line)."""
        now = self.clock.now()
        code = new_code()
        enrolment = self.storage.staff.create_enrolment(
            code_hash(code), created_by, now, now + timedelta(days=self.days)
        )
        return NewEnrolment(code, enrolment)

    def check(self, code: str) -> Redemption:
        """What redeeming would answer now, without changing anything ("ok" when still redeemable)."""
        enrolment = self.storage.staff.enrolment_by_hash(code_hash(code))
        if enrolment is None:
            return Redemption("unknown")
        if enrolment.redeemed_at is not None:
            return Redemption("used")
        if enrolment.expires_at <= self.clock.now():
            return Redemption("expired")
        return Redemption("ok")

    def redeem(self, hashed: str, chat_id: int, language: str, rules: ReminderRules) -> Redemption:
        """Link the chat (consent recorded now) and move waiting appointments; unusable codes change nothing.

        A waiting appointment that the rules refuse now (a type or time stored before today's checks,
        an "open end" 9999-12-31) is left out and reported to staff; the patient is enrolled all the same.
        """
        now = self.clock.now()

        def plan(kind: str, start: datetime) -> list[tuple[str, datetime]]:
            checked = check_type(kind)
            if isinstance(checked, Refusal):
                raise ValueError(checked.message)
            why = check_start(start, now)
            if why:
                raise ValueError(why)
            return reminder_moments(rules, checked, start, now)

        return self.storage.staff.redeem_enrolment(hashed, chat_id, language, now, plan)

    def target(self, code: str) -> tuple[Enrolment, int | None]:
        """The enrolment of a code and its chat (None while not redeemed); UnusableCode when it cannot take appointments."""
        return code_target(self.storage, code, self.clock)

    def add_pending(
        self, enrolment: Enrolment, type: AppointmentType, start: datetime, external_id: str | None = None
    ) -> int:
        """Keep an appointment for a code that is not redeemed yet."""
        return self.storage.staff.add_pending_appointment(enrolment.id, type, start, self.clock.now(), external_id)
