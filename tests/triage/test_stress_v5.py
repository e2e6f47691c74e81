"""The stress set v5 (tests/triage/PROBES.md) as a regression test: no message below its level."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.triage.levels import Level
from bot.triage.matcher import Triage

STRESS = Path(__file__).with_name("stress_v5.tsv")


def test_no_under_triage_and_few_false_alarms(triage: Triage) -> None:
    with STRESS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    under = [r["text"] for r in rows if triage.assess(r["text"]).level < Level[r["level"].upper()]]
    harmless = [r["text"] for r in rows if r["level"] == "none"]
    false_alarms = [t for t in harmless if triage.assess(t).level > Level.NONE]
    assert under == []
    assert len(false_alarms) <= len(harmless) // 10, false_alarms
