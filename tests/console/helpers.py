"""Shared steps of the console tests: enrol a patient through the console, subscribers, files."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from bot.console.web import ConsoleContext
from bot.reminders.codes import code_hash
from bot.staff.enrolment import EnrolmentService

DATA = Path(__file__).resolve().parent / "data"


def enrol_through_console(client: TestClient, ctx: ConsoleContext, csrf: str, chat_id: int, identifier: str) -> str:
    """Create a code with a patient number in the console and redeem it as the patient; return the code."""
    card = client.post("/enrolment", data={"csrf": csrf, "identifier": identifier})
    assert card.status_code == 200
    found = re.search(r"\?start=([A-Za-z0-9_-]{32})", card.text)
    assert found, card.text
    code = found.group(1)
    rules = ctx.knowledge.current.catalog.reminder_rules
    assert EnrolmentService(ctx.storage, ctx.clock).redeem(code_hash(code), chat_id, "nl", rules).outcome == "ok"
    return code


def subscribers(ctx: ConsoleContext, chat_ids: range | list[int]) -> None:
    """Patients who consented and receive broadcasts."""
    now = ctx.clock.now()
    for chat_id in chat_ids:
        ctx.storage.upsert_patient(chat_id, "nl", now, consent_at=now)
