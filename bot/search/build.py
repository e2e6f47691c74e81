"""Building the index of one Content and SearchVocabulary: per chapter the weighted terms of its title,
the clinicians' keywords (Dutch and English), the answer words of its sentences and its text (BM25),
and the rules that read a question (what it asks, word senses, context markers, ...).

`build_index` returns an `IndexData`: everything `SearchIndex` needs, as one record.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.model import Chapter, Content
from bot.search.compound import Splitter
from bot.search.passage import Unit, split_units
from bot.search.readers import Readers, Statistics, build_readers
from bot.search.terms import (
    answer_phrases,
    content_words,
    keyword_phrases,
    single_stems,
    stems_of,
    synonym_table,
)
from bot.search.text import EN_STOP, NL_STOP, is_real_word, stem_en, stem_nl, words
from bot.search.vocab import ChapterKeywords, SearchVocabulary
from bot.search.weights import K1, W_ANSWER, W_KEYWORDS, W_PART, W_PHRASE_WORD, W_TITLE, B


@dataclass(frozen=True)
class AskRule:
    """An ask of search.yaml (`vocab.Ask`) as the index reads it: its phrases as words, the positions
    of the chapters that answer it, how strongly it lifts them, the stems of the sentence that answers it."""

    phrases: tuple[tuple[str, ...], ...]
    chapters: frozenset[int]
    weight: float
    answer: frozenset[str]


@dataclass(frozen=True)
class SenseRule:
    """A word sense of search.yaml (`vocab.Sense`) as the index reads it: the stems that must stand near
    the word, the stems it then means, and how far away they may stand (anywhere when None)."""

    near: frozenset[str]
    means: tuple[str, ...]
    within: int | None


@dataclass(frozen=True)
class IndexData:
    """Everything the search needs of one Content and SearchVocabulary, built by `build_index`."""

    content: Content
    vocabulary: SearchVocabulary
    splitter: Splitter  # splits a question's compounds, knows the folder's words
    postings: dict[str, dict[int, float]]  # term -> chapter -> its weight there (idf included)
    idf: dict[str, float]
    synonyms: dict[tuple[str, ...], tuple[str, ...]]  # stemmed phrase -> the stems it also means
    units: list[tuple[Unit, ...]]  # per chapter: its sentences as the passage cuts them
    unit_terms: list[list[frozenset[str]]]  # per chapter, per unit: its terms
    title_terms: list[frozenset[str]]  # per chapter: the stems of its title
    asks: tuple[AskRule, ...]
    senses: dict[str, list[SenseRule]]  # by the stem of the ambiguous word
    markers: frozenset[str]  # words after which the next topic word only sets the scene
    other_topics: frozenset[str]  # stems of topics the folder never covers
    keyword_phrases: dict[str, tuple[str, ...]]  # phrase term -> the stems it needs
    subject: frozenset[str]  # stems of the folder's subject ("lever")
    setting: frozenset[str]  # stems of the hospital setting ("ziekenhuis")
    readers: Readers


@dataclass(frozen=True)
class _ChapterWords:
    """The words of one chapter, per field, before stemming."""

    title: list[str]
    text: list[str]
    keywords: list[str]
    keywords_en: list[str]
    phrases: dict[str, tuple[str, ...]]  # phrase term -> its stems
    answer_words: list[tuple[str, bool]]  # the words its sentences answer, alone or not
    answer_phrases: dict[str, tuple[str, ...]]
    single: set[str]  # the stems of its keywords of one word


def build_index(content: Content, vocab: SearchVocabulary) -> IndexData:
    """Index every chapter's title, keywords and text."""
    chapters = content.chapters
    found = [_chapter_words(chapter, vocab.chapters.get(chapter.id)) for chapter in chapters]
    lexicon = _lexicon(found, vocab)
    # The folder's own compounds split into any known tail ("terugbelafspraak": terugbel + afspraak);
    # a question's only when the head is a real word too ("uitkering" is no "uitke" + "ring").
    folder_splitter = Splitter(lexicon)
    splitter = Splitter(lexicon, is_real_word)
    statistics = _statistics(_fields(found, folder_splitter))
    synonyms = synonym_table(vocab)
    units = [split_units(c.text) for c in chapters]
    unit_terms = [
        [frozenset(_bag(content_words(c.text[u.start : u.end], NL_STOP), folder_splitter)) for u in chapter_units]
        for c, chapter_units in zip(chapters, units, strict=True)
    ]
    title_terms = [frozenset(stem_nl(w.replace("-", "")) for w in f.title) for f in found]
    title_parts = [frozenset(_bag(f.title, folder_splitter)) for f in found]
    position = {c.id: i for i, c in enumerate(chapters)}
    asks = tuple(
        AskRule(
            tuple(tuple(words(p)) for p in ask.phrases),
            frozenset(position[c] for c in ask.chapters if c in position),
            ask.weight,
            stems_of(ask.answer),
        )
        for ask in vocab.asks
    )
    senses: dict[str, list[SenseRule]] = defaultdict(list)
    for sense in vocab.senses:
        near = frozenset(stem_nl(w) for n in sense.near for w in words(n))
        means = tuple(stem_nl(w) for m in sense.means for w in content_words(m, NL_STOP))
        senses[stem_nl(sense.word)].append(SenseRule(near, means, sense.within))
    readers = build_readers(content, vocab, lexicon, units, synonyms, statistics, title_parts)
    return IndexData(
        content=content,
        vocabulary=vocab,
        splitter=splitter,
        postings=dict(statistics.postings),
        idf=statistics.idf,
        synonyms=synonyms,
        units=units,
        unit_terms=unit_terms,
        title_terms=title_terms,
        asks=asks,
        senses=dict(senses),
        markers=frozenset(w for m in vocab.context_markers for w in words(m)),
        other_topics=stems_of(vocab.other_topics),
        keyword_phrases={term: stems for f in found for term, stems in f.phrases.items()}
        | {term: stems for f in found for term, stems in f.answer_phrases.items()},
        subject=_both_stems(vocab.subject),
        setting=_both_stems(vocab.setting),
        readers=readers,
    )


def _chapter_words(chapter: Chapter, entry: ChapterKeywords | None) -> _ChapterWords:
    """The words of the chapter's fields; `entry` holds its keywords and answer words in search.yaml."""
    entry = entry or ChapterKeywords()
    title = " ".join(t for t in (chapter.title, chapter.subtitle, chapter.button) if t)
    said = [words(t) for a in entry.answers for t in a.words]
    return _ChapterWords(
        title=content_words(title, NL_STOP),
        text=content_words(chapter.text, NL_STOP),
        keywords=[w for k in entry.keywords for w in content_words(k, NL_STOP)],
        keywords_en=[w for k in entry.keywords_en for w in content_words(k, EN_STOP)],
        phrases=keyword_phrases(entry.keywords, entry.keywords_en),
        answer_words=[(w, len(phrase) == 1) for phrase in said for w in phrase],
        answer_phrases=answer_phrases(entry.answers),
        single=single_stems(entry.keywords, entry.keywords_en),
    )


def _lexicon(found: list[_ChapterWords], vocab: SearchVocabulary) -> set[str]:
    """Every word the folder and search.yaml know, with the pieces of the words with a hyphen."""
    lexicon: set[str] = set()
    for f in found:
        lexicon.update(f.title, f.text, f.keywords, (w for w, _ in f.answer_words if w not in NL_STOP))
    synonym_words = [w for g in vocab.groups for t in g for w in content_words(t, NL_STOP)]
    synonym_words += [w for k, ts in vocab.mappings.items() for t in (k, *ts) for w in content_words(t, NL_STOP)]
    lexicon.update(synonym_words)
    # Known, so that "voetbalwedstrijd" splits into a topic the folder never covers.
    lexicon.update(w for t in vocab.other_topics for w in content_words(t, NL_STOP))
    lexicon.update(piece for w in list(lexicon) if "-" in w for piece in (w.replace("-", ""), *w.split("-")))
    return lexicon


def _bag(tokens: Iterable[str], splitter: Splitter) -> dict[str, float]:
    """Term counts of the words: each word's stem, and its compound parts."""
    counts: dict[str, float] = defaultdict(float)
    for token in tokens:
        counts[stem_nl(token.replace("-", ""))] += 1.0
        # The parts of "MRI-scan" are whole words; those of "leverpunctie" count half.
        weight = 1.0 if "-" in token else W_PART
        for part in splitter.split(token):
            counts[stem_nl(part)] += weight
    return counts


def _fields(found: list[_ChapterWords], splitter: Splitter) -> list[dict[str, float]]:
    """Per chapter: the weighted count of each term over its fields, the text's normalised by its length."""
    lengths = [max(len(f.text), 1) for f in found]
    avg_len = sum(lengths) / len(lengths) if lengths else 1.0
    return [_field(f, 1 - B + B * length / avg_len, splitter) for f, length in zip(found, lengths, strict=True)]


def _field(found: _ChapterWords, norm: float, splitter: Splitter) -> dict[str, float]:
    """One chapter's weighted term counts; `norm` is its text's length normalisation."""
    combined: dict[str, float] = defaultdict(float)
    for term, tf in _bag(found.title, splitter).items():
        combined[term] += W_TITLE * tf
    in_phrase = {stem for stems in found.phrases.values() for stem in stems}
    in_phrase -= found.single
    for term, tf in _bag(found.keywords, splitter).items():
        # A word that is only part of a phrase ("stuk" of "stuk minder") counts for less on its own.
        combined[term] += W_KEYWORDS * tf * (W_PHRASE_WORD if term in in_phrase else 1.0)
    for word in found.keywords_en:
        term = stem_en(word)
        combined[term] += W_KEYWORDS * (W_PHRASE_WORD if term in in_phrase else 1.0)
    for term in found.phrases:
        combined[term] += W_KEYWORDS
    for word, alone in found.answer_words:
        # A word of a phrase ("per jaar") counts for less on its own, as in the keywords.
        weight = W_ANSWER * (1.0 if alone else W_PHRASE_WORD)
        if word not in NL_STOP:
            combined[stem_nl(word)] += weight
        if word not in EN_STOP:
            combined[stem_en(word)] += weight
    for term in found.answer_phrases:
        combined[term] += W_ANSWER
    for term, tf in _bag(found.text, splitter).items():
        combined[term] += tf / norm
    return combined


def _statistics(fields: list[dict[str, float]]) -> Statistics:
    """BM25: each term's idf over the chapters, and its saturated weight in each chapter."""
    df: Counter[str] = Counter(term for f in fields for term in f)
    n = len(fields)
    idf = {term: math.log(1 + (n - d + 0.5) / (d + 0.5)) for term, d in df.items()}
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    for i, combined in enumerate(fields):
        for term, tf in combined.items():
            postings[term][i] = idf[term] * tf * (K1 + 1) / (tf + K1)
    return Statistics(idf, postings)


def _both_stems(phrases: Iterable[str]) -> frozenset[str]:
    """The Dutch and English stems of the content words of `phrases`."""
    return frozenset(stem(w) for t in phrases for w in content_words(t, NL_STOP) for stem in (stem_nl, stem_en))
