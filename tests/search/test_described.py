"""How patients describe, where they stand, and how speech-to-text and dialect spell: the readers that
run before the ranking, each on a small folder made for it so that the test shows the mechanism."""

from __future__ import annotations

from datetime import time

import pytest

from bot.content.model import Chapter, Content, WeeklyHours
from bot.search.describe import PhraseMatcher, question_forms
from bot.search.index import SearchIndex
from bot.search.spoken import Respeller, sound
from bot.search.text import NL_STOP, is_real_word, words
from bot.search.vocab import Answer, ChapterKeywords, Description, Journey, SearchVocabulary, Stage


def _chapter(id_: str, title: str, text: str, parent: str | None = None) -> Chapter:
    return Chapter(id=id_, title=title, parent=parent, text=text)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    hours = WeeklyHours(frozenset({0}), time(10), time(12))
    chapters = (
        _chapter("team", "Het team", "Het team bestaat uit chirurgen en dokters in opleiding."),
        _chapter(
            "uitslag",
            "Uitslag",
            "De uitslagen worden besproken in een multidisciplinair overleg (MDO). Dit overleg bestaat uit "
            "chirurgen en oncologen. Daarna hoort u het voorstel.",
        ),
        _chapter("onderzoek", "Onderzoek", "Om de diagnose vast te stellen zijn er onderzoeken nodig, zoals een:"),
        _chapter(
            "ct-scan",
            "CT scan",
            "Een CT-scan maakt gebruik van röntgenstraling. De scan duurt een kwartier.",
            "onderzoek",
        ),
        _chapter(
            "mri-scan", "MRI-scan", "Een MRI-scan maakt gebruik van een magneet. De scan duurt 30 minuten.", "onderzoek"
        ),
        _chapter(
            "punctie",
            "Leverpunctie",
            "Tijdens een punctie nemen we wat cellen af. Dit gebeurt onder lokale verdoving.",
            "onderzoek",
        ),
        _chapter("casemanager", "Casemanager", "De casemanager is uw vaste contactpersoon."),
    )
    vocab = SearchVocabulary(
        chapters={
            "team": ChapterKeywords(("dokter", "team"), ("team",)),
            "uitslag": ChapterKeywords(("mdo",), ("results",)),
            "mri-scan": ChapterKeywords(("mri", "metaal"), ("mri",)),
            "punctie": ChapterKeywords(
                ("punctie", "naald"),
                ("biopsy",),
                (Answer("Dit gebeurt onder lokale verdoving.", ("pijn", "wakker", "hurt")),),
            ),
        },
        groups=(("dokter", "arts"),),
        mappings={"ring": ("metaal",)},
        descriptions=(
            Description(("mdo",), ("vergadering dokters", "over mij praten", "doctors meeting")),
            Description(("ct",), ("bankje ring",)),
        ),
        journey=Journey(("wat nu", "what now"), (Stage(("scans klaar", "scans are done"), "uitslag", ("voorstel",)),)),
        reported=("dokter zei",),
        subject=("lever",),
    )
    return SearchIndex.build(Content(chapters, {}, hours, (), hours), vocab)


def top(index: SearchIndex, question: str) -> str | None:
    hits = index.search(question).hits
    return hits[0].chapter_id if hits else None


def test_a_description_names_the_thing_and_its_words_count_for_nothing_else(index: SearchIndex) -> None:
    # "dokters" alone points at the team; in "de vergadering waar de dokters ..." it is part of the MDO.
    assert top(index, "wie zitten er in het team van dokters") == "team"
    assert top(index, "die vergadering waar alle dokters over mij praten, wanneer is die") == "uitslag"
    assert top(index, "the doctors meeting, when is it") == "uitslag"
    # In any order, with a synonym: "artsen" for "dokters".
    assert top(index, "wanneer hebben de artsen hun vergadering") == "uitslag"
    # "ring" alone is jewellery for the MRI; on a bench through a ring it is the CT.
    assert top(index, "mag mijn ring om") == "mri-scan"
    assert top(index, "ik lig op een bankje en schuif door een ring, hoe lang duurt dat") == "ct-scan"


def test_a_phrase_with_function_words_matches_in_its_order() -> None:
    matcher = PhraseMatcher([("over mij praten", "mdo"), ("bankje ring", "ct")], NL_STOP)

    def find(question: str) -> list[str]:
        return [m.value for m in matcher.find([question_forms(w, lambda s: ()) for w in words(question)])]

    assert find("waar ze over mij praten") == ["mdo"]
    assert find("praten mij over") == []  # not in its order
    assert find("over mij en later nog meer praten") == []  # too far apart
    assert find("een ring en een bankje") == ["ct"]  # content words: any order
    assert find("een bankje, en dan heel lang niets over een ring") == []  # too far apart


def test_reported_speech_is_not_what_is_asked(index: SearchIndex) -> None:
    assert top(index, "de dokter zei iets over een punctie, wat is dat") == "punctie"


def test_a_vague_question_after_where_the_patient_stands_asks_for_the_next_stage(index: SearchIndex) -> None:
    result = index.search("alle scans zijn klaar, wat nu?")
    assert result.hits[0].chapter_id == "uitslag"
    assert result.confident
    assert "voorstel" in result.passage  # the stage names the sentence to quote
    assert top(index, "the scans are done, what now?") == "uitslag"
    # Without the vague question the story is only context: the scans decide.
    assert top(index, "alle scans zijn klaar, hoe lang duurt een mri") == "mri-scan"


def test_a_sentence_answers_its_own_words(index: SearchIndex) -> None:
    result = index.search("doet een punctie pijn")
    assert result.passage == "Tijdens een punctie nemen we wat cellen af. Dit gebeurt onder lokale verdoving."
    assert index.search("does a biopsy hurt").passage == result.passage  # English answers words too


@pytest.fixture(scope="module")
def respeller() -> Respeller:
    lexicon = [
        "casemanager",
        "leverpunctie",
        "punctie",
        "petscan",
        "hepatocellulair",
        "lever",
        "vergaderen",
        "mri",
        "ct",
    ]
    return Respeller(lexicon, ["mri", "ct", "mdo"], is_real_word, NL_STOP)


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("em er ie scan", ["mri", "", "", "scan"]),  # letter names
        ("see tee", ["ct", ""]),
        ("m r i", ["mri", "", ""]),
        ("pets can", ["petscan", ""]),  # pieces that make a folder word
        ("hepato cellulair", ["hepatocellulair", ""]),
        ("lever punk sie", ["leverpunctie", "", ""]),  # sounds like one
        ("lever punt sie", ["leverpunctie", "", ""]),
        ("keesmanager", ["casemanager"]),
        ("vergoaderen", ["vergaderen"]),  # dialect vowels
        ("allemaol", ["allemaal"]),
    ],
)
def test_speech_to_text_and_dialect(respeller: Respeller, question: str, read: list[str]) -> None:
    assert respeller.respell(words(question)) == read


@pytest.mark.parametrize("question", ["lenen", "punt", "de en er", "lever functie", "hoge koorts", "mag ik een pet op"])
def test_real_words_are_never_corrected(respeller: Respeller, question: str) -> None:
    assert respeller.respell(words(question)) == words(question)


def test_sound() -> None:
    assert sound("casemanager") == "kasemanager"
    assert sound("keesmanager") == "kesmanager"
    assert sound("punctie") == sound("punksie")


def test_a_long_run_of_letters_is_read_in_one_pass(respeller: Respeller) -> None:
    # 5,000 letter names: each run is only tried as long as the longest acronym (once took minutes).
    assert respeller.respell(["a"] * 5_000) == ["a"] * 5_000
    assert respeller.respell(["em", "er", "ie"] * 1_000)[:4] == ["mri", "", "", "mri"]
