"""Shared steps of the app tests: entering an MRI appointment, and talking to the bot's webhook
(the secret, the URL Telegram would post to, a free local port, a text-message update)."""

from __future__ import annotations

import socket

from tests.chats import PATIENT, Chat

SECRET = "s3cret-token_for-tests"
URL = "https://bot.example.org/telegram/hook"


def free_port() -> int:
    """A port on 127.0.0.1 that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    """The update Telegram posts when `chat_id` sends `text`."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "nl"},
            "text": text,
        },
    }


async def enter_mri(chat: Chat) -> None:
    """The patient enters an MRI appointment on 10 December at 13:15 and saves it."""
    (await chat.say(PATIENT, "/afspraak")).assert_contains("Wat ik bewaar", "Gaat u akkoord?")
    (await chat.press(PATIENT, "Akkoord")).assert_contains("Voor welk onderzoek").assert_buttons(
        "MRI-scan", "Annuleren"
    )
    (await chat.press(PATIENT, "MRI-scan")).assert_contains("Wanneer is uw MRI-scan?")
    (await chat.say(PATIENT, "10 december 13.15")).assert_contains("Klopt dit? MRI-scan: donderdag 10 december, 13:15.")
    reply = await chat.press(PATIENT, "Ja, opslaan")
    reply.assert_contains("Opgeslagen", "• woensdag 9 december, 18:00", "• donderdag 10 december, 11:15")
