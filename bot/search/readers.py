"""What reads a question before its words are ranked, built once per index: the respeller of
speech-to-text and dialect spellings, the things patients describe instead of naming, where they stand
in their treatment; and what picks the sentence to quote beyond the words of the text (the sentences'
own answer words)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.content.model import Content
from bot.search.describe import PhraseMatcher
from bot.search.passage import Unit
from bot.search.spoken import Respeller
from bot.search.terms import answer_terms, content_words, stem_nl_word, stems_of
from bot.search.text import EN_STOP, NL_STOP, is_real_word, words
from bot.search.vocab import SearchVocabulary
from bot.search.weights import JOURNEY_WEIGHT, NEXT, Q_SYNONYM, REPORTED

# Words in capitals in the folder ("CT", "MRI", "MDO"): what a run of spoken letter names may spell.
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")

Candidate = tuple[str, float]
"""A term a question's word may stand for, with its weight relative to the word as typed."""

Candidates = tuple[Candidate, ...]
"""The terms of one token, best weight first."""


@dataclass(frozen=True)
class Readers:
    """The readers of a question and the sentences' own answer words."""

    respeller: Respeller
    descriptions: PhraseMatcher
    journey_asks: PhraseMatcher
    stages: PhraseMatcher
    # per matched value: the tokens it stands for
    stands_for: dict[str, list[Candidates]]
    # per chapter, per unit: the terms of the folder sentence's own answer words
    unit_answers: list[list[frozenset[str]]]
    # per next-stage term: the words of the sentence to quote for it
    stage_answers: dict[str, frozenset[str]]
    # per chapter: the terms of its title and their parts ("leveruitzaaiingen": lever, uitzaaiingen)
    title_parts: list[frozenset[str]]


@dataclass(frozen=True)
class Statistics:
    """The index's term statistics: idf per term, and per term the weight it has in each chapter."""

    idf: dict[str, float]
    postings: dict[str, dict[int, float]]


@dataclass(frozen=True)
class _Phrases:
    """Phrases for a PhraseMatcher, each with the value it stands for, and the tokens of those values."""

    phrases: list[tuple[str, str]]
    stands_for: dict[str, list[Candidates]]
    answers: dict[str, frozenset[str]] = field(default_factory=dict)  # per value: the words of the sentence to quote


def build_readers(
    content: Content,
    vocab: SearchVocabulary,
    lexicon: set[str],
    units: list[tuple[Unit, ...]],
    synonyms: dict[tuple[str, ...], tuple[str, ...]],
    statistics: Statistics,
    title_parts: list[frozenset[str]],
) -> Readers:
    """Build what reads a question before ranking; adds the terms of the journey's stages to the index
    (`statistics`: its idf and postings)."""
    described = _described(vocab, synonyms)
    stages = _stages(content, vocab, statistics)
    stop = NL_STOP | EN_STOP
    return Readers(
        _respeller(content, vocab, lexicon),
        PhraseMatcher(described.phrases, stop),
        PhraseMatcher(((phrase, "vague") for phrase in vocab.journey.asks), stop),
        PhraseMatcher(stages.phrases, stop),
        described.stands_for | stages.stands_for,
        _unit_answers(content, vocab, units),
        stages.answers,
        title_parts,
    )


def _respeller(content: Content, vocab: SearchVocabulary, lexicon: set[str]) -> Respeller:
    """The respeller of the folder's words, with the acronyms a run of spoken letter names may spell."""
    acronyms = {m.lower() for c in content.chapters for t in (c.title, c.text) for m in _ACRONYM.findall(t)}
    # Short keywords too ("seh", "metc"): nobody spells out a real word letter by letter, so "kuur" does no harm.
    acronyms |= {
        w for entry in vocab.chapters.values() for k in entry.keywords for w in words(k) if len(w) <= 4 and w.isalpha()
    }
    return Respeller(lexicon, acronyms, is_real_word, NL_STOP | EN_STOP)


def _described(vocab: SearchVocabulary, synonyms: dict[tuple[str, ...], tuple[str, ...]]) -> _Phrases:
    """The phrases of the things patients describe, and of who said something ("de dokter zei")."""
    stands_for: dict[str, list[Candidates]] = {}
    described: list[tuple[str, str]] = []
    for number, description in enumerate(vocab.descriptions):
        key = f"described:{number}"
        tokens: list[Candidates] = []
        for means in description.means:
            for word in content_words(means, NL_STOP):
                stem = stem_nl_word(word)
                tokens.append(((stem, 1.0), *((t, Q_SYNONYM) for t in synonyms.get((stem,), ()) if t != stem)))
        stands_for[key] = tokens
        described += [(phrase, key) for phrase in description.says]
    # "de dokter zei ...": who said it is not what is asked; these words count for nothing.
    stands_for[REPORTED] = []
    described += [(phrase, REPORTED) for phrase in vocab.reported]
    return _Phrases(described, stands_for)


def _stages(content: Content, vocab: SearchVocabulary, statistics: Statistics) -> _Phrases:
    """The phrases of where the patient stands; each stage's term goes into the index, found only in
    the chapter that comes next."""
    idf, postings = statistics.idf, statistics.postings
    position = {c.id: i for i, c in enumerate(content.chapters)}
    top = max(idf.values(), default=1.0)
    stands_for: dict[str, list[Candidates]] = {}
    stages: list[tuple[str, str]] = []
    stage_answers: dict[str, frozenset[str]] = {}
    for stage in vocab.journey.stages:
        term = NEXT + stage.next
        idf[term] = top
        postings[term] = {position[stage.next]: JOURNEY_WEIGHT * top}
        stands_for[term] = [((term, 1.0),)]
        stages += [(phrase, term) for phrase in stage.after]
        stage_answers[term] = stems_of(stage.answer)
    return _Phrases(stages, stands_for, stage_answers)


def _unit_answers(
    content: Content, vocab: SearchVocabulary, units: list[tuple[Unit, ...]]
) -> list[list[frozenset[str]]]:
    """Per chapter, per unit: the terms of the answer words search.yaml gives its sentence."""
    unit_answers: list[list[frozenset[str]]] = []
    for chapter, chapter_units in zip(content.chapters, units, strict=True):
        found: list[frozenset[str]] = [frozenset()] * len(chapter_units)
        entry = vocab.chapters.get(chapter.id)
        for answer in entry.answers if entry else ():
            for i, unit in enumerate(chapter_units):
                if answer.sentence in chapter.text[unit.start : unit.end]:
                    found[i] = found[i] | answer_terms(answer)
        unit_answers.append(found)
    return unit_answers
