"""Reading a question: its words respelled, the things it describes, what it asks, which words only
set the scene or tell the story around the question, and per content word a token with its weighted
candidate terms (`tokens.py`). Ranking (`rank.py`) counts every token once per chapter, with its best
candidate, so a compound or a synonym group never counts twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.search.build import AskRule, IndexData
from bot.search.describe import question_forms
from bot.search.readers import Candidates
from bot.search.text import (
    NL_STOP,
    PARTICLES,
    QueryLang,
    guess_lang,
    infinitives,
    is_stop,
    question_positions,
    stem_nl,
    words,
)
from bot.search.tokens import QuestionWords, Token, TokenMaker, Verbs
from bot.search.weights import (
    ASK_BONUS,
    ASK_GAP,
    ASK_WORD_WEIGHT,
    CONTEXT_REACH,
    CONTEXT_WEIGHT,
    NEXT,
    PARTICLE_REACH,
    STORY_WEIGHT,
    SUBJECT_WEIGHT,
)

__all__ = ["Query", "QueryReader", "Token"]


@dataclass(frozen=True)
class Query:
    """A question as the ranking reads it."""

    tokens: list[Token]
    asked: dict[int, float]  # lift for the chapters that answer what the question asks
    answer: frozenset[str]  # terms of the sentence that answers the ask ("belt", "minuten")
    # The words of the things described ("een stukje weefsel"): the ranking counts what they name
    # (the punctie), the choice of the sentence counts the words too.
    described: tuple[Token, ...] = ()
    # Per token: a word of the hospital setting that completes none of the question's keyword phrases
    # (only worked out for a question of more than one token).
    setting: tuple[bool, ...] = ()


@dataclass(frozen=True)
class _AskPhrase:
    """One phrase of an ask, as words."""

    words: tuple[str, ...]
    rule: AskRule


@dataclass(frozen=True)
class _Described:
    """What the question describes instead of naming, and where it says the patient stands."""

    tokens: dict[int, list[Candidates]]  # per first position of such a phrase: the tokens it stands for
    taken: set[int]  # the positions of all its words, which then count for nothing else
    answer: frozenset[str]  # the answer words of the next stage


@dataclass(frozen=True)
class _Asked:
    """What the question asks."""

    lift: dict[int, float]  # per chapter that answers it
    answered_by: dict[int, set[int]]  # per position of a word that asks it: the chapters that answer it
    answer: frozenset[str]  # the terms of the sentence that would answer it


class QueryReader:
    """Reads questions for one index; keeps a cache of the forms of the words it has seen."""

    def __init__(self, data: IndexData) -> None:
        readers = data.readers
        self._splitter = data.splitter
        self._postings = data.postings
        self._markers = data.markers
        self._subject = data.subject
        self._respeller = readers.respeller
        self._descriptions = readers.descriptions
        self._journey_asks = readers.journey_asks
        self._stages = readers.stages
        self._stands_for = readers.stands_for
        self._stage_answers = readers.stage_answers
        # Ask phrases by their first word, so a question only tries the phrases that can start in it.
        self._asks: dict[str, list[_AskPhrase]] = defaultdict(list)
        for rule in data.asks:
            for phrase in rule.phrases:
                if phrase:
                    self._asks[phrase[0]].append(_AskPhrase(phrase, rule))
        self._tokens = TokenMaker(data)
        single = {k[0]: v for k, v in data.synonyms.items() if len(k) == 1}

        def forms(word: str) -> frozenset[str]:
            return question_forms(word, lambda stem: single.get(stem, ()))

        self._forms: Callable[[str], frozenset[str]] = lru_cache(maxsize=16384)(forms)

    def read(self, question: str) -> Query:
        """Content tokens of the question, each with its weighted candidate terms, and what it asks."""
        all_words = self._respeller.respell(words(question))
        lang: QueryLang = guess_lang(all_words)
        described = self._described([self._forms(w) if w else frozenset() for w in all_words])
        consumed = described.taken
        positions = [
            i
            for i, w in enumerate(all_words)
            if w
            and i not in consumed
            and not is_stop(w, lang)
            and not (lang == "en" and w in NL_STOP)
            and w not in self._markers
        ]
        verbs = self._separable_verbs(all_words, set(positions))
        positions = sorted({*positions, *(verbs.forced - consumed), *described.tokens})
        context = self._context(all_words, positions)
        asked = self._asked(all_words, consumed)
        answer = asked.answer | described.answer
        asking = set(asked.answered_by)
        if all(p in asking for p in positions):
            asking = set()  # "welk nummer?" alone: the ask is all there is to search on
        all_stems = [stem_nl(w) for w in all_words]
        seen = QuestionWords(
            all_words,
            lang,
            verbs,
            {stem_nl(all_words[i]) for i in positions if i not in described.tokens},
            set(all_stems),
            all_stems,
        )
        tokens: list[Token] = []
        at: list[int] = []  # the position of each token in the question
        for position in positions:
            factor = CONTEXT_WEIGHT if position in context else ASK_WORD_WEIGHT if position in asking else 1.0
            if position in described.tokens:
                for candidates in described.tokens[position]:
                    tokens.append(Token(candidates, factor))
                    at.append(position)
                continue
            at.append(position)
            tokens.append(self._tokens.token(seen, position, factor, frozenset(asked.answered_by.get(position, ()))))
        tokens = self._beyond_subject(self._tokens.with_phrases(tokens, seen.every))
        words_of = self._tokens.with_phrases(
            [
                self._tokens.token(seen, p, 1.0, frozenset())
                for p in sorted(consumed)
                if all_words[p] and not is_stop(all_words[p], lang) and all_words[p] not in self._markers
            ],
            seen.every,
        )
        tokens = self._focus(question, at, tokens, asking)
        return Query(tokens, asked.lift, answer, tuple(words_of), self._tokens.settings(tokens))

    def _asked(self, all_words: list[str], taken: set[int]) -> _Asked:
        """Lift per chapter that answers what the question asks, the positions of the words that ask it
        (with the chapters that answer them), and the terms of the sentence that would answer it. The
        words of a described thing (`taken`: "wat willen jullie bereiken") ask nothing ("jullie bereiken")."""
        lift: dict[int, float] = {}
        used: dict[int, set[int]] = defaultdict(set)
        answer: set[str] = set()
        # A verb in an ask matches its other forms too ("verzetten": "verzet", "verplaatst", "afgezegd").
        forms = [frozenset() if i in taken else frozenset(infinitives(w)) for i, w in enumerate(all_words)]
        for form in {f for word_forms in forms for f in word_forms}:
            for ask in self._asks.get(form, ()):
                at = _find(forms, ask.words)
                if at:
                    rule = ask.rule
                    for chapter in rule.chapters:
                        lift[chapter] = max(lift.get(chapter, 0.0), rule.weight * ASK_BONUS)
                    for position in at:
                        used[position].update(rule.chapters)
                    answer |= rule.answer
        return _Asked(lift, used, frozenset(answer))

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

    def _described(self, forms: list[frozenset[str]]) -> _Described:
        """The things the question describes instead of naming ("de vergadering waar de dokters over mij
        praten": the MDO) and where it says the patient stands ("alle scans zijn klaar") when it asks a
        vague "wat nu?": per first position of such a phrase, the tokens it stands for; the positions of
        all its words, which then count for nothing else; the answer words of the next stage."""
        out: dict[int, list[Candidates]] = {}
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
        return _Described(out, used, answer)

    def _separable_verbs(self, all_words: list[str], kept: set[int]) -> Verbs:
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
        return Verbs(dict(joins), forced)

    def _beyond_subject(self, tokens: list[Token]) -> list[Token]:
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

    def _focus(self, question: str, positions: list[int], tokens: list[Token], ask_words: set[int]) -> list[Token]:
        """Weigh down the topic words of the story around the question, when the question has its own
        (more than the words of an ask: "welk nummer bel ik?" is about the story). `positions` holds the
        position of each token (a described thing may give several at one position)."""
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
