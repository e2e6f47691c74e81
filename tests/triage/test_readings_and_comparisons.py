"""How a number, an arrow, a comparison and a word of another kind of Dutch are read (issue 20, round v7).

Readings: an arrow between two readings, a value read off a thermometer after "bij", a reading that
belongs to a fever word told in the past. Comparisons: a year in "net als bij ... in 2015". And the signs
of a combination that must not steal a cue from the complaint itself. Every sentence here was written
for this test file; none is from an evaluation or tuning set.
"""

from __future__ import annotations

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage
from bot.triage.normalize import tokenize

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # an arrow is a step in the story: two readings, not one phone number
        ("temp 37,6 -> 38,2 in twee uur", URGENT),
        ("38,2 → 38,9 sinds het avondeten", SEH),
        ("koorts: 38,4 => 39,0", SEH),
        # readings in a row with decimals are readings; phone numbers and blood pressures have none
        ("37,9 / 38,4 / 38,8 vandaag", SEH),
        ("bel me op 06 12 34 56 78", NONE),
        # a value read off a thermometer after "bij" is a reading; a round limit is a question
        ("Mag ik bij 38,7 gewoon mijn tabletten innemen? Ik voel me slap.", SEH),
        ("Moet ik bij 38,5 de spoedeisende hulp bellen?", NONE),
        # a reading right after a fever word told in the past goes with it
        ("De koorts van vorige week (38,8) is helemaal weg.", NONE),
        ("Koorts van eergisteren 38,7 en vandaag weer 39,2", SEH),
        ("geen koorts, 38,9", SEH),
        # a year in a comparison is not the complaint's
        ("Mijn kuit is dik en rood, zoals bij mijn trombose in 2012. Vorige week geopereerd.", SEH),
        ("my calf is swollen and hot like in 2018 when I had a clot", SEH),
        ("In 2012 had ik een trombosebeen, moet ik dat melden?", NONE),
        # "gone" before a colour is becoming, not going away
        ("her eyes have gone yellow", URGENT),
        ("the pain has gone", NONE),
        # a sign of a combination does not take a cue from the complaint
        ("geen pijn meer in mijn buik, maar wel in mijn zij", URGENT),
        ("Gisteren had ik even pijn, dat was na een uur over. Mag ik paracetamol nemen?", NONE),
        # gone, then back; told as gone in other words; a what-if in the weekend
        ("De pijn was een dag weg maar vanavond weer terug", URGENT),
        ("the vomiting stopped on Monday and came back tonight", URGENT),
        ("The diarrhoea is away since Sunday, all fine now", NONE),
        ("Die koorts van na de operatie is verleden tijd, dank jullie wel", NONE),
        ("What do I do if I get a fever in the weekend?", NONE),
        # a one-sided limb that hangs limp, in any order; "slap" alone is tiredness
        ("sinds een uur hangt haar linkerarm slap", EMERGENCY),
        ("mijn benen zijn slap van de chemo", NONE),
        # yellower, and a belly a size bigger every day
        ("zijn ogen zijn vandaag geler dan gisteren", URGENT),
        ("ik heb veel geleerd van de folder", NONE),
        ("mijn buik is elke dag een maatje meer", URGENT),
        # a simile is no animal; "bleek" is also "turned out"; "gegeten" is no "get"; appetite is no seizure
        ("ze hijgt als een hond en het drukt op haar borst", EMERGENCY),
        ("het bleek een virus te zijn, ik zweet nu niet meer", NONE),
        ("If I get the results on Friday, can I call you?", NONE),
        ("ik heb weinig trek, is dat erg?", NONE),
        # a film or the folder quoted is not the patient
        ("In een film zag ik iemand bloed overgeven, kan dat bij mij ook?", NONE),
        # the first person of a verb the vocabulary writes in the third ("valt flauw")
        ("ik val steeds flauw als ik opsta", EMERGENCY),
        ("ik val steeds in slaap aan tafel", URGENT),
        ("mag ik gewoon koffie drinken voor de CT?", NONE),
        # a fever kept down by a medicine is still the fever; a normal reading alone ends it
        ("vanmiddag 38,7, paracetamol genomen, nu 37,2", SEH),
        ("gisteren 38,7, vandaag 36,9 zonder iets in te nemen", NONE),
        # a denied "again", and a lone "again" in a later question
        ("vorige week had ik diarree, het is niet meer teruggekomen", NONE),
        ("I had diarrhoea last week. When can I go swimming again?", NONE),
        ("Vorige week had ik pijn. Is het normaal dat het nu erger is?", URGENT),
        # shaking chills with a burning body, not measured
        ("koude rillingen en ik voel me gloeiend heet", SEH),
        ("koude rillingen, geen thermometer", URGENT),
        # "niet meer" right after the verb denies it; "niet meer te houden" does not
        ("ik hijg helemaal niet meer sinds de drain eruit is", NONE),
        ("de pijn is niet meer te houden", URGENT),
        ("mijn buik doet pijn en het gaat niet meer weg", URGENT),
        # much blood from the bowel; "bloedprikken" is no "bloedbraken"
        ("er komt alleen maar bloed uit als ik naar de wc ga", EMERGENCY),
        ("kan mijn bloedprikken naar donderdag?", NONE),
        # idioms and questions asked in advance
        ("ik kots van dat keuzemenu", NONE),
        ("Should I go to the ER if my temperature hits 38? Asking in advance, I'm fine now", NONE),
        ("De koorts van afgelopen weekend is helemaal weg", NONE),
        # Fahrenheit said in words; a follow-up with only the number
        ("the thermometer says a hundred and two", SEH),
        ("I told you a hundred times, it is fine", NONE),
        ("nog steeds 39", SEH),
        # a denial inside the complaint is no denial carried over ("no wind either")
        ("he hasn't had a poo in five days and no wind either", URGENT),
        ("Hij heeft geen pijn, geen koorts en plast goed.", NONE),
        # the date of a procedure is not the date of the complaint
        ("de punctieplek van de leverpunctie van eergisteren bloedt een beetje", URGENT),
        # someone else "ook" ill is still someone else
        ("mijn buurman is ook heel geel geworden, kan hij bij jullie terecht?", NONE),
        ("you asked if I can drink: no, everything comes back up", URGENT),
        # a tongue that feels huge with breathing trouble; very sleepy; a temperature after an Arabic word
        ("my tongue feels huge and it is really hard to breathe", EMERGENCY),
        ("vader super slaperig sinds gisteren", URGENT),
        ("والدي حرارته ٣٩", SEH),
        # idioms of paperwork and cold, and "ter"
        ("Ik krijg het benauwd van al die formulieren", NONE),
        ("ik krijg het benauwd van al die trappen", URGENT),
        ("hij lag te schudden van de kou en heeft 39,1", SEH),
        ("Ter info: de wond is rustig en droog.", NONE),
        # Moluccan Malay and Cape Verdean Creole: the commonest words
        ("beta sakit perut dari kemarin", URGENT),
        ("beta seng ada sakit, alleen een vraag over de scan", NONE),
        ("ntem dor na bariga desde onti", URGENT),
    ],
)
def test_level(triage: Triage, text: str, level: Level) -> None:
    assert triage.assess(text).level == level, triage.assess(text).explain()


def test_an_arrow_is_a_break() -> None:
    assert [t.kind for t in tokenize("37,9 -> 38,4")] == ["number", "break", "number"]
    assert [t.kind for t in tokenize("pijn → erger")] == ["word", "break", "word"]


def test_signs_are_never_read_as_another_language(triage: Triage) -> None:
    """Signs written only as `exact` ("wc") are Dutch: a question with one is no foreign-language alarm."""
    result = triage.assess("kan het kwaad dat ik zo vaak naar de wc moet?")
    assert not triage.foreign_alarm(result)
    assert "wc" in triage.read_words(result)
