"""The README's transcripts are what the demo prints: the menu, an alarm at night, a complaint the bot
does not recognise, and an emotional message. When a reply's wording changes, this test fails and
prints the new transcript to paste into README.md ("What the patient reads")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM, ManualClock
from bot.fakeapi.demo_console import demo_transcript
from tests.chats import PATIENT, running_bot

ROOT = Path(__file__).resolve().parents[2]
TUESDAY_11_00 = datetime(2026, 12, 1, 11, 0, tzinfo=AMSTERDAM)
TUESDAY_02_30 = datetime(2026, 12, 1, 2, 30, tzinfo=AMSTERDAM)

SCENES = {
    "the menu, and its first button (Tuesday 11:00)": (TUESDAY_11_00, ["/start", "1"]),
    "an alarm at night (Tuesday 02:30)": (TUESDAY_02_30, ["mijn vrouw is flauwgevallen en reageert niet meer"]),
    "a complaint the bot does not recognise, at night": (TUESDAY_02_30, ["ik voel me zo raar in mijn lijf"]),
    "an emotional message": (TUESDAY_02_30, ["Mijn vader is vannacht overleden"]),
}


@pytest.mark.parametrize("scene", list(SCENES))
async def test_readme_shows_what_the_demo_prints(tmp_path: Path, scene: str) -> None:
    now, lines = SCENES[scene]
    async with running_bot(tmp_path, ManualClock(now)) as chat:
        printed = await demo_transcript(chat.harness, lines, PATIENT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = f"```text\n{printed}```"
    assert block in readme, f"README.md lacks the transcript of {scene}; it is now:\n\n{block}\n"
