"""Alarms in words no list had: bleeding that does not stop, a past form of a sign, a "what if" that came true.

Every sentence here was written for this test file, in the style of patients and relatives; none is from an
evaluation set.
"""

from __future__ import annotations

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("er loopt bloed uit zijn mond en neus en het stopt niet", EMERGENCY),
        ("de drain is eruit gegaan en het bloedt als een rund", EMERGENCY),
        ("the cut on her belly keeps bleeding and it won't stop", EMERGENCY),
        ("ik werd vanmiddag ineens geel", URGENT),
        ("his eyes turned yellow overnight", URGENT),
        ("vorige maand had ik koorts na de kuur, en dat heb ik nu", URGENT),
        ("sinds de operatie krijg ik haast niks naar binnen, ook drinken gaat moeilijk", URGENT),
        ("I can barely drink anything since Sunday", URGENT),
        ("ben de hele tijd misselijk en gooi alles eruit", URGENT),
    ],
)
def test_alarm_in_new_words(triage: Triage, text: str, level: Level) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "het bloeden is gestopt",
        "mijn neus bloedde even maar het is gestopt",
        "ik had een nachtmerrie dat ik geel werd, maar alles is normaal",
        "ik werd groen en geel van het wachten",
        "mag ik niks eten voor de scan?",
        "ik kan nauwelijks wachten tot ik weer gewoon mag eten",
    ],
)
def test_no_alarm(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()
