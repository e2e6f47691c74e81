"""Text normalisation and tokenisation shared by the vocabulary compiler and the matcher.

Both sides go through the same functions, so a term in alarms.yaml and a word in a message
meet in the same form: lower case, no accents, no apostrophes, emoji as single tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["word", "number", "emoji", "break"]

# Degree signs become a word, so "38,5°C" and "38,5 graden" read the same.
_DEGREES = str.maketrans({"°": " graden ", "⁰": " graden ", "º": " graden ", "℃": " graden ", "℉": " fahrenheit "})
# Letters that NFKD does not take apart: Polish ł, Turkish dotless ı, Scandinavian ø, German ß.
_LETTERS = str.maketrans({"ł": "l", "ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})
# Emoji modifiers carry no meaning for triage: variation selectors, skin tones, zero-width joiners.
_MODIFIERS = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
_APOSTROPHES = re.compile("['’‘`´]")
_RUNS = re.compile(r"([a-z])\1{2,}")
_TOKEN = re.compile(
    # Moroccan Arabic in Latin letters writes some sounds as digits (3 = ع, 7 = ح, 9 = ق, 5 = خ, 2 = ء):
    # "tay7at", "n9derch", "wja3", "3lih" are one word each. Only a single digit between, after or
    # (with two letters following) before letters counts, so "39,5", "38c", "3x" and "covid19" stay
    # numbers; the matcher also reads the letters of such a word on their own ("pijn8" is still "pijn").
    # A pasted chat's time stamp ("[08:03] Roos: ...", "[7-12-26 08:03:15]") starts another message: it
    # ends a sentence, so a sign in one person's line is never combined with words in another's.
    r"(?P<stamp>\[[^\]\n]{0,12}\b\d{1,2}:\d{2}(?::\d{2})?\])"
    r"|(?P<arabizi>(?<!\d)[2-9][a-z]{2,}(?:[2-9](?!\d)[a-z]*)*|[a-z]+(?:[2-9](?!\d)[a-z]*)+)"
    r"|(?P<number>\d+(?:[.,]\d+)?)"
    # Arabic and Cyrillic script are kept as words, so reviewed lists of the commonest Arabic, Russian
    # and Ukrainian alarm words can match (accents are already gone: й is и, ї is і, ё is е).
    r"|(?P<word>[a-z]+|[\u0621-\u064a\u066e-\u06d3]+|[\u0430-\u045f\u0491]+)"
    r"|(?P<emoji>[\u2600-\u27bf\U0001f000-\U0001faff])"
    # Dots in a row ("ik.... heb.... pijn") are a pause, not the end of a sentence.
    r"|(?P<pause>\.{2,}|\u2026)"
    r"|(?P<end>[.!?\n]|[\u061f])"
    # An arrow ("37,9 -> 38,4", "koorts → 39") is a step in a story: a break, so the numbers on each side
    # are two readings, not one list of numbers.
    r"|(?P<break>[;:,()\[\]\u060c\u2192\u21d2]|\s-\s|-+>|=+>)"
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a normalised message."""

    text: str
    kind: TokenKind


def fold(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped ("can't" -> "cant"), letter runs shortened."""
    if text.isascii():  # most messages: no accents, emoji or degree signs to take apart
        text = text.lower()
    else:
        text = text.translate(_DEGREES).lower().translate(_LETTERS)
        text = _MODIFIERS.sub("", text)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    if "%" in text:  # "sat 86%" reads as "sat 86 procent": a percentage is never a temperature
        text = text.replace("%", " procent ")
    # "pijnnnn" and "heeeelp": three or more of a letter are never Dutch or English.
    return _RUNS.sub(r"\1\1", text)


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` after `fold`; punctuation that ends a clause becomes a "break" token.

    A break that ends a sentence (. ! ? or a new line) has the text "." and a question mark "?";
    any other break is "|". One pass over the text: linear in its length.
    """
    tokens: list[Token] = []
    for match in _TOKEN.finditer(fold(text)):
        kind = match.lastgroup
        if kind in ("break", "pause", "end", "stamp"):
            mark = "|" if kind in ("break", "pause") else ("?" if match.group() in "?\u061f" else ".")
            if tokens and tokens[-1].kind == "break":
                if _STRENGTH[mark] > _STRENGTH[tokens[-1].text]:
                    tokens[-1] = Token(mark, "break")
            elif tokens:
                tokens.append(Token(mark, "break"))
        elif kind == "arabizi":
            tokens.append(Token(match.group(), "word"))
        elif kind is not None:
            tokens.append(Token(match.group(), kind))  # type: ignore[arg-type]
    return tokens


_STRENGTH = {"|": 0, ".": 1, "?": 2}


def words(text: str) -> list[str]:
    """The word and emoji tokens of a vocabulary term, in order."""
    return [t.text for t in tokenize(text) if t.kind in ("word", "emoji")]
