"""Transcripts: the welcome, the menu, chapters, navigation in place, deep links, /taal."""

from __future__ import annotations

from tests.chats import PATIENT, Chat


async def test_start_shows_a_short_welcome_112_and_menu_with_spoed_first(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "/start")
    reply.assert_count(1).assert_contains("Welkom", "vervang uw behandelteam niet", "112", "Inhoud van de folder")
    reply.assert_buttons("Het team", "De lever", "Behandelingen", "Contact")
    assert reply.labels[0] == "🚨 Spoed — wie bel ik?"
    assert len(reply.text.split("Inhoud van de folder")[0]) <= 250  # the welcome before the menu


async def test_chapter_navigation_edits_in_place(chat: Chat) -> None:
    await chat.say(PATIENT, "/menu")
    menu = chat.harness.last(PATIENT)
    reply = await chat.press(PATIENT, "Onderzoek en diagnose")
    reply.assert_count(1).assert_contains("Om de diagnose", "zoals een:")
    reply.assert_buttons("CT scan", "MRI-scan", "Leverpunctie", "PET-scan")
    assert reply[0].message_id == menu.message_id  # edited, not a new message
    reply = await chat.press(PATIENT, "MRI-scan")
    reply.assert_contains("alle voorwerpen van metaal").assert_buttons("▲ Onderzoek en diagnose", "☰ Inhoud")
    reply = await chat.press(PATIENT, "Leverpunctie ▶")
    reply.assert_contains("onder lokale verdoving")
    reply = await chat.press(PATIENT, "☰ Inhoud")
    reply.assert_contains("Inhoud van de folder")
    assert len(chat.fake.messages_to(PATIENT)) == 1  # navigation added no messages


async def test_every_chapter_and_section_opens_from_the_menu(chat: Chat) -> None:
    content = chat.assembly.services.knowledge.current.catalog.content
    await chat.say(PATIENT, "/menu")
    for chapter in content.top_level():
        (await chat.press(PATIENT, f"ch:{chapter.id}")).assert_contains(chapter.title)
        for section in content.children(chapter.id):
            (await chat.press(PATIENT, f"ch:{section.id}")).assert_contains(section.title, chapter.title)
            await chat.press(PATIENT, f"ch:{chapter.id}")
        await chat.press(PATIENT, "menu")


async def test_deep_link_opens_chapter(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "/start spoed")
    reply.assert_contains("Spoed", "06 25 71 60 27", "huisartsenpost", "112")


async def test_a_deep_link_code_is_no_complaint(chat: Chat) -> None:
    """A deep link's payload is a code the bot made: one that happens to hold alarm words is not triaged."""
    reply = await chat.say(PATIENT, "/start ikbloedheviger_koorts39")
    assert "Bel nu" not in "".join(m.text or "" for m in reply)
    (await chat.say(PATIENT, "/start ik bloed hevig uit de wond")).assert_contains("112")


async def test_contact_shows_all_numbers_on_two_pages(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "/contact")
    reply.assert_count(1).assert_contains("020 444 44 44", "020 444 11 00").assert_buttons("Verder (2/2) ▶")
    assert len(reply[0].text or "") < 1000
    first = reply[0].message_id
    reply = await chat.press(PATIENT, "Verder (2/2) ▶")
    reply.assert_contains("Contact (2/2)", "06 25 71 60 27", "gioca-crc@amsterdamumc.nl").assert_buttons(
        "◀ Terug (1/2)"
    )
    assert reply[0].message_id == first  # the page turns in place
    (await chat.press(PATIENT, "◀ Terug (1/2)")).assert_contains("020 444 44 44")


async def test_help_and_unknown_command(chat: Chat) -> None:
    (await chat.say(PATIENT, "/help")).assert_contains("/afspraak", "/stop", "112")
    (await chat.say(PATIENT, "/bestaatniet")).assert_contains("Die opdracht ken ik niet").assert_buttons("Het team")


async def test_stale_and_tampered_buttons_get_the_menu(chat: Chat) -> None:
    await chat.say(PATIENT, "/menu")
    menu = chat.harness.last(PATIENT)
    for data in ("ch:bestaat-niet", "rubbish", "appt:del:999999", "rem:read:42", ""):
        chat.fake.press_button(PATIENT, menu.message_id, data, check=False)
        await chat.harness.settle(chat.fake.pending_updates[-1])
    texts = [m.text for m in chat.fake.messages_to(PATIENT)]
    assert any("Deze knop werkt niet meer" in (t or "") for t in texts)


async def test_english_interface_from_language_code_and_taal(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "/start", language_code="en")
    reply.assert_contains("Welcome", "Call 112").assert_buttons("Het team", "🚨 Urgent — whom do I call?")
    reply = await chat.say(PATIENT, "/taal", language_code="en")
    reply = await chat.press(PATIENT, "Nederlands")
    reply.assert_contains("Ik gebruik nu het Nederlands")
    (await chat.say(PATIENT, "/help", language_code="en")).assert_contains("Zo werkt deze chatbot")


async def test_commands_registered_in_both_languages(chat: Chat) -> None:
    assert {lang for (_scope, lang) in chat.fake.commands} >= {"", "en"}


async def test_optional_startup_calls_may_fail_on_a_minimal_server(chat: Chat) -> None:
    for method in ("setMyCommands", "setMyDescription", "setMyShortDescription"):
        chat.fake.fail_next(method, "400", count=10)
    chat.fake.fail_next("setMyCommands", "500", count=10)
    await chat.assembly.startup()  # logs the failures, raises nothing
    (await chat.say(PATIENT, "/start")).assert_contains("Welkom")
