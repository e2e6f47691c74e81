"""BM25-style ranking of folder chapters with Dutch stems, compounds, synonyms and keywords.

Each chapter is one document with three fields: its title, the clinicians' keywords (Dutch and
English) and its text. A question is turned into tokens; every token brings candidate terms (its
stem, its compound parts, a typo correction, English stem, synonyms) and counts once per chapter,
with its best candidate, so a compound or a synonym group never counts twice.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.content.model import Content
from bot.search.compound import Splitter
from bot.search.describe import PhraseMatcher, question_forms
from bot.search.passage import Unit, best_passage, companions, split_units
from bot.search.spoken import Respeller
from bot.search.text import (
    EN_STOP,
    NL_STOP,
    PARTICLES,
    QueryLang,
    guess_lang,
    infinitives,
    is_real_word,
    is_stop,
    question_positions,
    stem_en,
    stem_nl,
    words,
)
from bot.search.vocab import Answer, SearchVocabulary

# Field weights: a word in the title or in the clinicians' keywords says more than one in the text.
W_TITLE = 2.5
W_KEYWORDS = 2.0
W_PART = 0.5  # a compound part ("lever" in "leverpunctie") counts half in a chapter
# A keyword of several words ("stuk minder", "welke dagen") counts in full only when the question has
# all its words; a word of it alone ("stuk", "dagen") counts this much of a keyword.
W_PHRASE_WORD = 0.5
PHRASE_MARK = "~"  # phrase terms start with it, so they never collide with a word's stem
K1 = 2.0
B = 0.5
# Candidate weights in a question, relative to the word as typed.
Q_PART = 0.6
Q_SYNONYM = 0.8
Q_TYPO = 0.7
# A long word with one known word a typo or two away is that word: "casemaneger", "spoetlijn".
Q_SURE_TYPO = 0.9
SURE_TYPO_LENGTH = 8
Q_OTHER_LANG = 0.5
# What the question asks ("welk nummer", "hoe lang duurt") lifts the chapters that answer that ask
# above chapters that only share a word of context with it.
ASK_BONUS = 2.5
# A topic word right after a context marker ("sinds de uitslag", "na de punctie") counts this much
# when the question has other topic words: it sets the scene, it is not what is asked.
CONTEXT_WEIGHT = 0.4
# The words that make the ask ("welk nummer", "bellen") already lifted its chapters; as topic words
# they count this much, so the other words decide among those chapters (koorts: the spoedlijn).
ASK_WORD_WEIGHT = 0.3
# A sentence with a word that answers the ask ("belt", "minuten") is quoted before one that only
# shares the topic: it gets this much on top.
ANSWER_WEIGHT = 1.5
# ... once per answer word it has, up to this many.
ASK_ANSWERS = 2
# In the choice of the sentence, a word of the chapter's title counts this much: it says which chapter.
TITLE_IN_PASSAGE = 0.3
# Words an ask phrase may skip between its words ("wie stuurt mij door").
ASK_GAP = 2
# How far after a context marker its topic word may stand ("na de eerste punctie").
CONTEXT_REACH = 3
# A question that names this many sections of one chapter ("een ct, een mri en een pet?") is about
# the chapter as a whole.
SECTIONS_FOR_PARENT = 3
# A question that names one section by its title ("de ct", "de spoedlijn") is about that section
# more than about a section that only shares its other words.
NAMED_SECTION_BONUS = 1.5
# A question that names a chapter's title ("wat doet de lever?") gets this much per title fraction.
TITLE_BONUS = 1.0

# In a message of several sentences, a topic word outside the sentences that ask ("mijn man is vorige
# maand geopereerd. ... kan hij in de MRI?") tells the story around the question: it counts this much
# when the asking sentences have a topic word of their own.
STORY_WEIGHT = 0.5

# A word of the folder's subject ("lever", "uitzaaiingen", "metastases") counts this much when the
# question has topic words of its own: "symptoms of liver metastases" asks about symptoms.
SUBJECT_WEIGHT = 0.5

# How far after a verb its separated particle may stand ("hoe komen de uitzaaiingen in de lever terecht").
PARTICLE_REACH = 8

# A runner-up with at least this share of the best score is a close second, worth a button of its own.
CLOSE_RATIO = 0.8
# A folder sentence's own answer words ("wakker", "asleep" for "Dit gebeurt onder lokale verdoving.")
# count this much in its chapter, as keywords; in the passage a sentence with one gets this much extra.
W_ANSWER = 0.5
ANSWER_WORD_BONUS = 1.0
# A story that says where the patient stands, with a vague "wat nu?", names the next chapter this
# strongly (times the highest idf): like a keyword found only there.
JOURNEY_WEIGHT = 2.0
NEXT = "@next:"  # the term that stands for "the next stage is this chapter"
REPORTED = "reported"  # the value of a phrase that only says who said something

# Calibrated on the dev questions, the tests' own questions and out-of-folder questions
# (tests/search): a question must share enough of its informative words with the best chapter
# (coverage) and match it strongly enough (score).
MIN_COVERAGE = 0.4
MIN_SCORE = 2.5
# ... or match strongly with a lower coverage (calibrated so that tests/search/outside_questions.txt stays out).
STRONG_SCORE = 6.0
STRONG_COVERAGE = 0.3
# A word no chapter has counts as fairly, not maximally, informative: patients add words of their own.
UNKNOWN_IMPORTANCE = 0.75
# A word of a topic the folder never covers ("regen", "voetbal", "recept") weighs this much against
# the confidence, and matches nothing.
OTHER_TOPIC_IMPORTANCE = 2.0


@dataclass(frozen=True)
class Hit:
    """One ranked chapter."""

    chapter_id: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    """Ranked chapters, the quoted passage from the best one, and whether to trust it."""

    hits: tuple[Hit, ...]
    passage: str
    confident: bool
    coverage: float = 0.0
    # The chapter the passage is quoted from: the best chapter, or for a chapter that only groups
    # sections (Contact) the section that answers best.
    passage_chapter: str | None = None

    @property
    def best(self) -> str | None:
        """The chapter to answer with, or None when the folder does not answer the question."""
        return self.hits[0].chapter_id if self.hits and self.confident else None

    @property
    def close(self) -> tuple[Hit, ...]:
        """The runners-up that score nearly as well as the best: worth offering next to it."""
        if not self.hits:
            return ()
        return tuple(hit for hit in self.hits[1:] if hit.score >= CLOSE_RATIO * self.hits[0].score)

    @property
    def score(self) -> float:
        """Score of the best chapter (0 without hits)."""
        return self.hits[0].score if self.hits else 0.0


@dataclass(frozen=True)
class _Token:
    candidates: tuple[tuple[str, float], ...]  # (term, weight), best weight first
    weight: float = 1.0  # less for a word that only gives context
    other_topic: bool = False  # a word of a topic the folder never covers
    rank_weight: float = 1.0  # less for a word of the folder's subject, in the ranking only
    subject: bool = False  # a word of the folder's subject, with other topic words beside it
    answered_by: frozenset[int] = frozenset()  # for a word of an ask ("waar zit"): the chapters that answer it


@dataclass(frozen=True)
class _Query:
    tokens: list[_Token]
    asked: dict[int, float]  # lift for the chapters that answer what the question asks
    answer: frozenset[str]  # terms of the sentence that answers the ask ("belt", "minuten")
    # The words of the things described ("een stukje weefsel"): the ranking counts what they name
    # (the punctie), the choice of the sentence counts the words too.
    described: tuple[_Token, ...] = ()


@dataclass(frozen=True)
class _Readers:
    """What reads a question before its words are ranked (speech-to-text and dialect spellings, the
    things patients describe instead of naming, where they stand in their treatment), and what picks
    the sentence to quote beyond the words of the text (the sentences' own answer words)."""

    respeller: Respeller
    descriptions: PhraseMatcher
    journey_asks: PhraseMatcher
    stages: PhraseMatcher
    # per matched value: the tokens it stands for (each a tuple of (term, weight))
    stands_for: dict[str, list[tuple[tuple[str, float], ...]]]
    # per chapter, per unit: the terms of the folder sentence's own answer words
    unit_answers: list[list[frozenset[str]]]
    # per next-stage term: the words of the sentence to quote for it
    stage_answers: dict[str, frozenset[str]]
    # per chapter: the terms of its title and their parts ("leveruitzaaiingen": lever, uitzaaiingen)
    title_parts: list[frozenset[str]]


class SearchIndex:
    """Precomputed term statistics for one Content and SearchVocabulary; build once per load."""

    def __init__(
        self,
        content: Content,
        vocabulary: SearchVocabulary,
        splitter: Splitter,
        postings: dict[str, dict[int, float]],
        idf: dict[str, float],
        synonyms: dict[tuple[str, ...], tuple[str, ...]],
        units: list[tuple[Unit, ...]],
        unit_terms: list[list[frozenset[str]]],
        title_terms: list[frozenset[str]],
        asks: list[tuple[tuple[tuple[str, ...], ...], frozenset[int], float, frozenset[str]]],
        senses: dict[str, list[tuple[frozenset[str], tuple[str, ...], int | None]]],
        markers: frozenset[str],
        other_topics: frozenset[str],
        keyword_phrases: dict[str, tuple[str, ...]] | None = None,
        subject: frozenset[str] = frozenset(),
        setting: frozenset[str] = frozenset(),
        *,
        readers: _Readers,
    ) -> None:
        self.content = content
        self.vocabulary = vocabulary
        self._ids = [c.id for c in content.chapters]
        self._splitter = splitter
        self._postings = postings
        self._idf = idf
        self._max_idf = max(idf.values(), default=1.0)
        self._synonyms = synonyms
        self._units = units
        self._unit_terms = unit_terms
        self._spans = [companions(c.text, u) for c, u in zip(content.chapters, units, strict=True)]
        self._title_terms = title_terms
        # Ask phrases by their first word, so a question only tries the phrases that can start in it.
        self._asks: dict[str, list[tuple[tuple[str, ...], frozenset[int], float, frozenset[str]]]] = defaultdict(list)
        for ask_phrases, chapters, weight, answer in asks:
            for phrase in ask_phrases:
                if phrase:
                    self._asks[phrase[0]].append((phrase, chapters, weight, answer))
        self._multi_synonyms: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
        for phrase, targets in synonyms.items():
            if len(phrase) > 1:
                self._multi_synonyms[phrase[0]].append((phrase, targets))
        self._senses = senses
        self._markers = markers
        self._other_topics = other_topics
        self._subject = subject
        self._setting = setting
        # Keyword phrases by each of their stems, so a question only tries the phrases it can complete.
        self._phrases: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for term, stems in (keyword_phrases or {}).items():
            for stem in set(stems):
                self._phrases[stem].append((term, frozenset(stems)))
        position = {c.id: i for i, c in enumerate(content.chapters)}
        self._parent = {i: position[c.parent] for i, c in enumerate(content.chapters) if c.parent in position}
        self._names = _section_names(content)
        self._families = _family_words(content)
        self._respeller = readers.respeller
        self._descriptions = readers.descriptions
        self._journey_asks = readers.journey_asks
        self._stages = readers.stages
        self._stands_for = readers.stands_for
        self._unit_answers = readers.unit_answers
        self._title_parts = readers.title_parts
        self._stage_answers = readers.stage_answers
        # Per chapter: term -> the units whose words (or whose own answer words) have it.
        self._unit_index = [
            (_inverted([t | a for t, a in zip(chapter_terms, answers, strict=True)]), _inverted(answers))
            for chapter_terms, answers in zip(unit_terms, readers.unit_answers, strict=True)
        ]
        single = {k[0]: v for k, v in synonyms.items() if len(k) == 1}

        def forms(word: str) -> frozenset[str]:
            return question_forms(word, lambda stem: single.get(stem, ()))

        self._forms_cache: Callable[[str], frozenset[str]] = lru_cache(maxsize=16384)(forms)

    @classmethod
    def build(cls, content: Content, vocab: SearchVocabulary) -> SearchIndex:
        """Index every chapter's title, keywords and text."""
        chapters = content.chapters
        lexicon: set[str] = set()
        texts: list[list[str]] = []
        titles: list[list[str]] = []
        kws: list[list[str]] = []
        kws_en: list[list[str]] = []
        phrases: list[dict[str, tuple[str, ...]]] = []  # per chapter: phrase term -> its stems
        answer_words: list[list[tuple[str, bool]]] = []  # per chapter: the words its sentences answer, alone or not
        answer_phrases: list[dict[str, tuple[str, ...]]] = []
        for chapter in chapters:
            entry = vocab.chapters.get(chapter.id)
            title = " ".join(t for t in (chapter.title, chapter.subtitle, chapter.button) if t)
            titles.append(_content_words(title, NL_STOP))
            texts.append(_content_words(chapter.text, NL_STOP))
            kws.append([w for k in (entry.keywords if entry else ()) for w in _content_words(k, NL_STOP)])
            kws_en.append([w for k in (entry.keywords_en if entry else ()) for w in _content_words(k, EN_STOP)])
            said = [words(t) for a in (entry.answers if entry else ()) for t in a.words]
            answer_words.append([(w, len(phrase) == 1) for phrase in said for w in phrase])
            lexicon.update(titles[-1], texts[-1], kws[-1], (w for w, _ in answer_words[-1] if w not in NL_STOP))
            phrases.append(_phrases(entry.keywords if entry else (), entry.keywords_en if entry else ()))
            answer_phrases.append(_answer_phrases(entry.answers if entry else ()))
        synonym_words = [w for g in vocab.groups for t in g for w in _content_words(t, NL_STOP)]
        synonym_words += [w for k, ts in vocab.mappings.items() for t in (k, *ts) for w in _content_words(t, NL_STOP)]
        lexicon.update(synonym_words)
        # Known, so that "voetbalwedstrijd" splits into a topic the folder never covers.
        lexicon.update(w for t in vocab.other_topics for w in _content_words(t, NL_STOP))
        lexicon.update(piece for w in list(lexicon) if "-" in w for piece in (w.replace("-", ""), *w.split("-")))
        # The folder's own compounds split into any known tail ("terugbelafspraak": terugbel + afspraak);
        # a question's only when the head is a real word too ("uitkering" is no "uitke" + "ring").
        folder_splitter = Splitter(lexicon)
        splitter = Splitter(lexicon, is_real_word)

        def bag(tokens: Iterable[str]) -> dict[str, float]:
            counts: dict[str, float] = defaultdict(float)
            for token in tokens:
                counts[stem_nl(token.replace("-", ""))] += 1.0
                # The parts of "MRI-scan" are whole words; those of "leverpunctie" count half.
                weight = 1.0 if "-" in token else W_PART
                for part in folder_splitter.split(token):
                    counts[stem_nl(part)] += weight
            return counts

        fields: list[dict[str, float]] = []
        lengths = [max(len(t), 1) for t in texts]
        avg_len = sum(lengths) / len(lengths) if lengths else 1.0
        for i in range(len(chapters)):
            norm = 1 - B + B * lengths[i] / avg_len
            combined: dict[str, float] = defaultdict(float)
            for term, tf in bag(titles[i]).items():
                combined[term] += W_TITLE * tf
            entry = vocab.chapters.get(chapters[i].id)
            in_phrase = {stem for stems in phrases[i].values() for stem in stems}
            in_phrase -= _single_stems(entry.keywords if entry else (), entry.keywords_en if entry else ())
            for term, tf in bag(kws[i]).items():
                # A word that is only part of a phrase ("stuk" of "stuk minder") counts for less on its own.
                combined[term] += W_KEYWORDS * tf * (W_PHRASE_WORD if term in in_phrase else 1.0)
            for word in kws_en[i]:
                term = stem_en(word)
                combined[term] += W_KEYWORDS * (W_PHRASE_WORD if term in in_phrase else 1.0)
            for term in phrases[i]:
                combined[term] += W_KEYWORDS
            for word, alone in answer_words[i]:
                # A word of a phrase ("per jaar") counts for less on its own, as in the keywords.
                weight = W_ANSWER * (1.0 if alone else W_PHRASE_WORD)
                if word not in NL_STOP:
                    combined[stem_nl(word)] += weight
                if word not in EN_STOP:
                    combined[stem_en(word)] += weight
            for term in answer_phrases[i]:
                combined[term] += W_ANSWER
            for term, tf in bag(texts[i]).items():
                combined[term] += tf / norm
            fields.append(combined)

        df: Counter[str] = Counter(term for f in fields for term in f)
        n = len(chapters)
        idf = {term: math.log(1 + (n - d + 0.5) / (d + 0.5)) for term, d in df.items()}
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, combined in enumerate(fields):
            for term, tf in combined.items():
                postings[term][i] = idf[term] * tf * (K1 + 1) / (tf + K1)

        synonyms = _synonym_table(vocab)
        units = [split_units(c.text) for c in chapters]
        unit_terms = [
            [frozenset(bag(_content_words(c.text[u.start : u.end], NL_STOP))) for u in chapter_units]
            for c, chapter_units in zip(chapters, units, strict=True)
        ]
        title_terms = [frozenset(stem_nl(w.replace("-", "")) for w in t) for t in titles]
        title_parts = [frozenset(bag(t)) for t in titles]
        position = {c.id: i for i, c in enumerate(chapters)}
        asks = [
            (
                tuple(tuple(words(p)) for p in ask.phrases),
                frozenset(position[c] for c in ask.chapters if c in position),
                ask.weight,
                frozenset(stem_nl(w) for a in ask.answer for w in _content_words(a, NL_STOP)),
            )
            for ask in vocab.asks
        ]
        senses: dict[str, list[tuple[frozenset[str], tuple[str, ...], int | None]]] = defaultdict(list)
        for sense in vocab.senses:
            near = frozenset(stem_nl(w) for n in sense.near for w in words(n))
            means = tuple(stem_nl(w) for m in sense.means for w in _content_words(m, NL_STOP))
            senses[stem_nl(sense.word)].append((near, means, sense.within))
        markers = frozenset(w for m in vocab.context_markers for w in words(m))
        others = frozenset(stem_nl(w) for t in vocab.other_topics for w in _content_words(t, NL_STOP))
        readers = _readers(content, vocab, lexicon, units, synonyms, (idf, postings), title_parts)
        return cls(
            content,
            vocab,
            splitter,
            dict(postings),
            idf,
            synonyms,
            units,
            unit_terms,
            title_terms,
            asks,
            dict(senses),
            markers,
            others,
            {term: stems for chapter_phrases in (*phrases, *answer_phrases) for term, stems in chapter_phrases.items()},
            frozenset(
                stem(w) for t in vocab.subject for w in _content_words(t, NL_STOP) for stem in (stem_nl, stem_en)
            ),
            frozenset(
                stem(w) for t in vocab.setting for w in _content_words(t, NL_STOP) for stem in (stem_nl, stem_en)
            ),
            readers=readers,
        )

    def search(self, question: str, limit: int = 3) -> SearchResult:
        """Rank chapters for `question`; the passage comes from the best chapter."""
        query = self._analyse(question)
        tokens = query.tokens
        if not tokens and not query.asked:
            return SearchResult((), "", False)
        per_token: list[dict[int, float]] = []
        damped: dict[int, float] = defaultdict(float)
        for token in tokens:
            best: dict[int, float] = {}
            for term, weight in () if token.other_topic else token.candidates:
                for chapter, value in self._postings.get(term, {}).items():
                    if weight * value > best.get(chapter, 0.0):
                        best[chapter] = weight * value
            per_token.append({chapter: token.weight * token.rank_weight * value for chapter, value in best.items()})
            if token.rank_weight < 1.0:  # the confidence counts a word of the subject in full
                for chapter, value in best.items():
                    damped[chapter] += token.weight * (1.0 - token.rank_weight) * value
        totals: dict[int, float] = defaultdict(float)
        for best in per_token:
            for chapter, value in best.items():
                totals[chapter] += value
        asked = {term for token in tokens for term, _ in token.candidates}
        for i in list(totals):
            title = self._title_terms[i]
            if title:
                totals[i] += TITLE_BONUS * (len(title & asked) / len(title)) ** 2
        named = self._lift_parent(tokens, per_token, totals)
        base = {i: total + damped.get(i, 0.0) for i, total in totals.items()}  # the topic words, for the confidence
        self._lift_family(tokens, named, totals)
        for i, lift in query.asked.items():
            totals[i] += lift
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[: max(limit, 1)]
        hits = tuple(Hit(self._ids[i], round(s, 3)) for i, s in ranked if s > 0)
        if not hits:
            return SearchResult((), "", False)
        top = ranked[0][0]
        importance = [self._importance(t) for t in tokens]
        if len(tokens) > 1:
            # The hospital setting ("is er een kapel in het ziekenhuis") is no evidence that the folder
            # answers: beside other words it counts for nothing in the coverage, either way, unless it
            # completes a keyword phrase ("eigen ziekenhuis", "expertise ziekenhuis").
            phrases = {term for t in tokens for term, _ in t.candidates if term.startswith(PHRASE_MARK)}
            importance = [
                0.0 if self._is_setting(t, phrases) else imp for t, imp in zip(tokens, importance, strict=True)
            ]
        # A token that found a section counts for its chapter too (the chapter was lifted for it). The
        # folder's subject is what every chapter is about: it counts as found in any chapter. A word of
        # an ask ("waar zit", "welk nummer") counts as found in the chapters that answer the ask.
        matched = sum(
            imp
            for imp, best, token in zip(importance, per_token, tokens, strict=True)
            if top in best or any(self._parent.get(c) == top for c in best) or token.subject or top in token.answered_by
        )
        coverage = matched / sum(importance) if sum(importance) else 0.0  # only an ask ("bij wie moet ik zijn?")
        # A chapter that only groups sections (Contact) is as sure as its best section.
        sure = max([base.get(top, 0.0)] + [base.get(i, 0.0) for i, parent in self._parent.items() if parent == top])
        # A long story with a strong match is sure too: patients wrap their question in words of their own.
        # Not when the words around the match are of a topic the folder never covers ("wat kost een MRI",
        # "is het ziekenhuis met de tram te bereiken"): that topic is what is asked.
        strong = sure >= STRONG_SCORE and coverage >= STRONG_COVERAGE and not any(t.other_topic for t in tokens)
        confident = sure >= MIN_SCORE and (coverage >= MIN_COVERAGE or strong)
        source = self._passage_source(top, totals)
        passage = self._passage(source, [*tokens, *query.described], query.answer)
        return SearchResult(hits, passage, confident, round(coverage, 3), self._ids[source])

    def _passage_source(self, top: int, totals: dict[int, float]) -> int:
        """The chapter to quote from: `top`, or its best section when it has no text of its own."""
        if self.content.chapters[top].text.strip():
            return top
        sections = [i for i, parent in self._parent.items() if parent == top]
        return max(sections, key=lambda i: (totals.get(i, 0.0), -i), default=top)

    def _lift_parent(
        self, tokens: list[_Token], per_token: list[dict[int, float]], totals: dict[int, float]
    ) -> set[int]:
        """Put a chapter first when the question names several of its sections by their titles;
        lift the one section it names when it names only one ("een ct: krijg ik vloeistof?").
        Returns the chapters with a section named."""
        named: dict[int, set[int]] = defaultdict(set)
        for token, best in zip(tokens, per_token, strict=True):
            if token.weight < 1.0:
                continue  # a section named as context ("net een ct gehad") is not what is asked about
            own = {term for term, weight in token.candidates if weight >= 1.0}
            for section in best:
                if section in self._parent and own & self._names[section]:
                    named[self._parent[section]].add(section)
        for parent, sections in named.items():
            if len(sections) >= SECTIONS_FOR_PARENT:
                totals[parent] = max(totals.values()) + ASK_BONUS
            elif len(sections) == 1:
                totals[next(iter(sections))] += NAMED_SECTION_BONUS
        return set(named)

    def _lift_family(self, tokens: list[_Token], named: set[int], totals: dict[int, float]) -> None:
        """A word the sections share in their titles ("scan"), with no section named ("welke scans
        krijg ik?"), is about the chapter that holds them all: lift it as a section named is lifted."""
        lifted: set[int] = set()
        for token in tokens:
            if token.weight >= 1.0:
                for term, weight in token.candidates:
                    parent = self._families.get(term)
                    if weight >= 1.0 and parent is not None and parent not in named | lifted:
                        totals[parent] += NAMED_SECTION_BONUS
                        lifted.add(parent)

    def _importance(self, token: _Token) -> float:
        """How much a token says: idf of its own stem, or the most for words no chapter has."""
        term, _ = token.candidates[0]
        if token.other_topic:
            return OTHER_TOPIC_IMPORTANCE * self._max_idf
        if term.isdigit():
            return 0.5  # "38,5" or a date says little about the topic
        return self._idf.get(term, UNKNOWN_IMPORTANCE * self._max_idf)

    def _passage(self, chapter: int, tokens: list[_Token], answer: frozenset[str]) -> str:
        """The sentences of `chapter` that answer: each scores the words it shares with the question (a
        word of the chapter's title counts less: it says which chapter, not which sentence), more for
        its own answer words (search.yaml), and more again for the words that answer the ask."""
        in_text, in_answers = self._unit_index[chapter]
        title = self._title_parts[chapter]
        size = len(self._units[chapter])
        scores = [0.0] * size
        for token in tokens:
            weight = token.weight * (TITLE_IN_PASSAGE if token.candidates[0][0] in title else 1.0)
            best: dict[int, float] = {}
            answered: set[int] = set()
            for term, w in token.candidates:
                value = w * self._idf.get(term, 0.0)
                for unit in in_text.get(term, ()):
                    if value > best.get(unit, 0.0):
                        best[unit] = value
                answered.update(in_answers.get(term, ()))
            for unit, value in best.items():
                scores[unit] += weight * value
            for unit in answered:
                scores[unit] += ANSWER_WORD_BONUS * weight
        if answer:
            terms = self._unit_terms[chapter]
            for unit in range(size):
                scores[unit] += ANSWER_WEIGHT * min(len(answer & terms[unit]), ASK_ANSWERS)
        return best_passage(
            self.content.chapters[chapter].text, self._units[chapter], scores.__getitem__, self._spans[chapter]
        )

    def _asked(
        self, all_words: list[str], taken: set[int]
    ) -> tuple[dict[int, float], dict[int, set[int]], frozenset[str]]:
        """Lift per chapter that answers what the question asks, the positions of the words that ask it
        (with the chapters that answer them), and the terms of the sentence that would answer it. The
        words of a described thing (`taken`: "wat willen jullie bereiken") ask nothing ("jullie bereiken")."""
        lift: dict[int, float] = {}
        used: dict[int, set[int]] = defaultdict(set)
        answer: set[str] = set()
        # A verb in an ask matches its other forms too ("verzetten": "verzet", "verplaatst", "afgezegd").
        forms = [frozenset() if i in taken else frozenset(infinitives(w)) for i, w in enumerate(all_words)]
        for form in {f for word_forms in forms for f in word_forms}:
            for phrase, chapters, weight, answer_terms in self._asks.get(form, ()):
                at = _find(forms, phrase)
                if at:
                    for chapter in chapters:
                        lift[chapter] = max(lift.get(chapter, 0.0), weight * ASK_BONUS)
                    for position in at:
                        used[position].update(chapters)
                    answer |= answer_terms
        return lift, used, frozenset(answer)

    def _context(self, all_words: list[str], kept: list[int]) -> set[int]:
        """Positions of topic words that only set the scene: the first one after a context marker."""
        context: set[int] = set()
        kept_at = set(kept)
        for i, word in enumerate(all_words):
            if word in self._markers:
                after = next((j for j in range(i + 1, i + 1 + CONTEXT_REACH) if j in kept_at), None)
                if after is not None:
                    context.add(after)
        return context if len(context) < len(kept) else set()

    def _sense(self, all_stems: list[str], every: set[str], position: int) -> tuple[str, ...]:
        """The terms the word at `position` means here, when a sense rule applies; () otherwise."""
        for near, means, within in self._senses.get(all_stems[position], ()):
            if within is None:
                found = not near.isdisjoint(every)
            else:
                found = any(s in near for s in all_stems[max(position - within, 0) : position + within + 1])
            if found:
                return means
        return ()

    def _analyse(self, question: str) -> _Query:
        """Content tokens of the question, each with its weighted candidate terms, and what it asks."""
        all_words = self._respeller.respell(words(question))
        lang: QueryLang = guess_lang(all_words)
        forms = [self._forms(w) if w else frozenset() for w in all_words]
        described, consumed, next_answer = self._described(forms)
        positions = [
            i
            for i, w in enumerate(all_words)
            if w
            and i not in consumed
            and not is_stop(w, lang)
            and not (lang == "en" and w in NL_STOP)
            and w not in self._markers
        ]
        joins, forced = self._separable_verbs(all_words, set(positions))
        positions = sorted({*positions, *(forced - consumed), *described})
        context = self._context(all_words, positions)
        asked, answered_by, answer = self._asked(all_words, consumed)
        answer |= next_answer
        asking = set(answered_by)
        if all(p in asking for p in positions):
            asking = set()  # "welk nummer?" alone: the ask is all there is to search on
        stems = {stem_nl(all_words[i]) for i in positions if i not in described}
        all_stems = [stem_nl(w) for w in all_words]
        every = set(all_stems)
        tokens: list[_Token] = []
        at: list[int] = []  # the position of each token in the question
        for position in positions:
            factor = CONTEXT_WEIGHT if position in context else ASK_WORD_WEIGHT if position in asking else 1.0
            if position in described:
                for term in described[position]:
                    tokens.append(_Token(term, factor))
                    at.append(position)
                continue
            at.append(position)
            chapters = frozenset(answered_by.get(position, ()))
            tokens.append(
                self._token(all_words, position, lang, factor, chapters, (joins, forced), (stems, every, all_stems))
            )
        tokens = self._with_phrases(tokens, every)
        tokens = self._beyond_subject(tokens)
        words_of = self._with_phrases(
            [
                self._token(all_words, p, lang, 1.0, frozenset(), (joins, forced), (stems, every, all_stems))
                for p in sorted(consumed)
                if all_words[p] and not is_stop(all_words[p], lang) and all_words[p] not in self._markers
            ],
            every,
        )
        return _Query(self._focus(question, at, tokens, asking), asked, answer, tuple(words_of))

    def _token(
        self,
        all_words: list[str],
        position: int,
        lang: QueryLang,
        factor: float,
        chapters: frozenset[int],
        verbs: tuple[dict[int, list[str]], set[int]],
        seen: tuple[set[str], set[str], list[str]],
    ) -> _Token:
        """The token of the word at `position`: its candidate terms with their weights. `chapters` answer
        the ask the word is part of; `seen` holds the question's stems (its topic words', all of them, all in order)."""
        word = all_words[position]
        joins, forced = verbs
        stems, every, all_stems = seen
        if stem_nl(word) in self._other_topics or any(
            stem_nl(part) in self._other_topics for part in self._splitter.split(word)
        ):
            return _Token(((stem_nl(word), 1.0),), factor, other_topic=True)
        sense = self._sense(all_stems, every, position)
        if sense:
            return _Token(tuple((term, 1.0) for term in sense), factor)
        cands: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if weight > cands.get(term, 0.0):
                cands[term] = weight

        own = 1.0 if lang == "nl" else Q_OTHER_LANG
        add(stem_nl(word.replace("-", "")), own)
        add(stem_en(word.replace("-", "")), 1.0 if lang == "en" else Q_OTHER_LANG)
        parts = self._splitter.split(word)
        for part in parts:
            add(stem_nl(part), own * (1.0 if "-" in word else Q_PART))
            if lang == "en":
                add(stem_en(part), Q_PART)
        if position in forced:  # a stop word ("komt ... op") only as part of its separable verb
            return _Token(tuple((stem_nl(j), own) for j in joins[position]), factor)
        for joined in joins.get(position, ()):
            add(stem_nl(joined), own)
        if not parts and not self._splitter.knows(word):
            # A real word is never a typo ("lenen" is not "lezen"), but its d/t ending may be wrong.
            fixes = self._splitter.spelling(word) if is_real_word(word) else self._splitter.near(word)
            sure = len(fixes) == 1 and len(word) >= SURE_TYPO_LENGTH
            for near in fixes:
                add(stem_nl(near), own * (Q_SURE_TYPO if sure else Q_TYPO))
        for source, weight in list(cands.items()):
            for target in self._synonyms.get((source,), ()):
                add(target, weight * Q_SYNONYM)
        for phrase, targets in self._multi_synonyms.get(stem_nl(word), ()):
            if stems.issuperset(phrase):
                for target in targets:
                    add(target, own * Q_SYNONYM)
        ordered = sorted(cands.items(), key=lambda kv: -kv[1])
        if factor == ASK_WORD_WEIGHT and len(chapters) == 1 and self._matches(ordered, next(iter(chapters))):
            factor = 1.0  # the topic of the one chapter the ask is about ("mail" in "een mail sturen")
        return _Token(tuple(ordered), factor, answered_by=chapters)

    def _described(
        self, forms: list[frozenset[str]]
    ) -> tuple[dict[int, list[tuple[tuple[str, float], ...]]], set[int], frozenset[str]]:
        """The things the question describes instead of naming ("de vergadering waar de dokters over mij
        praten": the MDO) and where it says the patient stands ("alle scans zijn klaar") when it asks a
        vague "wat nu?": per first position of such a phrase, the tokens it stands for; the positions of
        all its words, which then count for nothing else; the answer words of the next stage."""
        out: dict[int, list[tuple[tuple[str, float], ...]]] = {}
        matches = self._descriptions.find(forms) if self._descriptions else []
        vague = self._journey_asks.find(forms) if self._journey_asks else []
        if vague:
            matches += self._stages.find(forms)
        taken: dict[int, str] = {}  # position -> the value of the phrase that took it
        for match in matches:
            overlap = {taken[p] for p in match.positions if p in taken}
            if overlap:
                if overlap == {match.value}:  # another way of saying the same thing: its words are taken too
                    taken.update(dict.fromkeys(match.positions, match.value))
                continue  # a longer phrase already took these words
            taken.update(dict.fromkeys(match.positions, match.value))
            if self._stands_for[match.value]:
                out.setdefault(match.positions[0], []).extend(self._stands_for[match.value])
        used = set(taken)
        stages = {value for value in taken.values() if value.startswith(NEXT)}
        if stages:
            for match in vague:
                used.update(match.positions)  # "wat gebeurt er nu" asked for the next stage; it is no topic
        answer = frozenset(term for value in stages for term in self._stage_answers.get(value, ()))
        return out, used, answer

    def _forms(self, word: str) -> frozenset[str]:
        return self._forms_cache(word)

    def _matches(self, candidates: list[tuple[str, float]], chapter: int) -> bool:
        """Whether one of the candidate terms occurs in the chapter."""
        return any(chapter in self._postings.get(term, {}) for term, _ in candidates)

    def _separable_verbs(self, all_words: list[str], kept: set[int]) -> tuple[dict[int, list[str]], set[int]]:
        """Known separable verbs the question splits ("valt ... af": afvallen), by the position of the
        token that gets them: the verb, else its particle ("komen ... terecht": on "terecht"), else the
        verb as a token of its own (returned as forced too). The particle stands after the verb in the
        same clause, or written apart just before it ("af zeggen")."""
        joins: dict[int, list[str]] = defaultdict(list)
        forced: set[int] = set()
        for i, verb in enumerate(all_words):
            if verb in PARTICLES or len(verb) < 2:
                continue
            after = range(i + 1, min(i + 1 + PARTICLE_REACH, len(all_words)))
            before = [i - 1] if i and all_words[i - 1] in PARTICLES else []
            for j in [*after, *before]:
                if all_words[j] not in PARTICLES:
                    continue
                joined = self._splitter.separable(verb, all_words[j])
                if not joined:
                    continue
                at = i if i in kept else j if j in kept else i
                if at not in kept:
                    forced.add(at)
                if joined not in joins[at]:
                    joins[at].append(joined)
        return dict(joins), forced

    def _is_setting(self, token: _Token, phrases: set[str]) -> bool:
        """A word of the hospital setting that completes none of the question's keyword phrases."""
        stem = token.candidates[0][0]
        return stem in self._setting and not any(term in phrases for term, _ in self._phrases.get(stem, ()))

    def _beyond_subject(self, tokens: list[_Token]) -> list[_Token]:
        """Weigh down the words of the folder's subject when the question has other topic words."""
        if not self._subject:
            return tokens
        about = [t.candidates[0][0] in self._subject for t in tokens]
        if not any(
            not is_subject and not t.other_topic and any(term in self._postings for term, _ in t.candidates)
            for t, is_subject in zip(tokens, about, strict=True)
        ):
            return tokens
        return [
            replace(t, rank_weight=SUBJECT_WEIGHT, subject=True) if is_subject else t
            for t, is_subject in zip(tokens, about, strict=True)
        ]

    def _with_phrases(self, tokens: list[_Token], question_stems: set[str]) -> list[_Token]:
        """Give the first token of each keyword phrase the question completes ("stuk" ... "minder") the
        phrase as a candidate, with the weight its word has. The question's stop words count for
        completing a phrase ("slecht horen": "ik hoor slecht")."""
        terms = [{term: weight for term, weight in t.candidates} for t in tokens]
        every = set(question_stems).union(*terms)
        extra: dict[int, dict[str, float]] = defaultdict(dict)
        seen: set[str] = set()
        for i, cands in enumerate(terms):
            for stem, weight in cands.items():
                for phrase, needs in self._phrases.get(stem, ()):
                    if phrase not in seen and needs <= every:
                        seen.add(phrase)
                        extra[i][phrase] = weight
        if not extra:
            return tokens
        out: list[_Token] = []
        for i, token in enumerate(tokens):
            if i in extra:
                merged = dict(token.candidates)
                for phrase, weight in extra[i].items():
                    merged[phrase] = max(weight, merged.get(phrase, 0.0))
                token = replace(token, candidates=tuple(sorted(merged.items(), key=lambda kv: -kv[1])))
            out.append(token)
        return out

    def _focus(self, question: str, positions: list[int], tokens: list[_Token], ask_words: set[int]) -> list[_Token]:
        # `positions` holds the position of each token (a described thing may give several at one position).
        """Weigh down the topic words of the story around the question, when the question has its own
        (more than the words of an ask: "welk nummer bel ik?" is about the story)."""
        asking = question_positions(question)
        if asking is None:
            return tokens
        if not any(
            p in asking
            and p not in ask_words
            and not t.other_topic
            and any(term in self._postings for term, _ in t.candidates)
            for p, t in zip(positions, tokens, strict=True)
        ):
            return tokens
        return [
            t if p in asking else replace(t, weight=t.weight * STORY_WEIGHT)
            for p, t in zip(positions, tokens, strict=True)
        ]


def _find(sentence: list[frozenset[str]], phrase: tuple[str, ...]) -> list[int]:
    """Positions of the phrase's words, in order with at most ASK_GAP other words between two; [] if absent.
    Each word of the sentence comes with the forms it may stand for."""
    if not phrase:
        return []
    for start, forms in enumerate(sentence):
        if phrase[0] not in forms:
            continue
        found = [start]
        for part in phrase[1:]:
            window = sentence[found[-1] + 1 : found[-1] + 2 + ASK_GAP]
            at = next((i for i, forms_here in enumerate(window) if part in forms_here), None)
            if at is None:
                break
            found.append(found[-1] + 1 + at)
        if len(found) == len(phrase):
            return found
    return []


def _section_names(content: Content) -> dict[int, frozenset[str]]:
    """Per section, the stems that name it: its title words, without those its siblings share ("scan")."""
    own: dict[int, set[str]] = {}
    for i, chapter in enumerate(content.chapters):
        if chapter.parent:
            title = _content_words(chapter.title, NL_STOP)
            own[i] = {stem_nl(w.replace("-", "")) for w in title} | {stem_nl(p) for w in title for p in w.split("-")}
    shared = Counter(term for terms in own.values() for term in terms)
    return {i: frozenset(t for t in terms if shared[t] == 1) for i, terms in own.items()}


def _phrases(keywords: Iterable[str], keywords_en: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The keywords of several words ("stuk minder", "clinical trial"): phrase term -> the stems it needs."""
    out: dict[str, tuple[str, ...]] = {}
    for stop, stem, found in ((NL_STOP, _stem_nl_word, keywords), (EN_STOP, stem_en, keywords_en)):
        for keyword in found:
            stems = tuple(stem(w) for w in _content_words(keyword, stop))
            if len(set(stems)) >= 2:
                out[PHRASE_MARK + " ".join(stems)] = stems
    return out


def _single_stems(keywords: Iterable[str], keywords_en: Iterable[str]) -> set[str]:
    """Stems of the keywords of one word, which count in full even when a phrase has them too."""
    out: set[str] = set()
    for stop, stem, found in ((NL_STOP, _stem_nl_word, keywords), (EN_STOP, stem_en, keywords_en)):
        for keyword in found:
            content = _content_words(keyword, stop)
            if len(content) == 1:
                out.add(stem(content[0]))
    return out


def _stem_nl_word(word: str) -> str:
    return stem_nl(word.replace("-", ""))


def _family_words(content: Content) -> dict[str, int]:
    """Stems that the titles of two or more sections of one chapter share ("scan"), with that chapter."""
    position = {c.id: i for i, c in enumerate(content.chapters)}
    count: Counter[tuple[str, int]] = Counter()
    for chapter in content.chapters:
        if chapter.parent in position:
            title = _content_words(chapter.title, NL_STOP)
            stems = {stem_nl(p) for w in title for p in w.split("-")}
            count.update((stem, position[chapter.parent]) for stem in stems)
    return {stem: parent for (stem, parent), n in count.items() if n >= 2}


def _content_words(text: str, stop: frozenset[str]) -> list[str]:
    return [w for w in words(text) if w not in stop]


def _synonym_table(vocab: SearchVocabulary) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Stemmed phrase -> stems it also means. Groups work both ways, mappings one way."""
    table: dict[tuple[str, ...], set[str]] = defaultdict(set)

    def stems(phrase: str) -> tuple[str, ...]:
        return tuple(stem_nl(w) for w in _content_words(phrase, NL_STOP))

    for group in vocab.groups:
        for member in group:
            for other in group:
                if other != member:
                    table[stems(member)].update(stems(other))
    for source, targets in vocab.mappings.items():
        for target in targets:
            table[stems(source)].update(stems(target))
    return {k: tuple(sorted(v - set(k))) for k, v in table.items() if k}


def _answer_phrases(answers: Iterable[Answer]) -> dict[str, tuple[str, ...]]:
    """The answer words of several words ("groeit terug"): phrase term -> the stems it needs."""
    out: dict[str, tuple[str, ...]] = {}
    for answer in answers:
        for phrase in answer.words:
            stems = tuple(_stem_nl_word(w) for w in _content_words(phrase, NL_STOP))
            if len(set(stems)) >= 2:
                out[PHRASE_MARK + " ".join(stems)] = stems
    return out


def _answer_terms(answer: Answer) -> frozenset[str]:
    """The terms a question may share with a sentence's answer words: the phrase terms of the phrases, and
    the stem of an entry with one word that counts in its language ("hoeveel mensen": "mensen")."""
    terms: set[str] = set(_answer_phrases((answer,)))
    for phrase in answer.words:
        for stop, stem in ((NL_STOP, stem_nl), (EN_STOP, stem_en)):
            content = _content_words(phrase, stop)
            if len(content) == 1:
                terms.add(stem(content[0]))
    return frozenset(terms)


# Words in capitals in the folder ("CT", "MRI", "MDO"): what a run of spoken letter names may spell.
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def _readers(
    content: Content,
    vocab: SearchVocabulary,
    lexicon: set[str],
    units: list[tuple[Unit, ...]],
    synonyms: dict[tuple[str, ...], tuple[str, ...]],
    statistics: tuple[dict[str, float], dict[str, dict[int, float]]],
    title_parts: list[frozenset[str]],
) -> _Readers:
    """Build what reads a question before ranking; adds the terms of the journey's stages to the index
    (`statistics`: its idf and postings)."""
    idf, postings = statistics
    acronyms = {m.lower() for c in content.chapters for t in (c.title, c.text) for m in _ACRONYM.findall(t)}
    # Short keywords too ("seh", "metc"): nobody spells out a real word letter by letter, so "kuur" does no harm.
    acronyms |= {
        w for entry in vocab.chapters.values() for k in entry.keywords for w in words(k) if len(w) <= 4 and w.isalpha()
    }
    respeller = Respeller(lexicon, acronyms, is_real_word, NL_STOP | EN_STOP)
    stands_for: dict[str, list[tuple[tuple[str, float], ...]]] = {}
    described: list[tuple[str, str]] = []
    for number, description in enumerate(vocab.descriptions):
        key = f"described:{number}"
        tokens: list[tuple[tuple[str, float], ...]] = []
        for means in description.means:
            for word in _content_words(means, NL_STOP):
                stem = _stem_nl_word(word)
                tokens.append(((stem, 1.0), *((t, Q_SYNONYM) for t in synonyms.get((stem,), ()) if t != stem)))
        stands_for[key] = tokens
        described += [(phrase, key) for phrase in description.says]
    # "de dokter zei ...": who said it is not what is asked; these words count for nothing.
    stands_for[REPORTED] = []
    described += [(phrase, REPORTED) for phrase in vocab.reported]
    position = {c.id: i for i, c in enumerate(content.chapters)}
    top = max(idf.values(), default=1.0)
    stages: list[tuple[str, str]] = []
    stage_answers: dict[str, frozenset[str]] = {}
    for stage in vocab.journey.stages:
        term = NEXT + stage.next
        idf[term] = top
        postings[term] = {position[stage.next]: JOURNEY_WEIGHT * top}
        stands_for[term] = [((term, 1.0),)]
        stages += [(phrase, term) for phrase in stage.after]
        stage_answers[term] = frozenset(stem_nl(w) for a in stage.answer for w in _content_words(a, NL_STOP))
    unit_answers: list[list[frozenset[str]]] = []
    for chapter, chapter_units in zip(content.chapters, units, strict=True):
        found: list[frozenset[str]] = [frozenset()] * len(chapter_units)
        entry = vocab.chapters.get(chapter.id)
        for answer in entry.answers if entry else ():
            for i, unit in enumerate(chapter_units):
                if answer.sentence in chapter.text[unit.start : unit.end]:
                    found[i] = found[i] | _answer_terms(answer)
        unit_answers.append(found)
    stop = NL_STOP | EN_STOP
    return _Readers(
        respeller,
        PhraseMatcher(described, stop),
        PhraseMatcher(((phrase, "vague") for phrase in vocab.journey.asks), stop),
        PhraseMatcher(stages, stop),
        stands_for,
        unit_answers,
        stage_answers,
        title_parts,
    )


def _inverted(units: list[frozenset[str]]) -> dict[str, tuple[int, ...]]:
    """Term -> the units that have it."""
    found: dict[str, list[int]] = defaultdict(list)
    for i, terms in enumerate(units):
        for term in terms:
            found[term].append(i)
    return {term: tuple(at) for term, at in found.items()}
