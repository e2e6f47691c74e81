"""Typo tolerance: a bounded edit distance and the lexicon that keeps real words out of it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA


def edit_budget(word: str) -> int:
    """Edits allowed for a word of this length: none up to 4 letters, 1 up to 8, then 2."""
    if len(word) <= 4:
        return 0
    if len(word) <= 8:
        return 1
    return 2


def closest_within(word: str, targets: list[str], budget: int) -> tuple[int, int] | None:
    """(distance, index) of the target closest to `word` within `budget` edits, or None.

    One call into rapidfuzz's C loop over all targets: a long message of unknown words costs
    microseconds per word, not a Python loop over the vocabulary.
    """
    found = process.extractOne(word, targets, scorer=OSA.distance, score_cutoff=budget)
    if found is None:
        return None
    return int(found[1]), int(found[2])


class Lexicon:
    """Real words of the given languages, by wordfreq's zipf frequency.

    With `preload` (the bot) every word list is loaded now, not on a patient's message; without it
    (a one-line CLI run) wordfreq is loaded on the first word that needs it, so start-up stays fast.
    """

    def __init__(self, languages: Iterable[str], min_zipf: float, *, preload: bool = True) -> None:
        self._languages = tuple(languages)
        self._min_zipf = min_zipf
        self.is_word = lru_cache(maxsize=65536)(self._is_word)
        if preload:
            self.is_word("koorts")

    def _is_word(self, word: str) -> bool:
        import wordfreq  # heavy (word lists): see the class docstring

        return any(wordfreq.zipf_frequency(word, lang) >= self._min_zipf for lang in self._languages)
