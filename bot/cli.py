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
    "bot.replying.cli",  # reply
    "bot.search.cli",  # ask
    "bot.reminders.cli",  # appointments add / list / cancel / import
    "bot.staff.cli",  # enroll, broadcast, misses
    "bot.privacy.cli",  # privacy export / purge
    "bot.observability.cli",  # healthcheck
    "bot.console.cli",  # console, console-link
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
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
