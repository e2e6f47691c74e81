"""The alarm vocabulary (content/alarms.yaml) as reviewed data; bot/triage/alarms_file.py reads and checks it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.triage.levels import Level
from bot.yamlsrc import Problem

# The concepts of the commonest alarm words in other languages are named `other_language_*` (content/alarms.yaml).
OTHER_LANGUAGE_PREFIX = "other_language_"


@dataclass(frozen=True)
class Concept:
    """One alarm concept: a folder complaint (or a 112 situation) with its terms in both languages."""

    id: str
    level: Level
    folder: str
    nl: tuple[str, ...]
    en: tuple[str, ...]
    misspellings: tuple[str, ...]
    exact: tuple[str, ...] = ()
    compounds: tuple[str, ...] = ()
    negatable: bool = True
    source: str = "folder"
    contacts: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    # The parts of an `all_of` may also be in a sentence and the next ("bloed bij de drain. Het loopt
    # door mijn shirt heen."); otherwise they must be in one sentence.
    across_sentences: bool = False
    reviewed_by: str | None = None
    reviewed_on: dt.date | None = None
    line: int = 0

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term and misspelling, Dutch first."""
        return self.nl + self.en + self.misspellings + self.exact


@dataclass(frozen=True)
class Negation:
    """Negation words: a term holding one is negative by nature ("geen lucht"); "gone" words end a complaint.

    Whether a complaint is denied is clinlp's (content/context_rules.yaml); these lists serve the matcher
    and the resolved rule of bot/triage/cues.py.
    """

    before: frozenset[str]
    after: frozenset[str]
    after_end: frozenset[str]


@dataclass(frozen=True)
class TemperatureRule:
    """How numbers are read as body temperatures, and what they mean."""

    concept: str
    urgent_from: float
    seh_above: float
    min: float
    max: float
    units: frozenset[str]
    context: frozenset[str]
    weak_context: frozenset[str]
    not_after: frozenset[str]
    not_before: frozenset[str]
    above: frozenset[str] = frozenset()
    fahrenheit: frozenset[str] = frozenset()
    context_concepts: frozenset[str] = frozenset()  # other concepts whose words make a number a temperature


@dataclass(frozen=True)
class Measurement:
    """A measured value that is an alarm by itself: a number after one of `names` ("pols 135").

    The value alarms when it is at least `at_least`, at most `at_most` or below `below` (whichever are
    set); numbers outside `min`..`max` are not this value. With `pair` the value is written as two
    numbers ("85/50", "85 over 50") and the first one counts. `unless`: words that, in the same clause,
    make the value no alarm ("tijdens het fietsen"). `parts`: letters of a score written as its parts,
    each with one digit, whose sum is the value ("E2M5V2" or "E2 M5 V2" for EMV 9).
    """

    concept: str
    names: tuple[tuple[str, ...], ...]
    min: float
    max: float
    at_least: float | None = None
    at_most: float | None = None
    below: float | None = None
    pair: bool = False
    unless: frozenset[str] = frozenset()
    parts: tuple[str, ...] = ()
    line: int = 0

    def describe(self) -> str:
        """E.g. "pols, hartslag, pulse >= 120 (range 30..250)" for the content check."""
        names = ", ".join(" ".join(n) for n in self.names)
        bounds = [
            f"{op} {value:g}"
            for op, value in ((">=", self.at_least), ("<=", self.at_most), ("<", self.below))
            if value is not None
        ]
        form = " (two numbers, the first counts)" if self.pair else ""
        return f"{names} {' or '.join(bounds)}{form} (range {self.min:g}..{self.max:g})"

    def alarms(self, value: float) -> bool:
        """Does this value, in range, mean an alarm?"""
        return (
            (self.at_least is not None and value >= self.at_least)
            or (self.at_most is not None and value <= self.at_most)
            or (self.below is not None and value < self.below)
        )


@dataclass(frozen=True)
class Measurements:
    """How measured values are read: the names, the words allowed in between, and the thresholds."""

    readings: tuple[Measurement, ...] = ()
    max_gap: int = 2
    fillers: frozenset[str] = frozenset()
    pair_words: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ContextCues:
    """Clear cues that a symptom is not the patient's now, beyond clinlp's qualifiers: resolved, an idiom, a question.

    Phrases are tuples of folded words, matched as written, next to each other.
    """

    idioms: tuple[tuple[str, ...], ...] = ()
    resolved: tuple[tuple[str, ...], ...] = ()
    well: tuple[tuple[str, ...], ...] = ()
    hedges: tuple[tuple[str, ...], ...] = ()
    refer_back: frozenset[str] = frozenset()
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    past: tuple[tuple[str, ...], ...] = ()
    not_now: tuple[tuple[str, ...], ...] = ()
    definition: tuple[tuple[str, ...], ...] = ()
    contrast: frozenset[str] = frozenset()
    also: frozenset[str] = frozenset()
    body: frozenset[str] = frozenset()
    returned: frozenset[str] = frozenset()
    present: frozenset[str] = frozenset()
    ongoing: frozenset[str] = frozenset()
    not_a_cue_after: frozenset[str] = frozenset()
    location: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()
    again: tuple[tuple[str, ...], ...] = ()
    come_true: tuple[tuple[str, ...], ...] = ()
    normal_below: float = 37.5
    lowered_by: frozenset[str] = frozenset()  # fever medicines: a normal reading after one resolves nothing
    new_reading: frozenset[str] = frozenset()  # between a fever word and a number: the number is a later reading
    repeated: frozenset[str] = frozenset()  # "again" alone: in a later question it speaks of something else


@dataclass(frozen=True)
class AlarmVocabulary:
    """Everything in alarms.yaml, validated."""

    concepts: tuple[Concept, ...]
    negation: Negation
    temperature: TemperatureRule
    languages: tuple[str, ...]
    min_zipf: float
    max_gap: int
    optional_words: frozenset[str]
    word_groups: tuple[tuple[str, ...], ...]
    file: str = ""
    compound_tails: tuple[str, ...] = ()
    context: ContextCues = ContextCues()
    measurements: Measurements = Measurements()
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a word as written -> the words it is

    def concept(self, concept_id: str) -> Concept | None:
        """The concept with this id, or None."""
        return next((c for c in self.concepts if c.id == concept_id), None)

    def unreviewed(self) -> tuple[Concept, ...]:
        """Concepts that no clinician has signed off yet."""
        return tuple(c for c in self.concepts if not c.reviewed_by or c.reviewed_on is None)

    def awaiting_signoff(self) -> tuple[Concept, ...]:
        """Concepts beyond the folder (marked `source: beyond-folder`) that no clinician has signed off."""
        return tuple(c for c in self.unreviewed() if c.source == "beyond-folder")

    def contact_problems(self, contact_ids: set[str]) -> list[Problem]:
        """Cross-check with contacts.yaml: every contact a concept lists must exist there."""
        return [
            Problem(self.file, concept.line, f"concept '{concept.id}': contact '{contact}' is not in contacts.yaml")
            for concept in self.concepts
            for contact in concept.contacts
            if contact not in contact_ids
        ]
