"""Webhook mode rejects requests without the secret; two instances on one PostgreSQL never double-send."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.app.assembly import build_application
from bot.app.cli import webhook_path
from bot.clock import ManualClock
from bot.fakeapi.server import FakeBotApi
from bot.outbox.pacer import UNPACED
from tests.app.helpers import SECRET, URL, free_port, update
from tests.chats import make_settings
from tests.databases import pg_url

__all__ = ["pg_url"]  # a fixture


async def test_webhook_rejects_requests_without_the_secret(tmp_path: Path, clock: ManualClock) -> None:
    async with FakeBotApi() as fake:
        settings = make_settings(tmp_path, fake.base_url, webhook_secret=SECRET)
        app = build_application(settings, clock=clock).app
        port = free_port()
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path=webhook_path(URL), webhook_url=URL, secret_token=SECRET
        )
        try:
            assert fake.webhook is not None and fake.webhook["url"] == URL
            endpoint = f"http://127.0.0.1:{port}/{webhook_path(URL)}"
            async with httpx.AsyncClient() as client:
                missing = await client.post(endpoint, json=update(1, 1000, "/start"))
                wrong = await client.post(
                    endpoint, json=update(2, 1000, "/start"), headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
                )
                assert (missing.status_code, wrong.status_code) == (403, 403)
                assert fake.messages_to(1000) == []
                right = await client.post(
                    endpoint, json=update(3, 1000, "ik heb koorts"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                assert right.status_code == 200
            await fake.wait_until(lambda: len(fake.messages_to(1000)) == 1, within=5)
            assert "spoedlijn" in (fake.messages_to(1000)[0].text or "")
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()


@pytest.mark.postgres
async def test_two_webhook_instances_on_one_postgres_send_each_reminder_and_broadcast_once(
    tmp_path: Path, clock: ManualClock, pg_url: str
) -> None:
    async with FakeBotApi() as fake:
        base = dataclasses.replace(make_settings(tmp_path, fake.base_url), database_url=pg_url, webhook_secret=SECRET)
        instances = [build_application(base, clock=clock, limits=UNPACED) for _ in range(2)]
        for index, instance in enumerate(instances):
            await instance.app.initialize()
            await instance.app.start()
            assert instance.app.updater is not None
            await instance.app.updater.start_webhook(
                listen="127.0.0.1", port=free_port(), url_path=f"hook{index}", webhook_url=URL, secret_token=SECRET
            )
        try:
            first = instances[0].services
            assert first.reminders is not None
            patients = range(5000, 5040)
            for chat_id in patients:
                first.storage.upsert_patient(chat_id, "nl", clock.now(), consent_at=clock.now())
                first.reminders.add_appointment(chat_id, "ct", clock.now() + timedelta(days=3), "staff")
            clock.advance(timedelta(days=2, hours=10))  # past every "day before at 18:00" reminder
            reports = await asyncio.gather(
                *(i.services.reminders.run_due(clock.now()) for i in instances if i.services.reminders)
            )
            sent = [m for chat_id in patients for m in fake.messages_to(chat_id)]
            assert len(sent) == len(patients)  # each patient exactly one reminder: none lost, none twice
            assert sum(len(r.sent) for r in reports) == len(patients)

            # And a broadcast to the same 40 patients, delivered by both instances' senders at once.
            first.storage.staff.create_broadcast(
                now=clock.now(),
                created_by=None,
                kind="text",
                audience="all",
                text="Het spreekuur is dicht op 24 december.",
            )
            senders = [i.services.outbox for i in instances if i.services.outbox is not None]
            await asyncio.gather(*(sender.run_pending() for sender in senders))
            for chat_id in patients:
                notices = [m for m in fake.messages_to(chat_id) if "24 december" in (m.text or "")]
                assert len(notices) == 1, chat_id  # none lost, none twice
        finally:
            for instance in instances:
                assert instance.app.updater is not None
                await instance.app.updater.stop()
                await instance.app.stop()
                await instance.app.shutdown()
