"""Questions as speech-to-text and dialect write them: letter names, words cut in pieces, words spelt as
they sound ("em er ie", "pets can", "kees manager", "lever punk sie", "vergoaderen").

Only words the folder does not know are read again, so a real word is never "corrected" into a folder
term: "pets can" becomes "petscan" because the two together are a folder word, "kees manager" becomes
"casemanager" because they sound the same, "kloagen" becomes "klagen" because that is a real word.
The respelt list has the length of the original (pieces that were joined leave "" behind), so the
positions of the words stay those of `words(question)`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.text import stem_nl

# The names of the letters as people say them, in Dutch and English ("em er ie", "see tee", "pee ee tee").
_LETTER_NAMES = {
    "a": "a aa ay",
    "b": "b bee be",
    "c": "c cee see ce se",
    "d": "d dee de",
    "e": "e ee",
    "f": "f ef eff",
    "g": "g gee ge",
    "h": "h haa ha",
    "i": "i ie eye",
    "j": "j jee jay jot",
    "k": "k kaa ka kay",
    "l": "l el ell",
    "m": "m em",
    "n": "n en",
    "o": "o oo oh",
    "p": "p pee pe",
    "q": "q kuu",
    "r": "r er ar",
    "s": "s es ess",
    "t": "t tee te",
    "u": "u uu",
    "v": "v vee ve",
    "w": "w wee",
    "x": "x iks ex",
    "y": "y ei ij",
    "z": "z zet zed",
}
LETTERS = {name: letter for letter, names in _LETTER_NAMES.items() for name in names.split()}
# Spoken vowels of Dutch dialects and the written ones ("vergoaderen", "allemaol", "mien", "oet", "veul").
_DIALECT = (("oa", "a"), ("ao", "aa"), ("ie", "ij"), ("oe", "ui"), ("eu", "ee"), ("ij", "ie"))
# Words joined into one: at most this many pieces ("lever punk sie").
MAX_PIECES = 3
# A sound-alike is only looked for among folder words this long, and for a word this long; from
# SOUND_LONG letters on two sounds may differ, below that one.
MIN_SOUND = 7
SOUND_LONG = 10
# Pieces that are all real words only join into a folder word this long.
MIN_SOUND_REAL = 10
# A piece this short is a fragment of a word, not a word of its own ("sie" in "lever punt sie").
FRAGMENT = 3
MIN_JOINED = 5


@lru_cache(maxsize=16384)
def sound(word: str) -> str:
    """A word as it sounds in Dutch, written one way: "casemanager" -> "kasemanager", "keesmanager" ->
    "kesmanager", "punctie" and "punksie" -> "punksie"."""
    w = word.replace("-", "")
    for written, said in (("ph", "f"), ("th", "t"), ("ij", "ei"), ("y", "i"), ("qu", "kw"), ("x", "ks"), ("sch", "sg")):
        w = w.replace(written, said)
    w = re.sub(r"c(?=[eiy])", "s", w).replace("ck", "k").replace("ch", "g").replace("c", "k")
    w = re.sub(r"t(?=i[eo])", "s", w)  # -tie, -tion: "punctie" sounds "punksie"
    w = w.replace("z", "s").replace("v", "f").replace("dt", "t").replace("ie", "i")
    w = re.sub(r"d$", "t", w)
    return re.sub(r"(.)\1+", r"\1", w)  # "aa", "ee", "mm": one sound


class Respeller:
    """Reads the words of a question again against the folder's words (`lexicon`) and its acronyms."""

    def __init__(
        self,
        lexicon: Iterable[str],
        acronyms: Iterable[str],
        is_real_word: Callable[[str], bool],
        stop: frozenset[str] = frozenset(),
    ) -> None:
        self._lexicon = frozenset(lexicon)
        self._acronyms = frozenset(acronyms)
        self._longest = max((len(a) for a in self._acronyms), default=0)
        self._is_real = is_real_word
        self._stop = stop
        by_sound: dict[str, set[str]] = defaultdict(set)
        for word in self._lexicon:
            if len(word) >= MIN_SOUND and word.isalpha():
                by_sound[sound(word)].add(word)
        # A sound that two different words share is no evidence for either.
        self._sounds = {
            key: min(found, key=len) for key, found in by_sound.items() if len({stem_nl(w) for w in found}) == 1
        }
        self._keys = sorted(self._sounds)
        self.respell_word = lru_cache(maxsize=16384)(self._respell_word)
        self._sounds_like = lru_cache(maxsize=16384)(self._sounds_like_uncached)

    def respell(self, found: list[str]) -> list[str]:
        """The words with letter names read as acronyms, pieces joined and unknown words respelt."""
        out = list(found)
        self._acronyms_in(out)
        self._joins(out)
        for i, word in enumerate(out):
            if word:
                out[i] = self.respell_word(word)
        return out

    def _acronyms_in(self, out: list[str]) -> None:
        """Runs of two or more letter names that spell an acronym, the longest first ("em er ie")."""
        i = 0
        while i < len(out):
            end = i
            while end < min(len(out), i + self._longest) and out[end] in LETTERS:
                end += 1
            for stop in range(end, i + 1, -1):
                spelt = "".join(LETTERS[w] for w in out[i:stop])
                if spelt in self._acronyms:
                    out[i:stop] = [spelt] + [""] * (stop - i - 1)
                    i = stop - 1
                    break
            i += 1

    def _joins(self, out: list[str]) -> None:
        # Only pieces the folder does not know start a join: most questions have none.
        unknown = [bool(w) and w not in self._lexicon and w not in self._stop for w in out]
        if not any(unknown):
            return
        for i in range(len(out)):
            for pieces in range(MAX_PIECES, 1, -1):
                if not any(unknown[i : i + pieces]):
                    continue  # "lever functie" is two words the folder knows, not one
                part = out[i : i + pieces]
                if len(part) < pieces or not all(w.isalpha() and w not in self._stop for w in part):
                    continue
                joined = "".join(part)
                if joined in self._lexicon and len(joined) >= MIN_JOINED:
                    target: str | None = joined
                else:
                    real = all(w in self._lexicon or self._is_real(w) for w in part)
                    # Real words join only into a long folder word they sound exactly like, or one sound
                    # off when one of them is a mere fragment ("lever punt sie"): "lever functie" stays.
                    most = 2 if not real else 1 if any(len(w) <= FRAGMENT for w in part) else 0
                    target = self._sounds_like(joined, most)
                    if target and real and len(target) < MIN_SOUND_REAL:
                        target = None
                if target:
                    out[i : i + pieces] = [target] + [""] * (pieces - 1)
                    break

    def _sounds_like_uncached(self, word: str, most: int = 2) -> str | None:
        """The one folder word that sounds like `word`, at most `most` letters apart (one for words shorter
        than SOUND_LONG); None if none or several."""
        if len(word) < MIN_SOUND:
            return None
        key = sound(word)
        if key in self._sounds:
            return self._sounds[key]
        budget = min(most, 2 if len(word) >= SOUND_LONG else 1)
        if not budget:
            return None
        close = process.extract(key, self._keys, scorer=OSA.distance, score_cutoff=budget, limit=None)
        if not close:
            return None
        nearest = min(int(score) for _, score, _ in close)
        found = {self._sounds[k] for k, score, _ in close if int(score) == nearest}
        return next(iter(found)) if len({stem_nl(w) for w in found}) == 1 else None

    def _respell_word(self, word: str) -> str:
        if len(word) < 3 or not word.isalpha() or word in self._lexicon or self._is_real(word):
            return word
        for said, written in _DIALECT:
            if said in word:
                again = word.replace(said, written)
                if again in self._lexicon or self._is_real(again):
                    return again
        if word.endswith("e") and (word + "n") in self._lexicon:
            return word + "n"  # "behandelinge"
        return self._sounds_like(word) or word
