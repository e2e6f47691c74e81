"""Temperatures written in words or with a spoken decimal become one number token.

"negenendertig vijf", "achtendertig komma zes", "38 komma 9", "boven de achtendertig en een half",
"thirty nine point five": patients write temperatures as they say them, and speech-to-text writes
them apart: "negen en dertig komma vier", "8 en dertig punt 7". Only whole numbers from 35 to 43 are
read from words, so "vijf keer" or "twee dagen" stay words. One pass, linear in the tokens.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.triage.normalize import Token

_UNITS_NL = {"vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "een": 1, "twee": 2, "drie": 3}
_DIGITS = {
    "nul": 0,
    "een": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
# A digit word right after a spelled temperature is its decimal; not "een"/"one", which is an article.
_SPOKEN_DECIMALS = frozenset(_DIGITS) - {"een", "one", "nul", "zero"}
_TENS_EN = {"thirty": 30, "forty": 40}
_TENS_NL = {"dertig": 30, "veertig": 40}
_DECIMAL_MARKS = frozenset({"komma", "punt", "point", "comma"})
# "en een half", "and a half", "enhalf"
_HALF = (
    ("en", "een", "half"),
    ("and", "a", "half"),
    ("en", "half"),
    ("ennehalf",),
    ("enhalf",),
    ("\u0648\u0646\u0635",),
)


def _whole_word(word: str) -> int | None:
    """35..43 written as one Dutch word ("negenendertig", "veertig", "drieenveertig")."""
    if word == "veertig":
        return 40
    for tens, value in (("dertig", 30), ("veertig", 40)):
        if word.endswith("en" + tens):
            unit = _UNITS_NL.get(word[: -len(tens) - 2])
            if unit is not None and 35 <= value + unit <= 43:
                return value + unit
    return None


def _spoken_apart(tokens: Sequence[Token], i: int) -> int | None:
    """ "negen en dertig", "8 en dertig": the Dutch number said unit first, written as three tokens."""
    if i + 2 >= len(tokens) or tokens[i + 1].text != "en":
        return None
    tens = _TENS_NL.get(tokens[i + 2].text)
    token = tokens[i]
    unit = _UNITS_NL.get(token.text) if token.kind == "word" else None
    if token.kind == "number" and len(token.text) == 1 and token.text.isdecimal():
        unit = int(token.text)
    if tens is None or unit is None or not 35 <= tens + unit <= 43:
        return None
    return tens + unit


def _whole(tokens: Sequence[Token], i: int) -> tuple[int, int] | None:
    """A whole temperature at token i: (value, tokens used)."""
    token = tokens[i]
    if token.kind == "number" and len(token.text) == 2 and token.text.isdecimal() and 35 <= int(token.text) <= 43:
        return int(token.text), 1
    apart = _spoken_apart(tokens, i)
    if apart is not None:
        return apart, 3
    if token.kind != "word":
        return None
    value = _whole_word(token.text)
    if value is not None:
        return value, 1
    if token.text == "hundred":
        return _hundred(tokens, i)
    tens = _TENS_EN.get(token.text)
    if tens is None:
        return None
    unit = _DIGITS.get(tokens[i + 1].text) if i + 1 < len(tokens) else None
    if unit is not None and 35 <= tens + unit <= 43:
        return tens + unit, 2
    return (40, 1) if tens == 40 else None


def _hundred(tokens: Sequence[Token], i: int) -> tuple[int, int]:
    """ "a hundred and two", "hundred one": a Fahrenheit temperature said in words (100..109)."""
    j = i + 2 if i + 1 < len(tokens) and tokens[i + 1].text == "and" else i + 1
    unit = _DIGITS.get(tokens[j].text) if j < len(tokens) and tokens[j].kind == "word" else None
    return (100 + unit, j - i + 1) if unit is not None else (100, 1)


def _digit(token: Token) -> int | None:
    if token.kind == "number" and len(token.text) == 1:
        return int(token.text)
    return _DIGITS.get(token.text) if token.kind == "word" else None


def merge_numbers(tokens: list[Token]) -> list[Token]:
    """Tokens with spelled or spoken temperatures replaced by one number token ("39.5")."""
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        if (
            token.kind == "word"
            and not token.text.endswith("tig")
            and token.text not in _TENS_EN
            and token.text not in _UNITS_NL
            and token.text != "hundred"
        ):
            out.append(token)  # the common case: a word that cannot start a temperature
            i += 1
            continue
        whole = _whole(tokens, i)
        if whole is None:
            out.append(tokens[i])
            i += 1
            continue
        value, used = whole
        j = i + used
        from_words = tokens[i].kind == "word" or used == 3
        fraction: str | None = None
        if j + 1 < n and tokens[j].text in _DECIMAL_MARKS and _digit(tokens[j + 1]) is not None:
            fraction, j = str(_digit(tokens[j + 1])), j + 2
        elif j < n and from_words and tokens[j].text in _SPOKEN_DECIMALS:
            fraction, j = str(_DIGITS[tokens[j].text]), j + 1  # "negenendertig vijf"
        else:
            for half in _HALF:
                if tuple(t.text for t in tokens[j : j + len(half)]) == half:
                    fraction, j = "5", j + len(half)
                    break
        if fraction is None and not from_words:
            out.append(tokens[i])
            i += 1
            continue
        out.append(Token(f"{value}.{fraction}" if fraction is not None else str(value), "number"))
        i = j
    return out
