"""Transcripts for triage v2: the new emergencies get 112 first, at night and in office hours.

00:30 on a weekday (the huisartsenpost's hours) and 11:00 (the spoedlijn's): a seizure, a stroke,
suicidal intent, "ik bloed hevig" and an emergency in the last line of a 4,000-character message all
get a reply whose first line is the 112 line; a fever in words ("negenendertig vijf") gets the SEH line.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM, ManualClock
from tests.chats import PATIENT, running_bot

WEDNESDAY_00_30 = datetime(2026, 12, 2, 0, 30, tzinfo=AMSTERDAM)
WEDNESDAY_11_00 = datetime(2026, 12, 2, 11, 0, tzinfo=AMSTERDAM)
SEH_NUMBER = "020 44 43 636"

_STORY = "We zijn vanmorgen naar de markt geweest en daarna hebben we koffie gedronken bij mijn zus. " * 43
LONG_WITH_EMERGENCY_AT_THE_END = _STORY + "Nu ligt mijn man op de grond en reageert niet meer."

EMERGENCIES = [
    "mijn vrouw ligt te schokken met armen en benen en ik krijg geen contact",
    "zijn mondhoek hangt scheef en hij praat met een dubbele tong",
    "ik wil er een eind aan maken, de pillen liggen klaar",
    "ik bloed hevig",
    LONG_WITH_EMERGENCY_AT_THE_END,
]


@pytest.mark.parametrize("now", [WEDNESDAY_00_30, WEDNESDAY_11_00], ids=["00:30", "11:00"])
async def test_new_emergencies_get_112_first(tmp_path: Path, now: datetime) -> None:
    assert 3900 < len(LONG_WITH_EMERGENCY_AT_THE_END) <= 4096
    async with running_bot(tmp_path, ManualClock(now)) as chat:
        for text in EMERGENCIES:
            reply = await chat.say(PATIENT, text)
            first_line = (reply[0].text or "").strip().splitlines()[0]
            assert "112" in first_line, (text[-60:], reply[0].text)


@pytest.mark.parametrize("now", [WEDNESDAY_00_30, WEDNESDAY_11_00], ids=["00:30", "11:00"])
async def test_fever_in_words_gets_the_seh(tmp_path: Path, now: datetime) -> None:
    async with running_bot(tmp_path, ManualClock(now)) as chat:
        reply = await chat.say(PATIENT, "negenendertig vijf")
        # The SEH line (where it stands in the reply is the reply templates' business).
        reply.assert_contains(SEH_NUMBER, "112")
