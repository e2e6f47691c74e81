"""The echo bot driven through the fake with the transcript harness."""

from __future__ import annotations

import pytest
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot.fakeapi import FakeBotApi
from bot.fakeapi.harness import BotHarness, harness_for

from .conftest import build_echo_app


async def test_round_trip_and_button_edit(harness: BotHarness) -> None:
    reply = await harness.say(1000, "hallo & <dag>")
    reply.assert_count(1).assert_contains("Je zei: hallo & <dag>").assert_buttons("Ok", "Nee", "Website")
    assert reply[0].parse_mode == "HTML"
    assert reply[0].text == "Je zei: <b>hallo &amp; &lt;dag&gt;</b>"

    pressed = await harness.press(1000, "Nee")
    pressed.assert_count(1).assert_contains("Gekozen: nee")
    assert pressed[0].edited and pressed[0].buttons == ()  # editing without markup drops the keyboard
    assert [m.text for m in harness.fake.messages_to(1000)] == ["Gekozen: nee"]
    assert "patient 1000 presses [Nee]" in harness.transcript()


async def test_failed_assertion_prints_transcript(harness: BotHarness) -> None:
    reply = await harness.say(1000, "hoi")
    with pytest.raises(AssertionError, match=r"(?s)lacks.*transcript.*patient 1000: hoi"):
        reply.assert_contains("iets anders")


async def test_other_update_kinds(harness: BotHarness) -> None:
    fake = harness.fake
    (await harness.send(lambda: fake.send_voice(1000), "voice")).assert_contains("Ontvangen: voice")
    (await harness.send(lambda: fake.send_photo(1000, caption="wond"), "photo")).assert_contains("photo (wond)")
    (await harness.send(lambda: fake.send_sticker(1000), "sticker")).assert_contains("sticker")
    (await harness.send(lambda: fake.send_location(1000), "location")).assert_contains("location")
    (await harness.send(lambda: fake.send_document_from_user(1000), "doc")).assert_contains("document")
    first = fake.send_text(1000, "typo")
    await harness.settle(first)
    edited = fake.edit_text(1000, first["message"]["message_id"], "tekst")
    (await harness.settle(edited)).assert_contains("Aangepast: tekst")


async def test_odd_update_is_confirmed_silently(harness: BotHarness) -> None:
    reply = await harness.settle(harness.fake.queue_update({"something_new": {"x": 1}}))
    reply.assert_silent()


async def test_handler_error_fails_the_step(harness: BotHarness) -> None:
    with pytest.raises(AssertionError, match=r"(?i)can't parse entities"):
        await harness.command(1000, "bad")


async def test_document_via_multipart(harness: BotHarness) -> None:
    reply = await harness.command(1000, "doc")
    document = reply[0].document
    assert document is not None
    assert (document.filename, document.content) == ("afspraak.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert reply[0].caption == "Uw afspraak"
    assert harness.fake.calls("sendDocument")[0].files["document"].filename == "afspraak.ics"


async def test_unanswered_callback_is_reported(fake: FakeBotApi) -> None:
    async def _swallow(update: object, context: object) -> None:
        raise ApplicationHandlerStop  # handles the press without answering it

    app = build_echo_app(fake.base_url)
    app.add_handler(CallbackQueryHandler(_swallow), group=-1)
    async with BotHarness(app, fake) as h:
        await h.say(1000, "hoi")
        with pytest.raises(AssertionError, match="not answered"):
            await h.press(1000, "ok")
    assert len(fake.unanswered_callbacks()) == 1


async def test_harness_for_builds_fake_and_app() -> None:
    async with harness_for(build_echo_app) as h:
        (await h.say(42, "x")).assert_contains("Je zei: x")
        assert h.fake.calls("getMe")[0].response["result"]["username"] == "levermetastasen_test_bot"
