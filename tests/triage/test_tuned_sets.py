"""The sets the triage was tuned on (tests/triage/PROBES.md), as regression tests: no message below its
level, and no more false alarms than when the tuning was done."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("name", "most_false_alarms"),
    [
        ("stress_v5.tsv", 0.10),  # the lead's stress set (resolved rule, combinations)
        ("tune_v6.tsv", 0.15),  # a helper's set: chat excerpts, telegraphic, Flemish, gallows humour, UK/US
        ("variants_v6.tsv", 0.0),  # the lead's own variants of what tune_v6 taught, in other words
    ],
)
def test_no_under_triage_and_few_false_alarms(triage: Triage, name: str, most_false_alarms: float) -> None:
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    under = [r["text"] for r in rows if triage.assess(r["text"]).level < Level[r["level"].upper()]]
    harmless = [r["text"] for r in rows if r["level"] == "none"]
    false_alarms = [t for t in harmless if triage.assess(t).level > Level.NONE]
    assert under == []
    assert len(false_alarms) <= most_false_alarms * len(harmless), false_alarms
