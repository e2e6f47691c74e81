"""The bot counts alarms by level and answered questions per day (in memory, written each minute) for the console."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock, local
from tests.chats import PATIENT, TUESDAY_10_30, running_bot


async def test_alarms_and_answers_are_counted_per_day_without_text(tmp_path: Path) -> None:
    clock = ManualClock(TUESDAY_10_30)
    async with running_bot(tmp_path, clock) as chat:
        await chat.say(PATIENT, "ik heb koorts")
        await chat.say(PATIENT, "hoe lang duurt een mri?")
        storage = chat.assembly.services.storage
        chat.assembly.services.misses.flush()
        counts = storage.console.daily_counts(local(clock.now()).date())
    day = local(clock.now()).date()
    names = {name: n for d, name, n in counts if d == day}
    assert sum(n for name, n in names.items() if name.startswith("alarm_")) == 1
    assert names.get("answered") == 1
