"""The general rules under the matcher: Dutch word forms and temperatures written as spoken."""

from __future__ import annotations

import pytest
import snowballstemmer

from bot.triage.morphology import bases, primary_key, word_keys
from bot.triage.normalize import tokenize
from bot.triage.numbers import merge_numbers

STEM = snowballstemmer.stemmer("dutch").stemWord


@pytest.mark.parametrize(
    ("message_word", "vocabulary_word"),
    [
        ("bloedt", "bloeden"),
        ("bloedde", "bloeden"),
        ("gebloed", "bloeden"),
        ("braak", "braken"),
        ("braakte", "braken"),
        ("gebraakt", "braken"),
        ("kots", "kotsen"),
        ("kotste", "kotsen"),
        ("gekotst", "kotsen"),
        ("spuugde", "spugen"),
        ("overgegeven", "overgeven"),
        ("flauwgevallen", "flauwvallen"),
        ("schokte", "schokken"),
        ("zere", "zeer"),
        ("rode", "rood"),
        ("benauwder", "benauwd"),
        ("pijjn", "pijn"),
    ],
)
def test_every_form_meets_the_vocabulary_word(message_word: str, vocabulary_word: str) -> None:
    assert primary_key(vocabulary_word, STEM) in word_keys(message_word, STEM)


@pytest.mark.parametrize(("message_word", "vocabulary_word"), [("kort", "koorts"), ("het", "hoest"), ("kaart", "kaak")])
def test_different_words_do_not_meet(message_word: str, vocabulary_word: str) -> None:
    assert primary_key(vocabulary_word, STEM) not in word_keys(message_word, STEM)


def test_bases_only_remove_endings() -> None:
    assert all(len(base) <= len("gebraakt") for base in bases("gebraakt"))
    assert "braak" in bases("gebraakt")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("negenendertig vijf", "39.5"),
        ("achtendertig komma zes", "38.6"),
        ("38 komma 9", "38.9"),
        ("39 punt 1", "39.1"),
        ("achtendertig en een half", "38.5"),
        ("veertig", "40"),
        ("eenenveertig", "41"),
        ("thirty eight point five", "38.5"),
        ("forty", "40"),
    ],
)
def test_spoken_temperatures_become_one_number(text: str, number: str) -> None:
    tokens = merge_numbers(tokenize(text))
    assert [t.text for t in tokens if t.kind == "number"] == [number]


@pytest.mark.parametrize("text", ["vijf keer", "twee dagen", "een half uur", "dertig minuten", "negen"])
def test_other_number_words_stay_words(text: str) -> None:
    assert [t.text for t in merge_numbers(tokenize(text))] == text.split()
