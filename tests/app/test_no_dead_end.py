"""No dead end: every step of every dialogue, walked with an unrecognised symptom, "help" and "stoppen"
(and a fear, a question, "weet ik niet" and the English words), at 02:30 and at 11:00.

The dialogues: /afspraak (consent, type, date, the time of a day already read, confirmation), the consent
after an enrolment link, and a staff member's /bericht (audience, text, preview). Whatever is typed, the
reply carries the spoed route for the hour and 112, or leaves the step as asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM, ManualClock
from bot.fakeapi.harness import Reply
from bot.staff.enrolment import EnrolmentService
from tests.chats import PATIENT, STAFF, Chat, staff_bot

WEDNESDAY_02_30 = datetime(2026, 12, 2, 2, 30, tzinfo=AMSTERDAM)
WEDNESDAY_11_00 = datetime(2026, 12, 2, 11, 0, tzinfo=AMSTERDAM)
SYMPTOM = "ik voel me zo raar in mijn lijf"  # no alarm word: the net that fits it
ROUTE = {WEDNESDAY_02_30: "Bel nu uw huisartsenpost.", WEDNESDAY_11_00: "Bel nu de spoedlijn: 06 25 71 60 27."}

Step = Callable[[Chat, int], Awaitable[None]]


async def consent(chat: Chat, who: int) -> None:
    (await chat.say(who, "/afspraak")).assert_contains("Gaat u akkoord?")


async def appointment_type(chat: Chat, who: int) -> None:
    await consent(chat, who)
    (await chat.press(who, "Akkoord")).assert_contains("Voor welk onderzoek")


async def date(chat: Chat, who: int) -> None:
    await appointment_type(chat, who)
    (await chat.press(who, "MRI-scan")).assert_contains("Wanneer is uw MRI-scan?")


async def time_of_day(chat: Chat, who: int) -> None:
    await date(chat, who)
    (await chat.say(who, "vrijdag 11 december")).assert_contains("Hoe laat is uw MRI-scan op vrijdag 11 december?")


async def confirmation(chat: Chat, who: int) -> None:
    await date(chat, who)
    (await chat.say(who, "10 december 13:15")).assert_contains("Klopt dit? MRI-scan: donderdag 10 december, 13:15.")


async def enrolment(chat: Chat, who: int) -> None:
    code = EnrolmentService(chat.assembly.services.storage, chat.clock).create(STAFF).code
    (await chat.say(who, f"/start {code}")).assert_contains("Wat ik bewaar").assert_buttons("Akkoord")


# Each step is walked by a patient of its own: consent is asked only of someone who never gave it.
PATIENT_STEPS: dict[str, Step] = {
    "consent": consent,
    "type": appointment_type,
    "date": date,
    "time": time_of_day,
    "confirm": confirmation,
    "enrolment": enrolment,
}


def leave_everything(chat: Chat, who: int) -> None:
    """A clean start for the next walk: no draft, no code."""
    data = chat.assembly.app.chat_data.get(who)
    if data is not None:
        data.clear()


def spoed_and_112(reply: Reply, now: datetime) -> None:
    reply.assert_contains(ROUTE[now], "112")


@pytest.mark.parametrize("now", [WEDNESDAY_02_30, WEDNESDAY_11_00], ids=["02:30", "11:00"])
async def test_every_patient_step_answers_a_symptom_help_and_stoppen(tmp_path: Path, now: datetime) -> None:
    async with staff_bot(tmp_path, ManualClock(now)) as chat:
        storage = chat.assembly.services.storage
        for number, (name, reach) in enumerate(PATIENT_STEPS.items()):
            who = PATIENT + number
            # An unrecognised symptom: first the 112 situations, then the spoed route; never "kan ik niet lezen".
            await reach(chat, who)
            reply = await chat.say(who, SYMPTOM)
            spoed_and_112(reply, now)
            reply.assert_contains("Is een van deze dingen nu zo? Bel dan meteen 112.")
            reply.assert_not_contains("kan ik niet lezen", "spreekuur is weer open")
            if name != "enrolment":  # the step is still open, and says how to leave it
                reply.assert_contains("Typ stop")

            # "help": what the step waits for, and the spoed route with 112 (it may be a cry for help).
            reply = await chat.say(who, "help")
            reply.assert_contains("Typ stop")
            spoed_and_112(reply, now)

            # "stoppen": out of the dialogue, nothing saved; after it, text is a question again.
            (await chat.say(who, "stoppen")).assert_contains("Gestopt. Er is niets opgeslagen.")
            assert storage.list_appointments(chat_id=who) == [], name
            (await chat.say(who, "hoe lang duurt een MRI?")).assert_contains("30 minuten")
            assert (
                not chat.assembly.app.chat_data[who].appointment
                and not chat.assembly.app.chat_data[who].enrol_code_hash
            )


@pytest.mark.parametrize("now", [WEDNESDAY_02_30, WEDNESDAY_11_00], ids=["02:30", "11:00"])
async def test_fear_questions_and_dont_know_inside_the_date_step(tmp_path: Path, now: datetime) -> None:
    async with staff_bot(tmp_path, ManualClock(now)) as chat:
        await date(chat, PATIENT)
        reply = await chat.say(PATIENT, "ik ben zo bang")
        reply.assert_contains("Het is heel begrijpelijk dat u bang bent", "casemanager", "psycholoog")
        reply.assert_contains("Typ de datum en de tijd van uw afspraak").assert_not_contains("kan ik niet lezen")
        reply = await chat.say(PATIENT, "wat moet ik meenemen naar de MRI?")
        reply.assert_contains("Dit staat in de folder", "Typ de datum en de tijd").assert_not_contains(
            "kan ik niet lezen"
        )
        reply = await chat.say(PATIENT, "ik voel me niet goed")
        spoed_and_112(reply, now)
        # Still in the dialogue: a date is read as one.
        (await chat.say(PATIENT, "10 december 13:15")).assert_contains("Klopt dit?")
        # "weet ik niet" at the date: without a date there is nothing to remind of, so it stops.
        (await chat.press(PATIENT, "Nee, opnieuw")).assert_contains("Wanneer is uw MRI-scan?")
        (await chat.say(PATIENT, "weet ik niet")).assert_contains("Weet u de datum nog niet?", "/afspraak")
        assert chat.assembly.services.storage.list_appointments(chat_id=PATIENT) == []


@pytest.mark.parametrize(
    ("word", "answer"),
    [("stop", "Stopped. Nothing was saved."), ("cancel", "Stopped. Nothing was saved."), ("help", "To stop, type")],
)
async def test_english_words_work_too(tmp_path: Path, word: str, answer: str) -> None:
    async with staff_bot(tmp_path, ManualClock(WEDNESDAY_02_30)) as chat:
        (await chat.say(PATIENT, "/afspraak", language_code="en")).assert_contains("Do you agree?")
        await chat.press(PATIENT, "I agree", language_code="en")
        await chat.press(PATIENT, "MRI scan", language_code="en")
        (await chat.say(PATIENT, word, language_code="en")).assert_contains(answer)
        await chat.say(PATIENT, "/afspraak", language_code="en")  # consent given: straight to the type
        await chat.press(PATIENT, "MRI scan", language_code="en")
        (await chat.say(PATIENT, "I don't know", language_code="en")).assert_contains("Type /afspraak once you know it")


@pytest.mark.parametrize("now", [WEDNESDAY_02_30, WEDNESDAY_11_00], ids=["02:30", "11:00"])
async def test_every_staff_step_answers_a_symptom_help_and_stoppen(tmp_path: Path, now: datetime) -> None:
    async with staff_bot(tmp_path, ManualClock(now)) as chat:

        async def audience() -> None:
            (await chat.say(STAFF, "/bericht")).assert_buttons("Alle abonnees")

        async def text() -> None:
            await audience()
            (await chat.press(STAFF, "Alle abonnees")).assert_contains("Typ de tekst")

        async def preview() -> None:
            await text()
            (await chat.say(STAFF, "Het spreekuur is vrijdag gesloten.")).assert_contains("Voorbeeld")

        for name, reach in {"audience": audience, "text": text, "preview": preview}.items():
            leave_everything(chat, STAFF)
            await reach()
            reply = await chat.say(STAFF, SYMPTOM)
            if name == "text":
                reply.assert_contains("Voorbeeld", SYMPTOM)  # the staff member's text is the message: the answer
                leave_everything(chat, STAFF)
                await reach()
            else:  # a button is awaited: the text is a patient's message like any other
                spoed_and_112(reply, now)
            (await chat.say(STAFF, "help")).assert_contains("Stoppen: typ stop")
            (await chat.say(STAFF, "stoppen")).assert_contains("Gestopt. Er is niets verstuurd.")
            assert chat.assembly.app.chat_data[STAFF].staff_draft is None, name
        assert chat.assembly.services.storage.staff.list_broadcasts() == []
