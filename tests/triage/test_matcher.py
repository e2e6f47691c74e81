"""The matcher on realistic messages: every concept, typos, negation traps, temperatures, English."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.triage.asking import looks_like_question
from bot.triage.levels import Level
from bot.triage.matcher import Triage
from tests.triage.cases import NEW_CASES
from tests.triage.cases_v3 import ALARMS
from tests.triage.other_language_cases import OTHER_LANGUAGE_ALARMS

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE

# (message, expected level, a concept that must be found or None). Written for this test suite,
# in the style of patients' messages; none of them is from the evaluation set.
CASES = [
    # 112: unconscious
    ("mijn vader is buiten bewustzijn", EMERGENCY, "unconscious"),
    ("ze reageert nergens meer op", EMERGENCY, "unconscious"),
    ("Hij is in elkaar gezakt in de badkamer", EMERGENCY, "unconscious"),
    ("ik krijg mijn moeder niet wakker", EMERGENCY, "unconscious"),
    ("my wife passed out and is unresponsive", EMERGENCY, "unconscious"),
    ("mijn man is bewustelos", EMERGENCY, "unconscious"),
    # 112: not breathing / choking
    ("Hij stikt, hij heeft zich verslikt", EMERGENCY, "not_breathing"),
    ("ze is gestopt met ademen", EMERGENCY, "not_breathing"),
    ("ik kan bijna niet meer ademen", EMERGENCY, "not_breathing"),
    ("he's choking", EMERGENCY, "not_breathing"),
    ("ik krijg echt geen lucht", EMERGENCY, "not_breathing"),
    ("zijn lippen zijn blauw, blauwe lippen", EMERGENCY, "not_breathing"),
    # 112: chest pain
    ("drukkend gevoel op mijn borst en het straalt uit naar mijn arm", EMERGENCY, "chest_pain"),
    ("pijn op mijn borst", EMERGENCY, "chest_pain"),
    ("I have chest pain", EMERGENCY, "chest_pain"),
    ("borstpijn sinds een uur", EMERGENCY, "chest_pain"),
    # 112: heavy bleeding
    ("de wond bloedt heel erg", EMERGENCY, "heavy_bleeding"),
    ("ik spuug bloed", EMERGENCY, "heavy_bleeding"),
    ("there is a lot of blood and it won't stop bleeding", EMERGENCY, "heavy_bleeding"),
    # fever
    ("ik heb hoge koorts", SEH, "high_fever"),
    ("ik voel me koortsig", URGENT, "fever"),
    ("ik heb koude rillingen", URGENT, "fever"),
    ("I think I have a fever", URGENT, "fever"),
    ("ik heb verhoging", URGENT, "fever"),
    ("kooorts", URGENT, "fever"),
    ("ik heb koorst", URGENT, "fever"),
    # pain
    ("ik heb zo'n rugpijn", URGENT, "pain"),
    ("buikkrampen", URGENT, "pain"),
    ("mijn buik doet zo zeer", URGENT, "pain"),
    ("het doet echt pijn bij de wond", URGENT, "pain"),
    ("my stomach hurts", URGENT, "pain"),
    ("I have a headache", URGENT, "pain"),
    ("ik heb pein in mijn zij", URGENT, "pain"),
    ("pijnnnn", URGENT, "pain"),
    # vomiting
    ("ik heb de hele nacht gekotst", URGENT, "vomiting"),
    ("Ik geef steeds over", URGENT, "vomiting"),
    ("ik heb overgegeven", URGENT, "vomiting"),
    ("mijn maag keert steeds om", URGENT, "vomiting"),
    ("mijn vrouw heeft gebraakt", URGENT, "vomiting"),
    ("I vomited twice", URGENT, "vomiting"),
    ("ik moet overgevuh", URGENT, "vomiting"),
    ("🤮", URGENT, "vomiting"),
    # diarrhoea
    ("ik heb waterdunne ontlasting", URGENT, "diarrhoea"),
    ("ik zit de hele dag op de wc", URGENT, "diarrhoea"),
    ("ik moet steeds naar het toilet, alles is dun, diarhee", URGENT, "diarrhoea"),
    ("I have diarrhea", URGENT, "diarrhoea"),
    ("diaree", URGENT, "diarrhoea"),
    # breathlessness
    ("ik ben zo kortademig", URGENT, "breathless"),
    ("het benauwde gevoel wordt erger, ik ben benouwd", URGENT, "breathless"),
    ("ik ben snel buiten adem", URGENT, "breathless"),
    ("I'm short of breath", URGENT, "breathless"),
    ("kortademigheid", URGENT, "breathless"),
    # cannot eat/drink
    ("ik krijg niks meer weg", URGENT, "cannot_eat_drink"),
    ("ik kan al twee dagen niks eten", URGENT, "cannot_eat_drink"),
    ("drinken lukt niet meer", URGENT, "cannot_eat_drink"),
    ("I can't eat or drink", URGENT, "cannot_eat_drink"),
    ("hij eet niks meer", URGENT, "cannot_eat_drink"),
    # constipation
    ("ik heb al dagen niet gepoept", URGENT, "constipation"),
    ("geen stoelgang sinds zondag", URGENT, "constipation"),
    ("I'm constipated", URGENT, "constipation"),
    ("verstopping", URGENT, "constipation"),
    ("ik ben al 5 dagen niet naar de wc geweest", URGENT, "constipation"),
]


@pytest.mark.parametrize(("text", "level", "concept"), CASES)
def test_realistic_messages(triage: Triage, text: str, level: Level, concept: str | None) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()
    if concept:
        assert concept in result.concepts, result.explain()


def test_every_concept_has_a_test(triage: Triage) -> None:
    tested = {concept for _, _, concept in CASES + NEW_CASES + ALARMS if concept}
    tested |= {concept for *_, concept in OTHER_LANGUAGE_ALARMS}
    # Signs only count inside a combination (`all_of`); the combination is tested instead.
    tested |= {part for c in triage.vocabulary.concepts if c.id in tested for part in c.all_of}
    assert {c.id for c in triage.vocabulary.concepts} <= tested


NO_ALARM = [
    "Hoe lang duurt de CT-scan?",
    "Ik wil mijn afspraak verzetten naar volgende week",
    "Mag ik mijn vrouw meenemen?",
    "breken",  # a real word, never read as "braken"
    "Het glas is gebroken",
    "ik was zo in de war van die brief",  # mixed up about something: no confusion
    "de brief bracht me in de war",
    "mag ik plassen voor de mri?",
    "mijn buik is weer plat na de operatie",
    "We gaan de dosis verhogen zei de arts",
    "Mag ik eten en drinken voor de MRI?",
    "Wat is een leverpunctie?",
    "ik ben 40 jaar",
    "ik ben bijna 40",
    "Mijn afspraak is om 10.38",
    "bel me op 020 44 43 636",
    "ik heb 39 vragen",
    "we zingen in een koor",
    "ach, ik weet het niet",
    "thanks, all good",
    "",
    "   ",
    "👍👍",
]


@pytest.mark.parametrize("text", NO_ALARM)
def test_no_alarm(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb geen koorts",
        "geen pijn meer gelukkig",
        "de pijn is weg",
        "De koorts is over",
        "ik heb niet meer overgegeven",
        "ik heb sinds vrijdag geen diarree meer",
        "no fever",
        "I don't have any pain",
        "the pain is gone now",
        "Ik ben niet benauwd",
    ],
)
def test_negation_cancels_an_adjacent_symptom(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()
    assert any(m.negated for m in result.matches)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("ik krijg geen lucht", EMERGENCY),  # negative by nature
        ("geen ontlasting sinds dinsdag", URGENT),
        ("ik kan niks eten", URGENT),
        ("hij ademt niet", EMERGENCY),
        ("ze is niet aanspreekbaar", EMERGENCY),
        ("de pijn is nog niet weg", URGENT),  # not gone
        ("de pijn gaat niet weg", URGENT),
        ("pijn over mijn hele buik", URGENT),  # "over" here is not "gone"
        ("ik had gisteren koorts", URGENT),  # past tense never cancels
        ("ik denk dat ik misschien koorts heb", URGENT),  # uncertainty never cancels
        ("mijn man heeft koorts", URGENT),  # third person never cancels
        ("ik weet niet of het koorts is", URGENT),
        ("geen koorts maar wel buikpijn", URGENT),
        ("I have no fever but I keep throwing up", URGENT),
        ("geen hoge koorts, maar wel koorts", URGENT),
        ("Ik heb geen koorts, wel 38,9 gemeten", SEH),
    ],
)
def test_negation_traps(triage: Triage, text: str, level: Level) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()


@pytest.mark.parametrize(
    ("text", "level", "celsius"),
    [
        ("38,6", SEH, 38.6),
        ("38.6", SEH, 38.6),
        ("39 graden", SEH, 39.0),
        ("koorts, bijna 40", SEH, 40.0),
        ("bijna 40", SEH, 40.0),
        ("39,8 gemeten", SEH, 39.8),
        ("temp 40", SEH, 40.0),
        ("38,5 graden", URGENT, 38.5),
        ("38 graden", URGENT, 38.0),
        ("temperatuur 37,6", NONE, 37.6),
        ("38,7°C", SEH, 38.7),
        ("I measured 39.4", SEH, 39.4),
        ("mijn temperatuur is 41", SEH, 41.0),
    ],
)
def test_temperatures(triage: Triage, text: str, level: Level, celsius: float) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()
    readings = [m for m in result.matches if m.method == "temperature"]
    assert [m.celsius for m in readings] == [celsius]


@pytest.mark.parametrize(
    "text",
    [
        "om 17.30 uur",
        "27-04-2026",
        "ik woog 38,5 kilo",
        "tel 06 25 71 60 27",
        "ik ben 39",
        "3 keer 39",
        "het kost 39,95 euro",
        "ik ben 41 jaar oud",
        "ik heb 40 tabletten",
    ],
)
def test_not_temperatures(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert [m for m in result.matches if m.method == "temperature"] == [], result.explain()


def test_mixed_message_any_alarm_wins(triage: Triage) -> None:
    result = triage.assess("Wanneer is mijn afspraak? En ik heb sinds vannacht 39,2 koorts. Ook geen pijn.")
    assert result.level == SEH
    assert result.concepts[0] == "fever"


def test_hypothetical_question_gets_the_alarm(triage: Triage) -> None:
    assert triage.assess("Wat moet ik doen als ik ga overgeven?").level == URGENT
    assert triage.assess("what should I do if I get a fever?").level == URGENT


def test_explanation_names_words_and_method(triage: Triage) -> None:
    result = triage.assess("ik heb koors en mijn maag keert om, geen pijn")
    by_concept = {(m.concept, m.method, m.negated): m for m in result.matches}
    assert ("fever", "exact", False) in by_concept  # known misspelling
    assert by_concept[("vomiting", "phrase", False)].words == ("maag", "keert", "om")
    assert ("pain", "exact", True) in by_concept
    assert any("NEGATED" in line for line in result.explain())


def test_fuzzy_and_stem_methods(triage: Triage) -> None:
    fuzzy = triage.assess("kortadmig").matches[0]
    assert (fuzzy.concept, fuzzy.method) == ("breathless", "fuzzy")
    stem = triage.assess("ik spuwde").matches
    assert stem and stem[0].method in {"stem", "exact"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoe lang duurt een MRI", True),
        ("koorts?", True),
        ("Moet ik bellen bij koorts", True),
        ("what should I do", True),
        ("Ik heb koorts", False),
        ("", False),
    ],
)
def test_looks_like_question(text: str, expected: bool) -> None:
    assert looks_like_question(text) is expected


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_never_crashes_and_negation_never_raises_level(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == max((m.level for m in result.matches if not m.negated), default=NONE)
