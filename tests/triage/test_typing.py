"""How people type and speak (issue 20): speech-to-text numbers, measured values, words run together,
capitals, dialect and chat spellings. Every sentence was written for this suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.triage.alarms_file import load_alarms
from bot.triage.levels import Level
from bot.triage.matcher import Triage
from bot.triage.segment import Segmenter

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE


@pytest.mark.parametrize(
    ("text", "level", "celsius"),
    [
        ("de thermometer geeft negen en dertig komma vier aan", SEH, 39.4),
        ("acht en dertig komma zes gemeten", SEH, 38.6),
        ("8 en dertig komma 7", SEH, 38.7),
        ("negen en dertig punt twee", SEH, 39.2),
        ("38 komma 9 onder de oksel", SEH, 38.9),
        ("achtendertig vijf", URGENT, 38.5),
        ("acht en dertig vijf", URGENT, 38.5),
        ("mijn man heeft negen en dertig graden koorts", SEH, 39.0),
        ("zeven en dertig komma acht", NONE, 37.8),
        ("39.0C", SEH, 39.0),
        ("temp 385", URGENT, 38.5),
        ("temperatuur is 391", SEH, 39.1),
        ("koorts 388 en rillingen", SEH, 38.8),
        ("TEMP 392!!", SEH, 39.2),
    ],
)
def test_spoken_and_squeezed_temperatures(triage: Triage, text: str, level: Level, celsius: float) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()
    assert [m.celsius for m in result.matches if m.method == "temperature"] == [celsius], result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "hij is 68 en heeft een vraag over de afspraak",
        "op 12-03 om 10.30 uur",
        "2x per dag een tablet",
        "bel me op 06 38 41 22 90",
        "vijf en dertig jaar getrouwd",
        "ik heb 8 en dertig pillen in de la",
        "de temp van de kamer is 21",
        "ik heb 385 euro betaald",
        "saturatie 97%, koorts gehad maar nu 36,9",  # 97 is a saturation, never 97 °F
        "pols 98, temperatuur 37,2",
    ],
)
def test_numbers_that_are_no_temperature(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert [m for m in result.matches if m.method == "temperature" and m.level > NONE] == [], result.explain()


def test_a_saturation_in_percent_does_not_cancel_a_fever(triage: Triage) -> None:
    """ "saturatie 97%" once read as 97 °F, a normal temperature that resolved the fever before it."""
    result = triage.assess("Temp 39,1, saturatie 97%, RR 125/70, pols 84")
    assert result.level == SEH, result.explain()
    assert [m.concept for m in result.matches if m.method == "measurement"] == [], result.explain()


@pytest.mark.parametrize(
    ("text", "concept", "value"),
    [
        ("pols is 135", "fast_pulse", 135.0),
        ("hartslag: 122", "fast_pulse", 122.0),
        ("heart rate of 140", "fast_pulse", 140.0),
        ("RR 80/45", "low_blood_pressure", 80.0),
        ("bloeddruk 85 over 50", "low_blood_pressure", 85.0),
        ("bp 90/60", "low_blood_pressure", 90.0),
        ("sat 86%", "low_saturation", 86.0),
        ("saturatie van 89 procent", "low_saturation", 89.0),
        ("o2 sat 84", "low_saturation", 84.0),
        ("pulse ox 87", "low_saturation", 87.0),
        ("AH 32/min", "fast_breathing", 32.0),
        ("RR 34/min", "fast_breathing", 34.0),
        ("GCS 8", "low_consciousness_score", 8.0),
    ],
)
def test_measured_values_past_their_threshold(triage: Triage, text: str, concept: str, value: float) -> None:
    result = triage.assess(text)
    assert result.level == EMERGENCY, result.explain()
    measured = [m for m in result.matches if m.method == "measurement"]
    assert [(m.concept, m.term) for m in measured] == [(concept, f"{value:g}")], result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "pols 119",
        "bp 91/60",
        "sat 90%",
        "ademfrequentie 29",
        "GCS 14",
        "RR 24/min",
        "bloeddruk 135 over 85",
    ],
)
def test_values_inside_their_threshold(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "mijn hartslag was 135 tijdens het fietsen",
        "pulse 130 while running on the treadmill",
        "ik zat 85 minuten in de wachtkamer, sat 85 minuten stil",
        "ik ben 86, mijn saturatiemeter is kapot",
    ],
)
def test_values_that_are_no_alarm(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("mijnmoederisnietwakkertekrijgen", EMERGENCY),
        ("ZEKRIJGTGEENADEMZEWORDTBLAUW", EMERGENCY),
        ("hijreageertnietmeer", EMERGENCY),
        ("mydadisnotbreathing", EMERGENCY),
        ("ikkanmijnarmnietoptillen", EMERGENCY),
        ("buikpijnwordtsteedserger", URGENT),
        ("WONDLEKTPUS", URGENT),
        ("mijnbuikisdikenhard", URGENT),
        ("ikkannietplassen", URGENT),
        ("ikhebzwarteontlasting", SEH),
        ("IKHEBGEENKOORTS", NONE),
        ("ikhebgeenbuikpijn", NONE),
        ("kanikmijnpoliafspraakvandinsdagnaarvrijdagzetten", NONE),
        ("SPOEDLIJNNUMMERKWIJT", NONE),
        ("ikbloedheelerg", EMERGENCY),
        ("iamnotbreathing", EMERGENCY),
        ("zuurstofis87procent", EMERGENCY),  # not a typo of "zuurstof": a split that keeps it
        ("ikkomnietvandewcaf", URGENT),
        ("ik gebruik bloedverdunners en moet steeds overgeven", URGENT),  # no "bloed" taken out of it
        ("patient afebrile, stable", NONE),
    ],
)
def test_words_run_together(triage: Triage, text: str, level: Level) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()


@pytest.mark.parametrize(
    "word",
    [
        "koortsvrij",  # unknown to wordfreq, but two content words: a compound
        "pijnvrij",
        "klachtenvrij",
        "leveroperatie",
        "hemihepatectomie",  # no split into words at all
        "hulpademhalingsspieren",
        "trombosebeen",  # known to wordfreq: stays whole
        "bloedverdunner",
        "maagdarmstelsel",
        "afebrile",  # "a" + "febrile" would make a fever of its opposite
        "uitzaaien",
    ],
)
def test_compounds_and_unknown_words_are_not_split(vocabulary_segmenter: Segmenter, word: str) -> None:
    assert vocabulary_segmenter.split(word) is None, vocabulary_segmenter.split(word)


def test_a_split_is_cached_and_the_cache_is_bounded(triage: Triage) -> None:
    assert triage._respeller._split("hijreageertnietmeer") == ("hij", "reageert", "niet", "meer")
    assert "hijreageertnietmeer" in triage._respeller._splits


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Limburgs
        ("Miene vader kin ziene erm neet optille", EMERGENCY),
        ("Hae reageert neet mie, ich krieg hum neet wakker", EMERGENCY),
        ("zien mond hingk sjeef", EMERGENCY),
        ("ich höb pien in miene buuk", URGENT),
        # Gronings
        ("ik krieg hom nait wakker", EMERGENCY),
        ("hai kin nait plassen", URGENT),
        # Brabants, Flemish, Amsterdams
        ("'k heb zeere in men buik", URGENT),
        ("'k Heb gin asem meer", EMERGENCY),
        ("ik ken nie plasse", URGENT),
        ("ik kan ni meer ademe", EMERGENCY),
        ("kheb zo'n pijn in mijn buik", URGENT),
        ("tis weer raak, 39 graden", SEH),
        # capitals
        ("MIJN POEP IS ZWART ALS TEER SINDS GISTER", SEH),
        ("OMA PRAAT RAAR EN HAAR MOND HANGT", EMERGENCY),
        # look-alikes
        ("gin zorgen, alles gaat goed hier", NONE),
        ("ik ken de weg naar de poli", NONE),
        ("erm, hoe laat is het spreekuur?", NONE),
    ],
)
def test_dialect_and_chat_spellings(triage: Triage, text: str, level: Level) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()


@pytest.fixture(scope="session")
def vocabulary_segmenter(triage: Triage) -> Segmenter:
    return triage._respeller._segmenter


def test_spellings_and_measurements_are_checked(tmp_path: Path) -> None:
    base = (Path(__file__).resolve().parents[2] / "content" / "alarms.yaml").read_text(encoding="utf-8")
    broken = base.replace("  niet: [neet, nit,", "  niet: [neet, kin, ik doe, nit,", 1)
    broken = broken.replace("    - concept: fast_pulse\n", "    - concept: no_such_concept\n", 1)
    broken = broken.replace("      at_most: 13\n", "", 1)
    path = tmp_path / "alarms.yaml"
    path.write_text(broken, encoding="utf-8")
    vocabulary, problems = load_alarms(path)
    assert vocabulary is None
    messages = [p.message for p in problems]
    assert any(
        "'kin' is already a spelling of 'kan'" in m or "'kin' is already a spelling of 'niet'" in m for m in messages
    )
    assert any("'ik doe' must be one word" in m for m in messages)
    assert any("no_such_concept" in m for m in messages)
    assert any("needs 'at_least', 'at_most' or 'below'" in m for m in messages)


def test_dots_are_a_pause_and_a_word_cut_in_two_is_joined(triage: Triage) -> None:
    """Older writers put dots between words; speech-to-text cuts long words in two."""
    assert triage.assess("mijn kuit.... is dik..... en rood..... na de operatie").level == Level.SEH
    assert triage.assess("er zit bloed bij de ont lasting").level == Level.URGENT
    assert "unconscious" in triage.assess("hij is niet aanspreek baar").concepts
    # two words that are each a word of the vocabulary stay two: "de saturatie" is no "desaturatie"
    assert triage.assess("Wat betekent het als de saturatie onder de 90 komt?").level == Level.NONE
