"""Ranked evaluation of the search on labelled questions: top-1 and top-3, per chapter and in total;
and the exact sentence: whether the quoted passage holds the folder's answer.

The labelled files are TSV with a header line, then `chapters<TAB>question` per line; `chapters` is
one chapter id or several separated by commas (any of them is a right answer). A question counts
under the first chapter it names, so the per-chapter rows add up to the total.

The sentence files are TSV with a header line, then `chapter<TAB>sentence<TAB>question`: `sentence` is
the piece of the folder that answers, or several pieces that must all be quoted (" | ": a sentence
after its lead-in, a list with its heading), or alternatives that each answer (" || ").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.search.index import SearchIndex


class LabelledFileError(ValueError):
    """A labelled question file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Labelled:
    """One question with the chapters that answer it."""

    chapters: tuple[str, ...]
    question: str


@dataclass
class Tally:
    """Questions, right first answers and right answers among the first three."""

    questions: int = 0
    top1: int = 0
    top3: int = 0

    def add(self, first: bool, among_three: bool) -> None:
        """Count one question."""
        self.questions += 1
        self.top1 += first
        self.top3 += among_three


@dataclass(frozen=True)
class Miss:
    """A question whose first answer was wrong."""

    question: str
    wanted: tuple[str, ...]
    got: tuple[str, ...]


@dataclass
class Report:
    """Tallies per chapter and in total, and the misses."""

    chapters: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    confident: int = 0
    misses: list[Miss] = field(default_factory=list)


def read_labelled(path: Path) -> list[Labelled]:
    """The questions of a labelled TSV file; LabelledFileError for a missing file or a bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledFileError(f"{path}: cannot read ({exc})") from exc
    rows: list[Labelled] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        label, tab, question = line.partition("\t")
        chapters = tuple(c.strip() for c in label.split(",") if c.strip())
        if not tab or not chapters or not question.strip():
            raise LabelledFileError(f"{path}:{number}: expected 'chapter-id<TAB>question'")
        rows.append(Labelled(chapters, question.strip()))
    return rows


def evaluate(index: SearchIndex, rows: Iterable[Labelled]) -> Report:
    """Search every question and tally where the right chapter landed."""
    report = Report()
    for row in rows:
        result = index.search(row.question, limit=3)
        got = tuple(hit.chapter_id for hit in result.hits)
        first = bool(got) and got[0] in row.chapters
        among_three = bool(set(got[:3]) & set(row.chapters))
        report.chapters.setdefault(row.chapters[0], Tally()).add(first, among_three)
        report.total.add(first, among_three)
        report.confident += result.confident
        if not first:
            report.misses.append(Miss(row.question, row.chapters, got))
    return report


@dataclass(frozen=True)
class Quotable:
    """A question with the folder's answer to it (see the module docstring)."""

    chapter: str
    sentence: str
    question: str


def read_sentences(path: Path) -> list[Quotable]:
    """The rows of a sentence file; LabelledFileError for a missing file or a bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledFileError(f"{path}: cannot read ({exc})") from exc
    rows: list[Quotable] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise LabelledFileError(f"{path}:{number}: expected 'chapter-id<TAB>sentence<TAB>question'")
        rows.append(Quotable(*(p.strip() for p in parts)))
    return rows


def quotes(passage: str, sentence: str) -> bool:
    """Whether the passage holds one alternative of `sentence` (" || ") with all its pieces (" | ")."""
    return any(all(piece.strip() in passage for piece in alt.split(" | ")) for alt in sentence.split(" || "))


def evaluate_sentences(index: SearchIndex, rows: Sequence[Quotable]) -> tuple[int, list[Quotable]]:
    """How many passages hold their answer, and the rows whose passage does not."""
    misses = [row for row in rows if not quotes(index.search(row.question).passage, row.sentence)]
    return len(rows) - len(misses), misses


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def format_report(report: Report, title: str, order: Iterable[str] = (), misses: bool = True) -> str:
    """A plain-text table: one row per chapter (in `order`, then the rest), the total, and the misses."""
    ids = [c for c in order if c in report.chapters] + sorted(set(report.chapters) - set(order))
    width = max([len("chapter"), len("total"), *(len(c) for c in ids)])
    lines = [title, f"{'chapter':<{width}}  {'n':>4}  {'top-1':>11}  {'top-3':>11}"]
    for chapter_id in [*ids, "total"]:
        tally = report.total if chapter_id == "total" else report.chapters[chapter_id]
        n = tally.questions
        lines.append(
            f"{chapter_id:<{width}}  {n:>4}  {tally.top1:>4} {_percent(tally.top1, n):>6}"
            f"  {tally.top3:>4} {_percent(tally.top3, n):>6}"
        )
    lines.append(f"confident: {report.confident}/{report.total.questions}")
    if misses:
        for miss in report.misses:
            where = "top-3" if set(miss.got[:3]) & set(miss.wanted) else "miss"
            lines.append(
                f"{where}: want {','.join(miss.wanted)}, got {', '.join(miss.got[:3]) or '-'}: {miss.question}"
            )
    return "\n".join(lines)
