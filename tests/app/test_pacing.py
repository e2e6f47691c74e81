"""Every message the running bot sends takes its turn in the one pacer, at the priority of its kind.

The pacer's limits never bind here (tests/chats.py); what it decides under Telegram's limits is
tested on a virtual clock in tests/outbox/test_pacer.py, and measured in bench/bench_burst.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import ManualClock
from tests.chats import PATIENT, STAFF, staff_bot

ALARM = "ik moet steeds overgeven"
QUESTION = "hoe lang duurt de mri"


async def test_each_kind_of_message_takes_its_turn_at_its_own_priority(tmp_path: Path, clock: ManualClock) -> None:
    async with staff_bot(tmp_path, clock) as chat:
        services = chat.assembly.services
        pacer = chat.assembly.budget.pacer

        def sent() -> dict[str, int]:
            return {kind: n for kind, n in pacer.figures().sent.items() if n}

        (await chat.say(PATIENT, ALARM)).assert_count(1)
        await chat.harness.send(lambda: chat.fake.send_photo(PATIENT), "photo")  # the spoed lines: alarm priority
        assert sent() == {"alarm": 2}
        (await chat.say(PATIENT, QUESTION)).assert_count(1)
        assert sent() == {"alarm": 2, "reply": 1}

        services.storage.upsert_patient(2001, "nl", clock.now(), consent_at=clock.now())
        services.reminders.add_appointment(2001, "ct", clock.now() + timedelta(days=3), "staff")
        clock.advance(timedelta(days=2, hours=10))  # past the "day before at 18:00" reminder
        report = await services.reminders.run_due(clock.now())
        assert report.sent and sent()["reminder"] == len(report.sent)

        services.storage.staff.create_broadcast(
            now=clock.now(), created_by=STAFF, kind="text", audience="all", text="Nieuws", urgent=True
        )
        delivered = await chat.deliver()
        assert any("Nieuws" in (m.text or "") for m in delivered)
        assert sent()["broadcast"] == 1
        assert pacer.figures().queued == {"alarm": 0, "reply": 0, "reminder": 0, "broadcast": 0}

        metrics = services.metrics.render().decode()
        assert 'bot_sends_total{priority="alarm"} 2.0' in metrics
        assert 'bot_send_queue{priority="alarm"} 0.0' in metrics
        assert "bot_telegram_429_total 0.0" in metrics
