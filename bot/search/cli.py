"""`python -m bot ask`: answer questions from the folder on the command line.

With --jsonl it reads one question per line on stdin and writes one JSON object per line, in the
same order, always one line out per line in (empty or odd lines give an empty answer).
With --report FILE.tsv (labelled questions: `chapters<TAB>question`) it prints top-1 and top-3 per
chapter and in total, so a change that helps one chapter and hurts another shows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.search.index import SearchIndex, SearchResult
from bot.search.report import LabelledFileError, evaluate, format_report, read_labelled
from bot.search.vocab import SEARCH_FILE, load_search_vocabulary


def register(subparsers: Any) -> None:
    """Add the `ask` command."""
    parser = subparsers.add_parser("ask", help="answer a question from the folder (search)")
    parser.add_argument("question", nargs="*", help="the question (without --jsonl)")
    parser.add_argument("--jsonl", action="store_true", help="questions on stdin, JSON lines on stdout")
    parser.add_argument("--limit", type=int, default=3, help="number of chapters to rank (default 3)")
    parser.add_argument(
        "--report", nargs="+", type=Path, metavar="FILE.tsv", help="top-1/top-3 per chapter on labelled questions"
    )
    parser.add_argument("--quiet", action="store_true", help="with --report: leave out the list of misses")
    parser.set_defaults(func=run)


def load_index(content_dir: Path) -> tuple[SearchIndex | None, list[str]]:
    """Build the index from content_dir, or return the problems that prevent it."""
    from bot.content.loader import load_content  # the content area is optional for importing this module

    content, problems = load_content(content_dir)
    if content is None:
        return None, [str(p) for p in problems]
    vocab, vocab_problems = load_search_vocabulary(content_dir / SEARCH_FILE, content)
    if vocab is None:
        return None, [str(p) for p in vocab_problems]
    return SearchIndex.build(content, vocab), []


def as_json(result: SearchResult) -> dict[str, Any]:
    """The JSON line for one answer."""
    return {
        "chapters": [hit.chapter_id for hit in result.hits],
        "passage": result.passage,
        "score": result.score,
        "confident": result.confident,
    }


def answer(index: SearchIndex, line: str, limit: int) -> dict[str, Any]:
    """Answer one input line; never raises for odd input."""
    try:
        return as_json(index.search(line.strip(), limit=limit))
    except Exception:  # one bad line must not stop the batch
        return as_json(SearchResult((), "", False))


def report(index: SearchIndex, files: list[Path], stdout: TextIO, misses: bool = True) -> int:
    """Print the ranked evaluation of each labelled file; exit code 1 when a file cannot be read."""
    order = [chapter.id for chapter in index.content.chapters]
    for number, path in enumerate(files):
        try:
            rows = read_labelled(path)
        except LabelledFileError as exc:
            print(exc, file=sys.stderr)
            return 1
        if number:
            stdout.write("\n")
        stdout.write(format_report(evaluate(index, rows), str(path), order, misses) + "\n")
    return 0


def run(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Answer the question(s); exit code 1 when the content cannot be loaded."""
    from bot.settings import Settings

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    index, problems = load_index(Settings.content_dir_from_env())
    if index is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    limit = max(1, args.limit)
    if args.report:
        return report(index, args.report, stdout, misses=not args.quiet)
    if args.jsonl:
        for line in stdin:
            stdout.write(json.dumps(answer(index, line, limit), ensure_ascii=False) + "\n")
        stdout.flush()
        return 0
    question = " ".join(args.question) or stdin.read()
    result = index.search(question, limit=limit)
    if not result.confident:
        stdout.write("(not found in the folder with confidence)\n")
    for hit in result.hits:
        stdout.write(f"{hit.score:7.2f}  {hit.chapter_id}\n")
    if result.passage:
        stdout.write(f"\n{result.passage}\n")
    return 0
