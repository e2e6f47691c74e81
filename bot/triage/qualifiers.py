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
same way as the message. spaCy and clinlp are imported, and the pipeline built, when the rules are
loaded (start-up and every content reload); triaging a message reads no file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.resources
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.triage.levels import Level
from bot.triage.normalize import Token, tokenize
from bot.yamlsrc import Checker, LineDict, LineList, Problem, YamlError, load_yaml

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

CONTEXT_RULES_FILE = "context_rules.yaml"
DIRECTIONS = ("preceding", "following", "bidirectional", "pseudo", "termination")

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


_TOP_KEYS = {"version", "qualifiers", "drop", "rules"}
_QUALIFIER_KEYS = {"name", "values", "default"}
_DROP_KEYS = {"qualifier", "direction", "patterns", "why"}
_RULE_KEYS = {"id", "qualifier", "direction", "max_scope", "patterns", "why", "reviewed_by", "reviewed_on"}
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


def clinlp_defaults() -> dict[str, Any]:
    """clinlp's packaged Dutch context rules (read when the rules are loaded, never per message)."""
    resource = importlib.resources.files("clinlp.resources").joinpath("context_rules.json")
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return data


def _plain(value: Any) -> Any:
    """A LineDict/LineList tree as plain dicts and lists (spaCy's pattern validator wants those)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _pattern_key(pattern: Pattern) -> str:
    return pattern if isinstance(pattern, str) else json.dumps(pattern, sort_keys=True, ensure_ascii=False)


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

    def __init__(self, rules: dict[str, Any]) -> None:
        """Build the pipeline: import spaCy and clinlp, compile every pattern (about 0.3 s)."""
        import spacy
        from clinlp.ie.qualifier import ContextAlgorithm  # registers the "clinlp" language too
        from spacy.tokens import Doc, Span

        self._doc_type = Doc
        self._span_type = Span
        nlp: Language = spacy.blank("clinlp")
        vocab = nlp.vocab

        def make_doc(text: str) -> Doc:  # a rule's phrase, tokenised like a message
            words = pattern_words(text)
            return Doc(vocab, words=words)

        nlp.tokenizer = make_doc
        self._nlp = nlp
        self._algorithm = ContextAlgorithm(nlp=nlp, rules=rules)
        self._cue_starts, self._any_start = _cue_starts(rules)

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
        doc = self._doc_type(self._nlp.vocab, words=doc_words_kept, sent_starts=starts)
        inside = [k for k, (start, _) in enumerate(spans) if start in offset]
        doc.spans["ents"] = [
            self._span_type(doc, offset[spans[k][0]], offset[spans[k][1]] + 1, label="complaint") for k in inside
        ]
        self._algorithm(doc)
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


def _pipeline(rules: dict[str, Any]) -> ContextPipeline:
    """One pipeline per distinct rule set: a reload with unchanged rules (and every test) reuses it."""
    key = hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    found = _PIPELINES.get(key)
    if found is None:
        if len(_PIPELINES) >= 8:
            _PIPELINES.clear()
        found = _PIPELINES[key] = ContextPipeline(rules)
    return found


class _Checker(Checker):
    def strings(self, entry: LineDict, key: str, what: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            self.add(entry.line_of(key), f"{what}: '{key}' must be text")
            return ""
        return value.strip()

    def qualifier(self, entry: LineDict, what: str, known: dict[str, list[str]]) -> str:
        text = self.strings(entry, "qualifier", what)
        name, _, value = text.partition(".")
        if text and value not in known.get(name, []):
            options = ", ".join(f"{n}.{v}" for n, values in known.items() for v in values)
            self.add(entry.line_of("qualifier"), f"{what}: qualifier {text!r} is not one of {options}")
        return text

    def direction(self, entry: LineDict, what: str) -> str:
        text = self.strings(entry, "direction", what)
        if text and text not in DIRECTIONS:
            self.add(entry.line_of("direction"), f"{what}: direction must be one of {', '.join(DIRECTIONS)}")
        return text

    def patterns(self, entry: LineDict, what: str) -> list[tuple[Pattern, int]]:
        raw = entry.get("patterns")
        if not isinstance(raw, LineList) or not raw:
            self.add(entry.line_of("patterns"), f"{what}: 'patterns' must be a non-empty list")
            return []
        out: list[tuple[Pattern, int]] = []
        for item, line in zip(raw, raw.item_lines, strict=True):
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item).strip():
                text = str(item).strip()
                if not pattern_words(text):
                    self.add(line, f"{what}: pattern {text!r} has no word the matcher reads")
                    continue
                out.append((text, line))
            elif isinstance(item, LineList) and item and all(isinstance(t, LineDict) for t in item):
                out.append((_plain(item), line))
            else:
                self.add(line, f"{what}: a pattern is a phrase or a list of spaCy token patterns")
        return out


def load_context_rules(path: Path) -> tuple[QualifierRules | None, list[Problem]]:
    """Load context_rules.yaml on top of clinlp's defaults, build the pipeline; None when anything is wrong."""
    file = str(path)
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    check = _Checker(file)
    if not isinstance(doc, LineDict):
        check.add(1, "context_rules.yaml: must be a mapping")
        return None, check.problems
    check.keys(doc, _TOP_KEYS, {"rules"}, "context_rules.yaml")
    defaults = clinlp_defaults()
    classes = list(defaults["qualifiers"]) + _qualifier_classes(doc, check, {q["name"] for q in defaults["qualifiers"]})
    known = {q["name"]: list(q["values"]) for q in classes}
    for needed in [*CANCELS, *HYPOTHETICAL_TOGETHER]:
        name, _, value = needed.partition(".")
        if value not in known.get(name, []):
            check.add(doc.line, f"context_rules.yaml: the qualifier {needed} must exist (the bot cancels on it)")
    present = {
        (rule["qualifier"], rule["direction"], _pattern_key(p)) for rule in defaults["rules"] for p in rule["patterns"]
    }
    drops: set[tuple[str, str, str]] = set()
    raw_drops = doc.get("drop")
    if raw_drops is not None and not isinstance(raw_drops, LineList):
        check.add(doc.line_of("drop"), "drop: must be a list")
    for entry, line in zip(raw_drops or [], getattr(raw_drops, "item_lines", []), strict=True):
        if not isinstance(entry, LineDict):
            check.add(line, "drop: each item must be a mapping")
            continue
        what = f"drop (line {entry.line})"
        check.keys(entry, _DROP_KEYS, _DROP_KEYS, what)
        qualifier, direction = check.qualifier(entry, what, known), check.direction(entry, what)
        check.strings(entry, "why", what)
        for pattern, pattern_line in check.patterns(entry, what):
            key = (qualifier, direction, _pattern_key(pattern))
            if key not in present:
                check.add(pattern_line, f"{what}: {pattern!r} is not a {qualifier} {direction} rule of clinlp")
            drops.add(key)
    added = _rules(doc, check, known)
    if check.problems:
        return None, sorted(check.problems)
    rules: dict[str, Any] = {"qualifiers": classes, "rules": []}
    for rule in defaults["rules"]:
        kept = [p for p in rule["patterns"] if (rule["qualifier"], rule["direction"], _pattern_key(p)) not in drops]
        kept = [p for p in kept if not isinstance(p, str) or pattern_words(p)]  # "-" never reaches the matcher
        if kept:
            rules["rules"].append({**rule, "patterns": kept})
    for rule in added:
        compiled: dict[str, Any] = {
            "qualifier": rule.qualifier,
            "direction": rule.direction,
            "patterns": list(rule.patterns),
        }
        if rule.max_scope is not None:
            compiled["max_scope"] = rule.max_scope
        rules["rules"].append(compiled)
    try:
        pipeline = _pipeline(rules)
    except (ValueError, TypeError, KeyError) as exc:  # a spaCy token pattern it cannot compile
        return None, _pattern_problems(check, added, exc, classes)
    return QualifierRules(tuple(added), len(drops), pipeline, file), []


def _qualifier_classes(doc: LineDict, check: _Checker, taken: set[str]) -> list[dict[str, Any]]:
    """The qualifier classes the file adds to clinlp's, in clinlp's format (name, values, default)."""
    raw = doc.get("qualifiers")
    if raw is None:
        return []
    if not isinstance(raw, LineList):
        check.add(doc.line_of("qualifiers"), "qualifiers: must be a list")
        return []
    out: list[dict[str, Any]] = []
    for entry, line in zip(raw, raw.item_lines, strict=True):
        if not isinstance(entry, LineDict):
            check.add(line, "qualifiers: each item must be a mapping")
            continue
        check.keys(entry, _QUALIFIER_KEYS, _QUALIFIER_KEYS, "qualifiers")
        name, values, default = entry.get("name"), entry.get("values"), entry.get("default")
        if not isinstance(name, str) or not name.isalpha() or name in taken:
            check.add(entry.line_of("name"), f"qualifiers: name must be a new word, not {name!r}")
            continue
        taken.add(name)
        if (
            not isinstance(values, list)
            or len(values) < 2
            or not all(isinstance(v, str) and v.isalpha() for v in values)
        ):
            check.add(entry.line_of("values"), f"qualifiers: '{name}' needs a list of at least two values")
            continue
        if len(set(values)) != len(values) or default not in values:
            check.add(entry.line_of("default"), f"qualifiers: '{name}': the default must be one of its values")
            continue
        out.append({"name": name, "values": list(values), "default": default})
    return out


def _pattern_problems(
    check: _Checker, added: list[ContextRule], exc: Exception, qualifiers: list[dict[str, Any]]
) -> list[Problem]:
    """Find the rule whose token pattern spaCy refused, by compiling the rules one at a time."""
    import spacy
    from clinlp.ie.qualifier import ContextAlgorithm

    nlp = spacy.blank("clinlp")
    for rule in added:
        try:
            ContextAlgorithm(
                nlp=nlp,
                rules={
                    "qualifiers": qualifiers,
                    "rules": [
                        {
                            "qualifier": rule.qualifier,
                            "direction": rule.direction,
                            "patterns": [p for p in rule.patterns if not isinstance(p, str)],
                        }
                    ],
                },
            )
        except Exception as found:
            check.add(rule.line, f"rule '{rule.id}': spaCy cannot use a token pattern: {found}")
    if not check.problems:
        check.add(0, f"context rules: clinlp cannot build them: {exc}")
    return sorted(check.problems)


def _rules(doc: LineDict, check: _Checker, known: dict[str, list[str]]) -> list[ContextRule]:
    raw = doc.get("rules")
    if not isinstance(raw, LineList):
        check.add(doc.line_of("rules"), "rules: must be a list")
        return []
    out: list[ContextRule] = []
    ids: dict[str, int] = {}
    for entry, line in zip(raw, raw.item_lines, strict=True):
        if not isinstance(entry, LineDict):
            check.add(line, "rules: each rule must be a mapping")
            continue
        rule_id = entry.get("id")
        if not isinstance(rule_id, str) or not rule_id.replace("_", "").isalnum() or not rule_id.islower():
            check.add(entry.line_of("id"), f"rule: id must be lower-case letters, digits and _, not {rule_id!r}")
            rule_id = "?"
        elif rule_id in ids:
            check.add(entry.line_of("id"), f"rule '{rule_id}': duplicate id (first on line {ids[rule_id]})")
        ids.setdefault(rule_id, entry.line)
        what = f"rule '{rule_id}'"
        check.keys(entry, _RULE_KEYS, {"id", "qualifier", "direction", "patterns", "reviewed_by", "reviewed_on"}, what)
        max_scope = entry.get("max_scope")
        if max_scope is not None and (isinstance(max_scope, bool) or not isinstance(max_scope, int) or max_scope < 1):
            check.add(entry.line_of("max_scope"), f"{what}: 'max_scope' must be a whole number of at least 1")
            max_scope = None
        reviewed_by, reviewed_on = entry.get("reviewed_by"), entry.get("reviewed_on")
        if reviewed_by is not None and (not isinstance(reviewed_by, str) or not reviewed_by.strip()):
            check.add(entry.line_of("reviewed_by"), f"{what}: 'reviewed_by' must be a name or empty (null)")
        if reviewed_on is not None and not isinstance(reviewed_on, dt.date):
            check.add(entry.line_of("reviewed_on"), f"{what}: 'reviewed_on' must be a date like 2025-06-30 or null")
        if (reviewed_by is None) != (reviewed_on is None):
            check.add(entry.line, f"{what}: fill in both 'reviewed_by' and 'reviewed_on', or neither")
        why = entry.get("why", "")
        out.append(
            ContextRule(
                id=rule_id,
                qualifier=check.qualifier(entry, what, known),
                direction=check.direction(entry, what),
                patterns=tuple(p for p, _ in check.patterns(entry, what)),
                max_scope=max_scope,
                why=why if isinstance(why, str) else "",
                reviewed_by=reviewed_by if isinstance(reviewed_by, str) else None,
                reviewed_on=reviewed_on if isinstance(reviewed_on, dt.date) else None,
                line=entry.line,
            )
        )
    return out
