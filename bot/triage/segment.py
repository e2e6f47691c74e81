"""Words typed without spaces: "mijnmoederisnietwakkertekrijgen", "ZEKRIJGTGEENADEMZEWORDTBLAUW".

A long word that wordfreq does not know at all (in any language the bot reads; a compound it has seen,
however rare, such as "bloedverdunner" or "maagdarmstelsel", stays whole) is split into known words by
dynamic programming over the word: the split whose words are the most frequent (wordfreq's ranks plus the
alarm vocabulary) wins. Linear in the word's length times the longest piece, cached per word. A split
into two words is kept only when one is a small, very common word ("geenkoorts", "ikbloedt",
"handenik") or the two are a phrase of the alarm vocabulary ("heartrate", "dikkelippen"): two content
words make a real compound ("koortsvrij", "leveroperatie"), one letter a prefix ("afebrile"); both stay
one word.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# Pieces longer than this are not looked up (no Dutch or English word of the lists is longer).
_MAX_PIECE = 24
# Only words this long are tried, and no word longer than this (a pasted link, keyboard mashing).
MIN_WORD, MAX_WORD = 6, 300
# Words per language taken from wordfreq's list, most frequent first.
_TOP_N = 60_000
# Every piece costs this much on top of its frequency, so fewer, longer words win.
_PIECE_COST = 2.0
# The rank an alarm word gets when wordfreq does not rank it higher ("kortademig", "stuipen").
_VOCABULARY_RANK = 300
# "The first word is small and very common": a rank within this many words of its language.
_COMMON_RANK = 150
# Words of one or two letters are pieces only within this rank ("ik", "ze", "am"), of three letters
# within _SHORT_RANK ("kan", "ril"): the long tail of the lists holds every short letter string ("ds").
_TINY_RANK = 400
_SHORT_RANK = 5_000
# A split whose pieces are this short on average is letters, not words.
_MIN_AVERAGE = 2.5
_CACHE_LIMIT = 20_000
# The only words of one letter: English "i" and "a" ("iamnotbreathing").
_LETTER_WORDS = frozenset({"i", "a"})


class Segmenter:
    """Splits run-together words into words of the given languages and the alarm vocabulary."""

    def __init__(
        self,
        languages: Iterable[str],
        vocabulary_words: Iterable[str],
        *,
        pairs: Iterable[tuple[str, str]] = (),
        preload: bool = True,
    ) -> None:
        self._languages = tuple(languages)
        self._pairs = frozenset(pairs)  # two words the vocabulary writes together ("heart rate", "dikke lippen")
        self._vocabulary = frozenset(w for w in vocabulary_words if w.isascii() and w.isalpha() and len(w) >= 2)
        self._costs: dict[str, float] | None = None
        self._common: frozenset[str] = frozenset()
        self._cache: dict[str, tuple[str, ...] | None] = {}
        if preload:
            self._load()

    def _load(self) -> dict[str, float]:
        import wordfreq  # heavy (word lists): loaded at start-up by the bot, on first use by the CLI

        costs: dict[str, float] = {}
        common: set[str] = set()
        for language in self._languages:
            for rank, listed in enumerate(wordfreq.top_n_list(language, _TOP_N)):
                word = listed.replace("'", "").replace("\u2019", "")  # as the matcher folds it: "i'm" is "im"
                if not (word.isascii() and word.isalpha()) or (len(word) < 2 and word not in _LETTER_WORDS):
                    continue
                if (len(word) <= 2 and rank >= _TINY_RANK) or (len(word) == 3 and rank >= _SHORT_RANK):
                    continue
                cost = _PIECE_COST + math.log10(rank + 10)
                if cost < costs.get(word, math.inf):
                    costs[word] = cost
                if rank < _COMMON_RANK and len(word) <= 5:
                    common.add(word)
        vocabulary_cost = _PIECE_COST + math.log10(_VOCABULARY_RANK)
        for word in self._vocabulary:
            costs[word] = min(costs.get(word, math.inf), vocabulary_cost)
        self._costs = costs
        self._common = frozenset(common)
        return costs

    def split(self, word: str) -> tuple[str, ...] | None:
        """The words `word` is made of, or None when it is not clearly several words."""
        if word in self._cache:
            return self._cache[word]
        found = None
        if MIN_WORD <= len(word) <= MAX_WORD and word.isascii() and not self.known(word):
            found = self._split(word)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = found
        return found

    def known(self, word: str) -> bool:
        """Does wordfreq know the word at all, in any of the languages? (Its word lists, cached by
        wordfreq and shared with the typo lexicon: a lookup, not a frequency computation.)"""
        import wordfreq

        return any(word in wordfreq.get_frequency_dict(language) for language in self._languages)

    def _split(self, word: str) -> tuple[str, ...] | None:
        costs = self._costs if self._costs is not None else self._load()
        n = len(word)
        best = [math.inf] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        for end in range(1, n + 1):
            for start in range(max(0, end - _MAX_PIECE), end):
                if best[start] == math.inf:
                    continue
                cost = costs.get(word[start:end])
                if cost is not None and best[start] + cost < best[end]:
                    best[end] = best[start] + cost
                    back[end] = start
        if best[n] == math.inf:
            return None
        pieces: list[str] = []
        end = n
        while end > 0:
            pieces.append(word[back[end] : end])
            end = back[end]
        pieces.reverse()
        if len(pieces) < 2 or n / len(pieces) < _MIN_AVERAGE:
            return None
        if len(pieces) == 2 and not _small_word_in(pieces, self._common) and (pieces[0], pieces[1]) not in self._pairs:
            return None  # a compound ("koortsvrij"), or a prefix ("afebrile" is not "a febrile")
        return tuple(pieces)


def _small_word_in(pieces: list[str], common: frozenset[str]) -> bool:
    """Is one of two pieces a small, very common word: the first of two letters or more ("geenkoorts"),
    or the second of two ("handenik"; not "petscan" as "pets can")?"""
    first, second = pieces
    return (first in common and len(first) >= 2) or (second in common and len(second) == 2)
