"""The alarm vocabulary (content/alarms.yaml) as reviewed data, and its validating loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.triage.levels import Level
from bot.triage.normalize import words
from bot.yamlsrc import Checker, LineDict, LineList, Problem, YamlError, check_keys, load_yaml

ALARMS_FILE = "alarms.yaml"

_TOP_KEYS = {
    "version",
    "lexicon",
    "phrases",
    "word_groups",
    "spellings",
    "negation",
    "context",
    "temperature",
    "measurements",
    "concepts",
}
_OPTIONAL_TOP_KEYS = {"version", "word_groups", "spellings", "context", "measurements"}
SOURCES = ("folder", "beyond-folder")
_CONCEPT_KEYS = {
    "id",
    "level",
    "folder",
    "nl",
    "en",
    "misspellings",
    "exact",
    "compounds",
    "negatable",
    "source",
    "contacts",
    "all_of",
    "reviewed_by",
    "reviewed_on",
}
_CONCEPT_REQUIRED = {"id", "level", "folder", "source", "reviewed_by", "reviewed_on"}
_CONTEXT_KEYS = {
    "idioms",
    "resolved",
    "well",
    "hedges",
    "refer_back",
    "names",
    "past",
    "not_now",
    "definition",
    "contrast",
    "also",
    "body",
    "returned",
    "present",
    "again",
    "come_true",
    "normal_below",
}
_LEXICON_KEYS = {"languages", "min_zipf"}
_PHRASE_KEYS = {"max_gap", "optional_words", "compound_tails"}
_NEGATION_KEYS = {"before", "after", "after_end"}
_MEASUREMENTS_KEYS = {"max_gap", "fillers", "pair_words", "not_before", "readings"}
_READING_KEYS = {"concept", "names", "pair", "at_least", "at_most", "below", "min", "max", "unless"}
_TEMPERATURE_KEYS = {
    "concept",
    "urgent_from",
    "seh_above",
    "min",
    "max",
    "units",
    "context",
    "weak_context",
    "above",
    "fahrenheit",
    "not_after",
    "not_before",
    "context_concepts",
}


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
    and the resolved rule of bot/triage/context.py.
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
    make the value no alarm ("tijdens het fietsen").
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
    again: tuple[tuple[str, ...], ...] = ()
    come_true: tuple[tuple[str, ...], ...] = ()
    normal_below: float = 37.5


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


class _Checker(Checker):
    """Collects problems for one file, with the checks alarms.yaml needs."""

    def mapping(self, value: Any, line: int, what: str, allowed: set[str], required: set[str]) -> LineDict | None:
        if not isinstance(value, LineDict):
            self.add(line, f"{what}: must be a mapping")
            return None
        self.problems += check_keys(value, self.file, allowed, required, what)
        return value

    def strings(self, parent: LineDict, key: str, what: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        value = parent.get(key)
        line = parent.line_of(key)
        if value is None and allow_empty:
            return ()
        if not isinstance(value, LineList):
            self.add(line, f"{what}: '{key}' must be a list")
            return ()
        result: list[str] = []
        for item, item_line in zip(value, value.item_lines, strict=True):
            if not isinstance(item, str | int) or isinstance(item, bool) or not str(item).strip():
                self.add(item_line, f"{what}: '{key}' items must be non-empty text")
                continue
            text = str(item).strip()
            if not words(text):
                self.add(item_line, f"{what}: '{key}' item {text!r} has no letters or emoji to match")
                continue
            result.append(text)
        if not result and not allow_empty:
            self.add(line, f"{what}: '{key}' must not be empty")
        return tuple(result)

    def word_set(self, parent: LineDict, key: str, what: str) -> frozenset[str]:
        return frozenset(w for text in self.strings(parent, key, what) for w in words(text))

    def number(self, parent: LineDict, key: str, what: str, default: float = 0.0) -> float:
        value = parent.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(parent.line_of(key), f"{what}: '{key}' must be a number")
            return default
        return float(value)


def load_alarms(path: Path) -> tuple[AlarmVocabulary | None, list[Problem]]:
    """Load and validate alarms.yaml; the vocabulary is None when there is any problem."""
    file = str(path)
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    check = _Checker(file)
    root = check.mapping(doc, 1, "alarms.yaml", _TOP_KEYS, _TOP_KEYS - _OPTIONAL_TOP_KEYS)
    if root is None:
        return None, check.problems

    languages: tuple[str, ...] = ("nl", "en")
    min_zipf = 2.5
    lexicon = check.mapping(root.get("lexicon"), root.line_of("lexicon"), "lexicon", _LEXICON_KEYS, _LEXICON_KEYS)
    if lexicon is not None:
        languages = check.strings(lexicon, "languages", "lexicon")
        min_zipf = check.number(lexicon, "min_zipf", "lexicon", min_zipf)

    max_gap = 2
    optional: frozenset[str] = frozenset()
    tails: tuple[str, ...] = ()
    phrases = check.mapping(
        root.get("phrases"), root.line_of("phrases"), "phrases", _PHRASE_KEYS, _PHRASE_KEYS - {"compound_tails"}
    )
    if phrases is not None:
        gap = phrases.get("max_gap")
        if not isinstance(gap, int) or isinstance(gap, bool) or not 0 <= gap <= 4:
            check.add(phrases.line_of("max_gap"), "phrases: 'max_gap' must be a whole number from 0 to 4")
        else:
            max_gap = gap
        optional = check.word_set(phrases, "optional_words", "phrases")
        tails = tuple(
            w for t in check.strings(phrases, "compound_tails", "phrases", allow_empty=True) for w in words(t)
        )

    groups = _word_groups(root, check)
    spellings = _spellings(root, check)
    negation = _negation(root, check)
    concepts = _concepts(root, check)
    context = _context(root, check, {c.id for c in concepts})
    temperature = _temperature(root, check, {c.id for c in concepts})
    measurements = _measurements(root, check, {c.id for c in concepts})
    if check.problems or negation is None or temperature is None:
        return None, sorted(check.problems)
    vocabulary = AlarmVocabulary(
        concepts=tuple(concepts),
        negation=negation,
        temperature=temperature,
        languages=languages,
        min_zipf=min_zipf,
        max_gap=max_gap,
        optional_words=optional,
        word_groups=groups,
        file=file,
        compound_tails=tails,
        context=context,
        measurements=measurements,
        spellings=spellings,
    )
    return vocabulary, []


def _word_groups(root: LineDict, check: _Checker) -> tuple[tuple[str, ...], ...]:
    raw = root.get("word_groups")
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        check.add(root.line_of("word_groups"), "word_groups: must be a list of lists of words")
        return ()
    groups: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}
    for item, line in zip(raw, raw.item_lines, strict=True):
        if not isinstance(item, LineList) or len(item) < 2 or not all(isinstance(w, str) for w in item):
            check.add(line, "word_groups: each group must be a list of at least two words")
            continue
        group = tuple(w for text in item for w in words(text))
        for word in group:
            if word in seen:
                check.add(line, f"word_groups: '{word}' is already in the group on line {seen[word]}")
            seen.setdefault(word, line)
        groups.append(group)
    return tuple(groups)


def _spellings(root: LineDict, check: _Checker) -> dict[str, tuple[str, ...]]:
    """`spellings:` maps the standard words to the ways people also write them; returned the other way
    round: each variant (one word as written) to the standard words it stands for."""
    raw = root.get("spellings")
    if raw is None:
        return {}
    entry = check.mapping(
        raw, root.line_of("spellings"), "spellings", set(raw) if isinstance(raw, dict) else set(), set()
    )
    if entry is None:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    lines: dict[str, int] = {}
    for standard in entry:
        target = tuple(words(standard))
        if not target:
            check.add(entry.line_of(standard), f"spellings: {standard!r} has no letters to match")
            continue
        for variant in check.strings(entry, standard, f"spellings '{standard}'"):
            folded = words(variant)
            if len(folded) != 1:
                check.add(entry.line_of(standard), f"spellings '{standard}': {variant!r} must be one word")
                continue
            if folded[0] in found:
                check.add(
                    entry.line_of(standard),
                    f"spellings: {variant!r} is already a spelling of {' '.join(found[folded[0]])!r} "
                    f"(line {lines[folded[0]]})",
                )
                continue
            found[folded[0]] = target
            lines[folded[0]] = entry.line_of(standard)
    return found


def _measurements(root: LineDict, check: _Checker, concept_ids: set[str]) -> Measurements:
    raw = root.get("measurements")
    if raw is None:
        return Measurements()
    entry = check.mapping(raw, root.line_of("measurements"), "measurements", _MEASUREMENTS_KEYS, {"readings"})
    if entry is None:
        return Measurements()
    gap = entry.get("max_gap", 2)
    if not isinstance(gap, int) or isinstance(gap, bool) or not 0 <= gap <= 4:
        check.add(entry.line_of("max_gap"), "measurements: 'max_gap' must be a whole number from 0 to 4")
        gap = 2
    readings: list[Measurement] = []
    raw_readings = entry.get("readings")
    if not isinstance(raw_readings, LineList) or not raw_readings:
        check.add(entry.line_of("readings"), "measurements: 'readings' must be a non-empty list")
        raw_readings = LineList()
    for item, line in zip(raw_readings, getattr(raw_readings, "item_lines", []), strict=True):
        reading = check.mapping(item, line, "measurement", _READING_KEYS, {"concept", "names", "min", "max"})
        if reading is not None:
            found = _measurement(reading, check, concept_ids)
            if found is not None:
                readings.append(found)

    def optional(key: str) -> frozenset[str]:
        return frozenset(w for t in check.strings(entry, key, "measurements", allow_empty=True) for w in words(t))

    return Measurements(
        readings=tuple(readings),
        max_gap=gap,
        fillers=optional("fillers"),
        pair_words=optional("pair_words"),
        not_before=optional("not_before"),
    )


def _measurement(entry: LineDict, check: _Checker, concept_ids: set[str]) -> Measurement | None:
    concept = entry.get("concept")
    what = f"measurement {concept!r}"
    if not isinstance(concept, str) or concept not in concept_ids:
        check.add(entry.line_of("concept"), f"measurement: 'concept' must be one of the concept ids, not {concept!r}")
        return None
    names = tuple(tuple(words(n)) for n in check.strings(entry, "names", what))
    bounds = {k: check.number(entry, k, what) if k in entry else None for k in ("at_least", "at_most", "below")}
    if all(v is None for v in bounds.values()):
        check.add(entry.line, f"{what}: needs 'at_least', 'at_most' or 'below'")
    pair = entry.get("pair", False)
    if not isinstance(pair, bool):
        check.add(entry.line_of("pair"), f"{what}: 'pair' must be true or false")
        pair = False
    low, high = check.number(entry, "min", what), check.number(entry, "max", what)
    if low > high:
        check.add(entry.line, f"{what}: need min <= max")
    return Measurement(
        concept=concept,
        names=names,
        min=low,
        max=high,
        at_least=bounds["at_least"],
        at_most=bounds["at_most"],
        below=bounds["below"],
        pair=pair,
        unless=frozenset(w for t in check.strings(entry, "unless", what, allow_empty=True) for w in words(t)),
        line=entry.line,
    )


def _negation(root: LineDict, check: _Checker) -> Negation | None:
    raw = check.mapping(root.get("negation"), root.line_of("negation"), "negation", _NEGATION_KEYS, _NEGATION_KEYS)
    if raw is None:
        return None
    return Negation(
        before=check.word_set(raw, "before", "negation"),
        after=check.word_set(raw, "after", "negation"),
        after_end=check.word_set(raw, "after_end", "negation"),
    )


def _context(root: LineDict, check: _Checker, concept_ids: set[str]) -> ContextCues:
    raw = root.get("context")
    if raw is None:
        return ContextCues()
    entry = check.mapping(raw, root.line_of("context"), "context", _CONTEXT_KEYS, set())
    if entry is None:
        return ContextCues()

    def phrases(key: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(words(t)) for t in check.strings(entry, key, "context", allow_empty=True))

    def word_set(key: str) -> frozenset[str]:
        return frozenset(w for t in check.strings(entry, key, "context", allow_empty=True) for w in words(t))

    normal = check.number(entry, "normal_below", "context", 37.5) if "normal_below" in entry else 37.5
    return ContextCues(
        idioms=phrases("idioms"),
        resolved=phrases("resolved"),
        well=phrases("well"),
        hedges=phrases("hedges"),
        refer_back=word_set("refer_back"),
        names=_names(entry, check, concept_ids),
        past=phrases("past"),
        not_now=phrases("not_now"),
        definition=phrases("definition"),
        contrast=word_set("contrast"),
        also=word_set("also"),
        body=word_set("body"),
        returned=word_set("returned"),
        present=word_set("present"),
        again=phrases("again"),
        come_true=phrases("come_true"),
        normal_below=normal,
    )


def _names(entry: LineDict, check: _Checker, concept_ids: set[str]) -> dict[str, frozenset[str]]:
    """context.names: a resolution cue word and the concepts it names ("koortsvrij": fever)."""
    raw = entry.get("names")
    if raw is None:
        return {}
    table = check.mapping(
        raw, entry.line_of("names"), "context.names", set(raw) if isinstance(raw, LineDict) else set(), set()
    )
    if table is None:
        return {}
    out: dict[str, frozenset[str]] = {}
    for cue in table:
        ids = check.strings(table, cue, f"context.names.{cue}")
        for unknown in sorted(set(ids) - concept_ids):
            check.add(table.line_of(cue), f"context.names.{cue}: unknown concept '{unknown}'")
        for word in words(str(cue)):
            out[word] = frozenset(ids)
    return out


def _temperature(root: LineDict, check: _Checker, concept_ids: set[str]) -> TemperatureRule | None:
    raw = check.mapping(
        root.get("temperature"),
        root.line_of("temperature"),
        "temperature",
        _TEMPERATURE_KEYS,
        _TEMPERATURE_KEYS - {"above", "fahrenheit", "context_concepts"},
    )
    if raw is None:
        return None
    concept = raw.get("concept")
    if not isinstance(concept, str) or concept not in concept_ids:
        check.add(raw.line_of("concept"), f"temperature: 'concept' must be one of the concept ids, not {concept!r}")
    context_concepts = check.strings(raw, "context_concepts", "temperature", allow_empty=True)
    for other in context_concepts:
        if other not in concept_ids:
            check.add(
                raw.line_of("context_concepts"), f"temperature: 'context_concepts' names unknown concept {other!r}"
            )
    rule = TemperatureRule(
        concept=str(concept),
        urgent_from=check.number(raw, "urgent_from", "temperature"),
        seh_above=check.number(raw, "seh_above", "temperature"),
        min=check.number(raw, "min", "temperature"),
        max=check.number(raw, "max", "temperature"),
        units=check.word_set(raw, "units", "temperature"),
        context=check.word_set(raw, "context", "temperature"),
        weak_context=check.word_set(raw, "weak_context", "temperature"),
        not_after=check.word_set(raw, "not_after", "temperature"),
        not_before=check.word_set(raw, "not_before", "temperature"),
        above=_optional_words(check, raw, "above"),
        fahrenheit=_optional_words(check, raw, "fahrenheit"),
        context_concepts=frozenset(context_concepts),
    )
    if not rule.min <= rule.urgent_from <= rule.seh_above <= rule.max:
        check.add(raw.line, "temperature: need min <= urgent_from <= seh_above <= max")
    return rule


def _optional_words(check: _Checker, raw: LineDict, key: str) -> frozenset[str]:
    texts = check.strings(raw, key, "temperature", allow_empty=True)
    return frozenset(w for text in texts for w in words(text))


def _concepts(root: LineDict, check: _Checker) -> list[Concept]:
    raw = root.get("concepts")
    if not isinstance(raw, LineList) or not raw:
        check.add(root.line_of("concepts"), "concepts: must be a non-empty list")
        return []
    concepts: list[Concept] = []
    ids: dict[str, int] = {}
    for item, line in zip(raw, raw.item_lines, strict=True):
        entry = check.mapping(item, line, "concept", _CONCEPT_KEYS, _CONCEPT_REQUIRED)
        if entry is None:
            continue
        concept = _concept(entry, check)
        if concept is None:
            continue
        if concept.id in ids:
            check.add(entry.line_of("id"), f"concept '{concept.id}': duplicate id (first on line {ids[concept.id]})")
            continue
        ids[concept.id] = entry.line_of("id")
        concepts.append(concept)
    used = {part for c in concepts for part in c.all_of}
    for concept in concepts:
        for part in concept.all_of:
            if part not in ids or part == concept.id:
                check.add(concept.line, f"concept '{concept.id}': 'all_of' names unknown concept '{part}'")
        if concept.level is Level.NONE and concept.id not in used:
            check.add(concept.line, f"concept '{concept.id}': level none is only for signs used in an 'all_of'")
    return concepts


def _concept(entry: LineDict, check: _Checker) -> Concept | None:
    concept_id = entry.get("id")
    if not isinstance(concept_id, str) or not concept_id.replace("_", "").isalnum() or not concept_id.islower():
        check.add(entry.line_of("id"), f"concept: id must be lower-case letters, digits and _, not {concept_id!r}")
        concept_id = "?"
    what = f"concept '{concept_id}'"
    raw_level = entry.get("level")
    level = Level.URGENT
    try:
        level = Level.from_label(str(raw_level))
    except ValueError:
        check.add(entry.line_of("level"), f"{what}: level must be none, urgent, seh or emergency, not {raw_level!r}")
    folder = entry.get("folder")
    if not isinstance(folder, str) or not folder.strip():
        check.add(entry.line_of("folder"), f"{what}: 'folder' must name the folder's complaint")
    negatable = entry.get("negatable", True)
    if not isinstance(negatable, bool):
        check.add(entry.line_of("negatable"), f"{what}: 'negatable' must be true or false")
    reviewed_by = entry.get("reviewed_by")
    if reviewed_by is not None and (not isinstance(reviewed_by, str) or not reviewed_by.strip()):
        check.add(entry.line_of("reviewed_by"), f"{what}: 'reviewed_by' must be a name or empty (null)")
    reviewed_on = entry.get("reviewed_on")
    if reviewed_on is not None and not isinstance(reviewed_on, dt.date):
        check.add(entry.line_of("reviewed_on"), f"{what}: 'reviewed_on' must be a date like 2025-06-30 or null")
    if (reviewed_by is None) != (reviewed_on is None):
        check.add(entry.line, f"{what}: fill in both 'reviewed_by' and 'reviewed_on', or neither")
    source = entry.get("source")
    if source not in SOURCES:
        check.add(entry.line_of("source"), f"{what}: 'source' must be folder or beyond-folder, not {source!r}")
    all_of = check.strings(entry, "all_of", what, allow_empty=True)
    contacts = check.strings(entry, "contacts", what, allow_empty=True)
    for contact in contacts:
        if not contact.replace("_", "").isalnum() or not contact.islower():
            check.add(entry.line_of("contacts"), f"{what}: contact id {contact!r} must be lower-case letters and _")
    concept = Concept(
        id=concept_id,
        level=level,
        folder=str(folder),
        nl=check.strings(entry, "nl", what, allow_empty=True),
        en=check.strings(entry, "en", what, allow_empty=True),
        misspellings=check.strings(entry, "misspellings", what, allow_empty=True),
        exact=check.strings(entry, "exact", what, allow_empty=True),
        compounds=check.strings(entry, "compounds", what, allow_empty=True),
        negatable=negatable is not False,
        source=str(source),
        contacts=contacts,
        all_of=all_of,
        reviewed_by=reviewed_by if isinstance(reviewed_by, str) else None,
        reviewed_on=reviewed_on if isinstance(reviewed_on, dt.date) else None,
        line=entry.line,
    )
    if not concept.terms and not concept.all_of:
        check.add(entry.line, f"{what}: needs terms in 'nl', 'en' or 'exact', or an 'all_of'")
    seen: set[str] = set()
    for term in concept.terms:
        folded = " ".join(words(term))
        if folded in seen:
            check.add(entry.line, f"{what}: term {term!r} is listed twice")
        seen.add(folded)
    return concept
