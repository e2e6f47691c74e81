"""Fixtures for the search tests: a small hand-made folder and the project's real content."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.content.model import Chapter, Content, WeeklyHours
from bot.search.index import SearchIndex
from bot.search.vocab import ChapterKeywords, SearchVocabulary

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


def _chapter(id_: str, title: str, text: str, parent: str | None = None) -> Chapter:
    return Chapter(id=id_, title=title, parent=parent, text=text)


@pytest.fixture(scope="session")
def small_content() -> Content:
    """Four chapters in the folder's style, enough to test the ranking's mechanics."""
    hours = WeeklyHours(frozenset({0}), time(10), time(12))
    chapters = (
        _chapter("onderzoek", "Onderzoek", "Soms zijn er onderzoeken nodig, zoals een:"),
        _chapter(
            "mri-scan",
            "MRI-scan",
            "Een MRI-scan maakt gebruik van een magnetisch veld. Om die reden vragen we u alle voorwerpen "
            "van metaal af te doen. De scan duurt gemiddeld 30 minuten.",
            "onderzoek",
        ),
        _chapter(
            "leverpunctie",
            "Leverpunctie",
            "Tijdens een punctie nemen we wat cellen af. Dit gebeurt onder lokale verdoving.",
            "onderzoek",
        ),
        _chapter(
            "uitslag",
            "Uitslag",
            "De uitslagen worden besproken in een multidisciplinair overleg.\n\nDaarna hoort u het plan:\n\n"
            "- Operatie\n- Chemotherapie",
        ),
    )
    return Content(chapters, {}, hours, (), hours)


@pytest.fixture(scope="session")
def small_vocab() -> SearchVocabulary:
    """Keywords and synonyms like the issue's examples."""
    return SearchVocabulary(
        chapters={
            "leverpunctie": ChapterKeywords(("biopsie", "naald"), ("biopsy", "needle")),
            "mri-scan": ChapterKeywords(("mri",), ("mri", "magnet")),
            "uitslag": ChapterKeywords(("uitslag",), ("results",)),
        },
        groups=(("mdo", "multidisciplinair overleg"),),
        mappings={"bril": ("metaal",), "piercing": ("metaal",), "gehoorapparaat": ("metaal",)},
    )


@pytest.fixture(scope="session")
def small_index(small_content: Content, small_vocab: SearchVocabulary) -> SearchIndex:
    """The index over the small folder."""
    return SearchIndex.build(small_content, small_vocab)


@pytest.fixture(scope="session")
def real_index() -> SearchIndex:
    """The index over the project's own content/ (folder.yaml and search.yaml)."""
    from bot.content.loader import load_content
    from bot.search.vocab import load_search_vocabulary

    content, problems = load_content(CONTENT_DIR)
    assert content is not None, problems
    vocab, vocab_problems = load_search_vocabulary(CONTENT_DIR / "search.yaml", content)
    assert vocab is not None, vocab_problems
    return SearchIndex.build(content, vocab)
