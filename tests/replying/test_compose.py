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
SPOED_LINE = {
    "office": "Spoed? Bel nu de spoedlijn: 06 25 71 60 27. Levensgevaar? Bel 112.",
    "night": "Spoed? Bel nu uw huisartsenpost. Levensgevaar? Bel 112.",
}
EN_SPOED_LINE = "Urgent? Call your out-of-hours GP service (huisartsenpost) now. Life in danger? Call 112."


def first_lines(text: str, n: int) -> list[str]:
    return [re.sub(r"</?[bi]>", "", line) for line in text.splitlines() if line.strip()][:n]


def moment(now: datetime) -> str:
    return "office" if now == OFFICE else "night"


@pytest.mark.parametrize("now", [OFFICE, NIGHT])
def test_not_found_is_short_with_one_contact_line_and_the_spoed_line_last(knowledge: Knowledge, now: datetime) -> None:
    reply = compose("hoe laat gaat de trein naar Utrecht?", now, "nl", knowledge)
    assert reply.level is Level.NONE and reply.alarm is None and reply.text is not None
    assert reply.text.kind == "not_found"
    [message] = reply.messages
    assert first_lines(message, 3) == [
        "Dit staat niet in de folder.",
        "Vraag het team: mail naar gioca-crc@amsterdamumc.nl of bel het spreekuur: 020 444 11 00.",
        SPOED_LINE[moment(now)],
    ]
    assert len(first_lines(message, 10)) == 3 and len(message) < 250
    assert "weer open" not in message
    assert reply.roles == (
        "email",
        "spreekuur",
        *(("spoedlijn",) if now == OFFICE else ("huisartsenpost",)),
        "alarmnummer",
    )
    assert reply.buttons == [["☰ Inhoud"]]  # the numbers are in the text, never behind a button


def test_not_found_in_english(knowledge: Knowledge) -> None:
    [message] = compose("what is the capital of Peru?", NIGHT, "en", knowledge).messages
    assert first_lines(message, 3)[0] == "This is not in the folder." and first_lines(message, 3)[2] == EN_SPOED_LINE


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
def test_unreadable_language_gets_the_spoed_line_in_dutch_and_english(
    knowledge: Knowledge, text: str, now: datetime
) -> None:
    reply = compose(text, now, "nl", knowledge)
    assert reply.text is not None and reply.text.kind == "foreign"
    [message] = reply.messages
    dutch, english = message.split("\n\n")
    assert "Levensgevaar? Bel 112." in dutch and "Ik begrijp alleen Nederlands en Engels" in dutch
    assert "Life in danger? Call 112." in english and "I only understand Dutch and English" in english
    assert (SPOEDLIJN in message) is (now == OFFICE)
    assert ("huisartsenpost" in message) is (now == NIGHT)
    assert first_lines(message, 1) == [SPOED_LINE[moment(now)]]  # the routing comes first


def test_english_chat_gets_english_first(knowledge: Knowledge) -> None:
    [message] = compose("Yarın randevum saat kaçta?", OFFICE, "en", knowledge).messages
    assert message.index("Life in danger? Call 112.") < message.index("Levensgevaar? Bel 112.")


def test_alarm_in_another_language_is_answered_in_both(knowledge: Knowledge) -> None:
    reply = compose("Ateşim 39,5, titriyorum", NIGHT, "nl", knowledge)
    assert reply.level is Level.SEH and reply.alarm is not None
    assert "Bel nu de Spoedeisende Hulp van het VUmc: 020 44 43 636." in reply.alarm.text
    assert "Call the VUmc emergency department now: 020 44 43 636." in reply.alarm.text


def test_alarm_plus_question_puts_the_alarm_first(knowledge: Knowledge) -> None:
    reply = compose("Ik heb koorts, wat moet ik doen?", OFFICE, "nl", knowledge)
    assert reply.alarm is not None and len(reply.messages) == 2
    assert SPOEDLIJN in reply.messages[0] and "112" in reply.messages[0]
    assert reply.roles[:2] == ("spoedlijn", "alarmnummer")


def test_alarm_only_is_one_message_that_instructs(knowledge: Knowledge) -> None:
    reply = compose("ik moet steeds overgeven", NIGHT, "nl", knowledge)
    assert reply.text is None and len(reply.messages) == 1
    assert first_lines(reply.messages[0], 2) == [
        "Bel nu uw huisartsenpost.",
        "Wordt het erger? Of bent u benauwd, heeft u pijn op de borst of bloedt u veel? Bel dan 112.",
    ]
    assert HAP_LINE in reply.messages[0] and ALARM_LINE in reply.messages[0]  # the folder's own, under it


@pytest.mark.parametrize("now", [OFFICE, NIGHT])
def test_a_112_situation_gets_bel_nu_112_alone_and_first_and_no_fever_sentence(
    knowledge: Knowledge, now: datetime
) -> None:
    reply = compose("mijn vrouw is flauwgevallen en reageert niet meer", now, "nl", knowledge)
    assert reply.level is Level.EMERGENCY and reply.alarm is not None
    first, *rest = reply.alarm.text.split("\n\n")
    assert first == "<b>Bel nu 112.</b>"
    assert SEH not in reply.alarm.text and "koorts" not in reply.alarm.text
    assert ALARM_LINE in rest[-1]  # the folder's sentence stays available under the instruction


def test_fever_keeps_the_folders_seh_sentence_even_under_112(knowledge: Knowledge) -> None:
    reply = compose("hij is bewusteloos en heeft 39,5 koorts", NIGHT, "nl", knowledge)
    assert reply.alarm is not None and reply.alarm.text.startswith("<b>Bel nu 112.</b>")
    assert "Bij koorts (&gt; 38,5 °C)" in reply.alarm.text and SEH in reply.alarm.text


def test_seh_for_fever_instructs_and_quotes_the_folder(knowledge: Knowledge) -> None:
    reply = compose("ik heb 39,4 koorts", NIGHT, "nl", knowledge)
    assert reply.level is Level.SEH and reply.alarm is not None
    assert first_lines(reply.alarm.text, 1) == ["Bel nu de Spoedeisende Hulp van het VUmc: 020 44 43 636."]
    assert "Bij koorts (&gt; 38,5 °C)" in reply.alarm.text and "Bel dan 112." in reply.alarm.text


def test_confident_answer_and_greeting_carry_no_routing(knowledge: Knowledge) -> None:
    answer = compose("Hoe lang duurt de MRI?", NIGHT, "nl", knowledge)
    assert answer.text is not None and answer.text.kind == "answer" and answer.roles == ()
    assert answer.buttons[0] == ["📖 MRI-scan"]
    hello = compose("Goedemorgen", NIGHT, "nl", knowledge)
    assert hello.text is not None and hello.text.kind == "smalltalk" and "112" not in hello.messages[0]


def test_a_statement_gets_the_passage_and_the_spoed_line_at_the_end(knowledge: Knowledge) -> None:
    reply = compose("ik heb morgen een MRI-scan", NIGHT, "nl", knowledge)
    assert reply.text is not None and reply.text.kind == "answer"
    [message] = reply.messages
    assert message.startswith("Dit staat in de folder, bij <b>MRI-scan</b>")
    assert message.endswith(SPOED_LINE["night"])
    assert reply.roles == ("huisartsenpost", "alarmnummer") and reply.buttons[0] == ["📖 MRI-scan"]


@pytest.mark.parametrize("now", [OFFICE, NIGHT])
@pytest.mark.parametrize(
    "text",
    [
        "ik voel me niet goed",
        "Sinds het ontbijt wil mijn linkerhand niet meer meewerken, mijn lepel valt steeds",
        "mijn man praat raar sinds vanmiddag",
        "ik ben heel duizelig en slap",
    ],
)
def test_a_complaint_not_understood_asks_about_the_112_situations_first(
    knowledge: Knowledge, now: datetime, text: str
) -> None:
    # As if triage did not recognise it (it may well today): the net must fit what was written anyway.
    reply = compose(text, now, "nl", dataclasses.replace(knowledge, triage=ExtraContacts(Level.NONE, ())))
    assert reply.text is not None and reply.text.kind == "body"
    [message] = reply.messages
    lines = first_lines(message, 7)
    assert lines[0] == "Is een van deze dingen nu zo? Bel dan meteen 112."
    assert lines[1:5] == [
        "• Moeilijk ademen of pijn op de borst.",
        "• Een arm, been of het gezicht doet het niet. Of vreemd praten.",
        "• Niet wakker te krijgen, of in elkaar gezakt.",
        "• Veel bloed verliezen.",
    ]
    route = "Bel nu de spoedlijn: 06 25 71 60 27." if now == OFFICE else "Bel nu uw huisartsenpost."
    assert lines[5] == f"Minder erg, maar kan het niet wachten? {route}"
    assert "spreekuur" not in message and "weer open" not in message
    assert reply.roles == ("alarmnummer", "spoedlijn" if now == OFFICE else "huisartsenpost")


@pytest.mark.parametrize(
    "text",
    [
        "Mijn benen zijn allebei even dun als altijd, heb ik steunkousen nodig?",
        "Ik was gisteren duizelig maar nu weer prima, vraagje over parkeren",
        "geen jeuk, geen pijn, alles goed",
        "Mijn hond is zo ziek, wie weet een dierenarts",
    ],
)
def test_a_message_without_a_complaint_now_gets_no_112_list(knowledge: Knowledge, text: str) -> None:
    reply = compose(text, OFFICE, "nl", knowledge)
    assert reply.text is not None and reply.text.kind != "body"
    assert "Is een van deze dingen nu zo?" not in "".join(reply.messages)


@pytest.mark.parametrize(
    ("text", "sentence", "support"),
    [
        ("Mijn vader is vannacht overleden", "Gecondoleerd met uw verlies.", True),
        ("ik ben zo bang voor de operatie", "Het is heel begrijpelijk dat u bang bent", True),
        ("Ik voel me zo eenzaam sinds mijn vrouw er niet meer is", "Wat naar dat u zich zo alleen voelt.", True),
        ("Ik ben echt boos over hoe het ging", "Het is begrijpelijk dat u boos", True),
        ("Dank jullie wel voor alles, echt een top team", "Dank u wel voor uw vriendelijke bericht.", False),
        ("Ik heb weer hoop, het gaat beter", "Wat fijn om dat te lezen.", False),
    ],
)
@pytest.mark.parametrize("now", [OFFICE, NIGHT])
def test_a_feeling_gets_a_human_word_and_the_folders_support_route_without_112(
    knowledge: Knowledge, now: datetime, text: str, sentence: str, support: bool
) -> None:
    reply = compose(text, now, "nl", knowledge)
    assert reply.alarm is None and reply.text is not None and reply.text.kind == "feeling"
    [message] = reply.messages
    assert message.startswith(sentence)
    assert "112" not in message and "%" not in message and "patiënten per jaar" not in message
    folder = "Voor vragen of doorverwijzingen naar bijvoorbeeld diëtist, herstel-programma’s of psycholoog"
    assert (folder in message) is support
    assert (["📖 Casemanager"] in reply.buttons) is support


@pytest.mark.parametrize(
    "text",
    [
        "kan het kwaad dat ik zo vaak naar de wc moet?",
        "Is het normaal dat ik me zo eenzaam voel?",
    ],
)
def test_a_feeling_in_a_question_the_folder_does_not_answer_ends_with_the_spoed_line(
    knowledge: Knowledge, text: str
) -> None:
    """A question may hide a complaint the bot did not read ("kan het kwaad" is no anger)."""
    reply = compose(text, NIGHT, "nl", knowledge)
    assert reply.text is not None and reply.text.kind == "feeling"
    assert "112" in reply.messages[-1]


def test_a_feeling_with_a_complaint_gets_the_112_list_first(knowledge: Knowledge) -> None:
    reply = compose("ik ben zo bang, mijn arm voelt ineens zo raar", NIGHT, "nl", knowledge)
    assert reply.text is not None
    message = "".join(reply.messages)
    assert message.index("112") < message.index("Het is heel begrijpelijk dat u bang bent")


@pytest.mark.parametrize("now", [OFFICE, NIGHT])
def test_help_on_its_own_gets_the_spoed_line_then_how_the_bot_works(knowledge: Knowledge, now: datetime) -> None:
    reply = compose("help", now, "nl", knowledge)
    assert reply.text is not None and reply.text.kind == "help"
    assert first_lines(reply.messages[0], 2) == [SPOED_LINE[moment(now)], "Zo werkt deze chatbot"]


def test_stop_on_its_own_says_what_stop_can_mean(knowledge: Knowledge) -> None:
    reply = compose("stoppen", NIGHT, "nl", knowledge)
    assert reply.text is not None and reply.text.kind == "stop"
    assert "/meldingen" in reply.messages[0] and "/stop" in reply.messages[0]


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
def test_extra_contacts_come_right_after_the_instruction(knowledge: Knowledge, level: Level) -> None:
    stub = dataclasses.replace(knowledge, triage=ExtraContacts(level, ("zelfmoordpreventie", "algemeen", "nope")))
    reply = compose("…", NIGHT, "nl", stub)
    assert reply.alarm is not None
    paragraphs = reply.alarm.text.split("\n\n")
    assert "112" in paragraphs[0]  # "Bel nu 112.", or the escalation line under another instruction
    assert "113 / 0800-0113" in paragraphs[1] and "Zelfmoordpreventie" in paragraphs[1]
    assert paragraphs[2] == "Algemeen telefoonnummer Amsterdam UMC locatie VUmc: 020 444 44 44"  # the generic line
    assert len(paragraphs) == 4  # the unknown contact is left out; the folder's lines come last
    roles = reply.roles
    assert roles.index("zelfmoordpreventie") == 1 and "nope" not in roles
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
