"""Dialogues survive a restart and follow the chat across instances: the /afspraak draft and the
staff /bericht draft live in the database, read and written around each update."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import signal
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app.assembly import Assembly, build_application
from bot.clock import ManualClock
from bot.fakeapi.models import JsonDict
from bot.fakeapi.server import FakeBotApi
from bot.outbox.pacer import UNPACED
from tests.app.helpers import SECRET, URL, free_port
from tests.chats import make_settings
from tests.cli import bot_env, start_bot
from tests.databases import pg_url

__all__ = ["pg_url"]  # a fixture

PATIENT, STAFF = 1000, 900


def press(fake: FakeBotApi, chat_id: int, label: str) -> JsonDict:
    """Queue a tap on the newest bot message in `chat_id` that has a button `label`; return the update."""
    for message in reversed(fake.messages_to(chat_id)):
        for button in message.flat_buttons:
            if button.label == label and button.callback_data:
                fake.press_button(chat_id, message.message_id, button.callback_data, user_id=chat_id)
                return fake.pending_updates[-1]
    raise AssertionError(f"no button {label!r} in chat {chat_id}")


def last_text(fake: FakeBotApi, chat_id: int) -> str:
    return fake.messages_to(chat_id)[-1].text or ""


@asynccontextmanager
async def two_instances(
    fake: FakeBotApi, settings: Any, clock: ManualClock
) -> AsyncIterator[list[tuple[Assembly, str]]]:
    """Two webhook instances on one database, each with the URL Telegram would post to."""
    instances = [build_application(settings, clock=clock, dedupe_updates=True, limits=UNPACED) for _ in range(2)]
    ports = [free_port() for _ in instances]
    for instance, port in zip(instances, ports, strict=True):
        await instance.app.initialize()
        await instance.app.start()
        await instance.startup()
        assert instance.app.updater is not None
        await instance.app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", webhook_url=URL, secret_token=SECRET
        )
    try:
        yield [(instance, f"http://127.0.0.1:{port}/hook") for instance, port in zip(instances, ports, strict=True)]
    finally:
        for instance in instances:
            assert instance.app.updater is not None
            await instance.app.updater.stop()
            await instance.app.stop()
            await instance.shutdown()
            await instance.app.shutdown()


@pytest.mark.postgres
async def test_two_webhook_instances_take_turns_in_one_afspraak_and_one_bericht(
    tmp_path: Path, clock: ManualClock, pg_url: str
) -> None:
    async with FakeBotApi() as fake:
        settings = dataclasses.replace(
            make_settings(tmp_path, fake.base_url),
            database_url=pg_url,
            webhook_secret=SECRET,
            staff_user_ids=frozenset({STAFF}),
        )
        async with two_instances(fake, settings, clock) as instances, httpx.AsyncClient() as client:
            turn = 0

            async def deliver(update: JsonDict) -> str:
                """Post to the instances in turn; wait until that instance has handled it."""
                nonlocal turn
                instance, endpoint = instances[turn % 2]
                turn += 1
                response = await client.post(endpoint, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                assert response.status_code == 200
                await asyncio.wait_for(instance.app.update_queue.join(), 10)
                await fake.wait_idle()
                chat_id = (update.get("message") or update["callback_query"]["message"])["chat"]["id"]
                return last_text(fake, chat_id)

            assert "Gaat u akkoord?" in await deliver(fake.send_text(PATIENT, "/afspraak"))
            assert "Voor welk onderzoek" in await deliver(press(fake, PATIENT, "Akkoord"))
            assert "Wanneer is uw MRI-scan?" in await deliver(press(fake, PATIENT, "MRI-scan"))
            assert "Klopt dit?" in await deliver(fake.send_text(PATIENT, "10 december 13.15"))
            assert "Opgeslagen" in await deliver(press(fake, PATIENT, "Ja, opslaan"))
            await deliver(press(fake, PATIENT, "Ja, opslaan"))  # a second tap: no second appointment
            storage = instances[0][0].services.storage
            assert [a.type for a in storage.list_appointments(chat_id=PATIENT)] == ["mri"]

            await deliver(fake.send_text(STAFF, "/bericht", user_id=STAFF))
            await deliver(press(fake, STAFF, fake.messages_to(STAFF)[-1].flat_buttons[0].label))
            text = "Het spreekuur is dicht op 24 december; bij koorts belt u de spoedlijn."
            await deliver(fake.send_text(STAFF, text, user_id=STAFF))
            preview = next(m for m in fake.messages_to(STAFF) for b in m.flat_buttons if b.callback_data == "bc:send")
            await deliver(press(fake, STAFF, preview.flat_buttons[0].label))
            # A second tap (an impatient double tap) reaches the other instance: it finds no draft.
            fake.press_button(STAFF, preview.message_id, "bc:send", user_id=STAFF, check=False)
            await deliver(fake.pending_updates[-1])
            broadcasts = storage.staff.list_broadcasts(10)
            assert len(broadcasts) == 1 and broadcasts[0].broadcast.text == text


def dialog_step(database: Path, chat_id: int) -> str | None:
    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT data FROM dialog_state WHERE key = ?", (str(chat_id),)).fetchone()
    return json.loads(row[0]).get("appointment_draft", {}).get("step") if row else None


async def test_sigkill_halfway_through_afspraak_then_the_next_message_continues(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    async with FakeBotApi() as fake:
        env = bot_env(fake.base_url, f"sqlite:///{database}")

        async def step(update: JsonDict | str, expect: str) -> None:
            count = len(fake.messages_to(PATIENT))
            if isinstance(update, str):
                fake.send_text(PATIENT, update)
            await fake.wait_until(
                lambda: len(fake.messages_to(PATIENT)) > count and expect in last_text(fake, PATIENT), within=15
            )

        proc = await start_bot("run", env=env)
        try:
            await step("/afspraak", "Gaat u akkoord?")
            await step(press(fake, PATIENT, "Akkoord"), "Voor welk onderzoek")
            await step(press(fake, PATIENT, "MRI-scan"), "Wanneer is uw MRI-scan?")
            await fake.wait_until(lambda: dialog_step(database, PATIENT) == "when", within=5)
        finally:
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        proc = await start_bot("run", env=env)
        try:
            await step("overmorgen om half tien", "Klopt dit? MRI-scan:")
            await step(press(fake, PATIENT, "Ja, opslaan"), "Opgeslagen: MRI-scan")
        finally:
            proc.send_signal(signal.SIGTERM)
            await proc.wait()
        assert proc.returncode == 0
