"""The resolved rule: a cue that a complaint is over ends only the complaint it speaks of.

A cue once ended every complaint of a sentence told in the past, wherever the cue stood, and a hedge
("Otherwise I feel fine", "Verder voel ik me prima") cancelled a whole message of alarms. Every
sentence here was written for this test file; none is from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.triage.levels import Level
from bot.triage.matcher import Triage

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE


@pytest.mark.parametrize(
    ("text", "at_least"),
    [
        # a hedge: feeling well about everything else ends nothing
        ("Mijn man heeft 39,5 koorts en rilt. Verder voelt hij zich prima.", SEH),
        ("Since yesterday I have black tarry stools. I feel fine otherwise.", SEH),
        ("Gisteren kreeg ik hevige buikpijn en ik moet steeds overgeven. Verder weer goed.", URGENT),
        ("ik heb 38,9 maar voor de rest gaat het weer prima", SEH),
        # feeling well ends no complaint told as now
        ("I have a fever of 39 but I feel fine", SEH),
        # a cue that names another complaint ends that one only
        ("Ik had gisteren al pijn in mijn buik en nu heb ik 39 graden koorts. De misselijkheid is weer over.", SEH),
        ("ik heb 39 koorts en de diarree is weer over", SEH),
        ("ik heb 38,6, de misselijkheid is weer over", SEH),
        ("He was very short of breath this morning. The pain is all gone now.", URGENT),
        # getting worse is now
        ("Ik was vanochtend heel benauwd en het wordt erger. De koorts is gelukkig weer normaal.", URGENT),
        # a complaint told as now in a sentence that also tells of the past
        ("Mijn wond is rood en er komt pus uit, ik had vannacht 39 koorts. Nu voel ik me weer prima.", URGENT),
        ("sinds gisteren had ik steeds diarree, dat is nu over", URGENT),
    ],
)
def test_a_cue_does_not_end_what_it_does_not_speak_of(triage: Triage, text: str, at_least: Level) -> None:
    result = triage.assess(text)
    assert result.level >= at_least, result.explain()


@pytest.mark.parametrize(
    "text",
    [
        "Ik had gisteren koorts maar nu weer normaal.",
        "Gisteren koorts gehad. Dat is nu over.",
        "Vorige week had ik koorts en diarree, nu is alles weer normaal.",
        "de diarree is weer over",
        "ik had buikpijn, nu weer pijnvrij",
        "Vorige week kreeg ik koorts van 39,4. De kuur is gisteren afgelopen. Ik ben nu al zes dagen koortsvrij.",
        "Last week I had a fever. Now I feel fine.",
    ],
)
def test_a_cue_ends_the_complaint_it_speaks_of(triage: Triage, text: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # a "gone" word followed by "sinds": gone since then
        ("pijn weg sinds gisteren", Level.NONE),
        ("the cramps have settled since lunch", Level.NONE),
        # "since yesterday" goes on until now: the clause is not past, "all over" is no cue
        ("her skin has gone yellow since yesterday and she itches all over", Level.URGENT),
        ("sinds gisteren koorts en verder voel ik me over het algemeen goed", Level.URGENT),
        # where the complaint is, between it and the cue
        ("de pijn bij de wond is helemaal weg", Level.NONE),
        ("de pijn in mijn buik is over, maar nu heb ik diarree", Level.URGENT),
        ("ik heb buikpijn en het bloeden is gestopt", Level.URGENT),
    ],
)
def test_gone_since_where_and_all_over(triage: Triage, text: str, level: Level) -> None:
    assert triage.assess(text).level == level


def test_a_pasted_chat_time_stamp_ends_a_sentence(triage: Triage) -> None:
    """Signs in two people's lines of a pasted chat are not combined into one complaint."""
    chat = (
        "[08:03] Roos: mam wil weten of ze haar medicijnen mee moet nemen [08:05] Tom: staat in de brief "
        "[08:06] Roos: kan hem niet vinden"
    )
    assert triage.assess(chat).level == Level.NONE
    assert triage.assess("[21:04] Sandra: pa heeft 39,6 en rilt [21:05] Pa: valt wel mee").level == Level.SEH
