"""`python -m bot inbox-key`: print a new random key for INBOX_KEY."""

from __future__ import annotations

import argparse

from bot.inbox.crypto import new_key


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `inbox-key` command."""
    parser = subparsers.add_parser(
        "inbox-key",
        help="print a new key for INBOX_KEY (questions to the team are encrypted with it)",
        description="Print a new random Fernet key. Put it in INBOX_KEY; to replace a key later, put the new "
        "one first and keep the old one after a comma until the texts it sealed are purged.",
    )
    parser.set_defaults(func=_key)


def _key(_args: argparse.Namespace) -> int:
    print(new_key())
    return 0
