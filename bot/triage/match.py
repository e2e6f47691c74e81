"""What the matcher finds: one `Match` per concept found, and the `TriageResult` of a whole message.

Shared by the matcher (bot/triage/matcher.py), which makes them, and the context rules
(bot/triage/cues.py), which cancel matches, so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.triage.levels import Level

Method = Literal["exact", "stem", "compound", "fuzzy", "phrase", "temperature", "measurement", "combination"]


@dataclass(frozen=True, slots=True)
class Match:
    """One concept found in a message: which words, which term, how, and whether it was negated."""

    concept: str
    level: Level
    words: tuple[str, ...]
    method: Method
    negated: bool
    term: str
    celsius: float | None = None
    start: int = 0
    end: int = 0
    cue: str = ""  # what cancelled it: a qualifier ("negation", "past", "hypothetical", "someone else") or a rule
    holds_negation: bool = False  # the term denies something itself ("geen lucht"): never cancelled as absent

    def explain(self) -> str:
        """A one-line human explanation, e.g. `fever <- "koors" (fuzzy: koorts)`."""
        how = f"{self.method}: {self.term}" if self.term else self.method
        note = (f" NEGATED ({self.cue})" if self.cue else " NEGATED") if self.negated else ""
        return f'{self.concept} ({self.level.label}) <- "{" ".join(self.words)}" ({how}){note}'


@dataclass(frozen=True, slots=True)
class TriageResult:
    """The outcome for one message: the highest level of any match that was not negated."""

    level: Level
    matches: tuple[Match, ...]
    extra_contacts: tuple[str, ...] = ()  # contacts to show after 112 (e.g. zelfmoordpreventie), in order

    @property
    def concepts(self) -> tuple[str, ...]:
        """Alarm concepts found (not negated), most urgent first."""
        found = sorted((m for m in self.matches if not m.negated and m.level > Level.NONE), key=lambda m: -m.level)
        return tuple(dict.fromkeys(m.concept for m in found))

    def explain(self) -> list[str]:
        """One line per match."""
        return [m.explain() for m in self.matches]
