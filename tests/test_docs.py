"""The README and .env.example stay true: every setting is documented, read by the bot, and the
commands the README names exist."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def example_variables() -> list[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return re.findall(r"^(?:# )?([A-Z_]+)=", text, flags=re.MULTILINE)


def test_every_example_variable_is_documented_and_read() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
    variables = example_variables()
    assert "TELEGRAM_BOT_TOKEN" in variables
    for name in variables:
        assert f"`{name}`" in readme, f"{name} is not in the README's configuration table"
        assert f'"{name}"' in code, f"{name} is read nowhere in bot/"


def test_the_two_commands_come_first_and_the_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block
    subparsers = build_parser()._subparsers
    assert subparsers is not None
    choices = subparsers._group_actions[0].choices
    assert choices is not None
    commands = set(choices)
    for name in re.findall(r"python -m bot ([a-z][a-z-]*)", readme):
        assert name in commands, f"README names `python -m bot {name}`, which does not exist"


def test_a_copied_env_example_means_the_defaults() -> None:
    """`cp .env.example .env` changes nothing until a value is filled in (issue 12)."""
    from bot.settings import Settings

    values: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    assert "TELEGRAM_BOT_TOKEN" in values and "DATABASE_URL" not in values
    assert Settings.from_env(values) == Settings.from_env({})
