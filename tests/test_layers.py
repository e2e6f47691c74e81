"""The dependency rule: the core never imports the Telegram side.

The core (content, triage, search, replying, reminders, storage, staff, outbox, privacy,
observability and the top-level modules of `bot`) holds the rules and takes `now` as an argument;
the adapters (bot.app for python-telegram-bot, bot.console for the web console, bot.fakeapi for
tests) translate between the outside world and it. Imports run from the adapters to the core,
never back: no core module imports `telegram`, `bot.app`, `bot.console` or `bot.fakeapi`, not even
inside a function. Within the core, the packages (and top-level modules) of `bot` import each other
without a cycle, so each can be read, tested and changed from the bottom up. The adapters do not
import each other either: only an entry point (`bot/__main__.py`, `bot/cli.py`, an adapter's `cli.py`)
may assemble several of them, as the demo does. docs/ARCHITECTURE.md describes the layers.
"""

from __future__ import annotations

import ast
from collections import defaultdict
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


def core_unit(module: str) -> str | None:
    """The core package (or top-level module) of `bot` a dotted module name belongs to, else None."""
    parts = module.split(".")
    if parts[0] != "bot" or len(parts) < 2 or parts[1] in ADAPTERS or f"{parts[1]}.py" in ENTRY_POINTS:
        return None
    return parts[1]


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in `source`, a module of `package`.

    `from bot import x` counts as `bot.x`, and relative imports are resolved, so no form hides an edge.
    """
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return names


def core_import_graph() -> dict[str, dict[str, list[str]]]:
    """Core unit -> the other core units it imports -> where (file:line)."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in core_modules():
        source = path.relative_to(BOT).parts[0].removesuffix(".py")
        if source == "__init__":
            continue
        package = ".".join(("bot", *path.relative_to(BOT).parts[:-1]))
        for line, name in imported_modules(path.read_text(encoding="utf-8"), package):
            target = core_unit(name)
            if target is not None and target != source:
                graph[source][target].append(f"{path.relative_to(BOT.parent)}:{line}")
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The groups of units that reach each other through imports (strongly connected, more than one unit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        for target in graph.get(unit, {}):
            if target not in index:
                visit(target)
                low[unit] = min(low[unit], low[target])
            elif target in stack:
                low[unit] = min(low[unit], index[target])
        if low[unit] == index[unit]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == unit:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for unit in sorted(graph):
        if unit not in index:
            visit(unit)
    return found


def cycle_report(graph: dict[str, dict[str, list[str]]]) -> list[str]:
    """One line per import edge inside a cycle of `graph`, with the names imported."""
    return [
        f"{source} -> {target} ({', '.join(dict.fromkeys(graph[source][target]))})"
        for group in cycles(graph)
        for source in group
        for target in sorted(graph[source])
        if target in group
    ]


def test_no_import_cycle_between_core_packages() -> None:
    report = cycle_report(core_import_graph())
    assert report == [], "import cycle between core packages:\n" + "\n".join(report)


def test_the_cycle_check_sees_a_cycle_and_names_the_units() -> None:
    assert core_unit("bot.triage.matcher") == "triage" and core_unit("bot.catalog") == "catalog"
    assert core_unit("bot.app.services") is None and core_unit("telegram") is None and core_unit("bot.cli") is None
    graph = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b": ["x"]}, "b": {}}) == []


def test_the_cycle_check_reads_every_form_of_import() -> None:
    source = "from bot import cliargs\nfrom . import levels\nfrom ..content import model\nimport bot.search.index\n"
    assert [name for _, name in imported_modules(source, "bot.triage")] == [
        "bot.cliargs",
        "bot.triage.levels",
        "bot.content.model",
        "bot.search.index",
    ]


def module_name(path: Path) -> str:
    """The dotted name of a module file of `bot` (a package's `__init__.py` is the package)."""
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_import_graph() -> dict[str, dict[str, list[str]]]:
    """Module -> the other modules of its own package it imports -> where (file:line).

    Every package of `bot` counts, adapters included, and so does every import, also those under
    `if TYPE_CHECKING:` and inside functions: a cycle hidden from the interpreter still ties two modules.
    """
    modules = {module_name(path): path for path in sorted(BOT.rglob("*.py"))}
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for source, path in modules.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for line, name in imported_modules(path.read_text(encoding="utf-8"), package):
            target = _known_module(name, modules)
            if target is not None and target != source and target.rpartition(".")[0] == package != "bot":
                graph[source][target].append(f"{path.relative_to(BOT.parent)}:{line}")
    return graph


def _known_module(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of a dotted import that is a module of `bot` ("bot.a.b.Name" -> "bot.a.b")."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def test_no_import_cycle_inside_a_package() -> None:
    report = cycle_report(package_import_graph())
    assert report == [], "import cycle inside a package:\n" + "\n".join(report)


def test_the_package_cycle_check_sees_a_type_checking_import(tmp_path: Path) -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.triage.matcher import Match\n"
    names = [name for _, name in imported_modules(source, "bot.triage")]
    assert names == ["typing.TYPE_CHECKING", "bot.triage.matcher.Match"]
    modules = {"bot.triage.matcher": tmp_path, "bot.triage": tmp_path}
    assert _known_module("bot.triage.matcher.Match", modules) == "bot.triage.matcher"
    assert _known_module("bot.triage.levels", modules) == "bot.triage"


def adapter_of(module: str) -> str | None:
    """The adapter package a dotted module name belongs to (`bot.app.handlers.x` -> "app"), else None."""
    parts = module.split(".")
    return parts[1] if parts[0] == "bot" and len(parts) > 1 and parts[1] in ADAPTERS else None


def adapter_modules() -> list[Path]:
    """Every module of an adapter package except its command-line entry point (`cli.py`)."""
    return [
        path
        for adapter in ADAPTERS
        for path in sorted((BOT / adapter).rglob("*.py"))
        if path.relative_to(BOT / adapter).parts not in {(entry,) for entry in ENTRY_POINTS}
    ]


def imports_of_other_adapters(path: Path) -> list[str]:
    """The imports of `path`, an adapter's module, that reach into another adapter (inside functions too)."""
    own = path.relative_to(BOT).parts[0]
    package = ".".join(("bot", *path.relative_to(BOT).parts[:-1]))
    return [
        f"{path.relative_to(BOT.parent)}:{line}: imports {name}"
        for line, name in imported_modules(path.read_text(encoding="utf-8"), package)
        if adapter_of(name) not in (None, own)
    ]


@pytest.mark.parametrize("path", adapter_modules(), ids=lambda path: str(path.relative_to(BOT)))
def test_no_adapter_imports_another_adapter(path: Path) -> None:
    assert imports_of_other_adapters(path) == []


def test_the_adapter_check_sees_another_adapter_in_every_form(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import bot.app.services\nfrom bot.console import links\nfrom bot import fakeapi\n"
        "def f():\n    from bot.fakeapi.harness import BotHarness\n"
    )
    names = [name for _, name in imported_modules(module.read_text(), "bot.app.handlers")]
    assert [adapter_of(name) for name in names] == ["app", "console", "fakeapi", "fakeapi"]
    assert adapter_of("bot.staff.signin") is None and adapter_of("telegram") is None
    assert BOT / "app" / "cli.py" not in adapter_modules() and BOT / "app" / "assembly.py" in adapter_modules()
