"""`python -m bot reply --jsonl [--at ISO-DATETIME] [--lang nl|en]`: what the patient would see, per stdin line.

Built by the same code that answers in Telegram (bot.replying.compose), so clinicians can review whole
replies, and tests can check that what is shown carries the right number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from bot.clock import SystemClock
from bot.content.model import LANGS, Lang
from bot.replying.compose import Knowing, compose
from bot.triage.alarm_texts import render_error_fallback, safety_net_roles
from bot.triage.cli import _batches, _parse_at
from bot.triage.levels import Level


def register(subparsers: Any) -> None:
    """Add the `reply` sub-command."""
    parser = subparsers.add_parser("reply", help="show the whole reply to messages (one per line on stdin)")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per input line (the only format)")
    parser.add_argument(
        "--at",
        type=_parse_at,
        default=None,
        help="answer as if it were this time (ISO 8601; without offset: Amsterdam time)",
    )
    parser.add_argument("--lang", choices=LANGS, default="nl", help="the chat's language (default nl)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read messages from stdin, write one JSON line each; exit 1 when the content is invalid."""
    from bot.catalog import load_catalog
    from bot.knowledge import Knowledge
    from bot.settings import Settings

    settings = Settings.from_env()
    catalog, problems = load_catalog(settings.content_dir, settings.schedules_dir)
    if catalog is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    knowledge = Knowledge.build(catalog)
    fixed_now: dt.datetime | None = args.at
    for batch in _batches(sys.stdin.buffer):
        now = fixed_now or SystemClock().now()
        out = [answer(raw.decode("utf-8", errors="replace").rstrip("\r\n"), now, args.lang, knowledge) for raw in batch]
        sys.stdout.write("".join(out))
        sys.stdout.flush()
    return 0


def answer(text: str, now: dt.datetime, lang: Lang, knowledge: Knowing) -> str:
    """One JSON line for one message; never raises (an internal error answers with the spoed lines and 112)."""
    try:
        reply = compose(text, now, lang, knowledge)
        data: dict[str, Any] = {
            "level": reply.level.label,
            "route": list(reply.roles),
            "messages": reply.messages,
            "buttons": reply.buttons,
            "kind": ["alarm"] * (reply.alarm is not None) + ([reply.text.kind] if reply.text else []),
        }
    except Exception as exc:  # one odd message must not stop the stream; fail towards safety
        content = knowledge.catalog.content
        data = {
            "level": Level.URGENT.label,
            "route": list(safety_net_roles(now, content)),
            "messages": [render_error_fallback(now, content, lang, knowledge.catalog.alarm_replies)],
            "buttons": [],
            "kind": ["error"],
            "error": type(exc).__name__,
        }
    return json.dumps(data, ensure_ascii=False) + "\n"
