"""Typo tolerance: a bounded edit distance and the lexicon that keeps real words out of it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import wordfreq


def edit_budget(word: str) -> int:
    """Edits allowed for a word of this length: none up to 4 letters, 1 up to 8, then 2."""
    if len(word) <= 4:
        return 0
    if len(word) <= 8:
        return 1
    return 2


def distance_within(a: str, b: str, budget: int) -> int | None:
    """Optimal-string-alignment distance of `a` and `b` (swaps count once), or None above `budget`."""
    if abs(len(a) - len(b)) > budget:
        return None
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > budget:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= budget else None


class Lexicon:
    """Real words of the given languages, by wordfreq's zipf frequency."""

    def __init__(self, languages: Iterable[str], min_zipf: float) -> None:
        self._languages = tuple(languages)
        self._min_zipf = min_zipf
        self.is_word = lru_cache(maxsize=65536)(self._is_word)
        self.is_word("koorts")  # load the word lists now, not on the first patient's message

    def _is_word(self, word: str) -> bool:
        return any(wordfreq.zipf_frequency(word, lang) >= self._min_zipf for lang in self._languages)
