"""Is a complaint the bot found absent, past, hypothetical or someone else's? clinlp's context algorithm says.

The matcher finds the complaints; each is then qualified by clinlp (UMC Utrecht's NLP for Dutch clinical
text), whose rule-based context algorithm implements the Dutch ContextD rules: Presence (Absent,
Uncertain, Present), Temporality (Historical, Current, Future) and Experiencer (Patient, Family, Other).
The rules are clinlp's own (`clinlp/resources/context_rules.json` of the locked version) changed by
content/context_rules.yaml: default patterns that misread what patients write are dropped (each with its
reason), and rules for patients' words are added (dialect, English, "stel dat"); each added rule awaits
a clinician's sign-off, like an alarm concept beyond the folder.

The spaCy Doc is made of the matcher's own tokens (folded words; "," for a clause break, "." and "?"
ending a sentence), so a match's token span is the entity's span and a rule's phrase is tokenised the
same way as the message. The bot imports spaCy and clinlp, and builds the pipeline, when the rules are
loaded (start-up and every content reload); triaging a message reads no file. The triage command builds
it only for the first sentence that needs clinlp, so a one-line check starts fast (issue 20). Reading and checking
content/context_rules.yaml is bot/triage/context_rules_file.py's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.triage.levels import Level
from bot.triage.normalize import Token, tokenize

if TYPE_CHECKING:
    from clinlp.ie.qualifier import ContextAlgorithm
    from spacy.language import Language
    from spacy.tokens import Doc


# What cancels an alarm: the complaint is clearly absent, past, hypothetical, or someone else's (a reviewed
# cue: a pet, a neighbour). Every other value (Uncertain, Family, ...) lets the alarm stand: a relative
# writing about the patient is the patient, and in doubt the bot alarms.
CANCELS = {
    "Presence.Absent": "negation",
    "Temporality.Historical": "past",
    "Temporality.Future": "hypothetical",
    "Experiencer.Other": "someone else",
    "Species.Animal": "pet",
}
# A plain "als"/"if" makes a complaint conditional; with a time still to come ("'s nachts", "na de
# operatie") it is hypothetical. Both classes are defined in context_rules.yaml (clinlp has neither).
HYPOTHETICAL_TOGETHER = ("Condition.Conditional", "Time.Later")
_NEGATION = "Presence.Absent"
_SOMEONE_ELSE = "Experiencer.Other"


def cancel_cue(qualifiers: frozenset[str], *, holds_negation: bool, level: Level) -> str:
    """Why a complaint with these qualifiers does not alarm ("negation", "past", ...), or "" when it does.

    A term that holds a negation itself ("geen lucht", "kan niet eten") is never cancelled as absent, and
    a 112 situation is never cancelled for being another person's: for anyone, 112 is right (a pet's is).
    """
    for qualifier, cue in CANCELS.items():
        if qualifier not in qualifiers:
            continue
        if (qualifier == _NEGATION and holds_negation) or (qualifier == _SOMEONE_ELSE and level >= Level.EMERGENCY):
            continue
        return cue
    if all(q in qualifiers for q in HYPOTHETICAL_TOGETHER):
        return "hypothetical"
    return ""


_BREAK_WORDS = {"|": ",", ".": ".", "?": "?"}

Pattern = str | list[dict[str, Any]]


@dataclass(frozen=True)
class ContextRule:
    """One rule of context_rules.yaml beyond clinlp's defaults: patterns for one qualifier and direction."""

    id: str
    qualifier: str
    direction: str
    patterns: tuple[Pattern, ...]
    max_scope: int | None = None
    why: str = ""
    reviewed_by: str | None = None
    reviewed_on: dt.date | None = None
    line: int = 0

    @property
    def reviewed(self) -> bool:
        """True when a clinician signed the rule off (both fields filled in)."""
        return bool(self.reviewed_by) and self.reviewed_on is not None

    def describe(self) -> str:
        """One line for `content check`: qualifier, direction and the first patterns."""
        shown = [p if isinstance(p, str) else _compact(p) for p in self.patterns[:6]]
        more = f", ... ({len(self.patterns)} patterns)" if len(self.patterns) > 6 else ""
        return f"{self.qualifier} {self.direction}: {', '.join(shown)}{more}"


def _compact(pattern: list[dict[str, Any]]) -> str:
    """A token pattern in brief: "[is|zijn|was...] [al|nu|weer...]* [weg|over|voorbij...]"."""
    parts = []
    for token in pattern:
        value = token.get("LOWER", token.get("TEXT", token.get("NORM")))
        if isinstance(value, dict) and isinstance(value.get("IN"), list):
            choices = value["IN"]
            text = "[" + "|".join(map(str, choices[:3])) + ("..." if len(choices) > 3 else "") + "]"
        else:
            text = value if isinstance(value, str) else "*"
        parts.append(text + (str(token.get("OP", "")) if text != "*" else ""))
    return " ".join(parts)


@dataclass(frozen=True)
class QualifierRules:
    """clinlp's default rules with the reviewed changes, ready to qualify matches."""

    added: tuple[ContextRule, ...]
    dropped: int  # how many of clinlp's default patterns are not used
    pipeline: ContextPipeline = field(repr=False, compare=False)
    file: str = ""

    def awaiting_signoff(self) -> tuple[ContextRule, ...]:
        """Rules beyond clinlp's defaults that no clinician has signed off yet."""
        return tuple(r for r in self.added if not r.reviewed)


def pattern_words(text: str) -> list[str]:
    """A phrase pattern as the Doc's words: the matcher's tokens, clause and sentence breaks as marks."""
    stripped = text.strip()
    if stripped in (",", ";", ":"):
        return [","]
    if stripped == "?":
        return ["?"]
    return doc_words(tokenize(text))


def doc_words(tokens: Sequence[Token]) -> list[str]:
    """The Doc's words for the matcher's tokens, one each."""
    return [_BREAK_WORDS.get(t.text, t.text) if t.kind == "break" else t.text for t in tokens]


class ContextPipeline:
    """clinlp's context algorithm on a blank "clinlp" spaCy pipeline whose tokenizer is the matcher's.

    Only sentences that hold a complaint and a word that can start a cancelling cue are given to clinlp:
    a sentence without such a word leaves its complaints as they are (most alarm messages), and a long
    message costs the sentences that matter, not its length.
    """

    def __init__(self, rules: dict[str, Any], *, build: bool = True) -> None:
        """Find the words that start a cue; with `build`, also build the pipeline now (about 1 s: importing
        spaCy and clinlp, compiling every pattern). The bot builds at start-up, so that no alarm reply waits
        for it; the triage command builds on the first sentence that needs clinlp (most never do)."""
        self.rules = rules
        self._cue_starts, self._any_start = _cue_starts(rules)
        self._built: tuple[Language, ContextAlgorithm] | None = None
        if build:
            self.build()

    def build(self) -> tuple[Language, ContextAlgorithm]:
        """Import spaCy and clinlp and compile the rules, once (raises what spaCy raises on a bad pattern)."""
        if self._built is not None:
            return self._built
        import spacy
        from clinlp.ie.qualifier import ContextAlgorithm  # registers the "clinlp" language too
        from spacy.tokens import Doc

        nlp: Language = spacy.blank("clinlp")
        vocab = nlp.vocab

        def make_doc(text: str) -> Doc:  # a rule's phrase, tokenised like a message
            words = pattern_words(text)
            return Doc(vocab, words=words)

        nlp.tokenizer = make_doc
        self._built = nlp, ContextAlgorithm(nlp=nlp, rules=self.rules)
        return self._built

    @property
    def built(self) -> bool:
        """True once spaCy and clinlp are loaded and the rules compiled."""
        return self._built is not None

    def qualify(self, tokens: Sequence[Token], spans: Sequence[tuple[int, int]]) -> list[frozenset[str]]:
        """The qualifiers ("Presence.Absent", ...) of each span (first, last token index) of the tokens;
        an empty set for a span in a sentence without any cue (every qualifier its default)."""
        if not spans:
            return []
        words = doc_words(tokens)
        sentence: list[int] = []
        number = 0
        for word in words:
            sentence.append(number)
            if word in (".", "?"):
                number += 1
        cued = {sentence[i] for i, word in enumerate(words) if word in self._cue_starts}
        if self._any_start:
            cued = set(sentence)
        wanted = sorted({sentence[start] for start, _ in spans} & cued)
        if not wanted:
            return [frozenset()] * len(spans)
        # The Doc holds only the wanted sentences; `offset` maps a message token to its Doc token.
        keep = set(wanted)
        offset: dict[int, int] = {}
        doc_words_kept: list[str] = []
        starts: list[bool | int | None] = []
        for i, word in enumerate(words):
            if sentence[i] in keep:
                starts.append(not doc_words_kept or sentence[i] != sentence[i - 1])
                offset[i] = len(doc_words_kept)
                doc_words_kept.append(word)
        nlp, algorithm = self.build()
        from spacy.tokens import Doc, Span  # loaded by build(): a dictionary lookup now

        doc = Doc(nlp.vocab, words=doc_words_kept, sent_starts=starts)
        inside = [k for k, (start, _) in enumerate(spans) if start in offset]
        doc.spans["ents"] = [Span(doc, offset[spans[k][0]], offset[spans[k][1]] + 1, label="complaint") for k in inside]
        algorithm(doc)
        out = [frozenset[str]()] * len(spans)
        for k, ent in zip(inside, doc.spans["ents"], strict=True):
            out[k] = frozenset(str(q) for q in (ent._.qualifiers or ()))
        return out


def _cue_starts(rules: dict[str, Any]) -> tuple[frozenset[str], bool]:
    """The words that can start a cue of a cancelling qualifier; True when some cue can start anywhere."""
    relevant = set(CANCELS) | set(HYPOTHETICAL_TOGETHER)
    starts: set[str] = set()
    anywhere = False
    for rule in rules["rules"]:
        if rule["qualifier"] not in relevant or rule["direction"] in ("pseudo", "termination"):
            continue
        for pattern in rule["patterns"]:
            if isinstance(pattern, str):
                starts.update(pattern_words(pattern)[:1])
                continue
            first = pattern[0]
            value = next((first[key] for key in ("LOWER", "TEXT", "ORTH", "NORM") if key in first), None)
            if isinstance(value, str) and "OP" not in first:
                starts.add(value.lower())
            elif isinstance(value, dict) and set(value) == {"IN"} and "OP" not in first:
                starts.update(str(v).lower() for v in value["IN"])
            else:
                anywhere = True
    return frozenset(starts), anywhere


_PIPELINES: dict[str, ContextPipeline] = {}


def pipeline_for(rules: dict[str, Any], *, build: bool = True) -> ContextPipeline:
    """One pipeline per distinct rule set: a reload with unchanged rules (and every test) reuses it.
    With `build`, it is built now (see ContextPipeline)."""
    key = hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    found = _PIPELINES.get(key)
    if found is None:
        if len(_PIPELINES) >= 8:
            _PIPELINES.clear()
        found = _PIPELINES[key] = ContextPipeline(rules, build=build)
    elif build:
        found.build()
    return found
