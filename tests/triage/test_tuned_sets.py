"""The sets the triage was tuned on (tests/triage/PROBES.md), as regression tests: no more messages below
their level, and no more false alarms, than when the tuning was done (the few left are named in PROBES.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("name", "most_under", "most_false_alarms"),
    [
        ("stress_v5.tsv", 0, 0.10),  # the lead's stress set (resolved rule, combinations)
        ("tune_v6.tsv", 0, 0.15),  # a helper's set: chat excerpts, telegraphic, Flemish, gallows humour, UK/US
        ("tune_v6b.tsv", 1, 0.15),  # another: low literacy, formal elderly, minimising, effects, long stories
        ("tune_v6c.tsv", 2, 0.20),  # another: clinical shorthand, drains, chemo, delirium, expats, ascites
        ("tune_v6d.tsv", 0, 0.17),  # another: strong dialect, capitals run together, speech-to-text, SMS, dots
        ("tune_v6e.tsv", 2, 0.30),  # another, half look-alikes: history, quoted leaflets, others, idioms, plans
        ("tune_v6f.tsv", 0, 0.16),  # another, all English: British, American, Indian/Nigerian, non-native, 3 a.m.
        ("tune_v6g.tsv", 0, 0.12),  # another: night partners, unreachable lines, pain without "pijn", euphemisms
        ("variants_v6.tsv", 0, 0.0),  # the lead's own variants of what these sets taught, in other words
        ("tune_v7a.tsv", 0, 0.23),  # another: grandchildren, hasty typing, what is seen, comparisons, 85+, stoma
        ("tune_v7b.tsv", 0, 0.24),  # another, half English: clinical relatives, Scots/Irish/Aussie, travel, politeness
        (
            "tune_v7c.tsv",
            2,
            0.24,
        ),  # another: care handovers, panicking partners, side remarks, Malay/Cape Verdean Dutch
        (
            "tune_v7d.tsv",
            1,
            0.12,
        ),  # another: dictation, retired professionals, humour, numbers, non-native English, days compared
        (
            "tune_v7e.tsv",
            0,
            0.24,
        ),  # another, 60% look-alikes: history at length, quoted folder, others, normal values, idioms
        ("tune_v7f.tsv", 1, 0.19),  # another, 40% 112: what a bystander sees, "not himself", what the patient cannot do
        (
            "tune_v7g.tsv",
            0,
            0.06,
        ),  # another: treatment phases (before surgery, resection, PVE, chemo drugs, stoma, pump)
        (
            "tune_v7h.tsv",
            0,
            0.10,
        ),  # another: pain as images, emotional look-alikes, lists and emoji, relatives in a hurry
        ("tune_v7i.tsv", 0, 0.16),  # another: after a scan or biopsy, already at the GP post or SEH, night, politeness
        ("tune_v7j.tsv", 0, 0.10),  # another: regional Dutch, late learners, straattaal, tricky negations
        (
            "tune_v7k.tsv",
            1,
            0.06,
        ),  # another: first person now, generic "je"/"we", questions stating facts, split messages
        (
            "tune_v7l.tsv",
            0,
            0.12,
        ),  # another: told by cause or effect, numbers and scales, good news with a complaint, UK/US
        ("tune_v7m.tsv", 2, 0.16),  # another: several people ill, typos of alarm words, follow-ups, answers to the bot
        ("tune_v7n.tsv", 0, 0.04),  # another: English dictation, bedridden at home, P.S. complaints, palliative care
        # another, mostly in Turkish, Arabic, Polish, Spanish, Portuguese: whole sentences in another language are
        # often below their level (the commonest words only), but every such reply carries 112 (reply_check: 0 unsafe)
        ("tune_v7o.tsv", 14, 0.33),
        ("tune_v7p.tsv", 0, 0.12),  # another: medicines gone wrong, pharmacist questions, pill boxes, brand names
        ("variants_v7.tsv", 0, 0.0),  # the lead's own variants of what v7a/v7b taught, in other words
    ],
)
def test_few_under_triaged_and_few_false_alarms(
    triage: Triage, name: str, most_under: int, most_false_alarms: float
) -> None:
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    under = [r["text"] for r in rows if triage.assess(r["text"]).level < Level[r["level"].upper()]]
    harmless = [r["text"] for r in rows if r["level"] == "none"]
    false_alarms = [t for t in harmless if triage.assess(t).level > Level.NONE]
    assert len(under) <= most_under, under
    assert len(false_alarms) <= most_false_alarms * len(harmless), false_alarms
