"""The interface texts of `content/ui.yaml`, in Dutch and English."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.model import LANGS, Lang
from bot.localized import text_in
from bot.yamlsrc import LineDict, Problem, YamlError, check_keys, load_yaml

UI_FILE = "ui.yaml"
_FIELD_RE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class UiText:
    """Interface strings per language; nested keys are joined with dots ("commands.menu")."""

    strings: Mapping[str, Mapping[str, str]]

    def t(self, key: str, lang: Lang | str, **values: object) -> str:
        """The string `key` in `lang` (Dutch when unknown) with {placeholders} filled in; missing ones stay visible."""
        template = text_in(self.strings, key, lang)
        return _FIELD_RE.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def pick_lang(language_code: str | None) -> Lang:
    """Dutch unless Telegram says the user's app is in English."""
    return "en" if (language_code or "").lower().startswith("en") else "nl"


def _flatten(node: LineDict, prefix: str, out: dict[str, str], lines: dict[str, int]) -> None:
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, LineDict):
            _flatten(value, name + ".", out, lines)
        else:
            out[name] = value
            lines[name] = node.line_of(key)


def load_ui(path: Path) -> tuple[UiText | None, list[Problem]]:
    """Load and validate ui.yaml: both languages, the same keys, texts only."""
    file = str(path)
    try:
        doc: Any = load_yaml(path)
    except YamlError as exc:
        return None, [exc.problem]
    if not isinstance(doc, LineDict):
        return None, [Problem(file, 1, "expected a mapping with nl and en")]
    problems = check_keys(doc, file, set(LANGS), set(LANGS), "ui.yaml")
    flat: dict[str, dict[str, str]] = {}
    lines: dict[str, dict[str, int]] = {}
    for lang in LANGS:
        node = doc.get(lang)
        flat[lang], lines[lang] = {}, {}
        if isinstance(node, LineDict):
            _flatten(node, "", flat[lang], lines[lang])
    for lang in LANGS:
        other = "en" if lang == "nl" else "nl"
        for key, value in flat[lang].items():
            line = lines[lang][key]
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(file, line, f"{lang}.{key}: must be text"))
            elif key not in flat[other]:
                problems.append(Problem(file, line, f"{lang}.{key}: missing in {other}"))
            elif set(_FIELD_RE.findall(value)) != set(_FIELD_RE.findall(str(flat[other][key]))):
                problems.append(Problem(file, line, f"{lang}.{key}: placeholders differ from {other}"))
    if problems:
        return None, sorted(set(problems))
    return UiText({lang: dict(flat[lang]) for lang in LANGS}), []
