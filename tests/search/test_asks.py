"""What a question asks outweighs the words that only give context; word senses; other topics."""

from __future__ import annotations

import pytest

from bot.content.model import Content
from bot.search.index import SearchIndex
from bot.search.vocab import Ask, ChapterKeywords, SearchVocabulary, Sense


@pytest.fixture(scope="module")
def ask_index(small_content: Content) -> SearchIndex:
    vocab = SearchVocabulary(
        chapters={
            "leverpunctie": ChapterKeywords(("biopsie", "naald"), ("biopsy",)),
            "mri-scan": ChapterKeywords(("mri",), ("mri",)),
            "uitslag": ChapterKeywords(("uitslag",), ("results",)),
        },
        asks=(Ask(("hoe lang duurt", "how long"), ("mri-scan",)),),
        senses=(Sense("onderzoek", ("meedoen", "verplicht"), ("chemotherapie",)),),
        context_markers=("sinds", "na"),
        other_topics=("voetbal",),
    )
    return SearchIndex.build(small_content, vocab)


def top(index: SearchIndex, question: str) -> str | None:
    hits = index.search(question).hits
    return hits[0].chapter_id if hits else None


def test_the_ask_lifts_the_chapter_that_answers_it(ask_index: SearchIndex) -> None:
    # "punctie" is the only topic word, yet the question asks for a duration.
    assert top(ask_index, "hoe lang duurt het na de punctie?") == "mri-scan"
    assert top(ask_index, "wat gebeurt er bij de punctie?") == "leverpunctie"


def test_a_context_word_counts_less_than_the_asked_topic(ask_index: SearchIndex) -> None:
    assert top(ask_index, "sinds de punctie wacht ik op de uitslag") == "uitslag"
    plain = {h.chapter_id: h.score for h in ask_index.search("de uitslag en de punctie").hits}
    marked = {h.chapter_id: h.score for h in ask_index.search("sinds de uitslag: de punctie").hits}
    assert marked["uitslag"] < plain["uitslag"]
    assert marked["leverpunctie"] == pytest.approx(plain["leverpunctie"])


def test_a_context_word_alone_is_still_the_topic(ask_index: SearchIndex) -> None:
    assert top(ask_index, "wat nu na de punctie?") == "leverpunctie"


def test_a_sense_rule_changes_what_a_word_means(ask_index: SearchIndex) -> None:
    assert top(ask_index, "welk onderzoek krijg ik") == "onderzoek"
    assert top(ask_index, "is meedoen aan het onderzoek verplicht") == "uitslag"  # sense -> chemotherapie


def test_other_topics_match_nothing_and_are_never_confident(ask_index: SearchIndex) -> None:
    result = ask_index.search("voetbal op de mri")
    assert result.hits[0].chapter_id == "mri-scan"
    assert result.coverage < 0.5


def test_close_runners_up(ask_index: SearchIndex) -> None:
    result = ask_index.search("punctie of mri")
    assert len(result.hits) >= 2
    assert all(hit.score >= 0.8 * result.hits[0].score for hit in result.close)
    assert result.close == tuple(h for h in result.hits[1:] if h.score >= 0.8 * result.hits[0].score)
    assert result.hits == tuple(sorted(result.hits, key=lambda h: -h.score))
