"""Benchmark the search: index build time, questions per second in process, and the `ask` CLI.

    .venv/bin/python bench/bench_ask.py [N]

Uses the project's content/ and the labelled questions of tests/search (`*_questions.tsv`, plus the
out-of-folder questions for the timing); prints top-1/top-3 per chapter, scores the exact sentence on
tests/search/sentences.tsv (the share of passages that hold the folder's answer) and returns a dict.
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
from bot.search.report import Labelled, evaluate, evaluate_sentences, format_report, read_labelled, read_sentences  # noqa: E402
from bot.search.text import stem_nl  # noqa: E402
from bot.search.vocab import load_search_vocabulary  # noqa: E402

QUESTIONS_DIR = ROOT / "tests" / "search"

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


def _labelled() -> dict[str, list[Labelled]]:
    """The project's own labelled questions (tests/search), by file stem."""
    return {path.stem: read_labelled(path) for path in sorted(QUESTIONS_DIR.glob("*_questions.tsv"))}


def run(rounds: int = 20) -> dict[str, object]:
    """Build the index once (timed), report top-1/top-3 on the project's questions, time the search.

    `ms_per_question_cold` is the first pass over questions the index has not seen (its caches empty);
    `ms_per_question` the mean over `rounds` passes after that.
    """
    content, problems = load_content(ROOT / "content")
    assert content is not None, problems
    vocab, problems = load_search_vocabulary(ROOT / "content" / "search.yaml", content)
    assert vocab is not None, problems
    started = time.perf_counter()
    index = SearchIndex.build(content, vocab)
    build_ms = (time.perf_counter() - started) * 1000
    sets = _labelled()
    order = [chapter.id for chapter in content.chapters]
    accuracy: dict[str, object] = {}
    questions: list[str] = []
    for name, rows in sets.items():
        report = evaluate(index, rows)
        print(format_report(report, f"tests/search/{name}.tsv", order, misses=False))
        n = report.total.questions
        accuracy[name] = {"top1": round(report.total.top1 / n, 3), "top3": round(report.total.top3 / n, 3)}
        questions += [row.question for row in rows]
    sentences = read_sentences(QUESTIONS_DIR / "sentences.tsv")
    exact, misses = evaluate_sentences(index, sentences)
    print(f"tests/search/sentences.tsv: exact sentence {exact}/{len(sentences)}")
    for miss in misses:
        print(f"  not quoted: {miss.sentence!r} for {miss.question!r}")
    accuracy["sentences"] = {"exact": round(exact / len(sentences), 3)}
    questions += [row.question for row in sentences]
    outside = [q for q in (QUESTIONS_DIR / "outside_questions.txt").read_text(encoding="utf-8").splitlines() if q]
    questions += outside
    stem_nl.cache_clear()
    index = SearchIndex.build(content, vocab)  # fresh caches for the cold pass
    started = time.perf_counter()
    for question in questions:
        index.search(question)
    cold = time.perf_counter() - started
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
        "ms_per_question_cold": round(cold / len(questions) * 1000, 3),
        "outside_confident": sum(index.search(q).confident for q in outside),
        **accuracy,
        "cli_per_second": round(cli_per_second(questions), 1),
    }
    print(result)
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
