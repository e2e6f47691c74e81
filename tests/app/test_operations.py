"""Operations: /healthz and /metrics of a running bot, and logs that never carry what patients typed."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest

from bot.clock import ManualClock
from bot.observability.logs import configure_logging
from bot.observability.pseudonyms import hash_chat_id
from tests.app.helpers import free_port
from tests.chats import PATIENT, running_bot


async def test_health_and_metrics_of_a_running_bot(tmp_path: Path, clock: ManualClock) -> None:
    port = free_port()
    async with running_bot(tmp_path, clock, metrics_port=port) as chat:
        await chat.say(PATIENT, "ik heb 39,5 koorts")
        await chat.say(PATIENT, "/start")
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            metrics = await client.get(f"http://127.0.0.1:{port}/metrics")
        assert health.status_code == 200
        assert health.json()["checks"] == {"database": "ok", "updates": "ok"}
        body = metrics.text
        assert 'alarms_total{level="seh"} 1.0' in body
        assert "handler_latency_seconds_bucket" in body
        labels = " ".join(re.findall(r"\{[^}]*\}", body))
        assert str(PATIENT) not in labels  # no chat ids in any label (values may hold any digits)


SECRET_TEXTS = [
    "Mijn naam is Johanna de Vries en ik heb 39,5 koorts",
    "Hoe lang duurt de MRI bij Johanna?",
    "wachtwoord-geheim-1234 /start",
    "ik moet steeds overgeven sinds de chemo van dokter Jansen",
    "10 december 13.15",
    "tralala onzin die niemand begrijpt",
]


async def test_logs_of_a_full_transcript_carry_no_texts_names_or_chat_ids(
    tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    # The production logging set-up, at its most talkative, with pytest's capture handler added back.
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("telegram").level)
    configure_logging(json=False, level=logging.DEBUG)
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        await run_transcript(tmp_path, clock)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("telegram").setLevel(saved[2])
        logging.captureWarnings(False)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert any(hash_chat_id(PATIENT) in r.getMessage() for r in caplog.records)  # alarms were logged, hashed
    for text in SECRET_TEXTS:
        for fragment in (text, text[:20], "Johanna", "Jansen", "wachtwoord"):
            assert fragment not in logged, fragment
    assert f" {PATIENT}" not in logged and f"={PATIENT}" not in logged and f"'{PATIENT}'" not in logged


async def run_transcript(tmp_path: Path, clock: ManualClock) -> None:
    async with running_bot(tmp_path, clock) as chat:
        await chat.say(PATIENT, "/start", first_name="Johanna")
        await chat.say(PATIENT, "/afspraak", first_name="Johanna")
        await chat.press(PATIENT, "Akkoord")
        await chat.press(PATIENT, "MRI-scan")
        for text in SECRET_TEXTS:
            await chat.say(PATIENT, text, first_name="Johanna")
        await chat.say(PATIENT, "/stop")
        await chat.press(PATIENT, "Ja, alles wissen")
