"""The loaded content and everything derived from it, swapped in whole on a reload."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog import Catalog, load_catalog
from bot.search.index import SearchIndex
from bot.triage import language
from bot.triage.matcher import Triage
from bot.yamlsrc import Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Knowledge:
    """A validated catalog plus the triage matcher and search index built from it."""

    catalog: Catalog
    triage: Triage
    search: SearchIndex

    @classmethod
    def build(cls, catalog: Catalog) -> Knowledge:
        """Precompute the matcher and the index for `catalog`."""
        language.preload()  # word lists in memory now: the alarm path reads no file
        return cls(
            catalog,
            Triage(catalog.alarms, catalog.context_rules),
            SearchIndex.build(catalog.content, catalog.search_vocabulary),
        )


@dataclass(frozen=True)
class ReloadReport:
    """What a reload did: problems (then nothing changed) or the chapters whose text changed."""

    problems: list[Problem] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the new content is live."""
        return not self.problems


class ContentLoadError(RuntimeError):
    """The content could not be loaded at start-up."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class KnowledgeStore:
    """Holds the current Knowledge; a reload validates everything before it swaps."""

    def __init__(self, content_dir: Path, schedules_dir: Path) -> None:
        self._content_dir = content_dir
        self._schedules_dir = schedules_dir
        catalog, problems = load_catalog(content_dir, schedules_dir)
        if catalog is None:
            raise ContentLoadError(problems)
        self._current = Knowledge.build(catalog)

    @property
    def current(self) -> Knowledge:
        """The knowledge in use now."""
        return self._current

    def reload(self) -> ReloadReport:
        """Load content/ and schedules/ again; keep the old knowledge when anything is wrong."""
        catalog, problems = load_catalog(self._content_dir, self._schedules_dir)
        if catalog is None:
            log.warning("content reload refused: %d problem(s); the previous content stays live", len(problems))
            return ReloadReport(problems=problems)
        old = {c.id: c.version for c in self._current.catalog.content.chapters}
        new = {c.id: c.version for c in catalog.content.chapters}
        self._current = Knowledge.build(catalog)
        report = ReloadReport(
            changed=[cid for cid, version in new.items() if cid in old and old[cid] != version],
            added=[cid for cid in new if cid not in old],
            removed=[cid for cid in old if cid not in new],
        )
        log.info("content reloaded: %d chapter(s) changed", len(report.changed))
        return report
