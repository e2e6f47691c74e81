"""BM25-style ranking of folder chapters with Dutch stems, compounds, synonyms and keywords.

Each chapter is one document with three fields: its title, the clinicians' keywords (Dutch and
English) and its text. A question is turned into tokens; every token brings candidate terms (its
stem, its compound parts, a typo correction, English stem, synonyms) and counts once per chapter,
with its best candidate, so a compound or a synonym group never counts twice.

The pieces, each in its own module: the numbers (`weights.py`), building the index (`build.py`, with
the question readers of `readers.py` and the term helpers of `terms.py`), reading a question
(`query.py`) and ranking it (`rank.py`); `SearchIndex` puts them together.
"""

from __future__ import annotations

from bot.content.model import Content
from bot.search.build import IndexData, build_index
from bot.search.query import QueryReader
from bot.search.rank import Ranker
from bot.search.result import Hit, SearchResult
from bot.search.vocab import SearchVocabulary

__all__ = ["Hit", "IndexData", "SearchIndex", "SearchResult"]


class SearchIndex:
    """Precomputed term statistics for one Content and SearchVocabulary; build once per load."""

    def __init__(self, data: IndexData) -> None:
        self.content = data.content
        self.vocabulary = data.vocabulary
        self._reader = QueryReader(data)
        self._ranker = Ranker(data)

    @classmethod
    def build(cls, content: Content, vocab: SearchVocabulary) -> SearchIndex:
        """Index every chapter's title, keywords and text."""
        return cls(build_index(content, vocab))

    def search(self, question: str, limit: int = 3) -> SearchResult:
        """Rank chapters for `question`; the passage comes from the best chapter."""
        return self._ranker.rank(self._reader.read(question), limit)
