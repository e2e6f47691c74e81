"""Duplicates: a slow Telegram answer does not make a second reminder; a redelivered webhook update
is handled once, also when the copy reaches another instance."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path

import httpx

from bot.app.assembly import build_application
from bot.clock import ManualClock
from bot.fakeapi.server import FakeBotApi
from bot.outbox.pacer import UNPACED
from tests.app.helpers import SECRET, URL, free_port, update
from tests.chats import PATIENT, Chat, make_settings

REMINDED = 1500


async def test_a_telegram_answer_held_20_s_does_not_produce_a_second_reminder(chat: Chat) -> None:
    services = chat.assembly.services
    assert services.reminders is not None
    now = chat.clock.now()
    services.storage.upsert_patient(REMINDED, "nl", now, consent_at=now)
    appointment = services.reminders.add_appointment(REMINDED, "ct", now + timedelta(days=2), "staff")
    chat.clock.advance(timedelta(days=1, hours=8))  # past the day-before reminder
    chat.fake.fail_next("sendMessage", "slow", chat_id=REMINDED, hold=20)
    await services.reminders.run_due(chat.clock.now())  # Telegram delivers, its answer comes after our 5 s
    chat.clock.advance(timedelta(minutes=30))
    await services.reminders.run_due(chat.clock.now())
    assert len(chat.fake.messages_to(REMINDED)) == 1
    sent = [r for r in services.storage.reminders_of(appointment.id) if r.status == "sent"]
    assert [(r.attempts, r.error) for r in sent] == [(1, "unconfirmed")]  # recorded, not resent


async def test_broadcast_sends_whose_answers_hang_do_not_hold_up_an_alarm_reply(chat: Chat) -> None:
    # Twenty broadcast messages whose answers Telegram holds: more than every connection the bot has.
    held = range(3000, 3020)
    for chat_id in held:
        chat.fake.fail_next("sendMessage", "slow", chat_id=chat_id, hold=1.5)
    sender = chat.assembly.services.sender
    sends = [asyncio.create_task(sender.send_message(chat_id, "Nieuws")) for chat_id in held]
    await chat.fake.wait_until(lambda: bool(chat.fake.messages_to(3000)), within=5)
    chat.fake.send_text(PATIENT, "ik heb sinds vanmiddag 39,6 koorts")
    await chat.fake.wait_until(lambda: bool(chat.fake.messages_to(PATIENT)), within=1, what="the alarm reply")
    assert "112" in (chat.fake.messages_to(PATIENT)[0].text or "")
    # Answered while broadcast messages still waited for their own connections.
    assert sum(1 for chat_id in held if chat.fake.messages_to(chat_id)) < len(held)
    await asyncio.gather(*sends)
    assert all(len(chat.fake.messages_to(chat_id)) == 1 for chat_id in held)


async def test_a_webhook_update_posted_twice_to_two_instances_is_handled_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    async with FakeBotApi() as fake:
        settings = dataclasses.replace(make_settings(tmp_path, fake.base_url), webhook_secret=SECRET)
        instances = [build_application(settings, clock=clock, dedupe_updates=True, limits=UNPACED) for _ in range(2)]
        ports = [free_port() for _ in instances]
        for instance, port in zip(instances, ports, strict=True):
            await instance.app.initialize()
            await instance.app.start()
            assert instance.app.updater is not None
            await instance.app.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="hook", webhook_url=URL, secret_token=SECRET
            )
        try:
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            endpoints = [f"http://127.0.0.1:{port}/hook" for port in ports]
            question = update(10, 1000, "hoe lang duurt een ct scan?")
            async with httpx.AsyncClient() as client:
                for endpoint in (endpoints[0], endpoints[0], endpoints[1]):
                    assert (await client.post(endpoint, json=question, headers=headers)).status_code == 200
                # A marker per instance, same chat: each instance handles a chat's updates in order.
                for update_id, endpoint in ((11, endpoints[0]), (12, endpoints[1])):
                    marker = update(update_id, 1000, "/help")
                    assert (await client.post(endpoint, json=marker, headers=headers)).status_code == 200
            await fake.wait_until(lambda: len(fake.messages_to(1000)) >= 3, within=10)
            await fake.wait_idle()
            texts = [m.text or "" for m in fake.messages_to(1000)]
            assert sum("kwartier" in t for t in texts) == 1, texts
            assert len(texts) == 3, texts
        finally:
            for instance in instances:
                assert instance.app.updater is not None
                await instance.app.updater.stop()
                await instance.app.stop()
                await instance.app.shutdown()
