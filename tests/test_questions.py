"""The one question reader (bot/questions.py) and its word file content/questions.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import questions
from bot.questions import QUESTIONS_FILE, load_question_words
from bot.search.text import words as search_words

CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_the_file_loads_with_every_reading() -> None:
    words, problems = load_question_words(CONTENT / QUESTIONS_FILE)
    assert problems == [] and words is not None
    assert set(words.readings) == set(questions.READINGS)
    assert "wat" in words.reading("reply").question_words and "kan" in words.reading("reply").verbs


@pytest.mark.parametrize(
    ("text", "words", "asks"),
    [
        ("ik heb koorts", ["ik", "heb", "koorts"], False),
        ("ik heb koorts, wat nu", ["ik", "heb", "koorts", "wat", "nu"], True),
        ("mag ik douchen", ["mag", "ik", "douchen"], True),
        ("koorts?", ["koorts"], True),
        ("", [], False),
    ],
)
def test_asks_anywhere(text: str, words: list[str], asks: bool) -> None:
    assert questions.asks_anywhere(text, words) is asks


def test_a_sentence_start_depends_on_the_reading() -> None:
    assert questions.opens_question("wat", "context") and questions.opens_question("wat", "search")
    assert questions.opens_question("is", "search") and not questions.opens_question("is", "context")
    assert not questions.opens_question("koorts", "alarm")


def test_which_sentences_ask() -> None:
    assert questions.asking_sentences(["Ik heb pijn.", "Is dat erg?"], search_words) == [False, True]
    assert questions.asking_sentences(["Ik heb pijn.", "Mag ik douchen"], search_words) == [False, True]
    assert questions.asking_sentences(["Ik heb pijn.", "Ik douche"], search_words) == [False, False]


@pytest.mark.parametrize(
    ("text", "clause", "outright"),
    [
        ("mag ik douchen", True, True),
        ("is moeheid normaal", True, True),
        ("zijn neus bloedt", False, False),
        ("mijn ogen zijn wat geel", False, False),
        ("metastasen, wat betekent dat", True, False),
        ("boos over hoe het ging", True, False),
    ],
)
def test_the_strict_reading(text: str, clause: bool, outright: bool) -> None:
    assert questions.asks_in_a_clause(text) is clause
    assert questions.asked_outright(text) is outright


def test_content_check_reports_a_broken_file(tmp_path: Path) -> None:
    shutil.copy(CONTENT / QUESTIONS_FILE, tmp_path / QUESTIONS_FILE)
    path = tmp_path / QUESTIONS_FILE
    text = path.read_text(encoding="utf-8").replace("  word: wat", "  word: Wat").replace("  context:", "  kontext:")
    path.write_text(text, encoding="utf-8")
    words, problems = load_question_words(path)
    assert words is None
    messages = [problem.message for problem in problems]
    assert "somewhat.word: must be one lower-case word" in messages
    assert "readings: unknown key 'kontext'" in messages and "readings: missing key 'context'" in messages
