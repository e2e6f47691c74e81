"""Issue 12 with `python -m bot run` as a process against the local Bot API fake: secrets and start-up."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot.fakeapi.server import FakeBotApi
from tests.app.helpers import free_port
from tests.cli import TOKEN, clean_env, finish, start_bot


@pytest.mark.parametrize("how", ["--base-url", "TELEGRAM_BASE_URL"])
async def test_a_rejected_token_is_never_printed(tmp_path: Path, how: str) -> None:
    async with FakeBotApi() as fake:
        wrong = fake.base_url.replace("/bot", "/nobot")  # a mistyped URL: the server answers 404 to getMe
        env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}")
        args: tuple[str, ...] = ("run",)
        if how == "--base-url":
            args += ("--base-url", wrong)
        else:
            env["TELEGRAM_BASE_URL"] = wrong
        code, output = await finish(await start_bot(*args, env=env))
    assert code != 0
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    assert "InvalidToken" in output.splitlines()[-1]


@pytest.mark.parametrize(
    "token",
    ["4242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", "123456789:short-secret", "7:x9"],
    ids=["four-digit-id", "short-secret", "tiny"],
)
async def test_a_rejected_token_of_any_shape_is_never_printed(tmp_path: Path, token: str) -> None:
    # Issue 25, finding 7: the pattern assumed a full-length token; the token is now redacted by value.
    async with FakeBotApi() as fake:
        wrong = fake.base_url.replace("/bot", "/nobot")
        env = clean_env(TELEGRAM_BOT_TOKEN=token, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}")
        code, output = await finish(await start_bot("run", "--base-url", wrong, env=env))
    assert code != 0 and "InvalidToken" in output.splitlines()[-1]
    assert token not in output and token.split(":")[1] not in output.replace("<redacted>", "")


@pytest.mark.parametrize("salt", ["", "levermetastasen-bot"], ids=["empty", "public-default"])
async def test_without_a_salt_a_random_one_is_made_once_and_kept(tmp_path: Path, salt: str) -> None:
    db = tmp_path / "bot.db"
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{db}", LOG_HASH_SALT=salt)
    salts = []
    async with FakeBotApi() as fake:
        for _ in range(2):
            code, output = await finish(
                await start_bot("run", "--base-url", fake.base_url.replace("/bot", "/nobot"), env=env)
            )
            assert code != 0 and "LOG_HASH_SALT is not set" in output
            with sqlite3.connect(db) as conn:
                salts.append(conn.execute("SELECT value FROM app_secrets WHERE name = 'log_hash_salt'").fetchall())
    assert salts[0] == salts[1] and len(salts[0][0][0]) == 64  # 256 random bits, made once


async def test_metrics_port_in_use_is_one_line_naming_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = clean_env(
            TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", METRICS_PORT=str(port)
        )
        async with FakeBotApi() as fake:
            code, output = await finish(await start_bot("run", "--base-url", fake.base_url, env=env))
    assert code != 0
    assert f"METRICS_PORT/METRICS_HOST: cannot listen on 127.0.0.1:{port}" in output
    assert "Traceback" not in output


async def test_webhook_answers_400_to_bad_bodies_and_logs_no_update_content(tmp_path: Path) -> None:
    port = free_port()
    secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", WEBHOOK_SECRET="s3cret")
    async with FakeBotApi() as fake:
        args = ("run", "--base-url", fake.base_url, "--webhook", "https://bot.example.org/hook")
        process = await start_bot(*args, "--listen", "127.0.0.1", "--port", str(port), env=env)
        try:
            await fake.wait_until(lambda: fake.webhook is not None, within=60, what="setWebhook")
            unreadable = {
                "update_id": 7,
                "message": {"message_id": 1, "date": "x", "chat": {"id": 5, "type": "private"}},
            }
            unreadable["message"]["text"] = "Mijn naam is Jansen en ik heb koorts"  # type: ignore[index]
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=secret) as client:
                for _ in range(50):  # the webhook server starts right after setWebhook
                    try:
                        malformed = await client.post(
                            "/hook", content=b"{not json", headers={"Content-Type": "application/json"}
                        )
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.1)
                not_an_update = await client.post("/hook", json=unreadable)
        finally:
            code, output = await finish(process, stop=True)
    assert malformed.status_code == 400
    assert not_an_update.status_code == 400
    assert "Jansen" not in output and "koorts" not in output
    assert "could not be parsed" in output
    assert code == 0, output
