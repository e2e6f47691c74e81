"""The bot's requests over aiohttp: a send that may have reached Telegram is told apart from one that
cannot have, so reminders and broadcasts are never sent twice and replies are retried."""

from __future__ import annotations

import pytest

from bot.app.http_client import AiohttpRequest
from bot.app.telegram_io import TelegramSender
from bot.sending import MaybeDelivered, Transient
from tests.app.helpers import free_port
from tests.chats import PATIENT, Chat


async def test_a_connection_dropped_after_an_at_most_once_send_is_not_repeated(chat: Chat) -> None:
    chat.fake.fail_next("sendMessage", "close", chat_id=PATIENT)
    with pytest.raises(MaybeDelivered):
        await chat.assembly.services.sender.send_message(PATIENT, "Herinnering")
    assert chat.fake.stats.per_chat[PATIENT] == 0  # one attempt, dropped; no second one


async def test_a_reply_whose_connection_dropped_is_sent_again(chat: Chat) -> None:
    chat.fake.fail_next("sendMessage", "close", chat_id=PATIENT)
    replies = await chat.say(PATIENT, "ik heb sinds vanmiddag 39,6 koorts")
    assert any("112" in (reply.text or "") for reply in replies)


async def test_telegram_out_of_reach_is_a_transient_error_for_an_at_most_once_send(chat: Chat) -> None:
    bot = chat.assembly.app.bot
    request = bot.request
    unreachable = type(bot)(bot.token, base_url=f"http://127.0.0.1:{free_port()}/bot", request=request)
    with pytest.raises(Transient):  # nothing can have reached Telegram: the caller may try again
        await TelegramSender(unreachable).send_message(PATIENT, "Herinnering")


def test_the_proxy_comes_from_the_environment_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.ziekenhuis.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    request = AiohttpRequest()
    assert request._proxy("https://api.telegram.org/bot1:x/sendMessage") == "http://proxy.ziekenhuis.example:3128"
    assert request._proxy("http://127.0.0.1:8081/bot1:x/sendMessage") is None
    monkeypatch.delenv("HTTPS_PROXY")
    assert request._proxy("https://api.telegram.org/bot1:x/getMe") == "http://proxy.ziekenhuis.example:3128"  # cached
