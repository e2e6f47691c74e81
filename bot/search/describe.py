"""Phrases matched by their words in any order, close together: how patients describe a thing they
cannot name ("die vergadering waar de dokters over mij praten" is the MDO, "een bankje door een ring"
the CT) and where they stand in their treatment ("alle scans zijn klaar").

A phrase of content words matches when every one of its words is in the question, in any order, close
together: the first and last stand at most REACH words apart plus REACH_PER_WORD for every word of the
phrase after the second ("vergadering ... dokters": five). A phrase with function words ("over mij
praten", "ring the nurse") matches in its own order, with at most GAP other words between two of its
words. A word matches in any of its forms (stem, English stem, verb forms, the synonyms the index knows).
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
# A phrase with function words matches in its order, with at most this many other words between two,
# not counting the fillers of spoken language.
GAP = 2
FILLERS = frozenset("nou eigenlijk toch even wel nog gewoon echt nu dan ook al eens maar really actually just".split())
MAX_FILLERS = 4  # and at most this many fillers in all
_FILLER = "·filler"  # the form that marks a filler among a question word's forms


def phrase_forms(word: str) -> frozenset[str]:
    """The forms a phrase's word is written in: itself, its Dutch and English stem. (A question's verb
    form finds the infinitive: write verbs in a phrase as the infinitive, "regelen", or as patients do.)"""
    return frozenset({word, stem_nl(word), stem_en(word)})


def question_forms(word: str, synonyms: Callable[[str], Iterable[str]]) -> frozenset[str]:
    """The forms a question's word may stand for: itself, its stems, its verb forms as written
    ("praat": "praten"), the stems of its synonyms."""
    found = {stem_nl(word), stem_en(word), *infinitives(word)}
    found.update(synonyms(stem_nl(word)))
    if word in FILLERS:
        found.add(_FILLER)
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
        self._by_anchor: dict[str, list[tuple[_Phrase, str]]] = defaultdict(list)
        for text, value in phrases:
            found = words(text)
            if not found:
                continue
            phrase = _Phrase(
                tuple(phrase_forms(w) for w in found),
                tuple(w in stop for w in found),
                next((i for i, w in enumerate(found) if w not in stop), 0),
            )
            for form in phrase.needed[phrase.anchor]:
                self._by_anchor[form].append((phrase, value))

    def __bool__(self) -> bool:
        return bool(self._by_anchor)

    def find(self, forms: list[frozenset[str]]) -> list[Match]:
        """Every phrase whose words are all in the question (`forms` per word), each once, longest first."""
        found: dict[int, Match] = {}  # by the id of the phrase entry
        present: set[str] = set().union(*forms)
        for at, word_forms in enumerate(forms):
            for form in word_forms:
                for phrase, value in self._by_anchor.get(form, ()):
                    if id(phrase) in found or any(want.isdisjoint(present) for want in phrase.needed):
                        continue
                    placed = _place(forms, phrase, at)
                    if placed is not None:
                        found[id(phrase)] = Match(placed, value)
        return sorted(found.values(), key=lambda m: (-len(m.positions), m.positions))


@dataclass(frozen=True, eq=False)
class _Phrase:
    needed: tuple[frozenset[str], ...]  # per word, its forms
    stop: tuple[bool, ...]  # per word, whether it is a function word ("ring the nurse": "the")
    anchor: int  # the word it is looked up by


def _place(forms: list[frozenset[str]], phrase: _Phrase, at: int) -> tuple[int, ...] | None:
    """Positions for the phrase's words with its anchor at `at`, or None."""
    if any(phrase.stop):
        return _in_order(forms, phrase, at)
    reach = REACH + REACH_PER_WORD * max(len(phrase.needed) - 2, 0)
    low, high = max(at - reach, 0), min(at + reach + 1, len(forms))
    taken = [at]
    for k, want in enumerate(phrase.needed):
        if k == phrase.anchor:
            continue
        spot = next((j for j in range(low, high) if j not in taken and not want.isdisjoint(forms[j])), None)
        if spot is None:
            return None
        taken.append(spot)
    if max(taken) - min(taken) > reach:
        return None
    return tuple(sorted(taken))


def _in_order(forms: list[frozenset[str]], phrase: _Phrase, at: int) -> tuple[int, ...] | None:
    """A phrase with function words ("over mij praten", "ring the nurse") in its order, at most GAP
    other words between two of its words (fillers such as "nou" and "eigenlijk" not counted), its
    anchor at `at`."""
    before, after = phrase.needed[: phrase.anchor], phrase.needed[phrase.anchor + 1 :]
    taken = [at]
    for want in reversed(before):
        spot = _next(forms, want, range(taken[0] - 1, -1, -1))
        if spot is None:
            return None
        taken.insert(0, spot)
    for want in after:
        spot = _next(forms, want, range(taken[-1] + 1, len(forms)))
        if spot is None:
            return None
        taken.append(spot)
    return tuple(taken)


def _next(forms: list[frozenset[str]], want: frozenset[str], order: range) -> int | None:
    """The first position in `order` with a form of `want`, before GAP words that are not fillers."""
    skipped = 0
    for j in order[: MAX_FILLERS + GAP + 1]:
        if not want.isdisjoint(forms[j]):
            return j
        if _FILLER not in forms[j]:
            skipped += 1
            if skipped > GAP:
                return None
    return None
