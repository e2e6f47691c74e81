"""Texts (or other values) per language, and the one rule for a language that has none: Dutch.

Every "this in the chat's language, else Dutch" in the bot goes through `in_lang`, `text_in` or
`known_lang`, so the fallback is written once. A value that is missing or empty in `lang` falls back; Dutch itself must be
there (the loaders require it), so a missing Dutch value is a `KeyError`, never a silent blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

DUTCH = "nl"

# A value per language code ("nl", "en"): `Localized[str]` for a text, `Localized[tuple[str, ...]]` for names.
Localized = Mapping[str, T]


def known_lang(values: Mapping[str, object], lang: str) -> str:
    """`lang` when `values` has it, else Dutch: for several tables read in one language."""
    return lang if lang in values else DUTCH


def in_lang(values: Localized[T], lang: str) -> T:
    """`values[lang]`, or the Dutch one when `lang` has none (missing or empty)."""
    return values.get(lang) or values[DUTCH]


def text_in(texts: Mapping[str, Mapping[str, T]], key: str, lang: str) -> T:
    """`texts[lang][key]` of a table per language, or the Dutch one when `lang` has none (missing or empty)."""
    return texts.get(lang, {}).get(key) or texts[DUTCH][key]
