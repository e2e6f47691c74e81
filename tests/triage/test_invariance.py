"""The invariance suite: the way a message is written never lowers its alarm level (tests/triage/invariance.py).

One test per alarm concept, each listing every variant that failed. Counted: at least 5,000 variants.
"""

from __future__ import annotations

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage
from tests.triage.invariance import ConceptSeeds, alarm_variants, load_seeds, quiet_variants, run_together_variants

SEEDS = load_seeds()
_BY_ID = {entry.concept: entry for entry in SEEDS}


def test_every_alarm_concept_has_seeds_and_quiet_forms(triage: Triage) -> None:
    concepts = {c.id for c in triage.vocabulary.concepts if c.level > Level.NONE}
    assert concepts <= set(_BY_ID), f"concepts without seeds: {sorted(concepts - set(_BY_ID))}"
    assert set(_BY_ID) <= concepts, f"seeds of unknown concepts: {sorted(set(_BY_ID) - concepts)}"
    for entry in SEEDS:
        assert entry.seeds and all(seed.en for seed in entry.seeds), entry.concept
    quiet = {kind for entry in SEEDS for kind, _ in entry.quiet}
    assert quiet == {"negated", "past", "hypothetical"}


def test_the_suite_generates_at_least_5000_variants() -> None:
    alarms = sum(1 for entry in SEEDS for _ in alarm_variants(entry))
    quiet = sum(1 for entry in SEEDS for _ in quiet_variants(entry))
    assert alarms + quiet >= 5000, (alarms, quiet)


@pytest.mark.parametrize("concept", list(_BY_ID))
def test_no_transform_lowers_the_level(triage: Triage, concept: str) -> None:
    entry: ConceptSeeds = _BY_ID[concept]
    wanted = triage.vocabulary.concept(concept)
    assert wanted is not None
    failures = []
    floors: dict[str, Level] = {}
    for seed in entry.seeds:
        result = triage.assess(seed.nl)
        found = concept in result.concepts or any(m.method == "temperature" for m in result.matches)
        if not found or result.level < wanted.level:
            failures.append(f"seed below {wanted.level.label}: {seed.nl!r} -> {result.explain()}")
        floors[seed.nl] = result.level
    for variant in alarm_variants(entry):
        level = triage.assess(variant.text).level
        if level < floors[variant.seed]:
            failures.append(
                f"{variant.transform}: {level.label} < {floors[variant.seed].label}: {variant.text[:160]!r}"
            )
    assert not failures, f"{len(failures)} level drops:\n" + "\n".join(failures)


@pytest.mark.parametrize("concept", [entry.concept for entry in SEEDS if entry.quiet])
def test_negated_past_and_hypothetical_forms_never_alarm(triage: Triage, concept: str) -> None:
    failures = [
        f"{variant.transform}: {result.level.label}: {variant.text[:160]!r} {result.explain()}"
        for variant in quiet_variants(_BY_ID[concept])
        if (result := triage.assess(variant.text)).level > Level.NONE
    ]
    assert not failures, f"{len(failures)} alarms:\n" + "\n".join(failures)


def test_words_run_together_keep_the_level(triage: Triage) -> None:
    failures = []
    for entry in SEEDS:
        for variant in run_together_variants(entry):
            floor = triage.assess(variant.seed).level
            if (level := triage.assess(variant.text).level) < floor:
                failures.append(f"{variant.transform}: {level.label} < {floor.label}: {variant.text!r}")
    assert not failures, f"{len(failures)} level drops:\n" + "\n".join(failures)
