"""Dutch word forms: every person and tense of a verb, and inflected adjectives, meet in one key.

The vocabulary lists a symptom once ("bloeden", "braken", "kotsen"); patients write "ik bloed",
"hij bloedt", "bloedde", "gebloed", "braakte", "gekotst", "overgegeven", "zere buik", "rode rand".
Rather than listing every form, both the vocabulary and each message word are reduced to a small set
of keys by the regular rules of Dutch inflection; a message word matches a vocabulary word when their
key sets meet. The rules only remove endings, so a real word is never turned into an unrelated one
that is longer than itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.triage.normalize import Token

# Separable particles: "overgegeven" is "over" + "ge" + "geven", "flauwgevallen" is "flauw" + "gevallen".
_PARTICLES = ("over", "op", "uit", "in", "af", "aan", "door", "mee", "weg", "terug", "om", "neer", "flauw", "leeg")
# Verb and adjective endings, longest first: -ten/-den/-te/-de (past), -en (plural, infinitive),
# -er (comparative: "benauwder", "moeilijker"), -t (present), -d (participle), -e (adjective: "zere").
_ENDINGS = ("ten", "den", "te", "de", "en", "er", "t", "d", "e")
_DOUBLE = re.compile(r"([b-df-hj-np-tv-z])\1")
_LONG_VOWELS = {"aa": "a", "ee": "e", "oo": "o", "uu": "u"}
# Final devoicing: "geef"/"geven", "lees"/"lezen".
_FINAL = {"v": "f", "z": "s"}
_MIN_BASE = 3


def bases(word: str) -> set[str]:
    """The word and the bases it may be an inflected form of ("gebraakt" -> braakt, braak, ...)."""
    found = {word, _DOUBLE.sub(r"\1", word)}  # a doubled letter typed by mistake: "pijjn"
    if word.startswith("ge") and len(word) >= 2 + _MIN_BASE + 1:
        found.add(word[2:])
    for particle in _PARTICLES:
        head = particle + "ge"
        if word.startswith(head) and len(word) >= len(head) + _MIN_BASE:
            found.add(particle + word[len(head) :])
    for base in list(found):
        for ending in _ENDINGS:
            if base.endswith(ending) and len(base) - len(ending) >= _MIN_BASE:
                found.add(base[: -len(ending)])
    return found


def normal_form(stem: str) -> str:
    """A stem with doubled letters and final devoicing evened out: braak/brak, schokk/schok, gev/gef."""
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        stem = stem[:-1]
    for double, single in _LONG_VOWELS.items():
        stem = stem.replace(double, single)
    if stem and stem[-1] in _FINAL:
        stem = stem[:-1] + _FINAL[stem[-1]]
    return stem


def word_keys(
    word: str, stem: Callable[[str], str], worth_stemming: Callable[[str], bool] = lambda _: True
) -> frozenset[str]:
    """Every key a message word may stand for: the normal form of each of its bases, stemmed or not.

    Only message words get all of these; a vocabulary word has just its `primary_key`, so two
    different words that merely share a shorter base ("koorts", "kort") never meet. Stemming is
    the costly step, so a base is stemmed only when `worth_stemming(normal form)` says a vocabulary
    key could come out of it. Words with digits or non-Latin letters are their own only key.
    """
    if not word.isascii() or not word.isalpha():
        return frozenset({word})
    keys: set[str] = set()
    for base in bases(word):
        normal = normal_form(base)
        keys.add(normal)
        if worth_stemming(normal):
            keys.add(_stem_key(base, stem))
    return frozenset(keys)


def primary_key(word: str, stem: Callable[[str], str]) -> str:
    """The one key of the word as written (used for word groups)."""
    if not word.isascii() or not word.isalpha():
        return word
    return _stem_key(word, stem)


def _stem_key(word: str, stem: Callable[[str], str]) -> str:
    """The normal form of the stem; a stemmer that cuts a long word to almost nothing ("etterig" ->
    "et") would make it meet unrelated short words, so then the word itself is kept."""
    stemmed = stem(word)
    if len(word) >= 6 and len(stemmed) <= 2:
        stemmed = word
    return normal_form(stemmed)


def first_person_verbs(tokens: Sequence[Token]) -> list[int]:
    """Words right before or after "ik" (respelled: "k val" is "ik val") that do not end in t: the first person
    of a verb ("ik val", "val ik"), whose vocabulary form is the third ("valt") when the stemmer keeps that t."""
    near = {i + d for i, t in enumerate(tokens) if t.text == "ik" for d in (-1, 1)}
    return [i for i in sorted(near) if 0 <= i < len(tokens) and tokens[i].kind == "word" and tokens[i].text[-1] != "t"]
