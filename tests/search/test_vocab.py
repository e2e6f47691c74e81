"""Validation of content/search.yaml: every problem at once, with file and line."""

from __future__ import annotations

from pathlib import Path

from bot.content.model import Content
from bot.search.vocab import load_search_vocabulary
from tests.search.conftest import CONTENT_DIR


def _load(tmp_path: Path, content: Content, text: str) -> tuple[object, list[str]]:
    path = tmp_path / "search.yaml"
    path.write_text(text, encoding="utf-8")
    vocab, problems = load_search_vocabulary(path, content)
    return vocab, [f"{p.line}: {p.message}" for p in problems]


def test_valid_file(tmp_path: Path, small_content: Content) -> None:
    vocab, problems = _load(
        tmp_path,
        small_content,
        "chapters:\n  leverpunctie:\n    keywords: [biopsie]\n    keywords_en: [biopsy]\n"
        "synonyms:\n  groups:\n    - [mdo, multidisciplinair overleg]\n  mappings:\n    bril: metaal\n",
    )
    assert problems == []
    assert vocab is not None


def test_every_problem_with_its_line(tmp_path: Path, small_content: Content) -> None:
    text = """chapters:
  leverpunctie:
    keywords: [biopsie, Biopsie]
    keywords_en: []
    colour: red
  nergens:
    keywords: [iets]
  uitslag:
    keywords: [de]
synonyms:
  groups:
    - [mdo]
    - [punctie, biopsie]
    - [biopsie, naald]
  mappings:
    bril: []
  other: 1
"""
    vocab, problems = _load(tmp_path, small_content, text)
    assert vocab is None
    assert problems == [
        "3: chapter 'leverpunctie' keywords: duplicate 'Biopsie' (line 3)",
        "4: chapter 'leverpunctie' keywords_en: empty list",
        "5: chapter 'leverpunctie': unknown key 'colour'",
        "6: chapters: unknown chapter id 'nergens'",
        "9: chapter 'uitslag' keywords: 'de' has no searchable word",
        "12: synonyms group: needs at least two words",
        "14: synonyms group: 'biopsie' is already in the group on line 13",
        "16: synonyms mapping 'bril': empty list",
        "17: synonyms: unknown key 'other'",
    ]


def test_duplicate_chapter_ids(tmp_path: Path, small_content: Content) -> None:
    _, problems = _load(
        tmp_path, small_content, "chapters:\n  uitslag:\n    keywords: [a1]\n  uitslag:\n    keywords: [b2]\n"
    )
    assert problems == ["4: chapters: duplicate key 'uitslag'"]


def test_bad_yaml_and_wrong_shape(tmp_path: Path, small_content: Content) -> None:
    _, problems = _load(tmp_path, small_content, "chapters: [\n")
    assert len(problems) == 1 and "invalid YAML" in problems[0]
    _, problems = _load(tmp_path, small_content, "- 1\n")
    assert problems == ["1: search.yaml: expected a mapping with 'chapters' and 'synonyms'"]
    _, problems = _load(tmp_path, small_content, "synonyms: {}\n")
    assert "missing key 'chapters'" in problems[0]


def test_project_search_yaml_is_valid() -> None:
    from bot.content.loader import load_content

    content, problems = load_content(CONTENT_DIR)
    assert content is not None, problems
    vocab, problems = load_search_vocabulary(CONTENT_DIR / "search.yaml", content)
    assert problems == []
    assert vocab is not None
    assert set(vocab.chapters) == {c.id for c in content.chapters}


def test_asks_senses_markers_and_other_topics(tmp_path: Path, small_content: Content) -> None:
    vocab, problems = _load(
        tmp_path,
        small_content,
        "chapters:\n  uitslag:\n    keywords: [uitslag]\n"
        "asks:\n  - ask: [hoe lang duurt, wie beslist]\n    chapters: [mri-scan, uitslag]\n    weight: 2\n"
        "    answer: [duurt, minuten]\n"
        "senses:\n  - word: onderzoek\n    near: [meedoen, niet]\n    means: [chemotherapie]\n    within: 3\n"
        "context_markers: [sinds, na]\n"
        "other_topics: [voetbal, recept]\n"
        "subject: [lever, uitzaaiingen]\n"
        "setting: [ziekenhuis]\n",
    )
    assert problems == []
    assert vocab is not None
    assert vocab.asks[0].phrases == ("hoe lang duurt", "wie beslist")  # type: ignore[attr-defined]
    assert vocab.asks[0].weight == 2.0  # type: ignore[attr-defined]
    assert vocab.asks[0].answer == ("duurt", "minuten")  # type: ignore[attr-defined]
    assert vocab.senses[0].within == 3  # type: ignore[attr-defined]
    assert vocab.context_markers == ("sinds", "na")  # type: ignore[attr-defined]
    assert vocab.other_topics == ("voetbal", "recept")  # type: ignore[attr-defined]
    assert vocab.subject == ("lever", "uitzaaiingen")  # type: ignore[attr-defined]
    assert vocab.setting == ("ziekenhuis",)  # type: ignore[attr-defined]


def test_bad_asks_and_senses(tmp_path: Path, small_content: Content) -> None:
    text = """chapters:
  uitslag:
    keywords: [uitslag]
asks:
  - ask: [hoe lang]
    chapters: [nergens]
  - ask: []
    chapters: [uitslag]
    weight: 9
  - 12
senses:
  - word: twee woorden
    near: [x1]
    means: [y1]
  - word: onderzoek
    near: [meedoen]
    means: [de]
    within: 0
context_markers: []
"""
    vocab, problems = _load(tmp_path, small_content, text)
    assert vocab is None
    assert problems == [
        "6: asks entry: unknown chapter id 'nergens'",
        "7: asks entry ask: empty list",
        "9: asks entry: weight must be a number from 0 to 5",
        "10: asks: expected a mapping, not 12",
        "12: senses entry: 'word' must be one word, not 'twee woorden'",
        "17: sense 'onderzoek' means: 'de' has no searchable word",
        "18: sense 'onderzoek': within must be a positive number",
        "19: context_markers: empty list",
    ]


def test_answers_descriptions_journey_and_reported(tmp_path: Path, small_content: Content) -> None:
    vocab, problems = _load(
        tmp_path,
        small_content,
        "chapters:\n  leverpunctie:\n    keywords: [biopsie]\n    answers:\n"
        "      - sentence: Dit gebeurt onder lokale verdoving.\n        words: [pijn, wakker, hurt]\n"
        "descriptions:\n  - means: [mdo]\n    says: [vergadering dokters, doctors meeting]\n"
        "journey:\n  asks: [wat nu]\n  stages:\n    - after: [scans klaar]\n      next: uitslag\n"
        "      answer: [plan]\n"
        "reported: [dokter zei]\n",
    )
    assert problems == []
    assert vocab is not None
    assert vocab.chapters["leverpunctie"].answers[0].words == ("pijn", "wakker", "hurt")  # type: ignore[attr-defined]
    assert vocab.descriptions[0].says == ("vergadering dokters", "doctors meeting")  # type: ignore[attr-defined]
    assert vocab.journey.stages[0].next == "uitslag"  # type: ignore[attr-defined]
    assert vocab.reported == ("dokter zei",)  # type: ignore[attr-defined]


def test_bad_answers_descriptions_journey_and_reported(tmp_path: Path, small_content: Content) -> None:
    text = """chapters:
  leverpunctie:
    keywords: [biopsie]
    answers:
      - sentence: Dit staat er niet.
        words: [pijn]
      - sentence: e
        words: [naald]
      - sentence: lokale verdoving
        words: [de]
descriptions:
  - means: [mdo]
    says: [vergadering]
journey:
  asks: [wat nu]
  stages:
    - after: [scans klaar]
      next: nergens
reported: [zei]
"""
    vocab, problems = _load(tmp_path, small_content, text)
    assert vocab is None
    assert problems == [
        "5: chapter 'leverpunctie' answers: 'Dit staat er niet.' is in no sentence of the chapter",
        "7: chapter 'leverpunctie' answers: 'e' is in more than one sentence",
        "10: chapter 'leverpunctie' answer words: 'de' has no searchable word",
        "13: description 'vergadering': needs two words or more",
        "18: journey stage: unknown chapter id 'nergens'",
        "19: reported 'zei': needs two words or more",
    ]
