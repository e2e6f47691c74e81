"""Realistic patient questions against the project's real content: our guard against overfitting.

The table was written independently of the dev evaluation set: varied wording, typos, English,
and the examples from the issue. The bar is the same as for the dev set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.search.index import SearchIndex

HERE = Path(__file__).resolve().parent


def _table() -> list[tuple[set[str], str]]:
    lines = (HERE / "patient_questions.tsv").read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t", 1) for line in lines if line.strip()]
    return [(set(want.split(",")), question) for want, question in rows]


QUESTIONS = _table()
OUTSIDE = [q for q in (HERE / "outside_questions.txt").read_text(encoding="utf-8").splitlines() if q.strip()]


def test_table_is_big_enough() -> None:
    assert len(QUESTIONS) >= 40


def test_top1_top3_and_confidence(real_index: SearchIndex) -> None:
    top1 = top3 = confident = 0
    misses: list[str] = []
    for want, question in QUESTIONS:
        result = real_index.search(question)
        got = [hit.chapter_id for hit in result.hits]
        top1 += bool(got) and got[0] in want
        top3 += bool(want & set(got[:3]))
        confident += result.confident
        if not got or got[0] not in want:
            misses.append(f"{question!r}: want {sorted(want)}, got {got}")
    n = len(QUESTIONS)
    assert top1 / n >= 0.95, misses
    assert top3 / n >= 0.98, misses
    assert confident / n >= 0.9


@pytest.mark.parametrize(
    ("question", "chapter"),
    [
        ("moet mijn gehoorapparaat uit bij de MRI?", "mri-scan"),
        ("wanneer hoor ik wat er in het MDO besloten is?", "uitslag"),
        ("Wat is een leverbiopsie?", "leverpunctie"),
        ("mag mijn piercing in bij de mri", "mri-scan"),
        ("moet mijn bril af?", "mri-scan"),
    ],
)
def test_issue_examples(real_index: SearchIndex, question: str, chapter: str) -> None:
    result = real_index.search(question)
    assert result.best == chapter
    assert result.passage


@pytest.mark.parametrize("question", OUTSIDE)
def test_outside_questions_are_not_confident(real_index: SearchIndex, question: str) -> None:
    assert not real_index.search(question).confident


def test_metal_question_quotes_the_metal_sentence(real_index: SearchIndex) -> None:
    passage = real_index.search("moet mijn gehoorapparaat uit bij de MRI?").passage
    assert "Om die reden zullen we u vragen alle voorwerpen van metaal uit of af te doen." in passage
