"""alarms.yaml is validated like the rest of the content: every problem at once, with its line."""

from __future__ import annotations

from pathlib import Path

from bot.triage.alarms_file import load_alarms
from bot.triage.levels import Level
from bot.triage.matcher import Triage
from bot.triage.qualifiers import QualifierRules
from bot.triage.vocabulary import AlarmVocabulary

FOLDER_COMPLAINTS = {"pain", "vomiting", "diarrhoea", "fever", "breathless", "cannot_eat_drink", "constipation"}
EMERGENCIES = {"unconscious", "not_breathing", "chest_pain", "heavy_bleeding"}


def test_repo_vocabulary_has_the_folders_complaints(vocabulary: AlarmVocabulary) -> None:
    ids = {c.id for c in vocabulary.concepts}
    assert FOLDER_COMPLAINTS | EMERGENCIES <= ids
    for concept in vocabulary.concepts:
        assert concept.terms or concept.all_of
        assert concept.source in ("folder", "beyond-folder")
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
negation: {before: [geen], after: [weg], after_end: [en]}
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
    source: folder
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
    source: folder
    reviewed_by: null
    reviewed_on: null
  - id: pain
    level: critical
    folder: Pijn
    nl: []
    en: []
    colour: red
    misspellings: []
    source: leaflet
    reviewed_by: Dr. X
    reviewed_on: yesterday
  - id: vomiting
    level: urgent
    nl: [braken, braken]
    en: [vomit]
    misspellings: []
    source: folder
    reviewed_by: null
    reviewed_on: null
"""
    )
    lines = bad.splitlines()

    def line(needle: str, nth: int = 0) -> int:
        return [i for i, text in enumerate(lines, 1) if needle in text][nth]

    vocab, problems = load_alarms(write(tmp_path, bad))
    assert vocab is None
    text = "\n".join(str(p) for p in problems)
    first, second = line("- id: fever"), line("- id: fever", 1)
    assert f"alarms.yaml:{second}: concept 'fever': duplicate id (first on line {first})" in text
    assert (
        f"alarms.yaml:{line('level: critical')}: concept 'pain': level must be none, urgent, seh or emergency" in text
    )
    assert f"alarms.yaml:{line('- id: pain')}: concept 'pain': needs terms in 'nl', 'en' or 'exact'" in text
    assert f"alarms.yaml:{line('colour: red')}: concept: unknown key 'colour'" in text
    assert f"alarms.yaml:{line('source: leaflet')}: concept 'pain': 'source' must be folder or beyond-folder" in text
    assert f"alarms.yaml:{line('reviewed_on: yesterday')}: concept 'pain': 'reviewed_on' must be a date" in text
    assert f"alarms.yaml:{line('- id: vomiting')}: concept: missing key 'folder'" in text
    assert f"alarms.yaml:{line('- id: vomiting')}: concept 'vomiting': term 'braken' is listed twice" in text


SIGNS = """\
  - id: wound
    level: none
    folder: De wond
    nl: [wond]
    en: [wound]
    source: beyond-folder
    reviewed_by: null
    reviewed_on: null
  - id: wound_red
    level: urgent
    folder: Rode wond
    source: beyond-folder
    all_of: [wound, fever]
    contacts: [wondpoli]
    reviewed_by: Dr. Y
    reviewed_on: 2026-01-05
  - id: lonely_sign
    level: none
    folder: Teken
    nl: [rood]
    en: [red]
    source: beyond-folder
    reviewed_by: null
    reviewed_on: null
"""


def test_sources_combinations_contacts_and_signoff(tmp_path: Path) -> None:
    vocab, problems = load_alarms(write(tmp_path, GOOD_HEAD + FEVER + SIGNS))
    assert [p.message for p in problems] == ["concept 'lonely_sign': level none is only for signs used in an 'all_of'"]
    vocab, problems = load_alarms(write(tmp_path, GOOD_HEAD + FEVER + SIGNS.split("  - id: lonely_sign")[0]))
    assert problems == [] and vocab is not None
    # Beyond the folder and not signed off: listed for the clinician; signed ones and folder ones are not.
    assert [c.id for c in vocab.awaiting_signoff()] == ["wound"]
    assert {c.id for c in vocab.unreviewed()} == {"fever", "wound"}
    combined = vocab.concept("wound_red")
    assert combined is not None and combined.all_of == ("wound", "fever") and combined.contacts == ("wondpoli",)
    # Contact ids are cross-checked against contacts.yaml only where the contacts are loaded.
    assert vocab.contact_problems({"wondpoli"}) == []
    assert [p.message for p in vocab.contact_problems({"spoedlijn"})] == [
        "concept 'wound_red': contact 'wondpoli' is not in contacts.yaml"
    ]


def test_yaml_booleans_and_bad_temperature_are_caught(tmp_path: Path) -> None:
    text = GOOD_HEAD.replace("before: [geen]", "before: [geen, no]").replace("concept: fever", "concept: heat")
    vocab, problems = load_alarms(write(tmp_path, text + FEVER))
    assert vocab is None
    messages = [str(p) for p in problems]
    assert any(":3: negation: 'before' items must be non-empty text" in m for m in messages)
    assert any("temperature: 'concept' must be one of the concept ids" in m for m in messages)


def test_temperature_context_concepts_must_exist(tmp_path: Path) -> None:
    text = GOOD_HEAD.replace(
        "  not_before: [jaar]\n", "  not_before: [jaar]\n  context_concepts: [fever, koorts_elders]\n"
    )
    vocab, problems = load_alarms(write(tmp_path, text + FEVER))
    assert vocab is None
    assert [p.message for p in problems] == ["temperature: 'context_concepts' names unknown concept 'koorts_elders'"]
    vocab, problems = load_alarms(write(tmp_path, text.replace(", koorts_elders", "") + FEVER))
    assert vocab is not None and vocab.temperature.context_concepts == {"fever"}, problems


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    vocab, problems = load_alarms(write(tmp_path, "concepts: [\n"))
    assert vocab is None and problems and problems[0].line > 0
    vocab, problems = load_alarms(tmp_path / "absent.yaml")
    assert vocab is None and "cannot read" in problems[0].message


def test_repo_beyond_folder_concepts_await_signoff(vocabulary: AlarmVocabulary) -> None:
    beyond = {c.id for c in vocabulary.concepts if c.source == "beyond-folder"}
    assert {"seizure", "stroke", "confusion", "suicidal", "jaundice", "wound_infection"} <= beyond
    assert FOLDER_COMPLAINTS | EMERGENCIES <= {c.id for c in vocabulary.concepts if c.source == "folder"}
    suicidal = vocabulary.concept("suicidal")
    assert suicidal is not None and suicidal.contacts == ("zelfmoordpreventie",)


def test_a_combination_needs_its_parts_in_one_sentence_or_two_with_across(
    tmp_path: Path, qualifiers: QualifierRules
) -> None:
    vocab, problems = load_alarms(write(tmp_path, GOOD_HEAD + FEVER + SIGNS.split("  - id: lonely_sign")[0]))
    assert vocab is not None, problems
    triage = Triage(vocab, qualifiers)
    assert "wound_red" in triage.assess("de wond en koorts").concepts
    assert "wound_red" not in triage.assess("de wond is dicht. Ik heb koorts.").concepts
    across = SIGNS.split("  - id: lonely_sign")[0].replace(
        "    all_of: [wound, fever]\n", "    all_of: [wound, fever]\n    across_sentences: true\n"
    )
    vocab, problems = load_alarms(write(tmp_path, GOOD_HEAD + FEVER + across))
    assert vocab is not None, problems
    triage = Triage(vocab, qualifiers)
    assert "wound_red" in triage.assess("de wond is dicht. Ik heb koorts.").concepts
    assert "wound_red" not in triage.assess("de wond is dicht. Het regent. Ik heb koorts.").concepts
    vocab, problems = load_alarms(write(tmp_path, GOOD_HEAD + FEVER + across.replace("true", "ja")))
    assert [p.message for p in problems] == [
        "concept 'wound_red': 'across_sentences' is true or false, with an 'all_of'"
    ]


SCORE = """\
measurements:
  max_gap: 2
  fillers: [van]
  pair_words: [over]
  not_before: [jaar]
  readings:
    - concept: fever
      names: [emv]
      parts: PARTS
      at_most: 13
      min: 3
      max: 15
concepts:
"""


def test_a_score_written_as_its_parts(tmp_path: Path, qualifiers: QualifierRules) -> None:
    """ "E2M5V2", "E2 M5 V2" and "e2m5v2" are EMV 9; "E4M6V5" is 15, no alarm."""
    head = GOOD_HEAD.replace("concepts:\n", SCORE.replace("PARTS", "[e, m, v]"))
    vocab, problems = load_alarms(write(tmp_path, head + FEVER))
    assert vocab is not None, problems
    triage = Triage(vocab, qualifiers)
    for text in ("hij heeft E2M5V2", "hij heeft E2 M5 V2", "emv e2m5v2 sinds een uur"):
        assert triage.assess(text).level == Level.URGENT, text
    assert triage.assess("E4M6V5, helemaal helder").level == Level.NONE
    vocab, problems = load_alarms(
        write(tmp_path, GOOD_HEAD.replace("concepts:\n", SCORE.replace("PARTS", "[e, mm]")) + FEVER)
    )
    assert vocab is None
    assert [p.message for p in problems] == ["measurement 'fever': 'parts' are single letters (a-z)"]
