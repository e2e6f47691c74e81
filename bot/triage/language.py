"""Does the bot read this message? Dutch and English only; anything else gets the safety net in both.

Decided by script (Arabic, Cyrillic, … letters) and by the share of words that Dutch or English
know (wordfreq, already loaded for triage). Pure and in memory: it runs on the alarm path too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import wordfreq

# A word this frequent (zipf scale) in Dutch or English counts as known. Lower lets Papiamento's "hopi"
# or Turkish through the web-crawled lists; higher loses rarer Dutch words.
MIN_ZIPF = 3.0
# Below this share of known words a message is not Dutch or English; higher when a word has letters
# Dutch and English never use ("Dzień dobry, ik wil vragen over afspraak" stays Dutch).
MIN_KNOWN_SHARE = 0.5
MIN_KNOWN_SHARE_WITH_FOREIGN_LETTERS = 0.67
_MIN_PART = 3
_MAX_COMPOUND = 30  # longer "words" are pasted links or keyboard mashing
_MIN_FREQUENCY = 10 ** (MIN_ZIPF - 9)  # zipf = log10(frequency per word) + 9
LANGUAGES = ("nl", "en")
# Letters that Dutch and English never use; a word with one is not Dutch or English (ı ş ğ: Turkish;
# ą ę ł ń ś ź ż ć: Polish; ñ: Spanish and Papiamento; ß: German).
_FOREIGN_LETTERS = frozenset("ıİşŞğĞąĄęĘłŁńŃśŚźŹżŻćĆñÑßőűŐŰ")
_WORD = re.compile(r"[^\W\d_]+")
# Each message's words are looked up once; cap so a 4,000-character message costs the same as a long one.
_MAX_WORDS = 200


class Reading(Enum):
    """How well the bot reads a message."""

    READABLE = "readable"  # Dutch or English, or nothing to judge (numbers, emoji)
    FOREIGN_WORDS = "foreign-words"  # Latin letters, but too few Dutch or English words
    FOREIGN_SCRIPT = "foreign-script"  # mostly letters of another script (Arabic, Cyrillic, …)

    @property
    def foreign(self) -> bool:
        """True when the message is in a language the bot does not read."""
        return self is not Reading.READABLE


@dataclass(frozen=True)
class _Counts:
    latin: int = 0
    other: int = 0


def _letters(text: str) -> _Counts:
    latin = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
            latin += 1
        else:
            other += 1
    return _Counts(latin, other)


def preload() -> None:
    """Load the Dutch and English word lists now (about 0.3 s), not on a patient's message."""
    for lang in LANGUAGES:
        wordfreq.get_frequency_dict(lang)


def _frequent(word: str, lang: str) -> bool:
    # wordfreq's own dictionary (loaded once and cached by wordfreq): a plain lookup, no tokenising.
    return wordfreq.get_frequency_dict(lang).get(word, 0.0) >= _MIN_FREQUENCY


def is_known(word: str) -> bool:
    """True when `word` (lower case) is a common enough Dutch or English word, or a Dutch compound of two."""
    if any(ch in _FOREIGN_LETTERS for ch in word):
        return False
    return any(_frequent(word, lang) for lang in LANGUAGES) or _is_compound(word)


def _is_compound(word: str) -> bool:
    """ "hoofdnummer", "buikkramp": two known Dutch words of at least three letters, maybe joined by an s."""
    if not _MIN_PART * 2 <= len(word) <= _MAX_COMPOUND:
        return False
    for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if not _frequent(head, "nl"):
            continue
        if _frequent(tail, "nl") or (tail[0] == "s" and len(tail) > _MIN_PART and _frequent(tail[1:], "nl")):
            return True
    return False


def read_language(text: str, also_known: Iterable[str] = ()) -> Reading:
    """Whether the bot reads `text`; `also_known` are words recognised otherwise (e.g. typo-matched alarm words).

    Short words weigh half: "mi", "na" and "po" are in every web-crawled word list. In doubt (no letters,
    a lone unknown word without foreign letters), the message counts as readable and gets the ordinary
    path, which itself ends in the safety net when nothing answers.
    """
    counts = _letters(text)
    if counts.other > counts.latin:
        return Reading.FOREIGN_SCRIPT
    found = [w.lower() for w in _WORD.findall(text)[:_MAX_WORDS]]
    found = [w for w in found if len(w) > 1 and all(ch.isascii() or _is_latin(ch) for ch in w)]
    if not found:
        return Reading.READABLE
    extra = {w.lower() for w in also_known}
    known = total = 0.0
    for word in found:
        weight = 0.5 if len(word) <= 2 else 1.0
        total += weight
        if word in extra or is_known(word):
            known += weight
    marked = any(ch in _FOREIGN_LETTERS for word in found for ch in word)
    if known / total >= (MIN_KNOWN_SHARE_WITH_FOREIGN_LETTERS if marked else MIN_KNOWN_SHARE):
        return Reading.READABLE
    if len(found) == 1 and not marked:
        return Reading.READABLE  # one unknown word is more likely a typo than another language
    return Reading.FOREIGN_WORDS


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")
