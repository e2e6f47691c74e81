"""Triage v2: the ABCD emergencies, the concepts beyond the folder, every form of a symptom verb,
temperatures in every notation, slang and typos, and the context rules that cancel a false alarm.

Every sentence here was written for this test suite, in the style of patients and relatives; none is
from an evaluation set. Each new concept has messages that must raise it and messages that must not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage
from tests.triage.cases import NEW_CASES

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE


@pytest.mark.parametrize(("text", "level", "concept"), NEW_CASES)
def test_new_concepts(triage: Triage, text: str, level: Level, concept: str) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()
    assert concept in result.concepts, result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "wat een toeval dat u belde",
        "ik was geschokt door de uitslag",
        "de gele envelop is aangekomen",
        "ik heb een blauwe plek van de prik",
        "ik ben een beetje in de war over de datum van de scan",
        "de arm van de stoel is kapot",
        "mag ik mijn pillen innemen voor de scan?",
        "Hoe heet de chirurg?",
        "ik weet niet waar ik moet parkeren",
        "de wond is mooi genezen",
        "in de loop van de dag bel ik terug",
        "het was maar een kort vraagje",
    ],
)
def test_new_concepts_keep_quiet(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()


def test_suicidal_concept_brings_the_113_contact(triage: Triage) -> None:
    result = triage.assess("ik wil er niet meer zijn, ik heb pillen gespaard")
    assert result.level == EMERGENCY
    assert result.extra_contacts == ("zelfmoordpreventie",)
    assert triage.assess("ik heb hevige pijn op de borst").extra_contacts == ()


@pytest.mark.parametrize(
    "text",
    [
        "ik bloed",
        "hij bloedt heel erg",
        "ze bloedde hevig",
        "het heeft enorm gebloed",
        "bloeden hevig",
    ],
)
def test_every_form_of_bleeding(triage: Triage, text: str) -> None:
    if text == "ik bloed":
        assert triage.assess(text).level == NONE  # bleeding a little is not named an alarm
        return
    assert triage.assess(text).level == EMERGENCY, triage.assess(text).explain()


@pytest.mark.parametrize(
    "text",
    [
        "ik braak",
        "hij braakt steeds",
        "ze braakte de hele nacht",
        "ik heb twee keer gebraakt",
        "ik kots",
        "we kotsen allebei",
        "hij kotste het bed onder",
        "ik heb gekotst",
        "ik spuug alles uit",
        "zij spuugde vanochtend",
        "hij gaf over",
        "ik heb overgegeven",
        "ik ben aan het overgeefe",
    ],
)
def test_every_form_of_vomiting(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level >= URGENT and "vomiting" in result.concepts, result.explain()


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("ik lig hier te klappertanden", "fever"),
        ("hij gloeit helemaal", "fever"),
        ("ik ril van top tot teen", "fever"),
        ("ik heb zere voeten na de chemo", "pain"),
        ("het steekt onder mijn ribben", "pain"),
        ("mijn hoofd bonkt al de hele dag", "pain"),
        ("ik heb de dunne", "diarrhoea"),
        ("ik heb al dagen de loop", "diarrhoea"),
        ("hij kan niks binnenhouden", "vomiting"),
        ("ze wil niks meer drinken", "cannot_eat_drink"),
        ("pijjn in mijn zij", "pain"),
        ("ik heb diare", "diarrhoea"),
        ("rugpijnaanvallen sinds gisteren", "pain"),
        ("ik heb buikkrampjes", "pain"),
        ("ik heb ambetante buikpijn, allee", "pain"),
        ("ik word steeds benauwder", "breathless"),
        ("I've been throwing up all day", "vomiting"),
    ],
)
def test_slang_typos_compounds(triage: Triage, text: str, concept: str) -> None:
    result = triage.assess(text)
    assert result.level >= URGENT and concept in result.concepts, result.explain()


@pytest.mark.parametrize(
    ("text", "level", "celsius"),
    [
        ("negenendertig vijf", SEH, 39.5),
        ("mijn zoon meet achtendertig komma zes bij mij", SEH, 38.6),
        ("zevenendertig acht", NONE, 37.8),
        ("achtendertig en een half", URGENT, 38.5),
        ("boven de achtendertig en een half", SEH, 38.5),
        ("bijna veertig", SEH, 40.0),
        ("temperatuur hoger dan 38,5", SEH, 38.5),
        ("koorts boven 38,5", SEH, 38.5),
        ("het kwik staat op 39", SEH, 39.0),
        ("ik heb 39 graden", SEH, 39.0),
        ("ze heeft 38 komma 9", SEH, 38.9),
        ("102F", SEH, 38.9),
        ("101 degrees F", URGENT, 38.3),
        ("it says 102 fahrenheit", SEH, 38.9),
        ("thirty nine point two", SEH, 39.2),
    ],
)
def test_temperature_notations(triage: Triage, text: str, level: Level, celsius: float) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()
    assert any(m.celsius == celsius for m in result.matches), result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "vijf keer naar de wc vandaag en ik ben 39 jaar",  # an age, not a temperature
        "bel me terug op 020 123 45 67",
        "ik woon op nummer 39",
        "100 F is de temperatuur van het badwater",  # below fever in Fahrenheit: 37.8 is not >= 38
    ],
)
def test_numbers_that_are_not_a_fever(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level < SEH, result.explain()


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # resolved
        ("de buikpijn is helemaal over, fijn!", "negation"),
        ("afgelopen week had ik koorts maar nu ben ik koortsvrij", "resolved"),
        ("vorige week veel overgegeven, nu gaat het weer goed", "past"),
        ("had gisteren 38,9 maar vanochtend 36,8", "resolved"),
        # idioms
        ("ik stikte van het lachen om die folder", "idiom"),
        ("ik schrok me dood van de rekening", "idiom"),
        ("ik ben doodmoe na de reis", "idiom"),
        ("we gaan dood van de spanning, is er al nieuws?", "idiom"),
        # pets
        ("onze kat braakt al de hele dag haarballen", "pet"),
        ("de hond heeft koorts volgens de dierenarts", "pet"),
        # not now / hypothetical
        ("moet ik bellen als ik later geel word?", "hypothetical"),
        ("wanneer moet ik naar de SEH als ik koorts krijg? ik heb nu niks hoor, niks aan de hand", "not now"),
        # coordination
        ("ik ben niet misselijk of benauwd", "negation"),
        ("geen diarree meer en de koorts ook niet", "negation"),
    ],
)
def test_false_alarms_cancelled_on_clear_cues(triage: Triage, text: str, cue: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()
    cancelled = [m for m in result.matches if m.negated]
    # Where a symptom word was found, the named qualifier or rule cancelled it (or a plain negation).
    assert all(m.cue in (cue, "negation") for m in cancelled), result.explain()


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("mijn vrouw heeft hoge koorts", SEH),  # a partner is in the patient's care
        ("mijn zoon heeft 39,4 en ik maak me zorgen om hem", SEH),
        ("de hond sprong op mijn buik en nu heb ik veel pijn", URGENT),  # a person comes back after the pet
        ("de pijn was weg maar is nu terug", URGENT),
        ("de koorts is weg, wel nu pijn in mijn rug", URGENT),
        ("geen pijn meer in mijn zij, wel in mijn buik", URGENT),  # "wel" brings it back
        ("wat moet ik doen als ik koorts krijg?", URGENT),  # no cue that nothing is wrong now
        ("ik voel me prima, alleen ben ik wat geel", URGENT),
        ("ik ben doodmoe en ik heb koorts", URGENT),  # the idiom does not cover the fever
        ("ik stik, ik krijg geen lucht", EMERGENCY),
        ("gisteren had ik 39 graden", SEH),  # past without a cue that it is over: still an alarm
        ("net bewusteloos geweest en nu weer normaal?", EMERGENCY),  # emergencies are never resolved
    ],
)
def test_in_doubt_alarm(triage: Triage, text: str, level: Level) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()


def test_an_emergency_at_the_end_of_a_long_message(triage: Triage) -> None:
    story = "Vandaag was een gewone dag, we hebben gewandeld en thee gedronken met de buren. " * 49
    for tail, level in (
        ("Sinds vannacht heb ik 39,5 koorts en ik krijg geen lucht.", EMERGENCY),
        ("Nu ligt mijn man te schokken en reageert niet.", EMERGENCY),
        ("Ik heb negenendertig vijf.", SEH),
    ):
        text = story + tail
        assert 3900 < len(text) <= 4096
        assert triage.assess(text).level == level
    assert triage.assess(story * 3 + "ik bloed hevig").level == EMERGENCY  # beyond Telegram's limit too


def test_work_is_linear_in_the_length(triage: Triage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: per token, the matcher tries at most a fixed number of phrases, each over a
    window of fixed size, so 10,000 characters cost about 10,000/4,096 times what 4,096 cost."""
    from bot.triage.matcher import Triage as TriageClass
    from bot.triage.normalize import tokenize

    fresh = TriageClass(triage.vocabulary, triage.qualifiers)
    calls = {"phrase": 0}
    original = fresh._phrase_end

    def counting(*args: object) -> int | None:
        calls["phrase"] += 1
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(fresh, "_phrase_end", counting)
    # Words that start many phrases and are cues for the context rules: the worst case we can write.
    words = "kan niet in op geen pijn koorts weg als wel hond vorige week weer normaal bloed wond en de".split()
    counts = {}
    for size in (4096, 10_000):
        text = " ".join(words[i % len(words)] for i in range(size))[:size]
        calls["phrase"] = 0
        result = fresh.assess(text)
        tokens = len(tokenize(text))
        counts[size] = calls["phrase"] / tokens
        assert result.level >= URGENT
    most_phrases_per_key = max(len(terms) for terms in fresh._phrases.values())
    assert counts[4096] <= most_phrases_per_key * 3
    # Work per token does not grow with the length: linear, not quadratic.
    assert counts[10_000] <= counts[4096] * 1.1 + 1


HELD_OUT = Path(__file__).with_name("held_out_messages.txt")
_LEVELS = {"e": EMERGENCY, "s": SEH, "u": URGENT, "n": NONE}


def _held_out() -> list[tuple[str, str]]:
    rows = []
    for line in HELD_OUT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            want, text = line.split(" ", 1)
            rows.append((want, text))
    return rows


@pytest.mark.parametrize(("want", "text"), _held_out())
def test_held_out_messages(triage: Triage, want: str, text: str) -> None:
    """An alarm at least at its level (more is allowed); a message without an alarm gets none."""
    result = triage.assess(text)
    if want == "n":
        assert result.level == NONE, result.explain()
    else:
        assert result.level >= _LEVELS[want], result.explain()


def test_digits_of_any_script_never_crash(triage: Triage) -> None:
    assert triage.assess("koorts ² ൯ ¹⁰ ௰ graden").level == URGENT
    assert triage.assess("حرارة ٣٩ ونص").level == SEH  # Arabic-Indic digits and "and a half"


def test_a_number_of_ten_thousand_digits_is_just_a_number(triage: Triage) -> None:
    assert triage.assess("koorts " + "9" * 10_000).level == URGENT
    assert triage.assess("3" * 10_000 + " graden").level == NONE
