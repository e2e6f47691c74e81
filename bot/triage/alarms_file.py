"""Reading and checking content/alarms.yaml into an AlarmVocabulary: every problem at once, with its line.

The concepts, word groups, spellings and negation are read here; the measurements, context cues and
temperature rule in bot/triage/alarms_sections.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.triage.alarms_sections import AlarmsChecker, read_context, read_measurements, read_temperature
from bot.triage.levels import Level
from bot.triage.normalize import words
from bot.triage.vocabulary import AlarmVocabulary, Concept, Negation
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, load_yaml

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
    "across_sentences",
    "reviewed_by",
    "reviewed_on",
}


_CONCEPT_REQUIRED = {"id", "level", "folder", "source", "reviewed_by", "reviewed_on"}


_LEXICON_KEYS = {"languages", "min_zipf"}


_PHRASE_KEYS = {"max_gap", "optional_words", "compound_tails"}


_NEGATION_KEYS = {"before", "after", "after_end"}


def load_alarms(path: Path) -> tuple[AlarmVocabulary | None, list[Problem]]:
    """Load and validate alarms.yaml; the vocabulary is None when there is any problem."""
    file = str(path)
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    check = AlarmsChecker(file)
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
    context = read_context(root, check, {c.id for c in concepts})
    temperature = read_temperature(root, check, {c.id for c in concepts})
    measurements = read_measurements(root, check, {c.id for c in concepts})
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


def _word_groups(root: LineDict, check: AlarmsChecker) -> tuple[tuple[str, ...], ...]:
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


def _spellings(root: LineDict, check: AlarmsChecker) -> dict[str, tuple[str, ...]]:
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


def _negation(root: LineDict, check: AlarmsChecker) -> Negation | None:
    raw = check.mapping(root.get("negation"), root.line_of("negation"), "negation", _NEGATION_KEYS, _NEGATION_KEYS)
    if raw is None:
        return None
    return Negation(
        before=check.word_set(raw, "before", "negation"),
        after=check.word_set(raw, "after", "negation"),
        after_end=check.word_set(raw, "after_end", "negation"),
    )


def _concepts(root: LineDict, check: AlarmsChecker) -> list[Concept]:
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


def _concept(entry: LineDict, check: AlarmsChecker) -> Concept | None:
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
    across = entry.get("across_sentences", False)
    if not isinstance(across, bool) or (across and not all_of):
        check.add(entry.line_of("across_sentences"), f"{what}: 'across_sentences' is true or false, with an 'all_of'")
        across = False
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
        across_sentences=across,
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
