"""What a search returns: the ranked chapters, the passage to quote and whether to trust it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.search.weights import CLOSE_RATIO


@dataclass(frozen=True)
class Hit:
    """One ranked chapter."""

    chapter_id: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    """Ranked chapters, the quoted passage from the best one, and whether to trust it."""

    hits: tuple[Hit, ...]
    passage: str
    confident: bool
    coverage: float = 0.0
    # The chapter the passage is quoted from: the best chapter, or for a chapter that only groups
    # sections (Contact) the section that answers best.
    passage_chapter: str | None = None

    @property
    def best(self) -> str | None:
        """The chapter to answer with, or None when the folder does not answer the question."""
        return self.hits[0].chapter_id if self.hits and self.confident else None

    @property
    def close(self) -> tuple[Hit, ...]:
        """The runners-up that score nearly as well as the best: worth offering next to it."""
        if not self.hits:
            return ()
        return tuple(hit for hit in self.hits[1:] if hit.score >= CLOSE_RATIO * self.hits[0].score)

    @property
    def score(self) -> float:
        """Score of the best chapter (0 without hits)."""
        return self.hits[0].score if self.hits else 0.0
