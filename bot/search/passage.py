"""Cut a chapter into sentences and bullet items, and pick the few that answer a question.

The passage is always one contiguous slice of the chapter text, so it is quoted exactly as the
folder has it: whole sentences or bullet items, never rewritten or cut mid-sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MAX_UNITS = 3
# A sentence ends at . ! or ? followed by a capital, digit or opening quote/bracket.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý\"“‘(])")
_BULLET = re.compile(r"^[ \t]*(?:[-•*]|\d+[.)])[ \t]+")


@dataclass(frozen=True)
class Unit:
    """One sentence or bullet item: its span in the chapter text."""

    start: int
    end: int


def split_units(text: str) -> tuple[Unit, ...]:
    """Sentences and bullet items of `text`, in order, without bullet markers or outer spaces."""
    units: list[Unit] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line.rstrip())
        offset += len(line)
        marker = _BULLET.match(line)
        if marker:
            units.append(Unit(start + marker.end(), end))
            continue
        body = line.rstrip()
        cursor = 0
        for match in _SENTENCE_END.finditer(body):
            units.append(Unit(start + cursor, start + match.start()))
            cursor = match.end()
        units.append(Unit(start + cursor, end))
    return tuple(_strip(text, u) for u in units if text[u.start : u.end].strip())


def _strip(text: str, unit: Unit) -> Unit:
    piece = text[unit.start : unit.end]
    lead = len(piece) - len(piece.lstrip())
    return Unit(unit.start + lead, unit.start + len(piece.rstrip()))


def best_passage(text: str, units: Sequence[Unit], score: Callable[[int], float]) -> str:
    """The best-scoring unit plus neighbours that also answer, up to MAX_UNITS, as one exact slice.

    `score(i)` rates unit i. With no unit scoring at all, the chapter's first unit is returned, since
    a chapter's opening sentence says what it is about.
    """
    if not units:
        return ""
    scores = [score(i) for i in range(len(units))]
    best = max(range(len(units)), key=lambda i: (scores[i], -i))
    if scores[best] <= 0:
        return text[units[0].start : units[0].end]
    first = last = best
    # Grow towards the better neighbour while it adds a real part of the answer.
    while last - first + 1 < MAX_UNITS:
        before = scores[first - 1] if first > 0 else 0.0
        after = scores[last + 1] if last + 1 < len(units) else 0.0
        if max(before, after) < 0.5 * scores[best]:
            break
        if after >= before:
            last += 1
        else:
            first -= 1
    return text[units[first].start : units[last].end]
