"""Transcripts: free-text questions get the folder's passage, or an honest "not in the folder"."""

from __future__ import annotations

from bot.clock import local
from tests.chats import PATIENT, Chat


async def test_question_gets_quoted_passage_and_chapter_buttons(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "moet mijn gehoorapparaat uit bij de MRI?")
    reply.assert_count(1).assert_contains("Dit staat in de folder, bij MRI-scan", "alle voorwerpen van metaal")
    assert reply.labels[0] == "📖 MRI-scan" and reply.labels[-1] == "☰ Inhoud"
    (await chat.press(PATIENT, "📖 MRI-scan")).assert_contains("De MRI-scan duurt gemiddeld 30 minuten")


async def test_low_confidence_says_not_found_and_offers_contacts(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "hoe laat gaat de trein naar Utrecht?")
    reply.assert_contains("Dit staat niet in de folder", "020 444 11 00", "gioca-crc@amsterdamumc.nl")
    reply.assert_contains("Spoed? Bel nu de spoedlijn: 06 25 71 60 27. Levensgevaar? Bel 112.")  # Tuesday 10:30
    services = chat.assembly.services
    today = local(chat.clock.now()).date()
    await chat.say(PATIENT, "wat kost een parkeerkaart in Amsterdam?")
    assert services.misses.flush() == 2  # counted in memory, written in one go
    assert services.storage.miss_counts(today) == [(today, 2)]
    assert services.misses.flush() == 0


async def test_greetings_thanks_and_ok_get_short_replies(chat: Chat) -> None:
    (await chat.say(PATIENT, "Goedemorgen")).assert_count(1).assert_contains("Goedendag")
    (await chat.say(PATIENT, "dank u wel!")).assert_contains("Graag gedaan")
    (await chat.say(PATIENT, "ok")).assert_count(1).assert_not_contains("niet vinden")
    (await chat.say(PATIENT, "👍")).assert_count(1).assert_not_contains("niet vinden")


async def test_question_that_also_reports_a_symptom(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "Ik heb erge buikpijn, wie moet ik bellen?")
    reply.assert_contains("06 25 71 60 27", "112")
    assert "112" in (reply[0].text or "")  # the alarm reply comes first


async def test_english_question(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "How long does the MRI take?", language_code="en")
    reply.assert_contains("The folder says this, under", "30 minuten")
