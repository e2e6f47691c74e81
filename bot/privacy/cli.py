"""`python -m bot privacy export --chat-id N` (right of access) and `privacy purge` (retention)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot import cliargs
from bot.clock import SystemClock
from bot.inbox.crypto import UnreadableText, cipher_from_key
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
    purge = actions.add_parser(
        "purge", help="delete appointments older than PURGE_AFTER_DAYS and questions to the team INBOX_PURGE_DAYS after"
    )
    purge.set_defaults(func=_purge)


def _export(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    storage = open_storage(args.db or settings.database_url)
    data = storage.export_chat(args.chat_id)
    _open_texts(data, settings.inbox_key)
    json.dump({"chat_id": args.chat_id, **data}, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


def _purge(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    storage = open_storage(args.db or settings.database_url)
    now = SystemClock().now()
    counts = storage.purge_appointments(now, settings.purge_after_days)
    counts.update(storage.inbox.purge(now, settings.inbox_purge_days))
    print(", ".join(f"{table}: {n}" for table, n in counts.items()) or "nothing to purge")
    return 0


def _open_texts(data: dict[str, Any], keys: str | None) -> None:
    """Put the readable text of each question and answer next to its sealed form (the patient's right of
    access is to the text); without INBOX_KEY, or when no key opens it, say so instead."""
    cipher = cipher_from_key(keys)
    for message in data.get("inbox_messages", []):
        sealed = str(message.get("body", ""))
        if cipher is None:
            message["text"] = None
            message["text_note"] = "encrypted: set INBOX_KEY to read it"
            continue
        try:
            message["text"] = cipher.open(sealed)
        except UnreadableText:
            message["text"] = None
            message["text_note"] = "encrypted with a key INBOX_KEY no longer holds"
