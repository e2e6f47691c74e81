"""Benchmark the search: index build time, questions per second in process, and the `ask` CLI.

    .venv/bin/python bench/bench_ask.py [N]

Uses the project's content/ and the patient questions of tests/search; prints and returns a dict.
The CLI figure pipes the questions through `python -m bot ask --jsonl`, start-up included, as the
evaluation does. A script, not a test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_content  # noqa: E402 - after the path fix above
from bot.search.index import SearchIndex  # noqa: E402
from bot.search.vocab import load_search_vocabulary  # noqa: E402

CLI_QUESTIONS = 20_000


def cli_per_second(questions: list[str], n: int = CLI_QUESTIONS) -> float:
    """Questions per second through `python -m bot ask --jsonl`, process start-up included."""
    lines = [questions[i % len(questions)] for i in range(n)]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    elapsed = time.perf_counter() - started
    assert len(done.stdout.splitlines()) == n
    return n / elapsed


def run(rounds: int = 20) -> dict[str, float]:
    """Build the index once (timed) and search every test question `rounds` times."""
    content, problems = load_content(ROOT / "content")
    assert content is not None, problems
    vocab, problems = load_search_vocabulary(ROOT / "content" / "search.yaml", content)
    assert vocab is not None, problems
    started = time.perf_counter()
    index = SearchIndex.build(content, vocab)
    build_ms = (time.perf_counter() - started) * 1000
    table = (ROOT / "tests" / "search" / "patient_questions.tsv").read_text(encoding="utf-8")
    questions = [line.split("\t", 1)[1] for line in table.splitlines()[1:] if "\t" in line]
    started = time.perf_counter()
    for _ in range(rounds):
        for question in questions:
            index.search(question)
    elapsed = time.perf_counter() - started
    total = rounds * len(questions)
    result = {
        "build_ms": round(build_ms, 1),
        "questions": float(total),
        "questions_per_second": round(total / elapsed, 1),
        "ms_per_question": round(elapsed / total * 1000, 3),
        "cli_per_second": round(cli_per_second(questions), 1),
    }
    print(result)
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
