"""`/console` in the bot: a staff member gets a working one-time link; anyone else gets the unknown-command answer."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from starlette.testclient import TestClient

from bot.clock import ManualClock
from bot.console.app import build_console_app
from bot.console.cli import build_context
from tests.chats import PATIENT, STAFF, staff_bot
from tests.console.conftest import CONSOLE_URL, TUESDAY_10_30, csrf_of


async def test_staff_get_a_link_that_signs_in_and_others_get_nothing(tmp_path: Path) -> None:
    clock = ManualClock(TUESDAY_10_30)
    async with staff_bot(tmp_path, clock, console_url=CONSOLE_URL) as chat:
        refused = await chat.say(PATIENT, "/console")
        assert "signin" not in refused.text
        reply = await chat.say(STAFF, "/console")
        found = re.search(r"(http://127\.0\.0\.1:8070/signin/[A-Za-z0-9_-]+)", reply.text)
        assert found, reply.text
        settings = dataclasses.replace(chat.assembly.services.settings, base_url=None)
        ctx = build_context(settings, storage=chat.assembly.services.storage, clock=clock)
        with TestClient(build_console_app(ctx), base_url=CONSOLE_URL) as client:
            page = client.get(found.group(1).removeprefix(CONSOLE_URL))
            token = re.search(r'name="token" value="([^"]+)"', page.text)
            assert token
            signed = client.post("/signin", data={"csrf": csrf_of(page.text), "token": token.group(1)})
            assert signed.status_code == 200 and "Inschrijven" in signed.text
        for _ in range(4):
            await chat.say(STAFF, "/console")
        limited = await chat.say(STAFF, "/console")
        assert "Te veel links" in limited.text or "Too many links" in limited.text
