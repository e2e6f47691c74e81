"""The one Dutch fallback (bot/localized.py)."""

from __future__ import annotations

import pytest

from bot.localized import in_lang, known_lang, text_in


def test_a_value_in_the_language_asked_for_else_dutch() -> None:
    label = {"nl": "CT-scan", "en": "CT scan"}
    assert in_lang(label, "en") == "CT scan"
    assert in_lang(label, "de") == "CT-scan"
    assert in_lang({"nl": "CT-scan", "en": ""}, "en") == "CT-scan"  # empty counts as missing
    assert in_lang({"nl": ("ma", "di"), "en": ("Mon", "Tue")}, "fr") == ("ma", "di")
    with pytest.raises(KeyError):
        in_lang({"en": "only English"}, "de")  # Dutch is required: never a silent blank


def test_a_key_of_a_table_per_language() -> None:
    texts = {"nl": {"a": "een", "b": "twee"}, "en": {"a": "one", "b": ""}}
    assert text_in(texts, "a", "en") == "one"
    assert text_in(texts, "b", "en") == "twee"
    assert text_in(texts, "a", "de") == "een"
    with pytest.raises(KeyError):
        text_in(texts, "c", "en")


def test_a_language_the_tables_have_else_dutch() -> None:
    days = {"nl": ("maandag",), "en": ("Monday",)}
    assert known_lang(days, "en") == "en"
    assert known_lang(days, "de") == "nl"
