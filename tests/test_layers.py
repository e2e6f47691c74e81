"""The dependency rule: the core never imports the Telegram side.

The core (content, triage, search, replying, reminders, storage, staff, outbox, privacy,
observability and the top-level modules of `bot`) holds the rules and takes `now` as an argument;
the adapters (bot.app for python-telegram-bot, bot.console for the web console, bot.fakeapi for
tests) translate between the outside world and it. Imports run from the adapters to the core,
never back: no core module imports `telegram`, `bot.app`, `bot.console` or `bot.fakeapi`, not even
inside a function. docs/ARCHITECTURE.md describes the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
ADAPTERS = ("app", "console", "fakeapi")
# The command line's entry point dispatches to every package's `cli`, adapters included.
ENTRY_POINTS = ("__main__.py", "cli.py")
FORBIDDEN = ("telegram", "bot.app", "bot.console", "bot.fakeapi")


def core_modules() -> list[Path]:
    """Every module of `bot` outside the adapter packages and the top-level entry point."""
    modules = []
    for path in sorted(BOT.rglob("*.py")):
        parts = path.relative_to(BOT).parts
        if parts[0] in ADAPTERS or (len(parts) == 1 and parts[0] in ENTRY_POINTS):
            continue
        modules.append(path)
    return modules


def imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in `path`, wherever it sits (functions included)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append((node.lineno, node.module))
    return names


def forbidden_imports(path: Path) -> list[str]:
    """The imports of `path` that run from the core to an adapter or to python-telegram-bot."""
    return [
        f"{path.relative_to(BOT.parent)}:{line}: imports {name}"
        for line, name in imported_names(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    ]


def test_the_core_is_all_there() -> None:
    core = {path.relative_to(BOT).parts[0] for path in core_modules()}
    for package in ("content", "triage", "search", "replying", "reminders", "storage", "staff", "outbox"):
        assert package in core
    assert {"clock.py", "settings.py", "yamlsrc.py", "catalog.py", "knowledge.py", "callbacks.py"} <= core


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: str(path.relative_to(BOT)))
def test_no_core_module_imports_an_adapter(path: Path) -> None:
    assert forbidden_imports(path) == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text("def f():\n    from telegram.ext import Application\n    import bot.app.services\n")
    assert [name for _, name in imported_names(module)] == ["telegram.ext", "bot.app.services"]
