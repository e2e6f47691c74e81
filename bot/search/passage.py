"""Cut a chapter into sentences and bullet items, and pick the few that answer a question.

The passage is always one contiguous slice of the chapter text, so it is quoted exactly as the
folder has it: whole sentences or bullet items, never rewritten or cut mid-sentence. A unit never
comes alone when it cannot be understood alone: a bullet comes with its list and the sentence that
introduces it ("Klachten die kunnen voorkomen bij levermetastasen:"), and a sentence that points
back ("Dit gebeurt onder lokale verdoving.", "Om die reden ...", "Neem dan contact op ...") comes
with the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# At most this many sentences in a passage; the items of a list count as part of the sentence that
# introduces them.
MAX_UNITS = 3
# A neighbour joins the passage when it scores at least this share of the best unit.
GROW_SHARE = 0.5
# A sentence ends at . ! or ? followed by a capital, digit or opening quote/bracket.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý\"“‘(])")
_BULLET = re.compile(r"^[ \t]*(?:[-•*]|\d+[.)])[ \t]+")
_WORD = re.compile(r"[^\W\d_]+")
# Dutch words that point back at the sentence before. As the first word: "Dit gebeurt ...",
# "Deze stof ...", "Zij is ...", "Dan kiest ...". Within the first few words: "Wij doen daarom ...",
# "Het doel van de behandeling is dan ...", "Ongeveer de helft hiervan ...", "Neem dan contact op".
_BACK_FIRST = frozenset("dit deze die dat zij ze hij dan daarom daarna daardoor hierdoor".split())
_BACK_NEAR = frozenset("dan daarom daarna hiervan hiervoor daarvan daardoor hierdoor".split())
_BACK_REACH = 8
# A demonstrative after a preposition near the start: "Om die reden", "Vanwege deze ...", "Cellen van die tumor".
_BACK_PHRASE = re.compile(r"^(?:\S+\s+){0,2}(?:om|van|vanwege|met|bij|door|na)\s+(?:die|deze|dit|dat)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """One sentence or bullet item: its span in the chapter text."""

    start: int
    end: int
    bullet: bool = False


def split_units(text: str) -> tuple[Unit, ...]:
    """Sentences and bullet items of `text`, in order, without bullet markers or outer spaces."""
    units: list[Unit] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line.rstrip())
        offset += len(line)
        marker = _BULLET.match(line)
        if marker:
            units.append(Unit(start + marker.end(), end, bullet=True))
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
    return Unit(unit.start + lead, unit.start + len(piece.rstrip()), unit.bullet)


def points_back(sentence: str) -> bool:
    """Whether a sentence refers to the one before it and cannot be quoted without it."""
    found = _WORD.findall(sentence.lower())
    if not found:
        return False
    if found[0] in _BACK_FIRST or not _BACK_NEAR.isdisjoint(found[:_BACK_REACH]):
        return True
    return bool(_BACK_PHRASE.match(sentence))


def companions(text: str, units: Sequence[Unit]) -> tuple[tuple[int, int], ...]:
    """Per unit, the span of units (first, last) that must be quoted with it: a bullet or the sentence
    that introduces a list brings the whole list, that sentence and a sentence after the list that
    points back at it; a sentence that points back brings the sentence before it (or the list before it)."""
    spans = [(i, i) for i in range(len(units))]
    i = 0
    while i < len(units):
        if not units[i].bullet:
            i += 1
            continue
        last = i
        while last + 1 < len(units) and units[last + 1].bullet:
            last += 1
        first = i - 1 if i > 0 and text[units[i - 1].start : units[i - 1].end].rstrip().endswith(":") else i
        after = last + 1
        if after < len(units) and points_back(text[units[after].start : units[after].end]):
            last = after  # "Heeft u klachten ... zoals: - ... Neem dan contact op": the list is half a sentence
        for j in range(first, last + 1):
            spans[j] = (first, last)
        i = last + 1
    for j in range(1, len(units)):
        if not units[j].bullet and spans[j] == (j, j) and points_back(text[units[j].start : units[j].end]):
            # What the sentence before needs comes too ("Ze komen dan ..." after "Cellen van die tumor ..."),
            # as long as the passage stays short; a list comes whole.
            before = spans[j - 1]
            whole = (before[0], j)
            spans[j] = whole if units[j - 1].bullet or _sentences(units, *whole) <= MAX_UNITS else (j - 1, j)
    return tuple(spans)


def _sentences(units: Sequence[Unit], first: int, last: int) -> int:
    return sum(not units[k].bullet for k in range(first, last + 1))


def best_passage(
    text: str,
    units: Sequence[Unit],
    score: Callable[[int], float],
    spans: Sequence[tuple[int, int]] | None = None,
) -> str:
    """The best-scoring unit with what it needs (`spans`, see `companions`), plus neighbours that also
    answer, up to MAX_UNITS sentences, as one exact slice.

    `score(i)` rates unit i. With no unit scoring at all, the chapter's opening is returned, since a
    chapter's first sentence says what it is about.
    """
    if not units:
        return ""
    spans = spans if spans is not None else companions(text, units)
    scores = [score(i) for i in range(len(units))]
    best = max(range(len(units)), key=lambda i: (scores[i], -i))
    if scores[best] <= 0:
        first, last = spans[0]
        return text[units[first].start : units[last].end]
    first, last = spans[best]
    # Grow towards the better neighbour while it adds a real part of the answer.
    while True:
        before = scores[first - 1] if first > 0 else 0.0
        after = scores[last + 1] if last + 1 < len(units) else 0.0
        if max(before, after) < GROW_SHARE * scores[best]:
            break
        side = spans[last + 1] if after >= before else spans[first - 1]
        grown = (min(first, side[0]), max(last, side[1]))
        if _sentences(units, *grown) > MAX_UNITS:
            break
        first, last = grown
    return text[units[first].start : units[last].end]
