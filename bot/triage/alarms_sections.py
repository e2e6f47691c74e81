"""The sections of content/alarms.yaml beyond the concepts: measurements, context cues and the temperature rule.

Each is read and checked here with the file's checker (AlarmsChecker); bot/triage/alarms_file.py reads
the file as a whole.
"""

from __future__ import annotations

from typing import Any

from bot.triage.normalize import words
from bot.triage.vocabulary import ContextCues, Measurement, Measurements, TemperatureRule
from bot.yamlsrc import Checker, LineDict, LineList, check_keys

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
    "ongoing",
    "not_a_cue_after",
    "location",
    "determiners",
    "again",
    "come_true",
    "normal_below",
    "lowered_by",
    "new_reading",
    "repeated",
}


_MEASUREMENTS_KEYS = {"max_gap", "fillers", "pair_words", "not_before", "readings"}


_READING_KEYS = {"concept", "names", "pair", "at_least", "at_most", "below", "min", "max", "unless", "parts"}


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


class AlarmsChecker(Checker):
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


def read_measurements(root: LineDict, check: AlarmsChecker, concept_ids: set[str]) -> Measurements:
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


def _measurement(entry: LineDict, check: AlarmsChecker, concept_ids: set[str]) -> Measurement | None:
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
    parts = tuple(check.strings(entry, "parts", what, allow_empty=True))
    if any(len(part) != 1 or not part.isascii() or not part.isalpha() for part in parts):
        check.add(entry.line_of("parts"), f"{what}: 'parts' are single letters (a-z)")
        parts = ()
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
        parts=tuple(p.lower() for p in parts),
        line=entry.line,
    )


def read_context(root: LineDict, check: AlarmsChecker, concept_ids: set[str]) -> ContextCues:
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
        ongoing=word_set("ongoing"),
        not_a_cue_after=word_set("not_a_cue_after"),
        location=word_set("location"),
        determiners=word_set("determiners"),
        again=phrases("again"),
        come_true=phrases("come_true"),
        normal_below=normal,
        lowered_by=word_set("lowered_by"),
        new_reading=word_set("new_reading"),
        repeated=word_set("repeated"),
    )


def _names(entry: LineDict, check: AlarmsChecker, concept_ids: set[str]) -> dict[str, frozenset[str]]:
    """context.names: a resolution cue word and the concepts it names ("koortsvrij": fever)."""
    raw = entry.get("names")
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):  # any cue word may be a key: only the shape is checked
        check.add(entry.line_of("names"), "context.names: must be a mapping")
        return {}
    table = raw
    out: dict[str, frozenset[str]] = {}
    for cue in table:
        ids = check.strings(table, cue, f"context.names.{cue}")
        for unknown in sorted(set(ids) - concept_ids):
            check.add(table.line_of(cue), f"context.names.{cue}: unknown concept '{unknown}'")
        for word in words(str(cue)):
            out[word] = frozenset(ids)
    return out


def read_temperature(root: LineDict, check: AlarmsChecker, concept_ids: set[str]) -> TemperatureRule | None:
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


def _optional_words(check: AlarmsChecker, raw: LineDict, key: str) -> frozenset[str]:
    texts = check.strings(raw, key, "temperature", allow_empty=True)
    return frozenset(w for text in texts for w in words(text))
