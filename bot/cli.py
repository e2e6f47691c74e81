"""Command line: `python -m bot <command> …`.

Each area of the bot registers its own sub-commands; this module only assembles them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot.observability.logs import configure_logging, redact, redact_standard_error
from bot.settings import SettingsError, check_database_url

# Modules that define `register(subparsers)`; each adds its commands with `set_defaults(func=…)`,
# where func(args) returns the exit code.
COMMAND_MODULES = (
    "bot.app.cli",  # run, demo
    "bot.catalog_cli",  # content check / dump
    "bot.triage.cli",  # triage
    "bot.replying.cli",  # reply
    "bot.search.cli",  # ask
    "bot.reminders.cli",  # appointments add / list / cancel / import
    "bot.staff.cli",  # enroll, broadcast, misses
    "bot.privacy.cli",  # privacy export / purge
    "bot.inbox.cli",  # inbox-key
    "bot.observability.cli",  # healthcheck
    "bot.console.cli",  # console, console-link
    "bot.fakeapi.cli",  # fake-api
)

log = logging.getLogger("bot")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (`--help` shows the usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# Commands whose module is all they need: they start without importing the whole bot (the triage
# command answers its first line within a second).
FAST_COMMANDS = {"triage": "bot.triage.cli", "reply": "bot.replying.cli", "ask": "bot.search.cli"}


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """The argument parser with the sub-commands of `modules` (default: every one)."""
    parser = _Parser(prog="python -m bot", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(subparsers)
    for command in subparsers.choices.values():
        _db_after_action(command)
    return parser


def _db_after_action(command: argparse.ArgumentParser) -> None:
    """Accept `--db` after the action too (`privacy export --db URL`), not only before it."""
    if "--db" not in command._option_string_actions:
        return
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if "--db" not in child._option_string_actions:
                    child.add_argument("--db", default=argparse.SUPPRESS, help="database URL (also before the action)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    fast = FAST_COMMANDS.get(argv[0]) if argv else None
    parser = build_parser((fast,) if fast else COMMAND_MODULES)
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help(sys.stderr)
        return 2
    # Every command logs through the token-redacting handler; `run` switches to its own format later.
    # The secrets are known by value before anything can fail (a bad setting, a rejected token).
    redact_standard_error(os.environ)
    configure_logging(level=logging.WARNING, fmt="%(levelname)s %(name)s: %(message)s")
    try:
        if getattr(args, "db", None):
            check_database_url(args.db, "--db")
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except SettingsError as exc:
        log.error("configuration error: %s", exc)
        return 2
    except Exception as exc:
        # One line through the redacting logger, never a traceback: tracebacks of start-up errors
        # quote the bot token (InvalidToken), SQL with its parameters, or a patient's data.
        log.critical("%s stopped: %s", args.command, one_line(exc))
        return 1


def one_line(exc: BaseException) -> str:
    """`Type: first line of the message`, at most 200 characters, with secrets and bot tokens redacted."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return redact(text)[:200]
