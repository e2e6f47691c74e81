"""Ranking mechanics on a small folder: stems, compounds, synonyms, English, confidence, passage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.model import Content
from bot.search.index import SearchIndex


def top(index: SearchIndex, question: str) -> str | None:
    """The first-ranked chapter. Confidence is calibrated on the real folder, not on this small one."""
    hits = index.search(question).hits
    return hits[0].chapter_id if hits else None


def test_compound_finds_leverpunctie_by_leverbiopsie(small_index: SearchIndex) -> None:
    assert top(small_index, "Wat is een leverbiopsie?") == "leverpunctie"


def test_metal_objects_map_to_mri(small_index: SearchIndex) -> None:
    for question in ("moet mijn gehoorapparaat uit?", "mag mijn bril op", "ik heb een piercing"):
        result = small_index.search(question)
        assert result.hits[0].chapter_id == "mri-scan", question
        assert "metaal" in result.passage


def test_synonym_group_works_both_ways(small_index: SearchIndex) -> None:
    assert top(small_index, "wat is het MDO?") == "uitslag"
    result = small_index.search("wat gebeurt er in het multidisciplinair overleg")
    assert result.hits[0].chapter_id == "uitslag"
    assert result.passage == "De uitslagen worden besproken in een multidisciplinair overleg."


def test_english_through_keywords(small_index: SearchIndex) -> None:
    assert top(small_index, "Do I need a needle biopsy?") == "leverpunctie"
    assert top(small_index, "When do I get my results?") == "uitslag"


def test_stemming_matches_inflections(small_index: SearchIndex) -> None:
    assert top(small_index, "welke uitslag krijg ik") == "uitslag"
    assert top(small_index, "word ik verdoofd bij de punctie") == "leverpunctie"


def test_outside_the_folder_is_not_confident(small_index: SearchIndex) -> None:
    for question in ("wat is het weer morgen", "hoe laat gaat de trein", "kan ik mijn auto parkeren"):
        result = small_index.search(question)
        assert not result.confident, question
        assert result.best is None


def test_empty_and_odd_questions(small_index: SearchIndex) -> None:
    for question in ("", "   ", "???", "de het een", "\x00\x01", "👍" * 50):
        result = small_index.search(question)
        assert result.hits == () or not result.confident
        assert result.best is None


def test_a_bullet_comes_with_its_list_and_heading(small_index: SearchIndex) -> None:
    result = small_index.search("krijg ik chemotherapie")
    assert result.hits[0].chapter_id == "uitslag"
    assert result.passage == "Daarna hoort u het plan:\n\n- Operatie\n- Chemotherapie"


def test_hits_are_ranked_and_limited(small_index: SearchIndex) -> None:
    result = small_index.search("mri punctie uitslag onderzoek", limit=2)
    assert len(result.hits) == 2
    assert result.hits[0].score >= result.hits[1].score


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_passage_is_an_exact_slice(small_index: SearchIndex, small_content: Content, question: str) -> None:
    result = small_index.search(question)
    if result.hits:
        chapter = small_content.chapter(result.hits[0].chapter_id)
        assert chapter is not None
        assert result.passage in chapter.text
    else:
        assert result.passage == ""


def test_real_passages_are_exact_slices(real_index: SearchIndex) -> None:
    content = real_index.content
    for chapter in content.chapters:
        result = real_index.search(chapter.title)
        if result.hits:
            source = content.chapter(result.passage_chapter or "")
            assert source is not None
            assert source.id == result.hits[0].chapter_id or source.parent == result.hits[0].chapter_id
            assert result.passage in source.text
