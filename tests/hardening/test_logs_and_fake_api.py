"""Unparseable updates leave no content in the logs; `python -m bot fake-api` serves `run --base-url`."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import socket
import sys
from pathlib import Path

from bot.observability.logs import configure_logging
from tests.cli import ROOT, TOKEN, clean_env, finish, start_bot


def test_an_update_ptb_cannot_parse_is_logged_without_its_content() -> None:
    stream = io.StringIO()
    handler = configure_logging()
    handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        data = [{"update_id": 1, "message": {"text": "Mijn naam is Jansen, ik heb koorts"}}]
        try:
            raise TypeError(f"bad update {data!r}")
        except TypeError as exc:
            # What telegram.Bot.get_updates logs when polling meets such an update.
            logging.getLogger("telegram.Bot").critical(
                "Error while parsing updates! Received data was %r", data, exc_info=exc
            )
    finally:
        configure_logging(level=logging.WARNING)
    written = stream.getvalue()
    assert "could not be parsed" in written and "(TypeError)" in written
    assert "Jansen" not in written and "koorts" not in written and len(written.splitlines()) == 1


async def test_fake_api_command_serves_run_base_url_as_the_readme_shows(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fake = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "fake-api", "--port", str(port), cwd=ROOT, env=clean_env(),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert fake.stdin is not None and fake.stdout is not None
    banner = (await asyncio.wait_for(fake.stdout.readline(), 30)).decode()
    base_url = re.search(r"http://127\.0\.0\.1:\d+/bot", banner)
    assert base_url is not None and str(port) in banner
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "fake-api --port 8081" in readme and "run --base-url http://127.0.0.1:8081/bot" in readme
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}")
    bot = await start_bot("run", "--base-url", base_url[0], env=env)
    try:
        fake.stdin.write(b"/start\n")
        await fake.stdin.drain()
        seen = ""
        while "Welkom" not in seen:
            seen += (await asyncio.wait_for(fake.stdout.readline(), 60)).decode()
        fake.stdin.write(b"2\n")  # the second button of the menu (after "Spoed — wie bel ik?"): a chapter
        await fake.stdin.drain()
        while not (line := (await asyncio.wait_for(fake.stdout.readline(), 60)).decode()).startswith("bot"):
            pass
        assert "Over deze folder" in line  # the chapter opened in place of the menu
    finally:
        code, output = await finish(bot, stop=True)
        fake.stdin.close()
        await asyncio.wait_for(fake.wait(), 30)
    assert code == 0, output
