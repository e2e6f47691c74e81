"""Ranking a read question (`query.Query`) against the index: BM25 per token with its best candidate,
lifts for the chapter a question names and for what it asks, the confidence (coverage and score), and
the sentences to quote from the best chapter."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from bot.content.model import Content
from bot.search.build import IndexData
from bot.search.passage import best_passage, companions
from bot.search.query import Query, Token
from bot.search.result import Hit, SearchResult
from bot.search.terms import content_words
from bot.search.text import NL_STOP, stem_nl
from bot.search.weights import (
    ANSWER_WEIGHT,
    ANSWER_WORD_BONUS,
    ASK_ANSWERS,
    ASK_BONUS,
    MIN_COVERAGE,
    MIN_SCORE,
    NAMED_SECTION_BONUS,
    OTHER_TOPIC_IMPORTANCE,
    SECTIONS_FOR_PARENT,
    STRONG_COVERAGE,
    STRONG_SCORE,
    TITLE_BONUS,
    TITLE_IN_PASSAGE,
    UNKNOWN_IMPORTANCE,
)


@dataclass(frozen=True)
class _Scores:
    """A question's scores per chapter."""

    per_token: list[dict[int, float]]  # per token: its score in each chapter it found
    totals: dict[int, float]  # with every lift: what ranks the chapters
    base: dict[int, float]  # the topic words only (the subject in full): what the confidence counts


@dataclass(frozen=True)
class _UnitIndex:
    """Per chapter: term -> the units whose words (or whose own answer words) have it, and term -> the
    units whose own answer words have it."""

    in_text: dict[str, tuple[int, ...]]
    in_answers: dict[str, tuple[int, ...]]


class Ranker:
    """Ranks questions read for one index."""

    def __init__(self, data: IndexData) -> None:
        content = data.content
        self._content = content
        self._ids = [c.id for c in content.chapters]
        self._postings = data.postings
        self._idf = data.idf
        self._max_idf = max(data.idf.values(), default=1.0)
        self._units = data.units
        self._unit_terms = data.unit_terms
        self._spans = [companions(c.text, u) for c, u in zip(content.chapters, data.units, strict=True)]
        self._title_terms = data.title_terms
        self._title_parts = data.readers.title_parts
        position = {c.id: i for i, c in enumerate(content.chapters)}
        self._parent = {i: position[c.parent] for i, c in enumerate(content.chapters) if c.parent in position}
        self._names = _section_names(content)
        self._families = _family_words(content)
        self._unit_index = [
            _UnitIndex(_inverted([t | a for t, a in zip(chapter_terms, answers, strict=True)]), _inverted(answers))
            for chapter_terms, answers in zip(data.unit_terms, data.readers.unit_answers, strict=True)
        ]

    def rank(self, query: Query, limit: int) -> SearchResult:
        """The best `limit` chapters for the question; the passage comes from the best chapter."""
        tokens = query.tokens
        if not tokens and not query.asked:
            return SearchResult((), "", False)
        scores = self._scores(query)
        totals = scores.totals
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[: max(limit, 1)]
        hits = tuple(Hit(self._ids[i], round(s, 3)) for i, s in ranked if s > 0)
        if not hits:
            return SearchResult((), "", False)
        top = ranked[0][0]
        coverage = self._coverage(query, scores.per_token, top)
        base = scores.base
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

    def _scores(self, query: Query) -> _Scores:
        """Each token counts once per chapter, with its best candidate; then the lifts."""
        tokens = query.tokens
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
        return _Scores(per_token, totals, base)

    def _coverage(self, query: Query, per_token: list[dict[int, float]], top: int) -> float:
        """The share of the question's informative words that the chapter `top` has."""
        tokens = query.tokens
        # The hospital setting ("is er een kapel in het ziekenhuis") is no evidence that the folder
        # answers: beside other words it counts for nothing in the coverage, either way, unless it
        # completes a keyword phrase ("eigen ziekenhuis", "expertise ziekenhuis").
        importance = [0.0 if setting else self._importance(t) for t, setting in zip(tokens, query.setting, strict=True)]
        # A token that found a section counts for its chapter too (the chapter was lifted for it). The
        # folder's subject is what every chapter is about: it counts as found in any chapter. A word of
        # an ask ("waar zit", "welk nummer") counts as found in the chapters that answer the ask.
        matched = sum(
            imp
            for imp, best, token in zip(importance, per_token, tokens, strict=True)
            if top in best or any(self._parent.get(c) == top for c in best) or token.subject or top in token.answered_by
        )
        return matched / sum(importance) if sum(importance) else 0.0  # only an ask ("bij wie moet ik zijn?")

    def _passage_source(self, top: int, totals: dict[int, float]) -> int:
        """The chapter to quote from: `top`, or its best section when it has no text of its own."""
        if self._content.chapters[top].text.strip():
            return top
        sections = [i for i, parent in self._parent.items() if parent == top]
        return max(sections, key=lambda i: (totals.get(i, 0.0), -i), default=top)

    def _lift_parent(
        self, tokens: list[Token], per_token: list[dict[int, float]], totals: dict[int, float]
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

    def _lift_family(self, tokens: list[Token], named: set[int], totals: dict[int, float]) -> None:
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

    def _importance(self, token: Token) -> float:
        """How much a token says: idf of its own stem, or the most for words no chapter has."""
        term, _ = token.candidates[0]
        if token.other_topic:
            return OTHER_TOPIC_IMPORTANCE * self._max_idf
        if term.isdigit():
            return 0.5  # "38,5" or a date says little about the topic
        return self._idf.get(term, UNKNOWN_IMPORTANCE * self._max_idf)

    def _passage(self, chapter: int, tokens: list[Token], answer: frozenset[str]) -> str:
        """The sentences of `chapter` that answer: each scores the words it shares with the question (a
        word of the chapter's title counts less: it says which chapter, not which sentence), more for
        its own answer words (search.yaml), and more again for the words that answer the ask."""
        units = self._unit_index[chapter]
        in_text, in_answers = units.in_text, units.in_answers
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
            self._content.chapters[chapter].text, self._units[chapter], scores.__getitem__, self._spans[chapter]
        )


def _section_names(content: Content) -> dict[int, frozenset[str]]:
    """Per section, the stems that name it: its title words, without those its siblings share ("scan")."""
    own: dict[int, set[str]] = {}
    for i, chapter in enumerate(content.chapters):
        if chapter.parent:
            title = content_words(chapter.title, NL_STOP)
            own[i] = {stem_nl(w.replace("-", "")) for w in title} | {stem_nl(p) for w in title for p in w.split("-")}
    shared = Counter(term for terms in own.values() for term in terms)
    return {i: frozenset(t for t in terms if shared[t] == 1) for i, terms in own.items()}


def _family_words(content: Content) -> dict[str, int]:
    """Stems that the titles of two or more sections of one chapter share ("scan"), with that chapter."""
    position = {c.id: i for i, c in enumerate(content.chapters)}
    count: Counter[tuple[str, int]] = Counter()
    for chapter in content.chapters:
        if chapter.parent in position:
            title = content_words(chapter.title, NL_STOP)
            stems = {stem_nl(p) for w in title for p in w.split("-")}
            count.update((stem, position[chapter.parent]) for stem in stems)
    return {stem: parent for (stem, parent), n in count.items() if n >= 2}


def _inverted(units: list[frozenset[str]]) -> dict[str, tuple[int, ...]]:
    """Term -> the units that have it."""
    found: dict[str, list[int]] = defaultdict(list)
    for i, terms in enumerate(units):
        for term in terms:
            found[term].append(i)
    return {term: tuple(at) for term, at in found.items()}
