"""`python -m bot content check [DIR]` and `python -m bot content dump --json`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.catalog import load_catalog
from bot.content.loader import load_content
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `content` command."""
    parser = subparsers.add_parser("content", help="check or dump the folder content")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate content/ (and schedules/)")
    check.add_argument("dir", nargs="?", type=Path, help="content directory (default: CONTENT_DIR or content/)")
    check.add_argument("--schedules", type=Path, help="schedules directory (default: SCHEDULES_DIR or schedules/)")
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
    print(f"content check: OK: {catalog.summary()}")
    awaiting = catalog.alarms.awaiting_signoff()
    if awaiting:
        print(f"alarm concepts beyond the folder awaiting a clinician's sign-off ({len(awaiting)}):")
        for concept in awaiting:
            print(f"  {concept.id} ({concept.level.label}): {concept.folder}")
    return 0


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
