"""Alarm understanding v3: ABCD by function loss, signs and measured values; clinical words; English
at parity. The sentences are in tests/triage/cases_v3.py (written for this suite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage
from tests.triage.cases_v3 import ALARMS, LOOKALIKES, NORMAL_VALUES


@pytest.mark.parametrize(("text", "level", "concept"), ALARMS)
def test_level_and_concept(triage: Triage, text: str, level: Level, concept: str | None) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()
    if concept is not None:
        assert concept in result.concepts, result.explain()


@pytest.mark.parametrize("text", NORMAL_VALUES + LOOKALIKES)
def test_look_alikes_and_normal_values_do_not_alarm(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == Level.NONE, result.explain()


MESSAGES = Path(__file__).with_name("v3_messages.txt")
_LEVELS = {"e": Level.EMERGENCY, "s": Level.SEH, "u": Level.URGENT, "n": Level.NONE}


def _messages() -> list[tuple[str, str]]:
    rows = []
    for line in MESSAGES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            want, text = line.split(" ", 1)
            rows.append((want, text))
    return rows


@pytest.mark.parametrize(("want", "text"), _messages())
def test_messages_of_other_writers(triage: Triage, want: str, text: str) -> None:
    """An alarm at least at its level; a message without an alarm gets none."""
    result = triage.assess(text)
    if want == "n":
        assert result.level == Level.NONE, result.explain()
    else:
        assert result.level >= _LEVELS[want], result.explain()
