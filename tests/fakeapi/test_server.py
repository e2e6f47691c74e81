"""The fake Bot API on its own: wire format, long polling, validation, faults and rate limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.app.telegram_io import retry_after_seconds
from bot.fakeapi import FakeBotApi, RateLimits
from bot.fakeapi.telegram_html import HtmlError, parse_html, to_plain

from .conftest import TOKEN


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=0.3, write_timeout=1, connect_timeout=1, pool_timeout=1)
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as client:
        yield client


async def _post(fake: FakeBotApi, method: str, **data: object) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{fake.base_url}{TOKEN}/{method}", json=data, timeout=5)


async def test_get_me_and_unknown_method(fake: FakeBotApi, bot: Bot) -> None:
    assert bot.username == "levermetastasen_test_bot"
    assert bot.id == 123456  # taken from the token, as Telegram does
    response = await _post(fake, "sendCarrierPigeon", chat_id=1)
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert [c.method for c in fake.calls()] == ["getMe", "sendCarrierPigeon"]


async def test_long_poll_returns_when_an_update_arrives(fake: FakeBotApi) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(_post(fake, "getUpdates", offset=0, timeout=5))
    await fake.wait_until(lambda: fake.version > 1, what="the poll to arrive")
    update = fake.send_text(7, "hoi")
    result = (await poll).json()["result"]
    assert [u["update_id"] for u in result] == [update["update_id"]]
    assert loop.time() - started < 2  # woken by the update, not by the 5 s timeout
    # Not confirmed yet: asked again from 0 it comes again; an offset beyond it confirms it.
    assert len((await _post(fake, "getUpdates", offset=0)).json()["result"]) == 1
    assert (await _post(fake, "getUpdates", offset=update["update_id"] + 1)).json()["result"] == []
    await fake.wait_confirmed(update["update_id"])
    assert fake.pending_updates == []


async def test_long_poll_times_out_empty(fake: FakeBotApi) -> None:
    response = await _post(fake, "getUpdates", timeout=0.05)
    assert response.json() == {"ok": True, "result": []}


@pytest.mark.parametrize(
    "text",
    [
        "<b>vet</b> &amp; <i>schuin</i>",
        '<a href="https://x.nl/?a=1&amp;b=2">x</a>',
        "<pre><code>x</code></pre>",
        '<span class="tg-spoiler">s</span>',
        "<blockquote expandable>q</blockquote>",
        "a &lt; b &gt; c &#39;",
    ],
)
def test_valid_html(text: str) -> None:
    parse_html(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a <b>b", "end tag"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x<br>y", 'Unsupported start tag "br"'),
        ("1 < 2", "Unsupported start tag"),
        ("Q&A", "'&'"),
        ("<a>x</a>", "href"),
        ("</b>", "Unexpected end tag"),
        ("<code><b>x</b></code>", "not allowed inside"),
    ],
)
def test_invalid_html(text: str, problem: str) -> None:
    with pytest.raises(HtmlError, match=problem):
        parse_html(text)


def test_to_plain_renders_links_and_entities() -> None:
    assert to_plain('<b>Bel</b> <a href="tel:020">ons</a> &amp; co', "HTML") == "Bel ons (tel:020) & co"
    assert to_plain("<b>raw</b>", None) == "<b>raw</b>"


async def test_send_validation_through_ptb(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1000, "5 < 6", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1000, "x" * 4097)
    await bot.send_message(1000, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # tags don't count
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(
            1000, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
        )
    assert [c.status for c in fake.calls("sendMessage")] == [400, 400, 200, 400]


async def test_edits_like_telegram(fake: FakeBotApi, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(1000, "een", reply_markup=markup)
    assert sent.from_user is not None and sent.from_user.is_bot and sent.chat.id == 1000
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("een", chat_id=1000, message_id=sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", chat_id=1000, message_id=999)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", chat_id=2000, message_id=sent.message_id)
    await bot.edit_message_reply_markup(chat_id=1000, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_reply_markup(chat_id=1000, message_id=sent.message_id)
    edited = await bot.edit_message_text("twee", chat_id=1000, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.edit_date is not None
    assert [(m.text, m.edited) for m in fake.messages_to(1000)] == [("twee", True)]


async def test_commands_descriptions_and_webhook(fake: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("help", "Hulp")], language_code="nl")
    await bot.set_my_commands([("start", "Start")])
    assert [c.command for c in await bot.get_my_commands(language_code="nl")] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    await bot.set_my_description("Uitleg", language_code="nl")
    await bot.set_my_short_description("Kort")
    assert fake.description == {"nl": "Uitleg"} and fake.short_description == {"": "Kort"}
    await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    assert fake.webhook is not None and fake.webhook["url"] == "https://example.org/hook"
    with pytest.raises(Exception, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("500", NetworkError, "Internal Server Error"),
        ("403", Forbidden, "blocked"),
        ("429", RetryAfter, "Flood control"),
        ("timeout", TimedOut, None),
        ("close", NetworkError, None),
    ],
)
async def test_faults_surface_as_ptb_errors(
    fake: FakeBotApi, bot: Bot, kind: str, error: type[Exception], message: str | None
) -> None:
    fake.fail_next("sendMessage", kind, retry_after=3)  # type: ignore[arg-type]
    with pytest.raises(error, match=message) as caught:
        await bot.send_message(1000, "x")
    if kind == "429":
        assert isinstance(caught.value, RetryAfter) and retry_after_seconds(caught.value) == 3
    if kind == "500":
        assert not isinstance(caught.value, TimedOut)
    await bot.send_message(1000, "weer goed")  # a fault fires once by default
    assert [m.text for m in fake.messages_to(1000)] == ["weer goed"]


async def test_fault_per_chat_and_count(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail_next("sendMessage", "403", count=2, chat_id=5)
    await bot.send_message(6, "ander")
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(5, "geblokkeerd")
    await bot.send_message(5, "weer")
    assert [c.status for c in fake.calls("sendMessage")] == [200, 403, 403, 200]


async def test_rate_limits() -> None:
    now = [100.0]
    limits = RateLimits(global_per_second=3, per_chat_per_second=1)
    async with FakeBotApi(rate_limits=limits, monotonic=lambda: now[0]) as fake:
        async with Bot(TOKEN, base_url=fake.base_url) as bot:
            await bot.send_message(1, "a")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(1, "a")
            assert retry_after_seconds(caught.value) == 1
            await bot.send_message(2, "b")
            await bot.send_message(3, "c")
            with pytest.raises(RetryAfter):
                await bot.send_message(4, "d")  # fourth message within a second: global limit
            now[0] += 1.01
            await bot.send_message(1, "a")
    assert fake.stats.accepted == 4 and fake.stats.rejected_429 == 2
    assert fake.stats.per_chat == {1: 2, 2: 1, 3: 1}
    assert fake.stats.duplicates() == {(1, "a"): 2}
    assert [chat for _, chat in fake.accepted_at] == [1, 2, 3, 1]


async def test_groups_get_twenty_messages_a_minute() -> None:
    now = [0.0]
    async with FakeBotApi(rate_limits=RateLimits(), monotonic=lambda: now[0]) as fake:
        async with Bot(TOKEN, base_url=fake.base_url) as bot:
            for _ in range(20):
                await bot.send_message(-100, "groep")
                now[0] += 1.5
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(-100, "groep")  # the 21st within a minute
            assert retry_after_seconds(caught.value) == 30  # until the first one is a minute old
            await bot.send_message(5, "privé")  # other chats are not held up
            now[0] += 30
            await bot.send_message(-100, "groep")


async def test_wait_for_calls(fake: FakeBotApi, bot: Bot) -> None:
    task = asyncio.create_task(bot.send_message(1, "x"))
    calls = await fake.wait_for_calls(1, "sendMessage", within=2)
    await task
    assert calls[0].params["chat_id"] == "1" and calls[0].chat_id == 1
    with pytest.raises(TimeoutError):
        await fake.wait_for_calls(5, "sendMessage", within=0.01)
