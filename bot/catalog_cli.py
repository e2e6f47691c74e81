"""`python -m bot content check [DIR]` and `python -m bot content dump --json`.

The check loads the whole catalog (content, schedules, alarms, search) and the console's sign-offs,
so the command sits beside `bot.catalog`, above the packages it checks, not in `bot/content/`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.catalog import Catalog, load_catalog
from bot.content.loader import load_content
from bot.content.plain import PLAIN_FILE, bot_texts, check_plain_language, load_plain_rules
from bot.settings import Settings
from bot.storage.signoff_reader import read_signoffs
from bot.triage.qualifiers import CONTEXT_RULES_FILE
from bot.triage.signoffs import as_lookup, review_of, unreviewed


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `content` command."""
    parser = subparsers.add_parser("content", help="check or dump the folder content")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate content/ (and schedules/)")
    check.add_argument("dir", nargs="?", type=Path, help="content directory (default: CONTENT_DIR or content/)")
    check.add_argument("--schedules", type=Path, help="schedules directory (default: SCHEDULES_DIR or schedules/)")
    check.add_argument("--db", help="database with the staff console's sign-offs (default: DATABASE_URL, if it exists)")
    check.set_defaults(func=_check)
    dump = actions.add_parser("dump", help="print the chapters")
    dump.add_argument("--json", action="store_true", required=True, help="as a JSON list")
    dump.add_argument("--dir", type=Path, help="content directory")
    dump.set_defaults(func=_dump)


def _check(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    content_dir = args.dir or settings.content_dir
    schedules_dir = args.schedules or settings.schedules_dir
    catalog, problems = load_catalog(content_dir, schedules_dir)
    if catalog is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"content check: {len(problems)} problem(s) in {content_dir} / {schedules_dir}", file=sys.stderr)
        return 1
    records = read_signoffs(args.db or settings.database_url)
    lookup = as_lookup(records or [])
    if records is None:
        print(f"content check: OK: {catalog.summary()}")
    else:
        in_console = sum(
            1 for c in catalog.alarms.concepts if (review := review_of(c, lookup)) and review.where == "console"
        )
        print(
            f"content check: OK: {catalog.summary(len(unreviewed(catalog.alarms, lookup)))}; "
            f"{in_console} signed off in the staff console"
        )
    awaiting = [c for c in unreviewed(catalog.alarms, lookup) if c.source == "beyond-folder"]
    if awaiting:
        print(f"alarm concepts beyond the folder awaiting a clinician's sign-off ({len(awaiting)}):")
        for concept in awaiting:
            print(f"  {concept.id} ({concept.level.label}): {concept.folder}")
            for reading in catalog.alarms.measurements.readings:
                if reading.concept == concept.id:
                    print(f"    measured: {reading.describe()}")
    if catalog.alarms.spellings:
        print(
            f"alarm spellings beyond the folder ({len(catalog.alarms.spellings)} dialect and chat spellings in "
            f"alarms.yaml, `spellings:`): reviewed with the concepts"
        )
    rules = catalog.context_rules.awaiting_signoff()
    if rules:
        print(
            f"context rules beyond clinlp's defaults awaiting a clinician's sign-off ({len(rules)}; "
            f"fill in reviewed_by and reviewed_on in {CONTEXT_RULES_FILE}):"
        )
        for rule in rules:
            print(f"  {rule.id} (line {rule.line}): {rule.describe()}")
    for contact in catalog.content.contacts.values():
        if contact.awaiting_sign_off:
            print(
                f"awaiting sign-off: contact '{contact.id}' ({contact.label('nl')}) is beyond the folder; "
                f"a clinician fills in reviewed_by and reviewed_on in contacts.yaml"
            )
    _wording_awaiting_sign_off(catalog)
    return _plain_language(content_dir)


def _wording_awaiting_sign_off(catalog: Catalog) -> None:
    """The bot's own reply wording beyond the folder that no clinician has signed off yet."""
    if catalog.alarm_replies.review.awaiting_sign_off:
        print(
            "awaiting sign-off: the short instructions of alarm_replies.yaml (call, escalate, spoed_line, "
            "body_*, spoed_*, not_found*) are beyond the folder; a clinician fills in review.reviewed_by and "
            "review.reviewed_on"
        )
    feelings = catalog.conversation.awaiting_sign_off()
    if feelings:
        print(f"awaiting sign-off: the replies to feelings in conversation.yaml ({len(feelings)}):")
        for feeling in feelings:
            print(f"  {feeling.id}: {feeling.text('nl')}")


def _plain_language(content_dir: Path) -> int:
    """The B1 check of every text the bot writes itself; exit 1 when a text breaks a rule."""
    rules, problems = load_plain_rules(content_dir / PLAIN_FILE)
    if rules is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    report = check_plain_language(list(bot_texts(content_dir)), rules)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    verdict = "OK" if not report.problems else f"{len(report.problems)} problem(s)"
    print(f"plain language (B1) of the bot's own texts: {verdict}: {report.summary(rules)}")
    return 1 if report.problems else 0


def _dump(args: argparse.Namespace) -> int:
    content_dir = args.dir or Settings.from_env().content_dir
    content, problems = load_content(content_dir)
    if content is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    rows = [{"id": c.id, "title": c.title, "parent": c.parent, "text": c.text} for c in content.chapters]
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
