"""Dutch compound splitting and typo tolerance against the words the index knows.

Dutch glues nouns together ("leverbiopsie", "gehoorapparaat"). Splitting only into words the folder
or the clinicians' keywords contain keeps this precise: a part nobody wrote can never match anyway.
A head nobody wrote splits off only when it is a real word ("trouwring": trouw + ring), so
"uitkering" never becomes "uitke" + "ring".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.text import infinitives, stem_nl

# Linking sounds between the parts of a Dutch compound ("levensduur", "ziekenhuis").
_LINKS = ("", "s", "e", "en")
MIN_PART = 3
# Longer "words" (pasted links, keyboard mashing) are not split or corrected.
MAX_WORD = 40
SHORT_PARTS = frozenset({"ct"})  # two-letter words that do occur as compound heads ("ct-scan")
# Words this long may be two typos away from a known word ("uitzaijingen"); shorter ones one.
TWO_TYPOS_FROM = 9


def typo_budget(word: str) -> int:
    """Typos tolerated in a word of this length: none up to 3 letters, one up to 8, then two."""
    if len(word) <= 3 or len(word) > MAX_WORD:
        return 0
    return 2 if len(word) >= TWO_TYPOS_FROM else 1


class Splitter:
    """Splits compounds into known words; finds known words a typo or two away.

    `is_word` tells whether a word exists in the language at large (not only in the folder); a head
    the folder never wrote splits off a compound only when it does. Without it any head of four
    letters or more may split off.
    """

    def __init__(self, lexicon: Iterable[str], is_word: Callable[[str], bool] | None = None) -> None:
        self._words = frozenset(w for w in lexicon if len(w) >= MIN_PART or w in SHORT_PARTS)
        self._is_word = is_word
        self._long_words = sorted(w for w in self._words if len(w) >= TWO_TYPOS_FROM - 2)
        self._stems = frozenset(stem_nl(w) for w in self._words)
        self._deletes: dict[str, set[str]] = {}
        for word in self._words:
            if len(word) >= 5:
                for variant in _deletions(word):
                    self._deletes.setdefault(variant, set()).add(word)
        self.split = lru_cache(maxsize=8192)(self._split)
        self.near = lru_cache(maxsize=8192)(self._near)

    def knows(self, word: str) -> bool:
        """Whether the word, or a word with the same stem, is in the lexicon."""
        return word in self._words or stem_nl(word) in self._stems

    def _head_ok(self, head: str) -> bool:
        return head in self._words

    def _split(self, word: str) -> tuple[str, ...]:
        """Known parts of a compound, longest head first; () when it does not split into known words."""
        if len(word) > MAX_WORD:
            return ()  # no Dutch word is this long; the search below grows with the square of the length
        if "-" in word:
            parts = [p for p in word.split("-") if len(p) >= 2]
            out: list[str] = []
            for part in parts:
                out.extend(self.split(part) or (part,))
            return tuple(out)
        best: tuple[str, ...] = ()
        fallback: tuple[str, ...] = ()
        for cut in range(len(word) - MIN_PART, 1, -1):
            head, tail = word[:cut], word[cut:]
            for link in _LINKS:
                if link and not head.endswith(link):
                    continue
                bare = head[: len(head) - len(link)] if link else head
                if not (len(bare) >= MIN_PART or bare in SHORT_PARTS):
                    continue
                if not self._head_ok(bare):
                    # An unseen head before a known word of four letters or more still splits
                    # ("leverbiopsie" when only "leverpunctie" and "biopsie" are known).
                    if (
                        not fallback
                        and len(bare) >= 4
                        and len(tail) >= 4
                        and tail in self._words
                        and (self._is_word is None or self._is_word(bare))
                    ):
                        fallback = (bare, tail)
                    continue
                if self.knows(tail):
                    return (bare, tail)
                rest = self.split(tail)
                if rest and not best:
                    best = (bare, *rest)
        return best or fallback

    def separable(self, verb: str, particle: str) -> str | None:
        """The known separable verb that `verb` forms with `particle` ("valt" + "af" -> "afvallen")."""
        for form in infinitives(verb):
            if particle + form in self._words:
                return particle + form
        return None

    def spelling(self, word: str) -> tuple[str, ...]:
        """Known words that differ from `word` only in a d/t ending ("bedoelt" -> "bedoeld")."""
        return tuple(v for v in dt_variants(word) if v in self._words)

    def _near(self, word: str) -> tuple[str, ...]:
        """The known words closest to `word` within its typo budget (insert, delete, substitute, swap).

        A four-letter word only loses a letter ("mrie" -> "mri", "pett" -> "pet"): among words that
        short, any other edit finds too many real words.
        """
        budget = typo_budget(word)
        if not budget:
            return ()
        if len(word) == 4:
            return tuple(sorted(v for v in _deletions(word) if v in self._words))
        found: set[str] = set(self._deletes.get(word, ()))
        for variant in _deletions(word):
            if variant in self._words:
                found.add(variant)
            found.update(self._deletes.get(variant, ()))
        found.discard(word)
        one = tuple(sorted(w for w in found if _one_edit(word, w)))
        if one or budget < 2:
            return one
        close = process.extract(word, self._long_words, scorer=OSA.distance, score_cutoff=2, limit=None)
        nearest = min((int(score) for _, score, _ in close), default=0)
        return tuple(sorted(w for w, score, _ in close if int(score) == nearest and w != word))


def dt_variants(word: str) -> tuple[str, ...]:
    """The word with its ending in d, t or dt written the other ways ("bedoelt" -> "bedoeld", "bedoeldt").

    The commonest Dutch spelling mistake, and often a real word itself (a verb form), so no typo check
    catches it.
    """
    if len(word) < 4:
        return ()
    if word.endswith("dt"):
        return (word[:-1], word[:-2] + "t")
    if word.endswith("d"):
        return (word[:-1] + "t", word + "t")
    if word.endswith("t"):
        return (word[:-1] + "d", word[:-1] + "dt")
    return ()


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True for one insertion, deletion, substitution or swap of neighbours."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
