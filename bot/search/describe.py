"""Phrases matched by their words in any order, close together: how patients describe a thing they
cannot name ("die vergadering waar de dokters over mij praten" is the MDO, "een bankje door een ring"
the CT) and where they stand in their treatment ("alle scans zijn klaar").

A phrase matches when every one of its words is in the question, close together: the first and last
stand at most REACH words apart plus REACH_PER_WORD for every word of the phrase after the second
("vergadering ... dokters": five; "dokters praten over mij": nine). A word matches in any of its forms
(stem, English stem, verb forms, the synonyms the index knows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.search.text import infinitives, stem_en, stem_nl, words

# How far apart the first and last word of a described phrase of two words may stand, and how much
# further for each word more.
REACH = 5
REACH_PER_WORD = 2


def phrase_forms(word: str) -> frozenset[str]:
    """The forms a phrase's word is written in: its Dutch and English stem. (A question's verb form
    finds the infinitive: write verbs in a phrase as the infinitive, "regelen", or as patients write them.)"""
    return frozenset({stem_nl(word), stem_en(word)})


def question_forms(word: str, synonyms: Callable[[str], Iterable[str]]) -> frozenset[str]:
    """The forms a question's word may stand for: stems, the stems of its verb forms, synonyms."""
    found = {stem_nl(word), stem_en(word)}
    found.update(stem_nl(form) for form in infinitives(word)[1:])
    found.update(synonyms(stem_nl(word)))
    return frozenset(found)


@dataclass(frozen=True)
class Match:
    """A phrase found in a question: the positions of its words and what it stands for."""

    positions: tuple[int, ...]
    value: str


class PhraseMatcher:
    """Finds phrases in questions, each phrase standing for a value (a term, a chapter)."""

    def __init__(self, phrases: Iterable[tuple[str, str]], stop: frozenset[str] = frozenset()) -> None:
        # Each phrase is looked up by one of its words: the first that is not a stop word, so that a
        # question only tries the phrases that can be in it.
        self._by_anchor: dict[str, list[tuple[tuple[frozenset[str], ...], int, str]]] = defaultdict(list)
        for phrase, value in phrases:
            found = words(phrase)
            needed = tuple(phrase_forms(w) for w in found)
            if needed:
                anchor = next((i for i, w in enumerate(found) if w not in stop), 0)
                for form in needed[anchor]:
                    self._by_anchor[form].append((needed, anchor, value))

    def __bool__(self) -> bool:
        return bool(self._by_anchor)

    def find(self, forms: list[frozenset[str]]) -> list[Match]:
        """Every phrase whose words are all in the question (`forms` per word), each once, longest first."""
        found: dict[tuple[tuple[frozenset[str], ...], str], Match] = {}
        present: set[str] = set().union(*forms)
        for at, word_forms in enumerate(forms):
            for form in word_forms:
                for needed, anchor, value in self._by_anchor.get(form, ()):
                    if (needed, value) in found or any(want.isdisjoint(present) for want in needed):
                        continue
                    placed = _place(forms, needed, anchor, at)
                    if placed is not None:
                        found[(needed, value)] = Match(placed, value)
        return sorted(found.values(), key=lambda m: (-len(m.positions), m.positions))


def _place(
    forms: list[frozenset[str]], needed: tuple[frozenset[str], ...], anchor: int, at: int
) -> tuple[int, ...] | None:
    """Positions for the phrase's words with word `anchor` at position `at` (each word at its own
    position, all close together), or None."""
    reach = REACH + REACH_PER_WORD * max(len(needed) - 2, 0)
    low, high = max(at - reach, 0), min(at + reach + 1, len(forms))
    taken = [at]
    for k, want in enumerate(needed):
        if k == anchor:
            continue
        spot = next((j for j in range(low, high) if j not in taken and not want.isdisjoint(forms[j])), None)
        if spot is None:
            return None
        taken.append(spot)
    if max(taken) - min(taken) > reach:
        return None
    return tuple(sorted(taken))
