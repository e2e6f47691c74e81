"""The token of one word of a question: its candidate terms with their weights (its stem, its compound
parts, a typo correction, the English stem, synonyms, a word sense, the keyword phrases the question
completes). The question reader (`query.py`) makes a token of each content word with it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from bot.search.build import IndexData
from bot.search.readers import Candidate, Candidates
from bot.search.text import QueryLang, is_real_word, stem_en, stem_nl
from bot.search.weights import (
    ASK_WORD_WEIGHT,
    PHRASE_MARK,
    Q_OTHER_LANG,
    Q_PART,
    Q_SURE_TYPO,
    Q_SYNONYM,
    Q_TYPO,
    SURE_TYPO_LENGTH,
)


@dataclass(frozen=True)
class Token:
    """One content word of a question (or one thing a description stands for) with its candidate terms."""

    candidates: Candidates  # best weight first
    weight: float = 1.0  # less for a word that only gives context
    other_topic: bool = False  # a word of a topic the folder never covers
    rank_weight: float = 1.0  # less for a word of the folder's subject, in the ranking only
    subject: bool = False  # a word of the folder's subject, with other topic words beside it
    answered_by: frozenset[int] = frozenset()  # for a word of an ask ("waar zit"): the chapters that answer it


@dataclass(frozen=True)
class _PhraseSynonym:
    """A synonym of several words ("kort adem"): its stems and the stems it also means."""

    phrase: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class _KeywordPhrase:
    """A keyword of several words as a phrase term ("~stuk minder") and the stems it needs."""

    term: str
    needs: frozenset[str]


@dataclass(frozen=True)
class Verbs:
    """The separable verbs a question splits ("valt ... af": afvallen)."""

    joins: dict[int, list[str]]  # by the position of the token that gets them
    forced: set[int]  # positions made tokens only for their verb (a particle, a stop word)


@dataclass(frozen=True)
class QuestionWords:
    """The words of one question as its tokens are made of them."""

    all_words: list[str]  # respelled, in order
    lang: QueryLang
    verbs: Verbs
    stems: set[str]  # the stems of its topic words
    every: set[str]  # the stems of all its words
    all_stems: list[str]  # ... in order


class TokenMaker:
    """Makes the tokens of questions for one index."""

    def __init__(self, data: IndexData) -> None:
        self._splitter = data.splitter
        self._postings = data.postings
        self._synonyms = data.synonyms
        self._senses = data.senses
        self._other_topics = data.other_topics
        self._setting = data.setting
        self._multi_synonyms: dict[str, list[_PhraseSynonym]] = defaultdict(list)
        for phrase, targets in data.synonyms.items():
            if len(phrase) > 1:
                self._multi_synonyms[phrase[0]].append(_PhraseSynonym(phrase, targets))
        # Keyword phrases by each of their stems, so a question only tries the phrases it can complete.
        self._phrases: dict[str, list[_KeywordPhrase]] = defaultdict(list)
        for term, stems in data.keyword_phrases.items():
            for stem in set(stems):
                self._phrases[stem].append(_KeywordPhrase(term, frozenset(stems)))

    def token(self, seen: QuestionWords, position: int, factor: float, chapters: frozenset[int]) -> Token:
        """The token of the word at `position`: its candidate terms with their weights. `chapters` answer
        the ask the word is part of."""
        word = seen.all_words[position]
        if stem_nl(word) in self._other_topics or any(
            stem_nl(part) in self._other_topics for part in self._splitter.split(word)
        ):
            return Token(((stem_nl(word), 1.0),), factor, other_topic=True)
        sense = self._sense(seen, position)
        if sense:
            return Token(tuple((term, 1.0) for term in sense), factor)
        cands: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if weight > cands.get(term, 0.0):
                cands[term] = weight

        lang = seen.lang
        own = 1.0 if lang == "nl" else Q_OTHER_LANG
        add(stem_nl(word.replace("-", "")), own)
        add(stem_en(word.replace("-", "")), 1.0 if lang == "en" else Q_OTHER_LANG)
        parts = self._splitter.split(word)
        for part in parts:
            add(stem_nl(part), own * (1.0 if "-" in word else Q_PART))
            if lang == "en":
                add(stem_en(part), Q_PART)
        joins = seen.verbs.joins
        if position in seen.verbs.forced:  # a stop word ("komt ... op") only as part of its separable verb
            return Token(tuple((stem_nl(j), own) for j in joins[position]), factor)
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
        for synonym in self._multi_synonyms.get(stem_nl(word), ()):
            if seen.stems.issuperset(synonym.phrase):
                for target in synonym.targets:
                    add(target, own * Q_SYNONYM)
        ordered = sorted(cands.items(), key=lambda kv: -kv[1])
        if factor == ASK_WORD_WEIGHT and len(chapters) == 1 and self._matches(ordered, next(iter(chapters))):
            factor = 1.0  # the topic of the one chapter the ask is about ("mail" in "een mail sturen")
        return Token(tuple(ordered), factor, answered_by=chapters)

    def _sense(self, seen: QuestionWords, position: int) -> tuple[str, ...]:
        """The terms the word at `position` means here, when a sense rule applies; () otherwise."""
        all_stems = seen.all_stems
        for rule in self._senses.get(all_stems[position], ()):
            within = rule.within
            if within is None:
                found = not rule.near.isdisjoint(seen.every)
            else:
                found = any(s in rule.near for s in all_stems[max(position - within, 0) : position + within + 1])
            if found:
                return rule.means
        return ()

    def _matches(self, candidates: list[Candidate], chapter: int) -> bool:
        """Whether one of the candidate terms occurs in the chapter."""
        return any(chapter in self._postings.get(term, {}) for term, _ in candidates)

    def with_phrases(self, tokens: list[Token], question_stems: set[str]) -> list[Token]:
        """Give the first token of each keyword phrase the question completes ("stuk" ... "minder") the
        phrase as a candidate, with the weight its word has. The question's stop words count for
        completing a phrase ("slecht horen": "ik hoor slecht")."""
        terms = [{term: weight for term, weight in t.candidates} for t in tokens]
        every = set(question_stems).union(*terms)
        extra: dict[int, dict[str, float]] = defaultdict(dict)
        seen: set[str] = set()
        for i, cands in enumerate(terms):
            for stem, weight in cands.items():
                for phrase in self._phrases.get(stem, ()):
                    if phrase.term not in seen and phrase.needs <= every:
                        seen.add(phrase.term)
                        extra[i][phrase.term] = weight
        if not extra:
            return tokens
        out: list[Token] = []
        for i, token in enumerate(tokens):
            if i in extra:
                merged = dict(token.candidates)
                for phrase_term, weight in extra[i].items():
                    merged[phrase_term] = max(weight, merged.get(phrase_term, 0.0))
                token = replace(token, candidates=tuple(sorted(merged.items(), key=lambda kv: -kv[1])))
            out.append(token)
        return out

    def settings(self, tokens: list[Token]) -> tuple[bool, ...]:
        """Per token: a word of the hospital setting that completes none of the question's keyword phrases
        ("is er een kapel in het ziekenhuis"); only for a question of more than one token."""
        if len(tokens) <= 1:
            return (False,) * len(tokens)
        phrases = {term for t in tokens for term, _ in t.candidates if term.startswith(PHRASE_MARK)}
        return tuple(self._is_setting(t, phrases) for t in tokens)

    def _is_setting(self, token: Token, phrases: set[str]) -> bool:
        """A word of the hospital setting that completes none of the question's keyword phrases."""
        stem = token.candidates[0][0]
        return stem in self._setting and not any(p.term in phrases for p in self._phrases.get(stem, ()))
