"""Alarm words in the languages the bot does not read: the right level in those languages, never an
alarm in Dutch or English. What the patient sees is in tests/replying/test_other_languages.py."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
import wordfreq

from bot.triage.levels import Level
from bot.triage.matcher import Triage
from bot.triage.normalize import tokenize, words
from bot.triage.vocabulary import OTHER_LANGUAGE_PREFIX, AlarmVocabulary, Concept
from tests.triage.cases import NEW_CASES
from tests.triage.other_language_cases import FALLS, LOOKALIKES, OTHER_LANGUAGE_ALARMS, OTHER_LANGUAGE_BENIGN
from tests.triage.test_matcher import CASES, NO_ALARM

ROOT = Path(__file__).resolve().parents[2]


def other_language_concepts(vocabulary: AlarmVocabulary) -> list[Concept]:
    return [c for c in vocabulary.concepts if c.id.startswith(OTHER_LANGUAGE_PREFIX)]


# --- the right level in the other languages --------------------------------------------------------


@pytest.mark.parametrize(("lang", "text", "level", "concept"), OTHER_LANGUAGE_ALARMS)
def test_other_language_alarms(triage: Triage, lang: str, text: str, level: Level, concept: str) -> None:
    result = triage.assess(text)
    assert result.level == level, (lang, result.explain())
    assert concept in result.concepts, (lang, result.explain())


@pytest.mark.parametrize(("lang", "text"), OTHER_LANGUAGE_BENIGN + FALLS)
def test_other_language_messages_without_an_alarm(triage: Triage, lang: str, text: str) -> None:
    """Thanks, greetings and questions; and a fall on its own, which in Dutch is no alarm either."""
    result = triage.assess(text)
    assert result.level == Level.NONE, (lang, result.explain())


def test_the_probe_set_covers_the_languages() -> None:
    assert len(OTHER_LANGUAGE_ALARMS) >= 60 and len(OTHER_LANGUAGE_BENIGN) >= 20
    languages = {lang for lang, *_ in OTHER_LANGUAGE_ALARMS}
    assert {"tr", "ary", "ar", "pl", "de", "fr", "es", "pt", "pap", "srn", "rif", "ru", "uk"} <= languages


# --- never in Dutch or English ----------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _held_out() -> list[str]:
    return [line.split(" ", 1)[1] for line in _lines(ROOT / "tests/triage/held_out_messages.txt") if line[0] != "#"]


def _questions() -> list[str]:
    found = []
    for path in sorted((ROOT / "tests/search").glob("*.tsv")):
        with path.open(encoding="utf-8") as handle:
            found += [row["question"] for row in csv.DictReader(handle, delimiter="\t")]
    return found + _lines(ROOT / "tests/search/outside_questions.txt")


DUTCH_AND_ENGLISH: dict[str, Callable[[], list[str]]] = {
    "held-out messages": _held_out,
    "matcher cases": lambda: [
        text for text, _, concept in CASES + NEW_CASES if not str(concept).startswith(OTHER_LANGUAGE_PREFIX)
    ],
    "no-alarm messages": lambda: NO_ALARM,
    "look-alikes": lambda: LOOKALIKES,
    "patient questions": _questions,
    "the folder": lambda: _lines(ROOT / "tests/data/patientenfolder-levermetastasen.txt"),
}


@pytest.mark.parametrize("corpus", sorted(DUTCH_AND_ENGLISH))
def test_no_other_language_word_in_dutch_or_english_messages(triage: Triage, corpus: str) -> None:
    """Every other-language term against every Dutch and English message the tests have, and the whole
    folder: none may match, not even cancelled."""
    messages = DUTCH_AND_ENGLISH[corpus]()
    assert len(messages) >= 20
    found = [
        (text, match.explain())
        for text in messages
        for match in triage.assess(text).matches
        if match.concept.startswith(OTHER_LANGUAGE_PREFIX)
    ]
    assert found == []


@pytest.mark.parametrize("text", LOOKALIKES)
def test_dutch_and_english_look_alikes_raise_no_alarm(triage: Triage, text: str) -> None:
    assert triage.assess(text).level == Level.NONE, triage.assess(text).explain()


# Terms whose every word is common in the Dutch or English word lists, each checked by hand: the words
# are there because those lists hold French or German text, and the phrase is no Dutch or English.
FREQUENT_PHRASES = {
    "no por hala": "Papiamento, can not breathe (before this list grew)",
    "wacht nicht auf": "German, will not wake up; 'nicht' and 'auf' never follow 'wacht' in Dutch",
    "jai mal": "French, it hurts (j'ai mal)",
    "tres mal": "French, very painful",
    "fait mal": "French, it hurts (ça fait mal)",
    "fait un malaise": "French, fainted",
}
FREQUENT_WORDS = {"agri": "Turkish ağrı, pain (before this list grew); agri-food is the one English use"}


def _zipf(word: str, lang: str) -> float:
    return float(wordfreq.zipf_frequency(word, lang))


def test_no_term_is_a_dutch_or_english_word(vocabulary: AlarmVocabulary) -> None:
    """A one-word term is rare in Dutch and in English (below the lexicon's `min_zipf`, the bar of a real
    word); a term of several words has, for each language, a word that is rare in it."""
    limit = vocabulary.min_zipf
    problems = []
    for concept in other_language_concepts(vocabulary):
        for term in concept.exact:
            kept = [w for w in words(term) if w not in vocabulary.optional_words] or words(term)
            key = " ".join(kept)
            if len(kept) == 1:
                common = [lang for lang in ("nl", "en") if _zipf(kept[0], lang) >= limit]
                if common and key not in FREQUENT_WORDS:
                    problems.append((concept.id, term, common))
            else:
                common = [lang for lang in ("nl", "en") if min(_zipf(w, lang) for w in kept) >= limit]
                if common and key not in FREQUENT_PHRASES:
                    problems.append((concept.id, term, common))
    assert problems == []


def test_the_exceptions_are_still_terms(vocabulary: AlarmVocabulary) -> None:
    keys = {
        " ".join([w for w in words(term) if w not in vocabulary.optional_words] or words(term))
        for concept in other_language_concepts(vocabulary)
        for term in concept.exact
    }
    assert set(FREQUENT_PHRASES) | set(FREQUENT_WORDS) <= keys


def test_every_term_is_a_single_word_or_phrase_the_matcher_can_meet(vocabulary: AlarmVocabulary) -> None:
    """Each term normalises to the same tokens a message with it does: nothing is lost on the way
    (a Cyrillic or Arabizi word split or dropped would never match)."""
    for concept in other_language_concepts(vocabulary):
        for term in concept.exact:
            tokens = tokenize(term)
            assert all(t.kind == "word" for t in tokens), (concept.id, term, tokens)
            assert len(tokens) == len(term.split()), (concept.id, term, tokens)


# --- the tokens: Moroccan Arabic with digits, Cyrillic ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mama tay7at w ma bghatch tfi9", ["mama", "tay7at", "w", "ma", "bghatch", "tfi9"]),
        ("3ndi s5ana, wja3", ["3ndi", "s5ana", "|", "wja3"]),
        ("ik heb 39,5 en 38c", ["ik", "heb", "39,5", "en", "38", "c"]),
        ("3x per dag, covid19, a33", ["3", "x", "per", "dag", "|", "covid", "19", "|", "a", "33"]),
        ("koorts39", ["koorts", "39"]),
        ("Жёлтые глаза, не можу дихати", ["желтые", "глаза", "|", "не", "можу", "дихати"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert [t.text for t in tokenize(text)] == expected


def test_a_dutch_word_with_a_digit_still_counts(triage: Triage) -> None:
    assert "pain" in triage.assess("pijn8 van de 10").concepts
    assert "fever" in triage.assess("koorts3 dagen").concepts


def test_other_language_fever_words_make_a_number_a_temperature(triage: Triage) -> None:
    assert triage.assess("sskhana 39.5").level == Level.SEH
    assert triage.assess("korsu 38,2").level == Level.URGENT
    assert triage.assess("3ndi 39").level == Level.NONE
