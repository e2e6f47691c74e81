"""The B1 check of `content check`: short sentences and common words in every text the bot writes itself.

The rules live in content/plain_language.yaml. The texts are read straight from the YAML files, with
their line numbers: content/ui.yaml, the bot's own wording in alarm_replies.yaml (not the folder's
`lines`) and the feelings' replies in conversation.yaml. Never the folder's text, nor the staff's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.model import LANGS
from bot.yamlsrc import Checker, LineDict, LineList, Problem, YamlError, load_yaml

PLAIN_FILE = "plain_language.yaml"
# Keys of alarm_replies.yaml that hold the folder's own sentences or no sentence at all.
_NOT_BOT_WORDING = {"lines", "days", "and", "extra_line"}
# Labels (buttons, the command list) are checked for length and words, but are no sentences of a message:
# they do not count in the average.
_LABELS = re.compile(r"^(?:button_|commands\.)")
_TAGS = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"\{\w+\}")
# A sentence ends at . ! ? followed by a space or the end, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W_]+(?:[-'’:][^\W_]+)*")  # "13:15" and "herstel-programma's" are one word


@dataclass(frozen=True)
class Text:
    """One text the bot writes, where it is written, and its language."""

    file: str
    line: int
    key: str
    lang: str
    text: str


@dataclass(frozen=True)
class PlainRules:
    """The rules of plain_language.yaml."""

    max_words: int
    max_average_words: float
    avoid: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PlainReport:
    """Sentences counted, their average and longest length per language, and the problems found."""

    sentences: dict[str, int]
    average: dict[str, float]
    longest: dict[str, int]
    problems: list[Problem]

    def summary(self, rules: PlainRules) -> str:
        """One line per language for `content check`."""
        return "; ".join(
            f"{lang}: {self.sentences[lang]} sentences, average {self.average[lang]:.1f} words "
            f"(at most {rules.max_average_words:g}), longest {self.longest[lang]} (at most {rules.max_words})"
            for lang in self.sentences
        )


def load_plain_rules(path: Path) -> tuple[PlainRules | None, list[Problem]]:
    """Load plain_language.yaml."""
    check = Checker(str(path))
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    if not isinstance(doc, LineDict):
        return None, [Problem(str(path), 1, "plain_language.yaml: must be a mapping")]
    keys = {"max_words", "max_average_words", "avoid"}
    check.keys(doc, keys, keys, "plain_language.yaml")
    max_words, average = doc.get("max_words"), doc.get("max_average_words")
    if not isinstance(max_words, int) or max_words < 1:
        check.add(doc.line_of("max_words"), "max_words: must be a whole number of at least 1")
    if not isinstance(average, int | float) or average <= 0:
        check.add(doc.line_of("max_average_words"), "max_average_words: must be a positive number")
    avoid: dict[str, dict[str, str]] = {}
    raw = doc.get("avoid")
    if isinstance(raw, LineDict):
        check.keys(raw, set(LANGS), set(), "avoid")
        for lang, words in raw.items():
            if not isinstance(words, LineDict):
                check.add(raw.line_of(lang), f"avoid.{lang}: must map a word to a plainer one")
                continue
            avoid[str(lang)] = {str(k).lower(): str(v) for k, v in words.items()}
    else:
        check.add(doc.line_of("avoid"), "avoid: must map each language to words and their plainer word")
    if check.problems:
        return None, sorted(check.problems)
    return PlainRules(int(str(max_words)), float(str(average)), avoid), []


def bot_texts(content_dir: Path) -> Iterator[Text]:
    """Every text the bot writes itself, with file, line, key and language."""
    yield from _walk(content_dir / "ui.yaml", skip=set())
    yield from _walk(content_dir / "alarm_replies.yaml", skip=_NOT_BOT_WORDING)
    path = content_dir / "conversation.yaml"
    doc = _load(path)
    feelings = doc.get("feelings") if isinstance(doc, LineDict) else None
    for feeling in feelings if isinstance(feelings, LineList) else []:
        reply = feeling.get("reply") if isinstance(feeling, LineDict) else None
        if isinstance(reply, LineDict):
            for lang, text in reply.items():
                if isinstance(text, str):
                    yield Text(str(path), reply.line_of(lang), f"feelings.{feeling.get('id')}", str(lang), text)


def _load(path: Path) -> Any:
    try:
        return load_yaml(path)
    except YamlError:
        return None  # the loaders report it


def _walk(path: Path, skip: set[str]) -> Iterator[Text]:
    doc = _load(path)
    if not isinstance(doc, LineDict):
        return
    for lang in LANGS:
        node = doc.get(lang)
        if isinstance(node, LineDict):
            yield from _texts(node, str(path), lang, "", skip)


def _texts(node: LineDict, file: str, lang: str, prefix: str, skip: set[str]) -> Iterator[Text]:
    for key, value in node.items():
        if not prefix and key in skip:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, LineDict):
            yield from _texts(value, file, lang, f"{name}.", skip)
        elif isinstance(value, str):
            yield Text(file, node.line_of(key), name, lang, value)


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence of a text (tags dropped, a placeholder counts as one word)."""
    plain = _PLACEHOLDER.sub("X", _TAGS.sub("", text))
    return [found for part in _SENTENCE_END.split(plain) if (found := _WORD.findall(part))]


def check_plain_language(texts: list[Text], rules: PlainRules) -> PlainReport:
    """Sentence length and words to avoid, per text; the average per language."""
    problems: list[Problem] = []
    lengths: dict[str, list[int]] = {}
    for text in texts:
        for words in sentences(text.text):
            if not _LABELS.match(text.key):
                lengths.setdefault(text.lang, []).append(len(words))
            if len(words) > rules.max_words:
                problems.append(
                    Problem(
                        text.file,
                        text.line,
                        f"{text.lang}.{text.key}: a sentence of {len(words)} words (at most {rules.max_words}): "
                        f"{' '.join(words)[:80]}",
                    )
                )
        lowered = f" {' '.join(w.lower() for w in _WORD.findall(_TAGS.sub('', text.text)))} "
        for word, instead in rules.avoid.get(text.lang, {}).items():
            plain_word = " ".join(_WORD.findall(word.lower())) or word
            if f" {plain_word} " in lowered:
                problems.append(
                    Problem(text.file, text.line, f"{text.lang}.{text.key}: avoid '{word}', write '{instead}'")
                )
    average = {lang: sum(ns) / len(ns) for lang, ns in lengths.items()}
    problems += [
        Problem(
            "plain_language.yaml",
            0,
            f"{lang}: sentences average {mean:.1f} words; at most {rules.max_average_words:g}",
        )
        for lang, mean in average.items()
        if mean > rules.max_average_words
    ]
    return PlainReport(
        {lang: len(ns) for lang, ns in lengths.items()},
        average,
        {lang: max(ns) for lang, ns in lengths.items()},
        problems,
    )
