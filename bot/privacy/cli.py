"""`python -m bot privacy export --chat-id N` (right of access) and `privacy purge` (retention)."""

from __future__ import annotations

import argparse
import json
import sys

from bot import cliargs
from bot.clock import SystemClock
from bot.settings import Settings
from bot.storage.store import open_storage


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `privacy` command."""
    parser = subparsers.add_parser("privacy", help="export or purge personal data")
    parser.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///data/bot.db)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="print everything stored about one chat, as JSON")
    export.add_argument("--chat-id", type=cliargs.chat_id, required=True)
    export.set_defaults(func=_export)
    purge = actions.add_parser("purge", help="delete appointments older than PURGE_AFTER_DAYS now")
    purge.set_defaults(func=_purge)


def _export(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    storage = open_storage(args.db or settings.database_url)
    data = storage.export_chat(args.chat_id)
    json.dump({"chat_id": args.chat_id, **data}, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


def _purge(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    storage = open_storage(args.db or settings.database_url)
    counts = storage.purge_appointments(SystemClock().now(), settings.purge_after_days)
    print(", ".join(f"{table}: {n}" for table, n in counts.items()) or "nothing to purge")
    return 0
