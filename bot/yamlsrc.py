"""YAML loading that remembers line numbers, and the `Problem` type every validator reports.

Validators report every problem at once, each with file and line, so that a clinician who edits a
content file sees all mistakes in one run instead of one per attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem, located in a file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class LineDict(dict[str, Any]):
    """A mapping from YAML that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence from YAML that knows its line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


# libyaml's parser when PyYAML has it (several times faster: the triage command starts in a second);
# the same safe constructors either way.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key)
        if key in result:
            # Duplicate keys silently overwrite in YAML; keep the first and let validators see it.
            result.key_lines.setdefault(f"__duplicate__{key}", key_node.start_mark.line + 1)
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlError(Exception):
    """A file that is not valid YAML at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load_yaml(path: Path) -> Any:
    """Parse `path` into LineDict/LineList trees; raise YamlError with file and line on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(Problem(str(path), 0, f"cannot read file: {exc}")) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(Problem(str(path), line, f"invalid YAML: {exc.problem or exc}")) from exc
    except yaml.YAMLError as exc:
        raise YamlError(Problem(str(path), 0, f"invalid YAML: {exc}")) from exc


def duplicate_keys(mapping: LineDict) -> list[tuple[str, int]]:
    """Keys that occurred more than once in `mapping`, with the line of the repeat."""
    prefix = "__duplicate__"
    return [(k[len(prefix) :], line) for k, line in mapping.key_lines.items() if k.startswith(prefix)]


def check_keys(mapping: LineDict, file: str, allowed: set[str], required: set[str], what: str) -> list[Problem]:
    """Problems for unknown, missing and duplicate keys of one mapping."""
    problems = [
        Problem(file, mapping.line_of(key), f"{what}: unknown key '{key}'") for key in mapping if key not in allowed
    ]
    problems += [Problem(file, mapping.line, f"{what}: missing key '{key}'") for key in sorted(required - set(mapping))]
    problems += [Problem(file, line, f"{what}: duplicate key '{key}'") for key, line in duplicate_keys(mapping)]
    return problems


class Checker:
    """Collects the problems of one file, so a loader can report them all at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        """Record a problem at `line`."""
        self.problems.append(Problem(self.file, line, message))

    def keys(self, mapping: LineDict, allowed: set[str], required: set[str], what: str) -> None:
        """Record unknown, missing and duplicate keys of `mapping`."""
        self.problems += check_keys(mapping, self.file, allowed, required, what)
