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

# Modules that define `register(subparsers)`; each adds its commands with `set_defaults(func=…)`,
# where func(args) returns the exit code.
COMMAND_MODULES = (
    "bot.app.cli",  # run, demo
    "bot.content.cli",  # content check / dump
    "bot.triage.cli",  # triage
    "bot.search.cli",  # ask
    "bot.reminders.cli",  # appointments add / list / cancel / import
    "bot.staff.cli",  # enroll, broadcast, misses
    "bot.privacy.cli",  # privacy export / purge
    "bot.observability.cli",  # healthcheck
)


# Commands whose module is all they need: they start without importing the whole bot (the triage
# command answers its first line within a second).
FAST_COMMANDS = {"triage": "bot.triage.cli"}


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """The argument parser with the sub-commands of `modules` (default: every one)."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    fast = FAST_COMMANDS.get(argv[0]) if argv else None
    parser = build_parser((fast,) if fast else COMMAND_MODULES)
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help(sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
