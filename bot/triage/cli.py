"""`python -m bot triage --jsonl [--at ISO-DATETIME]`: triage one message per stdin line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import select
import sys
from collections.abc import Iterator
from typing import IO, Any

from bot.clock import AMSTERDAM, SystemClock
from bot.content.model import Content
from bot.triage.alarms_file import ALARMS_FILE, load_alarms
from bot.triage.context_rules_file import CONTEXT_RULES_FILE, load_context_rules
from bot.triage.levels import Level
from bot.triage.match import TriageResult
from bot.triage.matcher import Triage
from bot.triage.routing import Routing, route

# Lines are answered in batches: whatever is waiting on stdin, at most this many, then one flush.
_BATCH = 512


def register(subparsers: Any) -> None:
    """Add the `triage` sub-command."""
    parser = subparsers.add_parser("triage", help="triage messages (one per line on stdin)")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per input line (the only format)")
    parser.add_argument(
        "--at",
        type=_parse_at,
        default=None,
        help="route as if it were this time (ISO 8601; without offset: Amsterdam time)",
    )
    parser.set_defaults(func=run)


def _parse_at(raw: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {raw!r}") from exc
    return when if when.tzinfo is not None else when.replace(tzinfo=AMSTERDAM)


def run(args: argparse.Namespace) -> int:
    """Read messages from stdin, write one JSON line each; exit 1 when the content is invalid."""
    from bot.content.loader import load_content
    from bot.settings import Settings

    content_dir = Settings.content_dir_from_env()
    content, problems = load_content(content_dir)
    vocabulary, alarm_problems = load_alarms(content_dir / ALARMS_FILE)
    problems += alarm_problems
    # clinlp loads for the first sentence that needs it: a one-line check starts in about a second.
    qualifiers, rule_problems = load_context_rules(content_dir / CONTEXT_RULES_FILE, build=False)
    problems += rule_problems
    if content is None or vocabulary is None or qualifiers is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    triage = Triage(vocabulary, qualifiers, preload=False)
    fixed_now: dt.datetime | None = args.at
    for batch in _batches(sys.stdin.buffer):
        now = fixed_now or SystemClock().now()
        routes: dict[Level, Routing] = {}
        out = []
        for raw in batch:
            out.append(answer(raw.decode("utf-8", errors="replace").rstrip("\r\n"), triage, now, content, routes))
        sys.stdout.write("".join(out))
        sys.stdout.flush()
    return 0


def answer(
    text: str, triage: Triage, now: dt.datetime, content: Content, routes: dict[Level, Routing] | None = None
) -> str:
    """One JSON line for one message; never raises (an internal error answers as urgent)."""
    routes = {} if routes is None else routes
    try:
        result = triage.assess(text)
        level, error = result.level, None
    except Exception as exc:  # one odd message must not stop the stream; fail towards safety
        result, level, error = None, Level.URGENT, type(exc).__name__
    routing = routes.get(level)
    if routing is None:
        routing = routes[level] = route(level, now, content)
    return json.dumps(to_json(result, level, routing, error), ensure_ascii=False) + "\n"


def to_json(result: TriageResult | None, level: Level, routing: Routing, error: str | None = None) -> dict[str, Any]:
    """The JSON object for one message."""
    data: dict[str, Any] = {
        "level": level.label,
        "concepts": list(result.concepts) if result else [],
        "extra_contacts": list(result.extra_contacts) if result else [],
        "matches": [
            {
                "concept": m.concept,
                "level": m.level.label,
                "words": list(m.words),
                "method": m.method,
                "negated": m.negated,
                "term": m.term,
                **({"celsius": m.celsius} if m.celsius is not None else {}),
                **({"cue": m.cue} if m.cue else {}),
            }
            for m in (result.matches if result else ())
        ],
        "contacts": [
            {"role": c.role, "name": c.contact.label("nl"), "phone": c.contact.phone, "tel": c.contact.tel}
            for c in routing.contacts
        ],
        "office_open": routing.office_open,
    }
    if routing.spreekuur is not None:
        data["spreekuur"] = {
            "open_now": routing.spreekuur.open_now,
            "next_open": routing.spreekuur.next_open.isoformat() if routing.spreekuur.next_open else None,
        }
    if error:
        data["error"] = error
    return data


def _batches(stream: IO[bytes]) -> Iterator[list[bytes]]:
    """Lines grouped by what is already waiting, so a pipe is answered promptly and a file quickly."""
    batch: list[bytes] = []
    for line in stream:
        batch.append(line)
        if len(batch) >= _BATCH or not _more_waiting(stream):
            yield batch
            batch = []
    if batch:
        yield batch


def _more_waiting(stream: IO[bytes]) -> bool:
    try:
        if hasattr(stream, "peek") and stream.peek(1):
            return True
        ready, _, _ = select.select([stream], [], [], 0)
        return bool(ready)
    except (OSError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the triage command on its own (`python -m bot.triage.cli --jsonl`)."""
    parser = argparse.ArgumentParser(prog="python -m bot.triage.cli")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["triage", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
