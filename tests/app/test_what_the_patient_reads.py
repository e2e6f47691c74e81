"""Transcripts of what the patient reads (issue 21; issue 20 items 5 and 6), at 02:30 and at 11:00 on a
Tuesday: alarm replies that instruct, the net that fits a complaint, the right amount of safety text, a
human word for feelings, and plain Dutch (dates, the /afspraak example, /help, the welcome, the spoed
button, chapters in pages). The dialogues are walked in test_no_dead_end.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import AMSTERDAM, ManualClock
from tests.chats import PATIENT, Chat, running_bot

NIGHT = datetime(2026, 12, 1, 2, 30, tzinfo=AMSTERDAM)
OFFICE = datetime(2026, 12, 1, 11, 0, tzinfo=AMSTERDAM)
CALL = {NIGHT: "Bel nu uw huisartsenpost.", OFFICE: "Bel nu de spoedlijn: 06 25 71 60 27."}
FOLDER_LINE = {
    NIGHT: "Buiten kantooruren kunt u bij spoed contact opnemen met uw huisartsenpost.",
    OFFICE: "Neem dan contact op met de verpleegkundige spoedlijn 06 25 71 60 27.",
}
ESCALATE = "Wordt het erger? Of bent u benauwd, heeft u pijn op de borst of bloedt u veel? Bel dan 112."
SEH_SENTENCE = "Bij koorts (> 38,5 °C) en bij klachten die echt urgent zijn"


@pytest.fixture(params=[NIGHT, OFFICE], ids=["02:30", "11:00"])
def now(request: pytest.FixtureRequest) -> datetime:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
async def bot(tmp_path: Path, now: datetime) -> AsyncIterator[Chat]:
    async with running_bot(tmp_path, ManualClock(now)) as chat:
        yield chat


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


async def test_a_112_situation_reads_bel_nu_112_alone_and_first(bot: Chat, now: datetime) -> None:
    reply = (await bot.say(PATIENT, "mijn vrouw is flauwgevallen en reageert niet meer")).assert_count(1)
    assert reply.text.split("\n\n")[0] == "Bel nu 112."
    reply.assert_contains("Uit de folder:", "Bij levensbedreigende situaties belt u 112.", FOLDER_LINE[now])
    reply.assert_not_contains(SEH_SENTENCE, "koorts")  # the fever sentence does not apply


async def test_fever_reads_the_seh_instruction_the_escalation_and_the_folders_sentence(
    bot: Chat, now: datetime
) -> None:
    reply = (await bot.say(PATIENT, "ik heb 39,4 koorts")).assert_count(1)
    assert lines(reply.text)[:2] == ["Bel nu de Spoedeisende Hulp van het VUmc: 020 44 43 636.", ESCALATE]
    reply.assert_contains(SEH_SENTENCE, FOLDER_LINE[now])


async def test_an_urgent_complaint_reads_the_route_for_the_hour_and_one_escalation_line(
    bot: Chat, now: datetime
) -> None:
    reply = (await bot.say(PATIENT, "ik moet de hele dag overgeven")).assert_count(1)
    assert lines(reply.text)[:2] == [CALL[now], ESCALATE]
    assert reply.text.count("Bel dan 112.") == 1
    reply.assert_contains(FOLDER_LINE[now]).assert_not_contains(SEH_SENTENCE)


async def test_a_complaint_the_bot_does_not_know_asks_about_112_first_and_never_names_the_spreekuur(
    bot: Chat, now: datetime
) -> None:
    reply = (await bot.say(PATIENT, "ik voel me zo raar in mijn lijf")).assert_count(1)
    assert lines(reply.text)[0] == "Is een van deze dingen nu zo? Bel dan meteen 112."
    reply.assert_contains("Moeilijk ademen of pijn op de borst", "in elkaar gezakt", "Veel bloed verliezen")
    reply.assert_contains(f"Minder erg, maar kan het niet wachten? {CALL[now]}")
    reply.assert_not_contains("spreekuur", "weer open", "020 444 11 00")


async def test_a_harmless_question_gets_its_answer_or_a_short_not_found(bot: Chat, now: datetime) -> None:
    answer = (await bot.say(PATIENT, "Hoe lang duurt een MRI?")).assert_count(1)
    answer.assert_contains("30 minuten").assert_not_contains("112", "huisartsenpost", "spoedlijn")
    reply = (await bot.say(PATIENT, "Is er wifi in de wachtkamer?")).assert_count(1)
    assert lines(reply.text) == [
        "Dit staat niet in de folder.",
        "Vraag het team: mail naar gioca-crc@amsterdamumc.nl of bel het spreekuur: 020 444 11 00.",
        f"Spoed? {CALL[now]} Levensgevaar? Bel 112.",
    ]


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Mijn vader is vannacht overleden", "Gecondoleerd met uw verlies."),
        ("Ik ben zo bang voor de uitslag", "Het is heel begrijpelijk dat u bang bent of zich zorgen maakt."),
        ("Ik voel me zo eenzaam", "Wat naar dat u zich zo alleen voelt."),
    ],
)
async def test_a_feeling_gets_a_human_word_and_the_casemanager_without_112(
    bot: Chat, now: datetime, text: str, sentence: str
) -> None:
    reply = (await bot.say(PATIENT, text)).assert_count(1)
    assert reply.text.startswith(sentence)
    reply.assert_contains("casemanager", "psycholoog", "gioca-crc@amsterdamumc.nl").assert_buttons("📖 Casemanager")
    reply.assert_not_contains("112", "per jaar", "%")


async def test_the_spoed_button_comes_first_and_says_whom_to_call_now(bot: Chat, now: datetime) -> None:
    menu = await bot.say(PATIENT, "/start")
    assert menu.labels[0] == "🚨 Spoed — wie bel ik?"
    assert len(menu.text.split("Inhoud van de folder")[0]) <= 250
    reply = (await bot.press(PATIENT, "🚨 Spoed — wie bel ik?")).assert_count(1)
    reply.assert_contains("Levensgevaar? Bel nu 112.", "Koorts boven 38,5 °C? Bel de Spoedeisende Hulp van het VUmc")
    reply.assert_contains(f"Andere klachten die niet kunnen wachten? {CALL[now]}")
    # The spreekuur's next opening, unambiguous: "vandaag, 10:00" at night, open now at 11:00.
    reply.assert_contains(
        "Het spreekuur is weer open: vandaag, 10:00." if now == NIGHT else "Het spreekuur is nu open."
    )
    (await bot.press(PATIENT, "📖 Spoed")).assert_contains("Bij levensbedreigende situaties belt u 112.")


async def test_the_afspraak_example_is_the_next_working_day(bot: Chat, now: datetime) -> None:
    await bot.say(PATIENT, "/afspraak")
    await bot.press(PATIENT, "Akkoord")
    reply = await bot.press(PATIENT, "CT-scan")
    reply.assert_contains("Bijvoorbeeld: wo 2 dec 10:00 of morgen 9:30.", "Stoppen? Typ stop.")
    (await bot.say(PATIENT, "wo 2 dec 10:00")).assert_contains(
        "Klopt dit? CT-scan: morgen, woensdag 2 december, 10:00."
    )
    saved = await bot.press(PATIENT, "Ja, opslaan")
    saved.assert_contains("Opgeslagen: CT-scan, morgen, woensdag 2 december, 10:00.")


async def test_help_is_true(bot: Chat, now: datetime) -> None:
    reply = await bot.say(PATIENT, "/help")
    reply.assert_contains("/afspraken – uw afspraken bekijken, of de herinneringen stoppen", "Typ stop", "112")
    reply.assert_not_contains("afzeggen")


async def test_a_long_chapter_comes_in_pages(bot: Chat, now: datetime) -> None:
    reply = (await bot.say(PATIENT, "/start leveruitzaaiingen")).assert_count(1)
    assert len(reply.text) < 1000
    page = await bot.press(PATIENT, "Verder (2/2) ▶")
    page.assert_contains("Leveruitzaaiingen (2/2)", "Het bloed uit het maagdarmstelsel").assert_buttons("◀ Terug (1/2)")
