"""The triage matcher: which alarm concepts a message mentions, and how urgent it is."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

import snowballstemmer

from bot.triage.cues import ContextRules
from bot.triage.fuzzy import Lexicon, closest_within, edit_budget
from bot.triage.levels import Level
from bot.triage.match import Match, Method, TriageResult
from bot.triage.measurements import MeasurementReader
from bot.triage.morphology import bases, first_person_verbs, primary_key, word_keys
from bot.triage.normalize import Token, tokenize, words
from bot.triage.numbers import merge_numbers
from bot.triage.qualifiers import QualifierRules, cancel_cue
from bot.triage.respelling import CACHE_LIMIT, Respeller
from bot.triage.temperature import read_temperatures
from bot.triage.vocabulary import OTHER_LANGUAGE_PREFIX, AlarmVocabulary, Concept

# The whole message is triaged, whatever its length: every step below is linear in the number of
# tokens, and per-word work is cached (up to CACHE_LIMIT words).
_DEVOICE = str.maketrans("vz", "fs")
_LETTER_RUN = re.compile(r"[a-z]{4,}")
# The negations that go with a noun ("geen", "no"), and how many words may stand between them and it.
_NOUN_NEGATIONS = frozenset({"geen", "no"})
_NOUN_GAP = 2
# No alarm word is longer; a longer "word" (a pasted link, keyboard mashing) is not typo-matched.
MAX_FUZZY_WORD = 30


@dataclass(frozen=True, slots=True)
class _Term:
    concept: Concept
    text: str
    keys: tuple[str, ...]
    negative: bool
    key_set: frozenset[str] = frozenset()  # contains a negation word itself ("geen lucht"): never cancelled
    # Words right after "geen"/"no" in the term: at most _NOUN_GAP words later ("geen ontlasting", "geen
    # enkele ontlasting"; not "geen bloed in mijn ontlasting", where "geen" belongs to another noun).
    tight: frozenset[int] = frozenset()


class Triage:
    """Built once from the vocabulary; `assess` is then cheap enough for every message."""

    def __init__(self, vocabulary: AlarmVocabulary, qualifiers: QualifierRules, *, preload: bool = True) -> None:
        """Compile the vocabulary; `qualifiers` holds clinlp's built pipeline; `preload=False` defers
        loading the word lists to the first typo."""
        self.vocabulary = vocabulary
        self.qualifiers = qualifiers
        # Many vocabulary words repeat across terms; stemming is the costly step of building.
        self._stem: Callable[[str], str] = lru_cache(maxsize=100_000)(snowballstemmer.stemmer("dutch").stemWord)
        self._negation = vocabulary.negation
        self._lexicon = Lexicon(vocabulary.languages, vocabulary.min_zipf, preload=preload)
        self._groups: dict[str, str] = {}
        for group in vocabulary.word_groups:
            head = primary_key(group[0], self._stem)
            for word in group:
                self._groups[primary_key(word, self._stem)] = head
        self._single: dict[str, list[_Term]] = {}
        self._phrases: dict[str, list[_Term]] = {}
        self._surface: set[str] = set()
        self._pairs: set[tuple[str, str]] = set()
        self._targets_words: set[str] = set()
        self._compounds: list[tuple[str, str]] = []
        self._term_size: dict[str, int] = {}  # words of each term, to tell a phrase found with gaps
        self._combinations = tuple(c for c in vocabulary.concepts if c.all_of)
        self._parts = {part for c in self._combinations for part in c.all_of}
        self._contacts = {c.id: c.contacts for c in vocabulary.concepts if c.contacts}
        self._foreign = frozenset(c.id for c in vocabulary.concepts if c.id.startswith(OTHER_LANGUAGE_PREFIX))
        self._tails = vocabulary.compound_tails
        for concept in vocabulary.concepts:
            for text in concept.nl + concept.en:
                self._add_term(concept, text, exact=False)
            for text in concept.misspellings + concept.exact:
                self._add_term(concept, text, exact=True)
            for suffix in concept.compounds:
                for word in words(suffix):
                    self._compounds.append((word, self._key(word)))
        self._keys = set(self._single) | {k for terms in self._phrases.values() for t in terms for k in t.keys}
        # First letters of every key a stem can give (before word groups map it), for `_worth_stemming`.
        raw_keys = {primary_key(w, self._stem) for w in self._surface | {w for g in vocabulary.word_groups for w in g}}
        self._prefixes: dict[int, set[str]] = {
            n: {k[:n].translate(_DEVOICE) for k in raw_keys if k.isascii() and (len(k) == n or (n == 3 and len(k) > 3))}
            for n in (1, 2, 3)
        }
        # Typo targets: real vocabulary words long enough to be worth correcting, by length.
        skip = vocabulary.optional_words | self._negation.before
        self._targets: dict[int, list[tuple[str, str]]] = {}
        for word in sorted(self._targets_words - skip):
            if len(word) >= 5 and not word.isdigit():
                self._targets.setdefault(len(word), []).append((word, self._key(word)))
        self._target_words = {length: [w for w, _ in bucket] for length, bucket in self._targets.items()}
        self._cache: dict[str, dict[str, Method]] = {}
        self._fever = vocabulary.temperature.concept
        self._context = ContextRules(vocabulary.context, vocabulary.negation, self._fever)
        self._measurements = MeasurementReader(vocabulary.measurements)
        self._respeller = Respeller.for_vocabulary(
            vocabulary, self._surface, self._pairs, self._foreign, self._word_keys, preload=preload
        )
        self._levels = {c.id: c.level for c in vocabulary.concepts}

    def _key(self, word: str) -> str:
        """The key of a vocabulary word as written."""
        key = primary_key(word, self._stem)
        return self._groups.get(key, key)

    def _message_keys(self, word: str) -> list[str]:
        """Every key a message word may stand for: each person and tense ("bloedde" -> bloed); sorted, so
        that which term a word is recorded under never depends on the interpreter's hash seed."""
        return sorted({self._groups.get(k, k) for k in word_keys(word, self._stem, self._worth_stemming)})

    def _worth_stemming(self, normal: str) -> bool:
        """Could stemming this word form give a vocabulary key? Stems only lose endings (and a leading
        "ge"), so the key would start like the word: compare the first letters."""
        for form in (normal, normal[2:] if normal.startswith("ge") else ""):
            form = form[:3].translate(_DEVOICE)  # "hevig" -> stem "hev" -> key "hef"
            if form and any(form[:n] in self._prefixes[n] for n in (1, 2, 3)):
                return True
        return False

    def _add_term(self, concept: Concept, text: str, *, exact: bool) -> None:
        """Index one term; misspellings and `exact` words match only as written ("=" keys)."""
        all_words = words(text)
        self._pairs.update(pairwise(all_words))  # "dikkelippen" typed together is split (`Segmenter`)
        kept = [w for w in all_words if w not in self.vocabulary.optional_words] or all_words
        self._surface.update(kept)
        if not exact:
            self._targets_words.update(kept)
        keys = tuple(f"={w}" if exact else self._key(w) for w in kept)
        term = _Term(
            concept=concept,
            text=text,
            keys=keys,
            negative=not concept.negatable or any(w in self._negation.before for w in kept),
            key_set=frozenset(keys),
            tight=frozenset(i for i in range(1, len(kept)) if kept[i - 1] in _NOUN_NEGATIONS),
        )
        self._term_size[text] = len(term.keys)
        index = self._single if len(term.keys) == 1 else self._phrases
        index.setdefault(term.keys[0], []).append(term)

    def _word_keys(self, word: str) -> dict[str, Method]:
        """The vocabulary keys a message word can stand for, and how; cached per word."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        keys: dict[str, Method] = {}
        method: Method = "exact" if word in self._surface else "stem"
        for key in self._message_keys(word):
            if key in self._keys:
                keys[key] = method
        if f"={word}" in self._keys:
            keys[f"={word}"] = "exact"
        if not word.isalpha() and word.isalnum():
            # A Latin word with a digit in it ("tay7at", or "pijn8" typed without a space): its letter
            # runs of four or more also count, as written or stemmed, never as typos.
            for part in _LETTER_RUN.findall(word):
                for key in self._message_keys(part):
                    if key in self._keys:
                        keys.setdefault(key, "exact" if part in self._surface else "stem")
                if f"={part}" in self._keys:
                    keys.setdefault(f"={part}", "exact")
        for suffix, suffix_key in self._compounds:
            if len(word) >= len(suffix) + 3 and self._compound_of(word, suffix):
                keys.setdefault(suffix_key, "compound")
        if not keys and word not in self._surface and 5 <= len(word) <= MAX_FUZZY_WORD and word.isalpha():
            # The word as typed, then without an ending: "kortadmiger" is "kortadmig" + "er". The
            # closest word is found in C; only then is the word looked up as a real word ("breken").
            for candidate in sorted(bases(word), key=lambda base: (-len(base), base)):
                best = self._closest(candidate)
                if best is not None:
                    if not self._lexicon.is_word(word):
                        keys.setdefault(best, "fuzzy")
                    break
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = keys
        return keys

    def _closest(self, word: str) -> str | None:
        """The key of the vocabulary word closest to `word` within its typo budget, or None."""
        if len(word) < 5:
            return None
        budget = edit_budget(word)
        best: tuple[int, str] | None = None
        for length in range(len(word) - budget, len(word) + budget + 1):
            bucket = self._targets.get(length)
            if not bucket:
                continue
            found = closest_within(word, self._target_words[length], budget)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], bucket[found[1]][1])
        return best[1] if best else None

    def _compound_of(self, word: str, suffix: str) -> bool:
        """ "buikpijn" ends in "pijn"; "buikpijnaanvallen" too, before a tail like "aanvallen"."""
        if word.endswith(suffix):
            return True
        return any(word.endswith(suffix + tail) and len(word) > len(suffix + tail) for tail in self._tails)

    def assess(self, text: str) -> TriageResult:
        """Triage one whole message. Any alarm wins; only a clear cue next to a symptom cancels it."""
        tokens = merge_numbers(self._respeller.as_written(tokenize(text)))
        slots: list[dict[str, Method]] = [
            self._word_keys(t.text) if t.kind in ("word", "emoji") else {} for t in tokens
        ]
        for i in first_person_verbs(tokens):
            # "ik val steeds flauw": the vocabulary writes verbs as "valt", which the stemmer keeps whole
            third_person = self._key(tokens[i].text + "t")
            if third_person in self._keys:
                slots[i].setdefault(third_person, "stem")
        matches: list[Match] = []
        seen: set[tuple[str, int, int]] = set()
        present: set[str] = set()
        for slot in slots:
            present.update(slot)
        for start, slot in enumerate(slots):
            for key, method in slot.items():
                terms = self._single.get(key, ())
                if len(terms) > 1:
                    word = tokens[start].text
                    terms = sorted(terms, key=lambda t: t.text.lower() != word)
                for term in terms:
                    self._record(term, tokens, start, start, method, matches, seen)
                for term in self._phrases.get(key, ()):
                    if not term.key_set <= present:
                        continue  # a word of the phrase is nowhere in the message
                    end = self._phrase_end(term, slots, tokens, start)
                    if end is not None:
                        self._record(term, tokens, start, end, "phrase", matches, seen)
        measured = self._measurements.read(tokens)
        for value in measured:
            if value.alarm:
                name = tuple(t.text for t in tokens[value.start : value.index + 1])
                level = self._levels[value.reading.concept]
                matches.append(
                    Match(
                        value.reading.concept,
                        level,
                        name,
                        "measurement",
                        False,
                        f"{value.value:g}",
                        None,
                        value.start,
                        value.index,
                    )
                )
        rule = self.vocabulary.temperature
        fever_like = rule.context_concepts | {self._fever}
        context = any(m.concept in fever_like for m in matches) or any(t.text in rule.context for t in tokens)
        claimed = frozenset(i for value in measured for i in value.numbers)
        for reading in read_temperatures(tokens, rule, context, claimed):
            matches.append(
                Match(
                    rule.concept,
                    reading.level,
                    (tokens[reading.index].text,),
                    "temperature",
                    False,
                    "",
                    reading.celsius,
                    reading.index,
                    reading.index,
                )
            )
        matches = self._qualify(tokens, matches)
        matches = self._context.apply(tokens, matches)
        matches += self._combine(tokens, matches)
        level = max((m.level for m in matches if not m.negated), default=Level.NONE)
        result = TriageResult(level, tuple(matches))
        contacts = tuple(dict.fromkeys(c for concept in result.concepts for c in self._contacts.get(concept, ())))
        return TriageResult(level, result.matches, contacts) if contacts else result

    def read_words(self, result: TriageResult) -> set[str]:
        """The message words a Dutch or English alarm concept matched, typos included ("koortss"): words
        the bot reads. Alarm words of other languages are left out: they do not make a message Dutch."""
        return {word for m in result.matches if m.concept not in self._foreign for word in m.words}

    def foreign_alarm(self, result: TriageResult) -> bool:
        """True when an alarm word of another language was found (not cancelled)."""
        return any(not m.negated and m.concept in self._foreign for m in result.matches)

    def _combine(self, tokens: Sequence[Token], matches: Sequence[Match]) -> list[Match]:
        """Concepts made of others (`all_of`) found in one sentence (or, with `across_sentences`, in two in a
        row): black stools with dizziness."""
        if not any(m.concept in self._parts for m in matches):
            return []
        sentence_of: list[int] = []
        sentence = 0
        for token in tokens:
            sentence_of.append(sentence)
            if token.kind == "break" and token.text in ".?":
                sentence += 1
        by_sentence: dict[int, dict[str, Match]] = {}
        for m in matches:
            if not m.negated:
                by_sentence.setdefault(sentence_of[m.start], {}).setdefault(m.concept, m)
        found: list[Match] = []
        for concept in self._combinations:
            for sentence, active in by_sentence.items():
                if concept.across_sentences and sentence + 1 in by_sentence:
                    active = {**by_sentence[sentence + 1], **active}
                parts = [active[part] for part in concept.all_of if part in active]
                if len(parts) == len(concept.all_of):
                    found.append(
                        Match(
                            concept.id,
                            concept.level,
                            tuple(w for p in parts for w in p.words),
                            "combination",
                            False,
                            "+".join(concept.all_of),
                            None,
                            min(p.start for p in parts),
                            max(p.end for p in parts),
                        )
                    )
                    break
        return found

    def _phrase_end(
        self, term: _Term, slots: Sequence[dict[str, Method]], tokens: Sequence[Token], start: int
    ) -> int | None:
        position = start
        for number, key in enumerate(term.keys[1:], start=1):
            gap = min(_NOUN_GAP, self.vocabulary.max_gap) if number in term.tight else self.vocabulary.max_gap
            for candidate in range(position + 1, min(len(slots), position + 2 + gap)):
                if tokens[candidate].kind == "break":
                    return None
                if key in slots[candidate]:
                    position = candidate
                    break
            else:
                return None
        return position

    def _record(
        self,
        term: _Term,
        tokens: Sequence[Token],
        start: int,
        end: int,
        method: Method,
        matches: list[Match],
        seen: set[tuple[str, int, int]],
    ) -> None:
        if (term.concept.id, start, end) in seen:
            return
        seen.add((term.concept.id, start, end))
        span = tuple(t.text for t in tokens[start : end + 1])
        matches.append(
            Match(
                term.concept.id,
                term.concept.level,
                span,
                method,
                False,
                term.text,
                None,
                start,
                end,
                holds_negation=term.negative,
            )
        )

    def _qualify(self, tokens: Sequence[Token], matches: list[Match]) -> list[Match]:
        """clinlp's context algorithm qualifies every match; a clearly absent, past, hypothetical or someone
        else's complaint is cancelled (`cancel_cue`)."""
        if not matches:
            return matches
        # A phrase found with words in between ("viel vorig jaar flauw") is qualified on its last word:
        # clinlp ignores a cue inside an entity, and the words in between may be one.
        spans = [
            (m.start, m.end) if m.end - m.start < self._term_size.get(m.term, 1) else (m.end, m.end) for m in matches
        ]
        found = self.qualifiers.pipeline.qualify(tokens, spans)
        out: list[Match] = []
        for match, qualifiers in zip(matches, found, strict=True):
            cue = cancel_cue(qualifiers, holds_negation=match.holds_negation, level=match.level)
            out.append(replace(match, negated=True, cue=cue) if cue else match)
        return out
