"""Transcripts for alarm understanding v3 (issue 20): the examples of the issue's "Why" that the
concepts and numbers now read. At 00:30 on a weekday each gets a reply whose first line is the 112
line (or, for a fever, the SEH line with its number), and no date when the spreekuur opens again.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM, ManualClock
from bot.triage.levels import Level
from tests.chats import PATIENT, running_bot
from tests.triage.cases_v3 import WHY

WEDNESDAY_00_30 = datetime(2026, 12, 2, 0, 30, tzinfo=AMSTERDAM)
SEH_NUMBER = "020 44 43 636"


@pytest.mark.parametrize(("text", "level"), WHY, ids=[text[:40] for text, _ in WHY])
async def test_why_examples_at_night(tmp_path: Path, text: str, level: Level) -> None:
    async with running_bot(tmp_path, ManualClock(WEDNESDAY_00_30)) as chat:
        reply = await chat.say(PATIENT, text)
        first_line = (reply[0].text or "").strip().splitlines()[0]
        if level is Level.EMERGENCY:
            assert "112" in first_line, reply.transcript
        else:
            assert SEH_NUMBER in first_line, reply.transcript
        reply.assert_contains("112").assert_not_contains("weer open op", "opens again on")
