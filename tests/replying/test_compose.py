"""What the patient sees: alarm first, a folder answer, or the safety net that starts with spoed and 112."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

import pytest

from bot.knowledge import Knowledge
from bot.replying.compose import asks_a_question, assess, compose
from bot.triage.language import read_language
from bot.triage.levels import Level
from bot.triage.matcher import Triage, TriageResult
from tests.replying.conftest import NIGHT, OFFICE, SEH, SPOEDLIJN

SPOEDLIJN_LINE = "Neem dan contact op met de verpleegkundige spoedlijn 06 25 71 60 27."
HAP_LINE = "Buiten kantooruren kunt u bij spoed contact opnemen met uw huisartsenpost."
ALARM_LINE = "Bij levensbedreigende situaties belt u 112."
EN_ALARM_LINE = "In life-threatening situations, call 112."


def first_lines(text: str, n: int) -> list[str]:
    return [re.sub(r"</?b>", "", line) for line in text.splitlines() if line.strip()][:n]


@pytest.mark.parametrize(("now", "spoed"), [(OFFICE, SPOEDLIJN_LINE), (NIGHT, HAP_LINE)])
def test_not_found_starts_with_the_safety_net(knowledge: Knowledge, now: datetime, spoed: str) -> None:
    reply = compose("hoe laat gaat de trein naar Utrecht?", now, "nl", knowledge)
    assert reply.level is Level.NONE and reply.alarm is None and reply.text is not None
    assert reply.text.kind == "not_found"
    [message] = reply.messages
    one, two = first_lines(message, 2)
    assert spoed in one and two == ALARM_LINE
    assert message.index("112") < message.index("niet vinden in de folder") < message.index("020 444 11 00")
    assert "gioca-crc@amsterdamumc.nl" in message
    assert reply.roles[-1] == "spreekuur" and "alarmnummer" in reply.roles
    assert reply.buttons == [["☰ Inhoud"]]  # the numbers are in the text, never behind a button


def test_safety_net_in_english(knowledge: Knowledge) -> None:
    [message] = compose("what is the capital of Peru?", NIGHT, "en", knowledge).messages
    assert first_lines(message, 2)[1] == EN_ALARM_LINE
    assert "I could not find this in the folder" in message


@pytest.mark.parametrize(
    "text",
    [
        "Yarın randevum saat kaçta?",
        "أين يمكنني ركن سيارتي؟",
        "Gdzie mogę zaparkować samochód?",
        "Sonuçlarımı ne zaman öğreneceğim?",
    ],
)
@pytest.mark.parametrize("now", [OFFICE, NIGHT])
def test_unreadable_language_gets_the_safety_net_in_dutch_and_english(
    knowledge: Knowledge, text: str, now: datetime
) -> None:
    reply = compose(text, now, "nl", knowledge)
    assert reply.text is not None and reply.text.kind == "foreign"
    [message] = reply.messages
    dutch, english = message.split("\n\n")
    assert ALARM_LINE in dutch and "Ik begrijp alleen Nederlands en Engels" in dutch
    assert EN_ALARM_LINE in english and "I only understand Dutch and English" in english
    assert (SPOEDLIJN in message) is (now == OFFICE)
    assert ("huisartsenpost" in message) is (now == NIGHT)
    assert (SPOEDLIJN_LINE if now == OFFICE else HAP_LINE) in message.splitlines()[0]  # the routing comes first


def test_english_chat_gets_english_first(knowledge: Knowledge) -> None:
    [message] = compose("Yarın randevum saat kaçta?", OFFICE, "en", knowledge).messages
    assert message.index(EN_ALARM_LINE) < message.index(ALARM_LINE)


def test_alarm_in_another_language_is_answered_in_both(knowledge: Knowledge) -> None:
    reply = compose("Ateşim 39,5, titriyorum", NIGHT, "nl", knowledge)
    assert reply.level is Level.SEH and reply.alarm is not None
    assert reply.alarm.text.count(SEH) == 2
    assert ALARM_LINE in reply.alarm.text and EN_ALARM_LINE in reply.alarm.text


def test_alarm_plus_question_puts_the_alarm_first(knowledge: Knowledge) -> None:
    reply = compose("Ik heb koorts, wat moet ik doen?", OFFICE, "nl", knowledge)
    assert reply.alarm is not None and len(reply.messages) == 2
    assert SPOEDLIJN in reply.messages[0] and "112" in reply.messages[0]
    assert reply.roles[:2] == ("spoedlijn", "alarmnummer")


def test_alarm_only_is_one_message(knowledge: Knowledge) -> None:
    reply = compose("ik moet steeds overgeven", NIGHT, "nl", knowledge)
    assert reply.text is None and len(reply.messages) == 1
    assert reply.messages[0].startswith(f"<b>{HAP_LINE}</b>")


def test_confident_answer_and_greeting_carry_no_routing(knowledge: Knowledge) -> None:
    answer = compose("Hoe lang duurt de MRI?", NIGHT, "nl", knowledge)
    assert answer.text is not None and answer.text.kind == "answer" and answer.roles == ()
    assert answer.buttons[0] == ["📖 MRI-scan"]
    hello = compose("Goedemorgen", NIGHT, "nl", knowledge)
    assert hello.text is not None and hello.text.kind == "smalltalk" and "112" not in hello.messages[0]


def test_a_statement_gets_the_safety_net_above_the_passage(knowledge: Knowledge) -> None:
    reply = compose("ik heb morgen een MRI-scan", NIGHT, "nl", knowledge)
    assert reply.text is not None and reply.text.kind == "answer"
    [message] = reply.messages
    assert first_lines(message, 2) == [HAP_LINE, ALARM_LINE]
    assert message.index("112") < message.index("Dit staat in de folder, bij <b>MRI-scan</b>")
    assert reply.roles == ("huisartsenpost", "alarmnummer") and reply.buttons[0] == ["📖 MRI-scan"]


def test_triage_matched_typos_count_as_dutch(knowledge: Knowledge) -> None:
    assert read_language("koortss diarrhee").foreign  # neither is in a word list …
    assessment = assess("koortss diarrhee", knowledge)
    assert assessment.alarm and not assessment.reading.foreign  # … but triage knows both


class ExtraContacts(Triage):
    """Finds an alarm of a fixed level that names extra contacts (as the suicidal concept will)."""

    def __init__(self, level: Level, contacts: tuple[str, ...]) -> None:
        self.level, self.contacts = level, contacts

    def assess(self, text: str) -> TriageResult:
        return TriageResult(self.level, (), self.contacts)


@pytest.mark.parametrize("level", [Level.EMERGENCY, Level.URGENT])
def test_extra_contacts_come_right_after_112(knowledge: Knowledge, level: Level) -> None:
    stub = dataclasses.replace(knowledge, triage=ExtraContacts(level, ("zelfmoordpreventie", "algemeen", "nope")))
    reply = compose("…", NIGHT, "nl", stub)
    assert reply.alarm is not None
    lines = reply.alarm.text.split("\n\n")
    at = next(i for i, line in enumerate(lines) if "112" in line)
    assert "113 / 0800-0113" in lines[at + 1] and "Zelfmoordpreventie" in lines[at + 1]
    assert lines[at + 2] == "Algemeen telefoonnummer Amsterdam UMC locatie VUmc: 020 444 44 44"  # the generic line
    assert len(lines) == (5 if level is Level.EMERGENCY else 4)  # the unknown contact is left out
    roles = reply.roles
    assert roles.index("zelfmoordpreventie") == roles.index("alarmnummer") + 1 and "nope" not in roles
    english = compose("…", NIGHT, "en", stub).messages[0]
    assert "free, day and night: 113 / 0800-0113" in english


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Hoe lang duurt de MRI", True),
        ("metastasen, wat betekent dat", True),
        ("mag ik autorijden na de operatie", True),
        ("is vermoeidheid normaal na de chemo", True),
        ("Can I drive after the operation", True),
        ("Klopt het dat de uitslag vrijdag komt.", True),
        ("zijn been is dik en rood", False),  # "zijn" as "his"
        ("mijn huid is wat geel", False),  # "wat" as "somewhat"
        ("ik heb een vraag over de MRI", False),
        ("my wound is leaking", False),
    ],
)
def test_asks_a_question(text: str, asks: bool) -> None:
    assert asks_a_question(text) is asks
