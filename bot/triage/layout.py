"""Where sentences and clauses are in a tokenised message, and fixed phrases found in one pass.

Shared by the context rules (bot/triage/cues.py): every rule asks which sentence or clause a token is in,
whether a marked token comes earlier or later in its sentence, and where the cue phrases stand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.questions import opens_question
from bot.triage.normalize import Token


class PhraseIndex:
    """Tagged phrases of folded words, all found in a token list in one pass."""

    def __init__(self, tagged: Iterable[tuple[str, Iterable[tuple[str, ...]]]]) -> None:
        self._by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for tag, phrases in tagged:
            for phrase in phrases:
                if phrase:
                    self._by_first.setdefault(phrase[0], []).append((tag, phrase))

    def find(self, tokens: Sequence[Token]) -> dict[str, list[tuple[int, int]]]:
        """For each tag, (start, end) of every occurrence of one of its phrases, end inclusive."""
        found: dict[str, list[tuple[int, int]]] = {}
        for start, token in enumerate(tokens):
            for tag, phrase in self._by_first.get(token.text, ()):
                end = start + len(phrase)
                if end <= len(tokens) and all(tokens[start + k].text == w for k, w in enumerate(phrase)):
                    found.setdefault(tag, []).append((start, end - 1))
        return found


@dataclass(frozen=True)
class Layout:
    """Sentence and clause number of every token, and which sentences are questions."""

    sentence: list[int]
    clause: list[int]
    questions: set[int]

    def seen_before(self, marks: Sequence[bool]) -> list[bool]:
        """For each token: is a marked token earlier in its sentence?"""
        out: list[bool] = []
        seen = False
        for i, sentence in enumerate(self.sentence):
            if i and sentence != self.sentence[i - 1]:
                seen = False
            out.append(seen)
            seen = seen or marks[i]
        return out

    def seen_after(self, marks: Sequence[bool]) -> list[bool]:
        """For each token: is a marked token later in its sentence?"""
        out = [False] * len(marks)
        seen = False
        for i in range(len(marks) - 1, -1, -1):
            if i + 1 < len(marks) and self.sentence[i + 1] != self.sentence[i]:
                seen = False
            out[i] = seen
            seen = seen or marks[i]
        return out


def layout_of(tokens: Sequence[Token]) -> Layout:
    """The sentence and clause of every token; a sentence is a question by its mark or its first word."""
    sentence: list[int] = []
    clause: list[int] = []
    questions: set[int] = set()
    s = c = 0
    first_word = True
    for token in tokens:
        sentence.append(s)
        clause.append(c)
        if token.kind == "break":
            c += 1
            if token.text in ".?":
                if token.text == "?":
                    questions.add(s)
                s += 1
                first_word = True
        elif token.kind == "word" and first_word:
            first_word = False
            if opens_question(token.text, "context"):
                questions.add(s)
    return Layout(sentence, clause, questions)
