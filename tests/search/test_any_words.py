"""Questions in any words, on the project's own content: lay descriptions, English, where the patient
stands, two words and speech-to-text (the examples of issue 24, and the data behind them)."""

from __future__ import annotations

import pytest

from bot.search.index import SearchIndex


@pytest.mark.parametrize(
    ("question", "chapter"),
    [
        # Descriptions instead of the folder's terms.
        ("die vergadering waar alle dokters over mij praten, wie zitten daar bij?", "uitslag"),
        (
            "dat ding waar je op een bankje door een ring gaat en ze door je heen kijken, hoelang lig ik daar?",
            "ct-scan",
        ),
        ("Wat willen jullie nou eigenlijk bereiken met al die behandelingen bij mij?", "doel-van-de-behandeling"),
        ("ik snap niet waarom ze al die foto's van me moeten maken", "onderzoek-en-diagnose"),
        ("ik lig straks in die lawaaiige tunnel, mag mijn horloge om?", "mri-scan"),
        ("waarom moeten ze met een naald in mijn lever prikken?", "leverpunctie"),
        ("is die radioactieve scan gevaarlijk voor mijn kleinkinderen?", "pet-scan"),
        ("wie is mijn contactpersoon die alles regelt?", "casemanager"),
        # English.
        ("When should I ring 112 and when the nurse line?", "spoed"),
        ("why don't you notice liver problems until late?", "de-lever"),
        ("the doctors meeting about me, who is in it?", "uitslag"),
        # Where the patient stands, then a vague question.
        ("alle scans zijn klaar en nu zit ik thuis te piekeren, wat gebeurt er nu?", "uitslag"),
        ("I was just referred, what happens next?", "onderzoek-en-diagnose"),
        ("net doorverwezen, wat nu?", "onderzoek-en-diagnose"),
        ("de uitslag gehad, en nu?", "behandelingen"),
        ("after the operation, what now?", "casemanager"),
        # Two words, and spelt as speech-to-text writes it.
        ("mri metaal", "mri-scan"),
        ("punctie pijn", "leverpunctie"),
        ("pets can", "pet-scan"),
        ("kees manager", "casemanager"),
        ("lever punk sie", "leverpunctie"),
        ("wat is dat em dee oo", "uitslag"),
        ("see tee scan hoe lang", "ct-scan"),
    ],
)
def test_questions_in_any_words(real_index: SearchIndex, question: str, chapter: str) -> None:
    result = real_index.search(question)
    assert result.hits and result.hits[0].chapter_id == chapter, result.hits
    assert result.confident


def test_every_chapter_has_a_description_that_reaches_it(real_index: SearchIndex) -> None:
    """search.yaml describes every chapter in lay words: one of its phrases alone finds the chapter."""
    reached = {
        hit.hits[0].chapter_id
        for description in real_index.vocabulary.descriptions
        for phrase in description.says
        if (hit := real_index.search(phrase)).hits
    }
    assert reached == {c.id for c in real_index.content.chapters}


def test_a_story_without_a_vague_question_is_only_context(real_index: SearchIndex) -> None:
    assert (
        real_index.search("alle scans zijn klaar, hoe lang duurt een mri eigenlijk?").hits[0].chapter_id == "mri-scan"
    )
