"""The right amount of safety text: harmless messages get their answer with at most one spoed line,
alarms get their instruction (the project's own labelled set; `make bench` runs it through the CLI)."""

from __future__ import annotations

import statistics
from datetime import datetime

import pytest

from bench.bench_replies import DEFAULT, alarm_text, read_tsv, safe
from bot.knowledge import Knowledge
from bot.replying.compose import compose
from tests.replying.conftest import NIGHT, OFFICE

ROWS = read_tsv(DEFAULT)


@pytest.mark.parametrize("now", [OFFICE, NIGHT], ids=["11:00", "00:30"])
def test_harmless_messages_get_at_most_one_line_of_alarm_text(knowledge: Knowledge, now: datetime) -> None:
    lines = [alarm_text(compose(text, now, "nl", knowledge).messages) for level, text in ROWS if level == "none"]
    assert len(lines) >= 60
    assert statistics.median(n for n, _ in lines) <= 1
    assert sum(1 for n, _ in lines if n > 1) <= len(lines) // 10  # a longer net stays the exception


@pytest.mark.parametrize("now", [OFFICE, NIGHT], ids=["11:00", "00:30"])
def test_every_alarm_carries_its_instruction(knowledge: Knowledge, now: datetime) -> None:
    moment = "office" if now == OFFICE else "night"
    for level, text in ROWS:
        if level != "none":
            shown = "\n".join(compose(text, now, "nl", knowledge).messages)
            assert safe(level, moment, shown), (level, text, shown)
