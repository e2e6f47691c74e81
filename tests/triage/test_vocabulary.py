"""alarms.yaml is validated like the rest of the content: every problem at once, with its line."""

from __future__ import annotations

from pathlib import Path

from bot.triage.levels import Level
from bot.triage.vocabulary import AlarmVocabulary, load_alarms

FOLDER_COMPLAINTS = {"pain", "vomiting", "diarrhoea", "fever", "breathless", "cannot_eat_drink", "constipation"}
EMERGENCIES = {"unconscious", "not_breathing", "chest_pain", "heavy_bleeding"}


def test_repo_vocabulary_has_the_folders_complaints(vocabulary: AlarmVocabulary) -> None:
    ids = {c.id for c in vocabulary.concepts}
    assert FOLDER_COMPLAINTS | EMERGENCIES <= ids
    for concept in vocabulary.concepts:
        assert concept.nl and concept.en
        if concept.id in EMERGENCIES:
            assert concept.level is Level.EMERGENCY
        if concept.id in FOLDER_COMPLAINTS:
            assert concept.level is Level.URGENT


def test_level_labels() -> None:
    assert [lvl.label for lvl in Level] == ["none", "urgent", "seh", "emergency"]
    assert Level.from_label("seh") is Level.SEH


GOOD_HEAD = """\
lexicon: {languages: [nl], min_zipf: 2.5}
phrases: {max_gap: 2, optional_words: [de]}
negation: {before: [geen], after: [weg], fillers_before: [meer], fillers_after: [is], after_end: [en]}
temperature:
  concept: fever
  urgent_from: 38
  seh_above: 38.5
  min: 35
  max: 43
  units: [graden]
  context: [koorts]
  weak_context: [bijna]
  not_after: [ben]
  not_before: [jaar]
concepts:
"""

FEVER = """\
  - id: fever
    level: urgent
    folder: Koorts
    nl: [koorts]
    en: [fever]
    misspellings: []
    reviewed_by: null
    reviewed_on: null
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alarms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_file_loads(tmp_path: Path) -> None:
    vocab, problems = load_alarms(write(tmp_path, GOOD_HEAD + FEVER))
    assert problems == []
    assert vocab is not None and vocab.unreviewed()[0].id == "fever"


def test_every_problem_at_once_with_lines(tmp_path: Path) -> None:
    bad = (
        GOOD_HEAD
        + FEVER
        + """\
  - id: fever
    level: urgent
    folder: Koorts
    nl: [koorts]
    en: [fever]
    misspellings: []
    reviewed_by: null
    reviewed_on: null
  - id: pain
    level: critical
    folder: Pijn
    nl: []
    en: [pain, pain]
    colour: red
    misspellings: []
    reviewed_by: Dr. X
    reviewed_on: yesterday
  - id: vomiting
    level: urgent
    nl: [braken]
    en: [vomit]
    misspellings: []
    reviewed_by: null
    reviewed_on: null
"""
    )
    vocab, problems = load_alarms(write(tmp_path, bad))
    assert vocab is None
    text = "\n".join(str(p) for p in problems)
    assert "alarms.yaml:24: concept 'fever': duplicate id (first on line 16)" in text
    assert "alarms.yaml:33: concept 'pain': level must be urgent, seh or emergency" in text
    assert "alarms.yaml:35: concept 'pain': 'nl' must not be empty" in text
    assert "alarms.yaml:32: concept 'pain': term 'pain' is listed twice" in text
    assert "alarms.yaml:37: concept: unknown key 'colour'" in text
    assert "alarms.yaml:40: concept 'pain': 'reviewed_on' must be a date" in text
    assert "alarms.yaml:41: concept: missing key 'folder'" in text


def test_yaml_booleans_and_bad_temperature_are_caught(tmp_path: Path) -> None:
    text = GOOD_HEAD.replace("before: [geen]", "before: [geen, no]").replace("concept: fever", "concept: heat")
    vocab, problems = load_alarms(write(tmp_path, text + FEVER))
    assert vocab is None
    messages = [str(p) for p in problems]
    assert any(":3: negation: 'before' items must be non-empty text" in m for m in messages)
    assert any("temperature: 'concept' must be one of the concept ids" in m for m in messages)


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    vocab, problems = load_alarms(write(tmp_path, "concepts: [\n"))
    assert vocab is None and problems and problems[0].line > 0
    vocab, problems = load_alarms(tmp_path / "absent.yaml")
    assert vocab is None and "cannot read" in problems[0].message
