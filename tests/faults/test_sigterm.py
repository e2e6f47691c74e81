"""SIGTERM (docker stop) while a broadcast goes out and unanswered questions are counted: the bot
finishes what is in flight, writes the counts, gives unsent rows back and exits 0; started again, it
delivers the rest with none lost and none twice."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.fakeapi.relay import relay_to
from bot.fakeapi.server import FakeBotApi
from bot.storage import open_storage
from tests.cli import bot_env, start_bot
from tests.databases import pg_url

__all__ = ["pg_url"]  # a fixture

RECIPIENTS = range(7000, 7150)
ASKER = 6000


async def terminate(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode is not None
    return proc.returncode, stderr.decode(errors="replace")


async def test_sigterm_drains_flushes_and_exits_0_then_resumes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    storage = open_storage(url)
    now = datetime.now(UTC)
    for chat_id in RECIPIENTS:
        storage.upsert_patient(chat_id, "nl", now, consent_at=now)
    storage.staff.create_broadcast(
        now=now,
        created_by=None,
        kind="text",
        audience="all",
        text="Het spreekuur is dicht op 24 december.",
        urgent=True,
    )
    async with FakeBotApi() as fake:

        def delivered() -> int:
            return sum(1 for chat_id in RECIPIENTS if fake.messages_to(chat_id))

        env = bot_env(fake.base_url, url)
        proc = await start_bot("run", env=env)
        try:
            await fake.wait_until(lambda: delivered() >= 20, within=30, what="the broadcast to start")
            fake.send_text(ASKER, "hoe laat gaat de trein naar Utrecht?")  # not in the folder: counted
            await fake.wait_until(lambda: bool(fake.messages_to(ASKER)), within=10, what="the answer")
            code, stderr = await terminate(proc)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert code == 0, stderr
        assert "Traceback" not in stderr, stderr
        at_stop = delivered()
        assert at_stop < len(RECIPIENTS)  # stopped halfway
        assert sum(n for _, n in storage.miss_counts(now.date())) == 1  # the minute's count was written
        counts = storage.outbox.counts(1)
        assert counts.get("sending", 0) == 0  # nothing left claimed
        assert counts.get("sent", 0) == at_stop

        proc = await start_bot("run", env=env)
        try:
            await fake.wait_until(lambda: delivered() == len(RECIPIENTS), within=30, what="the rest")
            code, stderr = await terminate(proc)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert code == 0, stderr
        per_chat = [len(fake.messages_to(chat_id)) for chat_id in RECIPIENTS]
        assert per_chat == [1] * len(RECIPIENTS)  # none lost, none twice
    storage.close()


@pytest.mark.postgres
async def test_sigterm_while_postgres_hangs_still_exits_0_promptly(pg_url: str) -> None:
    parsed = make_url(pg_url)
    async with FakeBotApi() as fake:
        with relay_to(parsed.host or "127.0.0.1", parsed.port or 5432) as relay:
            relayed = pg_url.replace(f"{parsed.host}:{parsed.port}", f"127.0.0.1:{relay.port}")
            proc = await start_bot("run", env=bot_env(fake.base_url, relayed))
            try:
                fake.send_text(ASKER, "/start")
                await fake.wait_until(lambda: bool(fake.messages_to(ASKER)), within=30, what="the bot to start")
                relay.pause()
                fake.send_text(ASKER, "/afspraken")  # needs the database: its thread now waits
                fake.send_text(ASKER + 1, "Ik heb sinds vanmiddag 39,6 koorts")
                await fake.wait_until(lambda: bool(fake.messages_to(ASKER + 1)), within=2, what="the alarm reply")
                assert "112" in (fake.messages_to(ASKER + 1)[0].text or "")
                started = time.monotonic()
                code, stderr = await terminate(proc)
                assert code == 0, stderr
                # Waits in progress end within 1 s of the stop, writes give up 1 s later, the listener is closed.
                assert time.monotonic() - started < 8
            finally:
                relay.resume()
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
