"""content/context_rules.yaml: reviewed changes to clinlp's default context rules, read and checked.

The file drops default patterns that misread what patients write and adds rules for patients' words;
`load_context_rules` puts them on top of clinlp's packaged rules and builds the pipeline
(bot/triage/qualifiers.py) that qualifies each match.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

from bot.triage.qualifiers import (
    CANCELS,
    HYPOTHETICAL_TOGETHER,
    ContextRule,
    Pattern,
    QualifierRules,
    pattern_words,
    pipeline_for,
)
from bot.yamlsrc import Checker, LineDict, LineList, Problem, YamlError, load_yaml

CONTEXT_RULES_FILE = "context_rules.yaml"
DIRECTIONS = ("preceding", "following", "bidirectional", "pseudo", "termination")


_TOP_KEYS = {"version", "qualifiers", "drop", "rules"}


_QUALIFIER_KEYS = {"name", "values", "default"}


_DROP_KEYS = {"qualifier", "direction", "patterns", "why"}


_RULE_KEYS = {"id", "qualifier", "direction", "max_scope", "patterns", "why", "reviewed_by", "reviewed_on"}


def clinlp_defaults() -> dict[str, Any]:
    """clinlp's packaged Dutch context rules (read when the rules are loaded, never per message).

    Found without importing clinlp: its package imports spaCy (about 1 s), which the triage command
    only pays for a message that needs clinlp.
    """
    spec = importlib.util.find_spec("clinlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("clinlp is not installed")
    resource = Path(next(iter(spec.submodule_search_locations))) / "resources" / "context_rules.json"
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


def load_context_rules(path: Path, *, build: bool = True) -> tuple[QualifierRules | None, list[Problem]]:
    """Load context_rules.yaml on top of clinlp's defaults, build the pipeline; None when anything is wrong.

    `build=False` (the triage command only) leaves building to the first sentence that needs clinlp; a
    token pattern spaCy refuses then raises there instead of being reported here (`content check` and
    the bot's start-up build, and report it).
    """
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
        pipeline = pipeline_for(rules, build=build)
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
