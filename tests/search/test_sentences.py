"""The exact sentence: the quoted passage holds the folder's answer to the question, with what it needs.

`sentences.tsv` holds questions with the piece of the folder that answers them (`chapter<TAB>sentence<TAB>
question`): the sentence, or several pieces that must all be quoted (" | ", a sentence after its lead-in,
a list with its heading), or alternatives that each answer (" || "). It was written before the passage
choice was changed for it (52/97 then) and is scored in `make bench`; the floor sits a little below what
the search reaches, so that a change that loses ground fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.search.index import SearchIndex
from bot.search.passage import companions, split_units
from bot.search.report import evaluate_sentences, quotes, read_sentences
from tests.search.test_probe import PROBE, PROBE2, PROBE4

HERE = Path(__file__).resolve().parent
ROWS = read_sentences(HERE / "sentences.tsv")
SENTENCES = [(row.chapter, row.sentence, row.question) for row in ROWS]


def test_the_set_is_big_and_every_piece_is_the_folders(real_index: SearchIndex) -> None:
    assert len(SENTENCES) >= 60
    for chapter_id, wanted, question in SENTENCES:
        assert question.strip(), wanted
        chapter = real_index.content.chapter(chapter_id)
        assert chapter is not None, chapter_id
        for alt in wanted.split(" || "):
            for piece in alt.split(" | "):
                found = [c.id for c in real_index.content.chapters if piece.strip() in c.text]
                assert found, piece
                assert chapter_id in found or alt != wanted, (piece, chapter_id)


def test_the_passage_holds_the_answer(real_index: SearchIndex) -> None:
    exact, misses = evaluate_sentences(real_index, ROWS)
    assert exact / len(ROWS) >= 0.95, [(m.question, m.sentence, real_index.search(m.question).passage) for m in misses]


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        # The examples of issue 21: the answer was often the sentence next to the one quoted.
        ("moet mijn trouwring af bij de mri?", "Om die reden zullen we u vragen alle voorwerpen van metaal"),
        ("is die radioactieve vloeistof van de pet scan gevaarlijk?", "Deze stof is ongevaarlijk"),
        ("word ik verdoofd bij de punctie?", "Tijdens een punctie nemen we | Dit gebeurt onder lokale verdoving."),
        ("groeit mijn lever weer aan na de operatie?", "een groot herstelvermogen"),
        ("wat betekent palliatief?", "palliatieve behandeling worden gestart. | Deze soort behandeling richt zich op"),
        ("ben ik zo moe door die uitzaaiingen?", "Klachten die kunnen voorkomen bij levermetastasen: | Vermoeidheid"),
    ],
)
def test_issue_examples(real_index: SearchIndex, question: str, wanted: str) -> None:
    assert quotes(real_index.search(question).passage, wanted)


def test_a_glass_of_wine_gets_no_spoed_criterion(real_index: SearchIndex) -> None:
    result = real_index.search("mag ik nog een glas wijn drinken?")
    assert not result.confident  # the folder says nothing about alcohol


def test_never_a_lone_bullet_or_a_sentence_without_the_one_it_points_back_to(real_index: SearchIndex) -> None:
    """Over every probe question: each unit quoted comes with the units it needs (see `companions`)."""
    chapters = {c.id: c for c in real_index.content.chapters}
    questions = [q for _, q in PROBE + PROBE2 + PROBE4] + [q for _, _, q in SENTENCES]
    for question in questions:
        result = real_index.search(question)
        if not result.passage:
            continue
        text = chapters[result.passage_chapter or ""].text
        start = text.index(result.passage)
        end = start + len(result.passage)
        units = split_units(text)
        spans = companions(text, units)
        quoted = [i for i, u in enumerate(units) if start <= u.start and u.end <= end]
        assert quoted, question
        for i in quoted:
            first, last = spans[i]
            assert quoted[0] <= first and last <= quoted[-1], (question, result.passage)
