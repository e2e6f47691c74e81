"""`content/conversation.yaml`: the words that steer a dialogue, talk about the body, and feelings.

Pure and in memory: the lists are compiled once when the catalog loads, and reading a message is a
pass over its words. No medical rules live here; these only choose which reply a patient gets.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.content.model import LANGS, SOURCES, Content, Lang
from bot.localized import Localized, in_lang
from bot.yamlsrc import Checker, LineDict, LineList, Problem, YamlError, load_yaml

CONVERSATION_FILE = "conversation.yaml"
Intent = Literal["stop", "help", "dont_know"]
INTENTS: tuple[Intent, ...] = ("stop", "help", "dont_know")
# How far back a negation reaches ("geen last meer van jeuk" is three words).
_NEGATION_REACH = 3
_WORD = re.compile(r"[a-z0-9]+")
_CLAUSE = re.compile(r"[.,;:!?\n()]+")


def fold(text: str) -> str:
    """Lower case without accents or apostrophes ("Don’t" -> "dont", "geërgerd" -> "geergerd")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"['’‘`]", "", plain)


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    return _WORD.findall(fold(text))


def clauses(text: str) -> list[list[str]]:
    """The folded words of each clause (split at punctuation and line breaks)."""
    return [found for part in _CLAUSE.split(fold(text)) if (found := _WORD.findall(part))]


def _token_matches(pattern: str, word: str) -> bool:
    if pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 2:
        return pattern[1:-1] in word
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return word.endswith(pattern[1:])
    return word == pattern


@dataclass(frozen=True)
class Terms:
    """Words and phrases, each a tuple of word patterns (`*` at either end of a word is a wildcard).

    Indexed by an exact first word, so a long message costs one look-up per word, not one per term.
    """

    terms: tuple[tuple[str, ...], ...]
    by_first: Mapping[str, tuple[tuple[str, ...], ...]]
    wild: tuple[tuple[str, ...], ...]  # terms whose first word has a wildcard

    @classmethod
    def of(cls, raw: Iterable[str]) -> Terms:
        """Compile written terms ("voel me niet goed", "hoest*")."""
        compiled: list[tuple[str, ...]] = []
        for written in raw:
            parts = [p for p in (_word_pattern(w) for w in fold(written).split()) if p]
            if parts:
                compiled.append(tuple(parts))
        terms = tuple(dict.fromkeys(compiled))
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for term in terms:
            if "*" not in term[0]:
                by_first.setdefault(term[0], []).append(term)
        wild = tuple(t for t in terms if "*" in t[0])
        return cls(terms, {k: tuple(v) for k, v in by_first.items()}, wild)

    def spans(self, tokens: list[str]) -> list[tuple[int, int]]:
        """(start, end) of every place a term occurs in `tokens`."""
        found = []
        for start, token in enumerate(tokens):
            for term in (*self.by_first.get(token, ()), *self.wild):
                end = start + len(term)
                if end <= len(tokens) and all(_token_matches(p, tokens[start + i]) for i, p in enumerate(term)):
                    found.append((start, end))
        return found

    def occurs_in(self, tokens: list[str]) -> bool:
        """True when any term occurs in `tokens`."""
        return bool(self.spans(tokens))


def _word_pattern(word: str) -> str:
    core = re.sub(r"[^a-z0-9?]", "", word.strip("*"))
    if not core:
        return ""
    return ("*" if word.startswith("*") else "") + core + ("*" if word.endswith("*") else "")


@dataclass(frozen=True)
class Feeling:
    """A feeling the bot recognises, its one reviewed sentence, and whether the support route follows."""

    id: str
    terms: Terms
    reply: Localized[str]
    support: bool
    source: str
    reviewed_by: str | None
    reviewed_on: dt.date | None
    line: int = 0

    def text(self, lang: Lang) -> str:
        """The reply sentence in `lang` (Dutch when missing)."""
        return in_lang(self.reply, lang)

    @property
    def awaiting_sign_off(self) -> bool:
        """True for wording beyond the folder that no clinician has signed off yet."""
        return self.source != "folder" and (not self.reviewed_by or self.reviewed_on is None)


@dataclass(frozen=True)
class Conversation:
    """The compiled lists of conversation.yaml."""

    intents: Mapping[str, frozenset[tuple[str, ...]]]
    filler: frozenset[str]
    negation: frozenset[str]
    over: Terms
    conditional: Terms
    not_meant: Terms
    complaints: Terms
    body_parts: Terms
    changes: Terms
    feelings: tuple[Feeling, ...]
    support_chapter: str
    support_sentence: str

    def intent(self, text: str) -> Intent | None:
        """ "stop", "help" or "don't know" when that is all the message says (filler words aside)."""
        if text.strip().strip("!.").strip() in ("?", "??", "???"):
            return "help"
        said = tuple(w for w in words(text) if w not in self.filler)
        if not said or len(said) > 6:
            return None
        for intent in INTENTS:
            if said in self.intents[intent]:
                return intent
        return None

    def _counts(self, tokens: list[str], start: int) -> bool:
        before = tokens[max(0, start - _NEGATION_REACH) : start]
        return not any(w in self.negation for w in before)

    def mentions_complaint(self, text: str) -> bool:
        """True when a clause talks about a complaint or a body part that changed, not negated,
        not over and not hypothetical ("mijn linkerhand wil niet meer", "ik voel me niet lekker")."""
        for clause in clauses(text):
            if any(cues.occurs_in(clause) for cues in (self.over, self.conditional, self.not_meant)):
                continue
            if any(self._counts(clause, start) for start, _ in self.complaints.spans(clause)):
                return True
            parts = [span for span in self.body_parts.spans(clause) if self._counts(clause, span[0])]
            if parts and self.changes.occurs_in(clause):
                return True
        return False

    def feeling(self, text: str) -> Feeling | None:
        """The first feeling (in the file's order) the message speaks of, not negated and not over."""
        found = [c for c in clauses(text) if not (self.over.occurs_in(c) or self.not_meant.occurs_in(c))]
        for feeling in self.feelings:
            for clause in found:
                if any(self._counts(clause, start) for start, _ in feeling.terms.spans(clause)):
                    return feeling
        return None

    def awaiting_sign_off(self) -> list[Feeling]:
        """Feelings whose reply wording awaits a clinician's sign-off."""
        return [f for f in self.feelings if f.awaiting_sign_off]


def load_conversation(path: Path, content: Content | None = None) -> tuple[Conversation | None, list[Problem]]:
    """Load and check conversation.yaml; with `content`, the support sentence must be in its chapter."""
    check = Checker(str(path))
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    if not isinstance(doc, LineDict):
        return None, [Problem(str(path), 1, "conversation.yaml: must be a mapping")]
    top = {"dialogue", "negation", "over", "if", "not_meant", "body", "feelings", "support"}
    check.keys(doc, top, top, "conversation.yaml")
    dialogue = _mapping(doc.get("dialogue"), doc.line_of("dialogue"), "dialogue", check)
    check.keys(dialogue, {*INTENTS, "filler"}, {*INTENTS, "filler"}, "dialogue")
    filler = frozenset(words(" ".join(_strings(dialogue, "filler", check, "dialogue"))))
    intents: dict[str, frozenset[tuple[str, ...]]] = {
        intent: frozenset(
            tuple(w for w in words(phrase) if w not in filler)
            for phrase in _strings(dialogue, intent, check, "dialogue")
        )
        for intent in INTENTS
    }
    body = _mapping(doc.get("body"), doc.line_of("body"), "body", check)
    check.keys(body, {"complaints", "body_parts", "changes"}, {"complaints", "body_parts", "changes"}, "body")
    support = _mapping(doc.get("support"), doc.line_of("support"), "support", check)
    check.keys(support, {"chapter", "sentence"}, {"chapter", "sentence"}, "support")
    chapter_id, sentence = str(support.get("chapter", "")), str(support.get("sentence", ""))
    if content is not None:
        chapter = content.chapter(chapter_id)
        if chapter is None:
            check.add(support.line_of("chapter"), f"support.chapter: '{chapter_id}' is not a chapter in folder.yaml")
        elif " ".join(sentence.split()) not in " ".join(chapter.text.split()):
            check.add(support.line_of("sentence"), f"support.sentence: not in the chapter '{chapter_id}' as written")
    conversation = Conversation(
        intents=intents,
        filler=filler,
        negation=frozenset(words(" ".join(_strings(doc, "negation", check, "conversation.yaml")))),
        over=Terms.of(_strings(doc, "over", check, "conversation.yaml")),
        conditional=Terms.of(_strings(doc, "if", check, "conversation.yaml")),
        not_meant=Terms.of(_strings(doc, "not_meant", check, "conversation.yaml")),
        complaints=_by_lang(body, "complaints", check),
        body_parts=_by_lang(body, "body_parts", check),
        changes=_by_lang(body, "changes", check),
        feelings=_feelings(doc.get("feelings"), doc.line_of("feelings"), check),
        support_chapter=chapter_id,
        support_sentence=sentence,
    )
    if check.problems:
        return None, sorted(check.problems)
    return conversation, []


def _mapping(raw: Any, line: int, what: str, check: Checker) -> LineDict:
    if isinstance(raw, LineDict):
        return raw
    check.add(line, f"{what}: must be a mapping")
    empty = LineDict()
    empty.line, empty.key_lines = line, {}
    return empty


def _strings(mapping: LineDict, key: str, check: Checker, what: str) -> list[str]:
    raw = mapping.get(key)
    if not isinstance(raw, LineList) or not raw or not all(isinstance(x, str) and x.strip() for x in raw):
        if key in mapping:
            check.add(mapping.line_of(key), f"{what}.{key}: must be a list of words and phrases")
        return []
    return [str(x) for x in raw]


def _by_lang(mapping: LineDict, key: str, check: Checker) -> Terms:
    node = _mapping(mapping.get(key), mapping.line_of(key), f"body.{key}", check)
    check.keys(node, set(LANGS), set(LANGS), f"body.{key}")
    return Terms.of([term for lang in LANGS for term in _strings(node, lang, check, f"body.{key}")])


def _feelings(raw: Any, line: int, check: Checker) -> tuple[Feeling, ...]:
    if not isinstance(raw, LineList) or not raw:
        check.add(line, "feelings: must be a list")
        return ()
    keys = {"id", *LANGS, "reply", "support", "source", "reviewed_by", "reviewed_on"}
    feelings = []
    for entry in raw:
        if not isinstance(entry, LineDict):
            check.add(line, "feelings: every entry must be a mapping")
            continue
        what = f"feelings.{entry.get('id', '?')}"
        check.keys(entry, keys, keys - {"reviewed_by", "reviewed_on"}, what)
        reply = _mapping(entry.get("reply"), entry.line_of("reply"), f"{what}.reply", check)
        check.keys(reply, set(LANGS), set(LANGS), f"{what}.reply")
        texts = {str(k): str(v) for k, v in reply.items() if isinstance(v, str) and v.strip()}
        source = str(entry.get("source", ""))
        if source not in SOURCES:
            check.add(entry.line_of("source"), f"{what}.source: must be one of {', '.join(SOURCES)}")
        if not isinstance(entry.get("support"), bool):
            check.add(entry.line_of("support"), f"{what}.support: must be true or false")
        reviewed_on = entry.get("reviewed_on")
        if reviewed_on is not None and not isinstance(reviewed_on, dt.date):
            check.add(entry.line_of("reviewed_on"), f"{what}.reviewed_on: must be a date (YYYY-MM-DD)")
            reviewed_on = None
        by = entry.get("reviewed_by")
        feelings.append(
            Feeling(
                id=str(entry.get("id", "")),
                terms=Terms.of([t for lang in LANGS for t in _strings(entry, lang, check, what)]),
                reply=texts,
                support=bool(entry.get("support")),
                source=source,
                reviewed_by=str(by) if by else None,
                reviewed_on=reviewed_on,
                line=entry.line,
            )
        )
    return tuple(feelings)
