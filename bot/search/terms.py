"""How the words of the folder and of content/search.yaml become index terms: stems, phrase terms,
synonym tables. The index (`build.py`) and its question readers (`readers.py`) share them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.search.text import EN_STOP, NL_STOP, stem_en, stem_nl, words
from bot.search.vocab import Answer, SearchVocabulary
from bot.search.weights import PHRASE_MARK


def content_words(text: str, stop: frozenset[str]) -> list[str]:
    """The words of `text` that are not in `stop`."""
    return [w for w in words(text) if w not in stop]


def stem_nl_word(word: str) -> str:
    """The Dutch stem of a word written with or without its hyphens ("MRI-scan")."""
    return stem_nl(word.replace("-", ""))


def keyword_phrases(keywords: Iterable[str], keywords_en: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The keywords of several words ("stuk minder", "clinical trial"): phrase term -> the stems it needs."""
    out: dict[str, tuple[str, ...]] = {}
    for stop, stem, found in ((NL_STOP, stem_nl_word, keywords), (EN_STOP, stem_en, keywords_en)):
        for keyword in found:
            stems = tuple(stem(w) for w in content_words(keyword, stop))
            if len(set(stems)) >= 2:
                out[PHRASE_MARK + " ".join(stems)] = stems
    return out


def single_stems(keywords: Iterable[str], keywords_en: Iterable[str]) -> set[str]:
    """Stems of the keywords of one word, which count in full even when a phrase has them too."""
    out: set[str] = set()
    for stop, stem, found in ((NL_STOP, stem_nl_word, keywords), (EN_STOP, stem_en, keywords_en)):
        for keyword in found:
            content = content_words(keyword, stop)
            if len(content) == 1:
                out.add(stem(content[0]))
    return out


def synonym_table(vocab: SearchVocabulary) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Stemmed phrase -> stems it also means. Groups work both ways, mappings one way."""
    table: dict[tuple[str, ...], set[str]] = defaultdict(set)

    def stems(phrase: str) -> tuple[str, ...]:
        return tuple(stem_nl(w) for w in content_words(phrase, NL_STOP))

    for group in vocab.groups:
        for member in group:
            for other in group:
                if other != member:
                    table[stems(member)].update(stems(other))
    for source, targets in vocab.mappings.items():
        for target in targets:
            table[stems(source)].update(stems(target))
    return {k: tuple(sorted(v - set(k))) for k, v in table.items() if k}


def answer_phrases(answers: Iterable[Answer]) -> dict[str, tuple[str, ...]]:
    """The answer words of several words ("groeit terug"): phrase term -> the stems it needs."""
    out: dict[str, tuple[str, ...]] = {}
    for answer in answers:
        for phrase in answer.words:
            stems = tuple(stem_nl_word(w) for w in content_words(phrase, NL_STOP))
            if len(set(stems)) >= 2:
                out[PHRASE_MARK + " ".join(stems)] = stems
    return out


def answer_terms(answer: Answer) -> frozenset[str]:
    """The terms a question may share with a sentence's answer words: the phrase terms of the phrases, and
    the stem of an entry with one word that counts in its language ("hoeveel mensen": "mensen")."""
    terms: set[str] = set(answer_phrases((answer,)))
    for phrase in answer.words:
        for stop, stem in ((NL_STOP, stem_nl), (EN_STOP, stem_en)):
            content = content_words(phrase, stop)
            if len(content) == 1:
                terms.add(stem(content[0]))
    return frozenset(terms)


def stems_of(phrases: Iterable[str]) -> frozenset[str]:
    """The Dutch stems of the content words of `phrases`."""
    return frozenset(stem_nl(w) for phrase in phrases for w in content_words(phrase, NL_STOP))
