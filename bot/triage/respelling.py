"""The message's words as the alarm vocabulary writes them, before they are matched.

Dialect and chat spellings are replaced ("kin neet" -> "kan niet"), words typed without spaces split
("wondlektpus" -> "wond lekt pus"), runs of letters and digits taken apart ("gcs8bijmijnvader"), and
other-language alarm terms found inside run-together words. Splits are cached per word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from itertools import pairwise

from bot.triage.match import Method
from bot.triage.normalize import Token, words
from bot.triage.segment import MIN_WORD, Segmenter
from bot.triage.vocabulary import AlarmVocabulary

# The whole message is triaged, whatever its length (Telegram delivers up to 4,096 characters): every
# step is linear in the number of tokens, and per-word work is cached, up to this many words.
CACHE_LIMIT = 50_000
# Other-language terms this long (without spaces) are looked for inside run-together words.
_JOINED_MIN = 6
_RUNS = re.compile(r"[a-z]+|[0-9]+")


class Respeller:
    """Rewrites a message's tokens as the vocabulary writes them (built once by the matcher)."""

    def __init__(
        self,
        spellings: Mapping[str, tuple[str, ...]],
        surface: AbstractSet[str],
        measured_names: frozenset[str],
        segmenter: Segmenter,
        joined_foreign: tuple[tuple[str, tuple[str, ...]], ...],
        word_keys: Callable[[str], dict[str, Method]],
    ) -> None:
        """`surface`: the vocabulary's words as written; `measured_names`: words of a measurement's name
        ("spo2"); `joined_foreign`: other-language terms without spaces, with their words; `word_keys`:
        the matcher's keys of a message word (an alarm word has some)."""
        self._spellings = spellings
        self._surface = surface
        self._measured_names = measured_names
        self._segmenter = segmenter
        self._joined_foreign = joined_foreign
        self._word_keys = word_keys
        self._splits: dict[str, tuple[str, ...] | None] = {}

    @classmethod
    def for_vocabulary(
        cls,
        vocabulary: AlarmVocabulary,
        surface: AbstractSet[str],
        pairs: AbstractSet[tuple[str, str]],
        foreign: frozenset[str],
        word_keys: Callable[[str], dict[str, Method]],
        *,
        preload: bool = True,
    ) -> Respeller:
        """Built from the vocabulary: `surface` its words as written, `pairs` the word pairs of its terms
        (a run-together pair is split), `foreign` the other-language concepts."""
        measured_names = frozenset(w for r in vocabulary.measurements.readings for n in r.names for w in n)
        known = set(surface) | {w for g in vocabulary.word_groups for w in g}
        known |= {w for standard in vocabulary.spellings.values() for w in standard}
        names = [name for r in vocabulary.measurements.readings for name in r.names]
        all_pairs = set(pairs) | {pair for name in names for pair in pairwise(name)}
        segmenter = Segmenter(vocabulary.languages, known, pairs=all_pairs, preload=preload)
        # The other-language terms written without spaces ("nefesalamiyor"), for words run together in
        # a language the word lists do not split; only from six letters, so chance hits stay out.
        joined_foreign = tuple(
            ("".join(ws), tuple(ws))
            for c in vocabulary.concepts
            if c.id in foreign
            for term in c.exact
            if len("".join(ws := words(term))) >= _JOINED_MIN
        )
        return cls(vocabulary.spellings, surface, measured_names, segmenter, joined_foreign, word_keys)

    def as_written(self, tokens: list[Token]) -> list[Token]:
        """The message's words as the vocabulary writes them: dialect and chat spellings replaced
        ("kin neet" -> "kan niet"), words typed without spaces split ("wondlektpus" -> "wond lekt pus"),
        a vocabulary word that speech-to-text cut in two joined ("ont lasting" -> "ontlasting")."""
        tokens = self._joined(tokens)
        out: list[Token] | None = None
        for index, token in enumerate(tokens):
            replacement: list[Token] | None = None
            if token.kind == "word":
                replacement = self._respelled(token.text)
                if replacement is None and not token.text.isalpha() and token.text.isascii():
                    replacement = self._letters_and_digits(token.text)
            if replacement is not None and out is None:
                out = list(tokens[:index])
            if out is not None:
                if replacement is None:
                    out.append(token)
                else:
                    out.extend(replacement)
        return tokens if out is None else out

    def _joined(self, tokens: list[Token]) -> list[Token]:
        """Two words in a row that together are a vocabulary word, neither of them one ("ont lasting",
        "aanspreek baar"), as that word; everything else as it was."""
        out: list[Token] | None = None
        index = 0
        while index < len(tokens):
            token = tokens[index]
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            if (
                after is not None
                and token.kind == after.kind == "word"
                and len(joined := token.text + after.text) >= _JOINED_MIN
                and joined in self._surface
                and token.text not in self._surface
                and after.text not in self._surface  # "de saturatie" is not "desaturatie"
            ):
                out = list(tokens[:index]) if out is None else out
                out.append(Token(joined, "word"))
                index += 2
                continue
            if out is not None:
                out.append(token)
            index += 1
        return tokens if out is None else out

    def _respelled(self, word: str) -> list[Token] | None:
        """The standard words of a dialect spelling, or of a run-together word; None: the word as is."""
        standard = self._spellings.get(word)
        if standard is None and len(word) >= MIN_WORD and word not in self._surface:
            standard = self._split(word)
        return None if standard is None else [Token(w, "word") for w in standard]

    def _letters_and_digits(self, word: str) -> list[Token] | None:
        """A word of letters and digits that is no alarm word ("gcs8bijmijnvader", typed without spaces):
        its runs of letters and of digits apart. Moroccan Arabic in Latin letters that is an alarm word
        ("tay7at") has keys and stays whole."""
        if word in self._measured_names or self._word_keys(word):
            return None  # "spo2", or an alarm word
        out: list[Token] = []
        for run in _RUNS.findall(word):
            if run.isdigit():
                out.append(Token(run, "number"))
            else:
                out.extend(self._respelled(run) or [Token(run, "word")])
        return out

    def _split(self, word: str) -> tuple[str, ...] | None:
        """The words of a run-together word, when one of them is an alarm word (`Segmenter` splits only
        words wordfreq does not know); cached per word. A typo of an alarm word ("bewusteloss") is left
        to the typo matching."""
        if word in self._splits:
            return self._splits[word]
        found: tuple[str, ...] | None = None
        if word.isascii() and word.isalpha():
            keys = self._word_keys(word)
            if all(method in ("compound", "fuzzy") for method in keys.values()):
                split = self._segmenter.split(word)
                pieces = tuple(w for p in split for w in self._spellings.get(p, (p,))) if split else None
                if pieces:
                    read = {k for p in pieces for k in self._word_keys(p)}
                    typo = {k for k, method in keys.items() if method == "fuzzy"}
                    # Kept when a piece is an alarm word and nothing the typo matching read is lost
                    # ("zuurstofis" is "zuurstof is", not a typo of "zuurstof").
                    if read and typo <= read:
                        found = pieces
                if found is None and not keys and len(word) >= MIN_WORD and not self._segmenter.known(word):
                    found = self._foreign_in(word)
        if len(self._splits) >= CACHE_LIMIT:
            self._splits.clear()
        self._splits[word] = found
        return found

    def _foreign_in(self, word: str) -> tuple[str, ...] | None:
        """The other-language alarm terms inside a run-together word ("babamnefesalamiyor"), in order."""
        found = sorted((word.find(joined), ws) for joined, ws in self._joined_foreign if joined in word)
        return tuple(w for _, ws in found for w in ws) or None
