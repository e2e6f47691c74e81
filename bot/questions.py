"""One reader of "is this a question?" for triage, search and the replies.

The words live in `content/questions.yaml`, in four named readings (see its header): `alarm` (does a
message with an alarm also ask?), `context` (which sentences of a triage message ask), `search` (which
sentence of a story asks) and `reply` (the strict reading of the text reply). Each caller keeps its own
tokens (triage, search and the replies cut words differently) and asks one of these functions:

- `asks_anywhere`: a question mark, a verb first or a question word anywhere (the `alarm` reading);
- `opens_question`: a word that opens a question at the start of a sentence;
- `asking_sentences`: which sentences of a message ask;
- `verb_first`, `asks_in_a_clause`, `asked_outright`: the `reply` reading's question syntax.

The words are read once, when this module is imported, from the bot's own content/ directory: the
reply paths (the alarm reply among them) never touch a file. `python -m bot content check` validates
the file of the directory it checks (`load_question_words`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.yamlsrc import Checker, LineDict, Problem, YamlError, load_yaml

QUESTIONS_FILE = "questions.yaml"
ReadingName = Literal["alarm", "context", "search", "reply"]
READINGS: tuple[ReadingName, ...] = ("alarm", "context", "search", "reply")
_DEFAULT = Path(__file__).resolve().parent.parent / "content" / QUESTIONS_FILE
_CLAUSES = re.compile(r"[.,!;:\n]+")
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Reading:
    """One reading's words: those that ask wherever they stand, and the verbs that open a question."""

    question_words: frozenset[str]
    verbs: frozenset[str]

    @property
    def openers(self) -> frozenset[str]:
        """Words that open a question at the start of a sentence."""
        return self.question_words | self.verbs


@dataclass(frozen=True)
class QuestionWords:
    """The compiled lists of questions.yaml."""

    readings: dict[str, Reading]
    subjects: frozenset[str]  # a verb before one of these asks ("mag ik")
    alone: frozenset[str]  # these verbs ask whatever follows ("is moeheid normaal")
    somewhat: str  # this word ("wat") after a verb of the reply reading or one of `somewhat_after` ...
    somewhat_after: frozenset[str]  # ... means "somewhat" ("ik heb wat pijn"), not "what"

    def reading(self, name: ReadingName) -> Reading:
        """The words of one reading."""
        return self.readings[name]


def load_question_words(path: Path) -> tuple[QuestionWords | None, list[Problem]]:
    """Load and check questions.yaml; None and every problem when anything is wrong."""
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    check = Checker(str(path))
    if not isinstance(doc, LineDict):
        return None, [Problem(str(path), 1, f"{QUESTIONS_FILE}: must be a mapping")]
    top = {"question_words", "readings", "verb_first", "somewhat"}
    check.keys(doc, top, top, QUESTIONS_FILE)
    shared = _words(doc, "question_words", check, QUESTIONS_FILE)
    raw = _mapping(doc, "readings", set(READINGS), check)
    readings: dict[str, Reading] = {}
    for name in READINGS:
        if name in raw:
            entry = _mapping(raw, name, {"question_words", "verbs"}, check)
            extra = _words(entry, "question_words", check, f"readings.{name}")
            readings[name] = Reading(shared | extra, _words(entry, "verbs", check, f"readings.{name}"))
    verb_first = _mapping(doc, "verb_first", {"subjects", "alone"}, check)
    subjects, alone = (_words(verb_first, part, check, "verb_first") for part in ("subjects", "alone"))
    somewhat = _mapping(doc, "somewhat", {"word", "after"}, check)
    word = somewhat.get("word")
    if not isinstance(word, str) or not re.fullmatch(r"[a-z]+", word):
        check.add(somewhat.line, "somewhat.word: must be one lower-case word")
    after = _words(somewhat, "after", check, "somewhat")
    if check.problems:
        return None, sorted(check.problems)
    return QuestionWords(readings, subjects, alone, str(word), after), []


def _mapping(doc: LineDict, key: str, keys: set[str], check: Checker) -> LineDict:
    """The mapping under `key` with exactly `keys` (an empty one, reported, when it is not a mapping)."""
    value = doc.get(key)
    if isinstance(value, LineDict):
        check.keys(value, keys, keys, key)
        return value
    if key in doc:
        check.add(doc.line_of(key), f"{key}: must be a mapping")
    empty = LineDict()
    empty.line, empty.key_lines = doc.line_of(key), {}
    return empty


def _words(mapping: LineDict, key: str, check: Checker, what: str) -> frozenset[str]:
    """A list of single lower-case words under `key` (an absent key is reported by the key check)."""
    raw: Any = mapping.get(key, [])
    line = mapping.line_of(key) if key in mapping else mapping.line
    if not isinstance(raw, list):
        check.add(line, f"{what}.{key}: must be a list of words")
        return frozenset()
    found: set[str] = set()
    for word in raw:
        if not isinstance(word, str) or not re.fullmatch(r"[a-z]+", word):
            check.add(line, f"{what}.{key}: {word!r} is not one lower-case word")
        else:
            found.add(word)
    return frozenset(found)


def _load_default() -> QuestionWords:
    words, problems = load_question_words(_DEFAULT)
    if words is None:
        raise RuntimeError("content/questions.yaml: " + "; ".join(str(p) for p in problems))
    return words


WORDS = _load_default()


def asks_anywhere(text: str, words: Sequence[str], reading: ReadingName = "alarm") -> bool:
    """True for a question mark, a verb that opens the message, or a question word anywhere in it.

    `words` are the message's words as the caller cuts them (triage's tokens)."""
    if "?" in text:
        return True
    if not words:
        return False
    read = WORDS.reading(reading)
    return words[0] in read.verbs or any(word in read.question_words for word in words)


def opens_question(word: str, reading: ReadingName) -> bool:
    """True when a sentence that starts with `word` asks."""
    read = WORDS.reading(reading)
    return word in read.question_words or word in read.verbs


def asking_sentences(
    sentences: Sequence[str], words: Callable[[str], Sequence[str]], reading: ReadingName = "search"
) -> list[bool]:
    """For each sentence (none empty): does it ask? Those that end with a question mark ask; when none
    does, the last asks when it starts like a question."""
    asking = [sentence.rstrip().endswith("?") for sentence in sentences]
    if sentences and not any(asking):
        asking[-1] = opens_question(words(sentences[-1])[0], reading)
    return asking


def verb_first(words: Sequence[str]) -> bool:
    """A verb before its subject ("mag ik", "is het"), or a verb that asks whatever follows ("is moeheid
    normaal"); not "zijn neus bloedt". The `reply` reading."""
    if len(words) < 2:
        return False
    verbs = WORDS.reading("reply").verbs
    return words[0] in verbs and (words[1] in WORDS.subjects or words[0] in WORDS.alone)


def asks_in_a_clause(text: str) -> bool:
    """The strict `reply` reading: a question mark, a question word in a clause ("metastasen, wat betekent
    dat"), or a clause that opens with a verb before its subject. Not "mijn ogen zijn wat geel"."""
    if "?" in text:
        return True
    read = WORDS.reading("reply")
    somewhat_after = read.verbs | WORDS.somewhat_after
    for clause in _CLAUSES.split(text.lower()):
        words = _WORDS.findall(clause)
        for i, word in enumerate(words):
            if word in read.question_words and not (
                word == WORDS.somewhat and i > 0 and words[i - 1] in somewhat_after
            ):
                return True
        if verb_first(words):
            return True
    return False


def asked_outright(text: str) -> bool:
    """A question mark, or a message that opens with a verb first ("kan het kwaad dat ..."): not "boos over
    hoe het ging"."""
    return "?" in text or verb_first(_WORDS.findall(text.lower()))
