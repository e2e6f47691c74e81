"""The records of the questions to the team (`Storage.inbox`): threads, messages, outcomes, and their rows.

Texts (`InboxMessage.body`, `ClaimedAnswer.body`) are sealed (bot.inbox.crypto) here as everywhere in storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.storage.types import as_utc, as_utc_or_none

ThreadStatus = Literal["new", "claimed", "answered", "closed"]
OPEN: tuple[ThreadStatus, ...] = ("new", "claimed")
# Why staff close a thread: fixed codes (texts in the console), so no free text is ever stored for it.
CLOSE_REASONS = ("answered_by_phone", "duplicate", "not_a_question", "referred", "other")
Outcome = Literal["ok", "changed", "unknown"]
DeliveryStatus = Literal["queued", "sending", "sent", "failed"]
# Counts per day for the console's statistics (numbers only; they outlive the purged threads).
COUNT_ASKED, COUNT_ANSWERED, COUNT_ANSWER_MINUTES = "team_questions", "team_answered", "team_answer_minutes"
_LEVELS = ("none", "urgent", "seh", "emergency")  # the triage levels, lowest first (bot.triage.levels)


def higher_level(a: str, b: str) -> str:
    """The more urgent of two triage level labels (an unknown label counts as urgent: when in doubt, flag)."""
    rank = {label: i for i, label in enumerate(_LEVELS)}
    return a if rank.get(a, 1) >= rank.get(b, 1) else b


@dataclass(frozen=True)
class Thread:
    """One question of a patient to the team, without its texts."""

    id: int
    chat_id: int
    language: str
    level: str
    status: ThreadStatus
    revision: int
    created_at: datetime
    waiting_since: datetime | None
    claimed_by: int | None
    claimed_at: datetime | None
    answered_at: datetime | None
    answered_by: int | None
    closed_at: datetime | None
    closed_by: int | None
    close_reason: str | None
    follow_up_used: bool
    messages: int = 0
    undelivered: int = 0  # team answers that failed to reach the patient


@dataclass(frozen=True)
class InboxMessage:
    """One message of a thread: the patient's (question, follow-up) or the team's answer; `body` is sealed."""

    id: int
    thread_id: int
    author: Literal["patient", "team"]
    staff_id: int | None
    body: str
    level: str
    created_at: datetime
    status: str | None
    sent_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class ThreadDetail:
    """A thread with its messages, oldest first."""

    thread: Thread
    messages: list[InboxMessage]


@dataclass(frozen=True)
class Opened:
    """What asking did: the thread, and whether it is new (False: this message was sent before)."""

    thread_id: int
    created: bool


@dataclass(frozen=True)
class StaffAction:
    """The outcome of a claim, answer or close, and the thread as it is now (who got there first)."""

    outcome: Outcome
    thread: Thread | None


@dataclass(frozen=True)
class ClaimedAnswer:
    """A team answer claimed for delivery, with what rendering it needs (texts sealed)."""

    message_id: int
    thread_id: int
    chat_id: int
    language: str
    body: str
    question: str | None  # the patient's message it answers
    asked_at: datetime | None
    attempts: int
    follow_up_open: bool  # the patient may still reply once


@dataclass(frozen=True)
class Waiting:
    """Questions waiting for the team: new ones (nobody claimed them) and all unanswered ones."""

    new: int
    oldest_new: datetime | None
    open: int
    oldest_open: datetime | None


def thread_row(m: Any, messages: int = 0, undelivered: int = 0) -> Thread:
    """A thread from its row (a mapping), with its message counts."""
    return Thread(
        id=int(m["id"]),
        chat_id=int(m["chat_id"]),
        language=m["language"],
        level=m["level"],
        status=m["status"],
        revision=int(m["revision"]),
        created_at=as_utc(m["created_at"]),
        waiting_since=as_utc_or_none(m["waiting_since"]),
        claimed_by=m["claimed_by"],
        claimed_at=as_utc_or_none(m["claimed_at"]),
        answered_at=as_utc_or_none(m["answered_at"]),
        answered_by=m["answered_by"],
        closed_at=as_utc_or_none(m["closed_at"]),
        closed_by=m["closed_by"],
        close_reason=m["close_reason"],
        follow_up_used=bool(m["follow_up_used"]),
        messages=messages,
        undelivered=undelivered,
    )


def message_row(m: Any) -> InboxMessage:
    """A message from its row (a mapping); `body` stays sealed."""
    return InboxMessage(
        id=int(m["id"]),
        thread_id=int(m["thread_id"]),
        author=m["author"],
        staff_id=m["staff_id"],
        body=m["body"],
        level=m["level"],
        created_at=as_utc(m["created_at"]),
        status=m["status"],
        sent_at=as_utc_or_none(m["sent_at"]),
        error=m["error"],
    )
