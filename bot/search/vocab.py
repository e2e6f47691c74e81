"""Load and validate `content/search.yaml`: clinicians' keywords per chapter and synonyms.

Every problem is reported at once with file and line, like the other content loaders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.model import Content
from bot.search.passage import split_units
from bot.search.text import EN_STOP, NL_STOP, words
from bot.yamlsrc import LineDict, LineList, Problem, YamlError, check_keys, load_yaml

SEARCH_FILE = "search.yaml"
_KEYS = set(
    "chapters synonyms asks senses context_markers other_topics subject setting descriptions journey reported".split()
)


@dataclass(frozen=True)
class Answer:
    """A sentence of the folder and the words of the questions it answers ("wakker", "asleep" for
    "Dit gebeurt onder lokale verdoving.")."""

    sentence: str  # a piece of one sentence of the chapter, as the folder writes it
    words: tuple[str, ...]


@dataclass(frozen=True)
class ChapterKeywords:
    """What patients ask about in one chapter, in their words (Dutch) and in English, and which of its
    sentences answers which words."""

    keywords: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()


@dataclass(frozen=True)
class Description:
    """How patients describe a thing when they do not know its name: "de vergadering waar de dokters
    over mij praten" is the MDO. Each phrase matches when the question has all its words, in any order,
    close together; the question then names `means` instead of those words."""

    means: tuple[str, ...]
    says: tuple[str, ...]


@dataclass(frozen=True)
class Stage:
    """Where the patient stands ("alle scans zijn klaar") and the chapter that comes next."""

    after: tuple[str, ...]
    next: str
    answer: tuple[str, ...] = ()  # words of the sentence of `next` to quote ("herstel-programma's")


@dataclass(frozen=True)
class Journey:
    """A vague "what now?" after a story that says where the patient stands asks for the next stage."""

    asks: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()


@dataclass(frozen=True)
class Ask:
    """What a question asks for ("welk nummer", "hoe lang duurt") and the chapters that answer it."""

    phrases: tuple[str, ...]
    chapters: tuple[str, ...]
    weight: float = 1.0  # how strongly the ask lifts its chapters, relative to other asks
    answer: tuple[str, ...] = ()  # words of the sentence that answers it ("belt", "minuten")


@dataclass(frozen=True)
class Sense:
    """An ambiguous word that means something else next to certain words ("onderzoek" + "meedoen")."""

    word: str
    near: tuple[str, ...]
    means: tuple[str, ...]
    within: int | None = None  # how many words away `near` may stand; anywhere in the question when None


@dataclass(frozen=True)
class SearchVocabulary:
    """Keywords per chapter, synonyms, what questions ask, word senses and context markers."""

    chapters: Mapping[str, ChapterKeywords] = field(default_factory=dict)
    groups: tuple[tuple[str, ...], ...] = ()
    mappings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    asks: tuple[Ask, ...] = ()
    senses: tuple[Sense, ...] = ()
    # Words after which the next topic word only sets the scene ("sinds de uitslag", "na de punctie").
    context_markers: tuple[str, ...] = ()
    # Words of topics the folder never covers (weather, sport, cooking, other illnesses).
    other_topics: tuple[str, ...] = ()
    # Words of the folder's subject itself ("lever", "uitzaaiingen"): nearly every question names them.
    subject: tuple[str, ...] = ()
    # Words of the hospital setting ("ziekenhuis", "afdeling"): any question about a hospital names them.
    setting: tuple[str, ...] = ()
    descriptions: tuple[Description, ...] = ()
    journey: Journey = field(default_factory=Journey)
    # Phrases that only report who said something ("de dokter zei"): not what is asked.
    reported: tuple[str, ...] = ()


def load_search_vocabulary(path: Path, content: Content) -> tuple[SearchVocabulary | None, list[Problem]]:
    """Load `path` (content/search.yaml); the vocabulary is None when there are problems."""
    file = str(path)
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    if not isinstance(doc, LineDict):
        return None, [Problem(file, 1, "search.yaml: expected a mapping with 'chapters' and 'synonyms'")]
    problems = check_keys(doc, file, _KEYS, {"chapters"}, "search.yaml")
    chapters = _chapters(doc.get("chapters"), doc.line_of("chapters"), file, content, problems)
    groups: tuple[tuple[str, ...], ...] = ()
    mappings: dict[str, tuple[str, ...]] = {}
    if "synonyms" in doc:
        groups, mappings = _synonyms(doc["synonyms"], doc.line_of("synonyms"), file, problems)
    asks = _asks(doc.get("asks"), doc.line_of("asks"), file, content, problems) if "asks" in doc else ()
    senses = _senses(doc.get("senses"), doc.line_of("senses"), file, problems) if "senses" in doc else ()
    markers = _listed(doc, "context_markers", file, problems, frozenset())
    others = _listed(doc, "other_topics", file, problems)
    subject = _listed(doc, "subject", file, problems)
    setting = _listed(doc, "setting", file, problems)
    descriptions: tuple[Description, ...] = ()
    if "descriptions" in doc:
        descriptions = _descriptions(doc["descriptions"], doc.line_of("descriptions"), file, problems)
    journey = Journey()
    if "journey" in doc:
        journey = _journey(doc["journey"], doc.line_of("journey"), file, content, problems)
    reported = _listed(doc, "reported", file, problems, frozenset())
    for phrase in reported:
        if len(words(phrase)) < 2:
            problems.append(Problem(file, doc.line_of("reported"), f"reported '{phrase}': needs two words or more"))
    if problems:
        return None, sorted(problems)
    vocabulary = SearchVocabulary(
        chapters, groups, mappings, asks, senses, markers, others, subject, setting, descriptions, journey, reported
    )
    return vocabulary, []


def _listed(
    doc: LineDict, key: str, file: str, problems: list[Problem], stop: frozenset[str] = NL_STOP
) -> tuple[str, ...]:
    """The words or phrases listed under `key` of the top mapping; () when it has no such key."""
    return _terms(doc[key], doc.line_of(key), file, key, problems, stop) if key in doc else ()


def _entries(raw: Any, line: int, file: str, what: str, problems: list[Problem]) -> list[tuple[LineDict, int]]:
    """The mappings of a non-empty list, each with its line."""
    if not isinstance(raw, LineList) or not raw:
        problems.append(Problem(file, line, f"{what}: expected a non-empty list of mappings"))
        return []
    out: list[tuple[LineDict, int]] = []
    for item, item_line in zip(raw, raw.item_lines, strict=True):
        if isinstance(item, LineDict):
            out.append((item, item_line))
        else:
            problems.append(Problem(file, item_line, f"{what}: expected a mapping, not {item!r}"))
    return out


def _asks(raw: Any, line: int, file: str, content: Content, problems: list[Problem]) -> tuple[Ask, ...]:
    asks: list[Ask] = []
    for entry, _ in _entries(raw, line, file, "asks", problems):
        problems += check_keys(entry, file, {"ask", "chapters", "weight", "answer"}, {"ask", "chapters"}, "asks entry")
        weight = entry.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 5:
            problems.append(Problem(file, entry.line_of("weight"), "asks entry: weight must be a number from 0 to 5"))
            weight = 1
        # Question words are the point here, so stop words count as searchable.
        phrases = _terms(entry.get("ask"), entry.line_of("ask"), file, "asks entry ask", problems, frozenset())
        ids = _terms(
            entry.get("chapters"), entry.line_of("chapters"), file, "asks entry chapters", problems, frozenset()
        )
        for chapter_id in ids:
            if content.chapter(chapter_id) is None:
                where = entry.line_of("chapters")
                problems.append(Problem(file, where, f"asks entry: unknown chapter id '{chapter_id}'"))
        if phrases and ids:
            answer = _terms(entry.get("answer"), entry.line_of("answer"), file, "asks entry answer", problems)
            asks.append(Ask(phrases, ids, float(weight), answer))
    return tuple(asks)


def _senses(raw: Any, line: int, file: str, problems: list[Problem]) -> tuple[Sense, ...]:
    senses: list[Sense] = []
    for entry, where in _entries(raw, line, file, "senses", problems):
        problems += check_keys(
            entry, file, {"word", "near", "means", "within"}, {"word", "near", "means"}, "senses entry"
        )
        word = entry.get("word")
        if not isinstance(word, str) or len(words(word)) != 1:
            problems.append(Problem(file, where, f"senses entry: 'word' must be one word, not {word!r}"))
            continue
        # "niet" and "geen" are stop words, but next to "dringend" they decide its sense.
        near = _terms(entry.get("near"), entry.line_of("near"), file, f"sense '{word}' near", problems, frozenset())
        means = _terms(entry.get("means"), entry.line_of("means"), file, f"sense '{word}' means", problems)
        within = entry.get("within")
        if within is not None and (not isinstance(within, int) or isinstance(within, bool) or within < 1):
            problems.append(Problem(file, entry.line_of("within"), f"sense '{word}': within must be a positive number"))
            continue
        if near and means:
            senses.append(Sense(words(word)[0], near, means, within))
    return tuple(senses)


def _chapters(raw: Any, line: int, file: str, content: Content, problems: list[Problem]) -> dict[str, ChapterKeywords]:
    result: dict[str, ChapterKeywords] = {}
    if raw is None:
        return result
    if not isinstance(raw, LineDict):
        problems.append(Problem(file, line, "chapters: expected a mapping of chapter id to keywords"))
        return result
    problems += check_keys(raw, file, set(raw), set(), "chapters")  # reports duplicate ids only
    for chapter_id, entry in raw.items():
        where = raw.line_of(chapter_id)
        if content.chapter(chapter_id) is None:
            problems.append(Problem(file, where, f"chapters: unknown chapter id '{chapter_id}'"))
            continue
        what = f"chapter '{chapter_id}'"
        if not isinstance(entry, LineDict):
            problems.append(Problem(file, where, f"{what}: expected 'keywords' and/or 'keywords_en'"))
            continue
        problems += check_keys(entry, file, {"keywords", "keywords_en", "answers"}, set(), what)
        if not entry:
            problems.append(Problem(file, where, f"{what}: no keywords"))
        nl = _terms(entry.get("keywords"), entry.line_of("keywords"), file, f"{what} keywords", problems)
        en = _terms(
            entry.get("keywords_en"), entry.line_of("keywords_en"), file, f"{what} keywords_en", problems, EN_STOP
        )
        answers: tuple[Answer, ...] = ()
        if "answers" in entry:
            text = content.chapter(chapter_id).text  # type: ignore[union-attr]  # checked above
            answers = _answers(entry["answers"], entry.line_of("answers"), file, what, text, problems)
        result[chapter_id] = ChapterKeywords(nl, en, answers)
    return result


def _answers(raw: Any, line: int, file: str, what: str, text: str, problems: list[Problem]) -> tuple[Answer, ...]:
    """The chapter's sentences with the words of the questions they answer; each piece must be in exactly one
    sentence of the chapter, as the passage cuts it."""
    pieces = [text[u.start : u.end] for u in split_units(text)]
    out: list[Answer] = []
    seen: dict[str, int] = {}
    for entry, where in _entries(raw, line, file, f"{what} answers", problems):
        problems += check_keys(entry, file, {"sentence", "words"}, {"sentence", "words"}, f"{what} answers entry")
        sentence = entry.get("sentence")
        if not isinstance(sentence, str) or not sentence.strip():
            problems.append(Problem(file, where, f"{what} answers: 'sentence' must be a piece of a sentence"))
            continue
        sentence = sentence.strip()
        holding = [i for i, piece in enumerate(pieces) if sentence in piece]
        if len(holding) != 1:
            how = "is in no sentence of the chapter" if not holding else "is in more than one sentence"
            problems.append(Problem(file, entry.line_of("sentence"), f"{what} answers: '{sentence}' {how}"))
            continue
        if sentence in seen:
            problems.append(Problem(file, where, f"{what} answers: '{sentence}' twice (line {seen[sentence]})"))
            continue
        seen[sentence] = where
        found = _terms(entry.get("words"), entry.line_of("words"), file, f"{what} answer words", problems)
        if found:
            out.append(Answer(sentence, found))
    return tuple(out)


def _descriptions(raw: Any, line: int, file: str, problems: list[Problem]) -> tuple[Description, ...]:
    out: list[Description] = []
    for entry, _ in _entries(raw, line, file, "descriptions", problems):
        problems += check_keys(entry, file, {"means", "says"}, {"means", "says"}, "descriptions entry")
        means = _terms(entry.get("means"), entry.line_of("means"), file, "descriptions entry means", problems)
        # A description is all its words: "wat willen jullie bereiken" needs "willen" as much as "bereiken".
        says = _terms(entry.get("says"), entry.line_of("says"), file, "descriptions entry says", problems, frozenset())
        for phrase in says:
            if len(words(phrase)) < 2:
                problems.append(
                    Problem(file, entry.line_of("says"), f"description '{phrase}': needs two words or more")
                )
        if means and says:
            out.append(Description(means, tuple(p for p in says if len(words(p)) >= 2)))
    return tuple(out)


def _journey(raw: Any, line: int, file: str, content: Content, problems: list[Problem]) -> Journey:
    if not isinstance(raw, LineDict):
        problems.append(Problem(file, line, "journey: expected a mapping with 'asks' and 'stages'"))
        return Journey()
    problems += check_keys(raw, file, {"asks", "stages"}, {"asks", "stages"}, "journey")
    asks = _terms(raw.get("asks"), raw.line_of("asks"), file, "journey asks", problems, frozenset())
    stages: list[Stage] = []
    for entry, _ in _entries(raw.get("stages"), raw.line_of("stages"), file, "journey stages", problems):
        problems += check_keys(entry, file, {"after", "next", "answer"}, {"after", "next"}, "journey stage")
        after = _terms(entry.get("after"), entry.line_of("after"), file, "journey stage after", problems, frozenset())
        following = entry.get("next")
        if not isinstance(following, str) or content.chapter(following) is None:
            problems.append(Problem(file, entry.line_of("next"), f"journey stage: unknown chapter id {following!r}"))
            continue
        answer = _terms(entry.get("answer"), entry.line_of("answer"), file, "journey stage answer", problems)
        if after:
            stages.append(Stage(after, following, answer))
    return Journey(asks, tuple(stages))


def _terms(
    raw: Any, line: int, file: str, what: str, problems: list[Problem], stop: frozenset[str] = NL_STOP
) -> tuple[str, ...]:
    """A non-empty list of distinct words or phrases that each have a searchable word."""
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        problems.append(Problem(file, line, f"{what}: expected a list"))
        return ()
    if not raw:
        problems.append(Problem(file, line, f"{what}: empty list"))
        return ()
    seen: dict[str, int] = {}
    out: list[str] = []
    for item, item_line in zip(raw, raw.item_lines, strict=True):
        if not isinstance(item, str | int) or not str(item).strip():
            problems.append(Problem(file, item_line, f"{what}: expected a word or phrase, not {item!r}"))
            continue
        term = str(item).strip()
        key = " ".join(words(term))
        if not any(w not in stop for w in words(term)):
            problems.append(Problem(file, item_line, f"{what}: '{term}' has no searchable word"))
        elif key in seen:
            problems.append(Problem(file, item_line, f"{what}: duplicate '{term}' (line {seen[key]})"))
        else:
            seen[key] = item_line
            out.append(term)
    return tuple(out)


def _synonyms(
    raw: Any, line: int, file: str, problems: list[Problem]
) -> tuple[tuple[tuple[str, ...], ...], dict[str, tuple[str, ...]]]:
    groups: list[tuple[str, ...]] = []
    mappings: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw, LineDict):
        problems.append(Problem(file, line, "synonyms: expected a mapping with 'groups' and/or 'mappings'"))
        return (), mappings
    problems += check_keys(raw, file, {"groups", "mappings"}, set(), "synonyms")
    raw_groups = raw.get("groups")
    if raw_groups is not None and not isinstance(raw_groups, LineList):
        problems.append(Problem(file, raw.line_of("groups"), "synonyms groups: expected a list of lists"))
    elif isinstance(raw_groups, LineList):
        if not raw_groups:
            problems.append(Problem(file, raw.line_of("groups"), "synonyms groups: empty list"))
        owner: dict[str, int] = {}
        for group, group_line in zip(raw_groups, raw_groups.item_lines, strict=True):
            if isinstance(group, LineList) and len(group) < 2:
                problems.append(Problem(file, group_line, "synonyms group: needs at least two words"))
                continue
            terms = _terms(group, group_line, file, "synonyms group", problems)
            for term in terms:
                key = " ".join(words(term))
                if key in owner:
                    problems.append(
                        Problem(
                            file, group_line, f"synonyms group: '{term}' is already in the group on line {owner[key]}"
                        )
                    )
                owner[key] = group_line
            if terms:
                groups.append(terms)
    raw_map = raw.get("mappings")
    if raw_map is not None and not isinstance(raw_map, LineDict):
        problems.append(Problem(file, raw.line_of("mappings"), "synonyms mappings: expected a mapping"))
    elif isinstance(raw_map, LineDict):
        if not raw_map:
            problems.append(Problem(file, raw.line_of("mappings"), "synonyms mappings: empty mapping"))
        problems += check_keys(raw_map, file, set(raw_map), set(), "synonyms mappings")
        for word, targets in raw_map.items():
            where = raw_map.line_of(word)
            if isinstance(targets, str):  # `bril: metaal` is as natural as `bril: [metaal]`
                fixed = LineList([targets])
                fixed.line, fixed.item_lines = where, [where]
                targets = fixed
            if not any(w not in NL_STOP for w in words(word)):
                problems.append(Problem(file, where, f"synonyms mappings: '{word}' has no searchable word"))
            found = _terms(targets, where, file, f"synonyms mapping '{word}'", problems)
            if found:
                mappings[word] = found
    return tuple(groups), mappings
