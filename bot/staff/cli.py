"""`python -m bot enroll | broadcast | broadcasts | misses`: the staff tools on the command line.

The command line never sends: a broadcast is written to the outbox and the running bot's sender
picks it up (within its poll interval, 30 s by default).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot import cliargs
from bot.catalog import Catalog, load_catalog
from bot.clock import SystemClock, local
from bot.settings import Settings
from bot.staff.compose import MAX_TEXT, Composer, Draft, audience_label, format_duration, valid_audience
from bot.staff.enrolment import EnrolmentService, deep_link, qr_png
from bot.storage.store import Storage, open_storage


def _storage(args: argparse.Namespace, settings: Settings) -> Storage:
    return open_storage(args.db or settings.database_url)


def _catalog(settings: Settings) -> Catalog | None:
    catalog, problems = load_catalog(settings.content_dir, settings.schedules_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    return catalog


def _origin() -> str:
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


def _enroll(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    username = args.bot or settings.bot_username
    if not username:
        print("the bot's username is needed for the link: set BOT_USERNAME or pass --bot", file=sys.stderr)
        return 2
    if args.qr:
        # Checked before the code is stored: a code nobody can hand over must not exist.
        folder = Path(args.qr).resolve().parent
        if not folder.is_dir():
            print(f"--qr: the folder {folder} does not exist; no code was made", file=sys.stderr)
            return 2
        if Path(args.qr).is_dir():
            print(f"--qr: {args.qr} is a folder; give a file name such as patient.png", file=sys.stderr)
            return 2
    service = EnrolmentService(_storage(args, settings), SystemClock(), settings.enrol_code_days)
    created = service.create(None)
    link = deep_link(username, created.code)
    print(f"code:  {created.code}")
    print(f"link:  {link}")
    print(f"valid until {local(created.expires_at):%Y-%m-%d %H:%M} (Amsterdam)")
    if args.qr:
        try:
            Path(args.qr).write_bytes(qr_png(link))
        except OSError as exc:
            print(f"--qr: cannot write {args.qr}: {exc.strerror or exc}; use the link above", file=sys.stderr)
            return 1
        print(f"QR code written to {args.qr}")
    return 0


def _broadcast(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not valid_audience(args.audience):
        print(f"--audience must be 'all' or 'type:<type>', not {args.audience!r}", file=sys.stderr)
        return 2
    catalog = _catalog(settings)
    if catalog is None:
        return 1
    if args.chapter and catalog.content.chapter(args.chapter) is None:
        print(f"no chapter {args.chapter!r} in the folder", file=sys.stderr)
        return 2
    if args.text is not None and len(args.text.strip()) > MAX_TEXT:
        print(
            f"--text is {len(args.text.strip())} characters; a message holds at most {MAX_TEXT}. "
            "Shorten it or send it as several broadcasts",
            file=sys.stderr,
        )
        return 2
    draft = Draft(audience=args.audience)
    draft = draft.with_chapters([args.chapter]) if args.chapter else draft.with_text(args.text)
    texts = catalog.staff
    composer = Composer(_storage(args, settings), catalog, texts)
    now = SystemClock().now()
    rendered = composer.preview(draft, "nl")
    if rendered is None:
        print("nothing to send", file=sys.stderr)
        return 2
    count = composer.recipients(draft, now)
    print("--- preview (nl) ---")
    print(rendered[0])
    for row in rendered[1]:
        print("  ".join(f"[{button.label}]" for button in row))
    print("---")
    print(
        f"recipients: {count} ({audience_label(draft.audience, texts, catalog, 'en')}){', URGENT' if args.urgent else ''}"
    )
    if count == 0:
        print("no recipients; nothing stored")
        return 1
    if not args.yes:
        try:
            answer = input(f"Send to {count} recipient(s)? Type 'yes' to confirm: ")
        except EOFError:
            print("\nnot sent: no answer (the input is closed); pass --yes to send without asking", file=sys.stderr)
            return 1
        if answer.strip().lower() not in ("yes", "ja"):
            print("not sent")
            return 1
    stored = composer.confirm(draft, SystemClock().now(), None, args.urgent, None, origin=_origin())
    print(f"broadcast {stored.id} queued for {stored.recipients} recipient(s); the running bot sends it")
    return 0


def _broadcasts(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    for summary in _storage(args, settings).staff.list_broadcasts(args.limit):
        b = summary.broadcast
        what = f"text ({len(b.text or '')} chars)" if b.kind == "text" else f"{b.kind} {','.join(b.chapter_ids)}"
        took = format_duration(summary.duration_seconds) if b.finished_at else "sending"
        print(
            f"{b.id}\t{local(b.created_at):%Y-%m-%d %H:%M}\tby {b.created_by or 'cli'}\t{what}\t{b.audience}\t"
            f"{b.recipients} recipients: {summary.sent} sent, {summary.failed} failed, {summary.blocked} blocked, "
            f"{summary.skipped} skipped\t{took}"
        )
    return 0


def _misses(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    since = local(SystemClock().now()).date() - timedelta(days=args.days)
    rows = _storage(args, settings).miss_counts(since)
    for day, count in rows:
        print(f"{day.isoformat()}\t{count}")
    print(f"total\t{sum(count for _, count in rows)}")
    return 0


def register(subparsers: Any) -> None:
    """Add `enroll`, `broadcast`, `broadcasts` and `misses` to the command line."""
    db_help = "database URL (default: DATABASE_URL or data/bot.db)"

    enroll = subparsers.add_parser("enroll", help="create a one-time enrolment code (deep link + QR code)")
    enroll.add_argument("--qr", metavar="FILE", help="write the QR code PNG to FILE")
    enroll.add_argument("--bot", help="bot username (default: BOT_USERNAME)")
    enroll.add_argument("--db", help=db_help)
    enroll.set_defaults(func=_enroll)

    bc = subparsers.add_parser("broadcast", help="send a message or a chapter to subscribers (via the outbox)")
    what = bc.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="the message (plain text)")
    what.add_argument("--chapter", metavar="ID", help="a chapter of the folder, sent as a button")
    bc.add_argument("--audience", default="all", help="'all' (default) or 'type:<type>', e.g. type:mri")
    bc.add_argument("--urgent", action="store_true", help="also send during the quiet hours (schedules/reminders.yaml)")
    bc.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    bc.add_argument("--db", help=db_help)
    bc.set_defaults(func=_broadcast)

    listing = subparsers.add_parser("broadcasts", help="recent broadcasts with their delivery counts")
    listing.add_argument("--limit", type=cliargs.bounded_int(1, 10_000), default=20)
    listing.add_argument("--db", help=db_help)
    listing.set_defaults(func=_broadcasts)

    misses = subparsers.add_parser("misses", help="per-day counts of questions the search could not answer")
    misses.add_argument("--days", type=cliargs.bounded_int(1, 3660, "a number of days"), default=30)
    misses.add_argument("--db", help=db_help)
    misses.set_defaults(func=_misses)
