"""The whole bot over the local fake Bot API, against a bare python-telegram-bot echo bot.

    .venv/bin/python -m bench.bench_bot          (BENCH_QUICK=1 for a short run)

Two figures, both over loopback with the fake (`bot.fakeapi.FakeBotApi`) in the same event loop:

* throughput: N patient messages from many chats are queued in the fake at once; the clock runs
  from the injection until python-telegram-bot has handled every update (``update_queue.join()``:
  the handlers, and so their replies, are done). Measured for the full bot (alarm triage, routing,
  search, storage, reply) and for a bare PTB echo bot; the ratio full / echo should be >= 0.7.
* latency: one message at a time, from the injection until the fake has answered the bot's
  sendMessage (the first reply; an alarm reply comes first). p50 and p99; the goal is p99 <= 5 ms.

Both apps process updates one at a time (PTB's default), as the production bot does. The bot's
WARNING logs (one line per alarm) are silenced while measuring: without a configured handler Python
would print them all to stderr, which measures the terminal rather than the bot.
Returns a dict of figures (and prints it); not a test: timings vary by machine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402 - after the path fix above
from telegram.ext import Application, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.app.assembly import build_application  # noqa: E402
from bot.clock import AMSTERDAM, ManualClock  # noqa: E402
from bot.fakeapi.harness import BotHarness  # noqa: E402
from bot.fakeapi.server import FakeBotApi  # noqa: E402
from bot.settings import Settings  # noqa: E402

AnyApp = Application[Any, Any, Any, Any, Any, Any]
TOKEN = "123456:BENCH"  # noqa: S105 - not a secret: only the local fake accepts it
# A Tuesday inside office hours, so alarm routing is the same on every run.
OFFICE_HOURS = datetime(2026, 3, 10, 11, 0, tzinfo=AMSTERDAM)
GOAL_RATIO = 0.7
GOAL_P99_MS = 5.0

# Written for this benchmark: questions, small talk and alarms as patients type them.
QUESTIONS = [
    "Hoe lang moet ik van tevoren stoppen met eten voor de operatie?",
    "mag ik na de leveroperatie weer autorijden",
    "Wat gebeurt er tijdens een PET-CT?",
    "hoeveel dagen lig ik ongeveer in het ziekenhuis",
    "Waar moet ik me melden op de dag van de opname?",
    "Wanneer krijg ik de uitslag van het MDO te horen?",
    "kan mijn partner blijven slapen na de ingreep",
    "wat is het verschil tussen RFA en een resectie",
    "Moet ik mijn bloedverdunners stoppen?",
    "Hoe bereik ik de casemanager?",
    "wat mag ik eten na de operatie",
    "Is er wifi op de afdeling?",
    "goedemorgen",
    "Dankjewel voor de uitleg!",
    "How long does the liver take to grow back?",
]
ALARMS = [
    "ik heb sinds vannacht 39,5 koorts",
    "Mijn wond is rood en er komt pus uit",
    "ik word ineens helemaal geel en heb jeuk",
    "ik kan niet meer plassen sinds gisteren",
    "mijn buik is hard en opgezet, ik heb veel pijn, wat moet ik doen?",
    "ik ben erg kortademig bij het traplopen",
    "I have had a high fever since this morning, should I come in?",
    "ik braak alles uit wat ik eet",
]


def patient_messages(n: int, seed: int = 11) -> list[str]:
    """`n` messages: about one in four an alarm, some with a name or a number added."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = rng.choice(ALARMS) if rng.random() < 0.25 else rng.choice(QUESTIONS)
        if i % 4 == 1:
            text = f"{text} (groet, {rng.choice(['Anja', 'Kees', 'Fatima', 'Wim', 'Joke'])})"
        elif i % 4 == 2:
            text = f"{text} {rng.randrange(1, 31)}"
        out.append(text)
    return out


# ---------------------------------------------------------------- the two applications


def build_full_bot(base_url: str, database_dir: Path) -> AnyApp:
    settings = dataclasses.replace(
        Settings.from_env({}),
        token=TOKEN,
        base_url=base_url,
        database_url=f"sqlite:///{database_dir / 'bench.db'}",
    )
    return build_application(settings, clock=ManualClock(OFFICE_HOURS)).app


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def build_echo_bot(base_url: str, _database_dir: Path) -> AnyApp:
    app = Application.builder().token(TOKEN).base_url(base_url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app


# ---------------------------------------------------------------- measurements


async def _drain(fake: FakeBotApi, app: AnyApp, last_update_id: int, within: float) -> None:
    await fake.wait_confirmed(last_update_id, within=within)
    await asyncio.wait_for(app.update_queue.join(), within)


async def _throughput(fake: FakeBotApi, app: AnyApp, texts: list[str], chats: int) -> float:
    """Messages handled per second with all of `texts` queued at once."""
    last = 0
    start = time.perf_counter()
    for i, text in enumerate(texts):
        last = fake.send_text(100_000 + i % chats, text)["update_id"]
    await _drain(fake, app, last, within=300)
    return len(texts) / (time.perf_counter() - start)


async def _latency(fake: FakeBotApi, app: AnyApp, texts: list[str]) -> list[float]:
    """Milliseconds from injection to the answered sendMessage, one message at a time."""
    samples = []
    for i, text in enumerate(texts):
        before = fake.stats.accepted  # a counter: scanning every call would slow down with the run
        start = time.perf_counter()
        update = fake.send_text(200_000 + i, text)
        await fake.wait_until(lambda n=before: fake.stats.accepted > n, 10, "a reply")
        samples.append((time.perf_counter() - start) * 1000)
        await _drain(fake, app, update["update_id"], within=10)  # the next poll is waiting again
    return samples


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _measure(
    build: Callable[[str, Path], AnyApp], texts: list[str], latency_texts: list[str], chats: int
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
        async with FakeBotApi() as fake:
            app = build(fake.base_url, Path(tmp))
            async with BotHarness(app, fake, fail_on_handler_errors=True) as harness:
                await harness.settle(fake.send_text(1, "hallo"))  # warm-up: first replies, connections
                await _throughput(fake, app, texts[: len(texts) // 10], chats)  # warm-up
                per_second = await _throughput(fake, app, texts, chats)
                latencies = await _latency(fake, app, latency_texts)
                if harness.errors:
                    raise RuntimeError(f"the bot raised during the benchmark: {harness.errors[:3]!r}")
    return {
        "per_second": per_second,
        "p50_ms": statistics.median(latencies),
        "p99_ms": _percentile(latencies, 0.99),
    }


async def _run(n: int, latency_n: int, chats: int) -> dict[str, Any]:
    texts = patient_messages(n)
    latency_texts = patient_messages(latency_n, seed=12)
    full = await _measure(build_full_bot, texts, latency_texts, chats)
    echo = await _measure(build_echo_bot, texts, latency_texts, chats)
    ratio = full["per_second"] / echo["per_second"]
    return {
        "messages": n,
        "chats": chats,
        "full_per_second": round(full["per_second"], 1),
        "echo_per_second": round(echo["per_second"], 1),
        "ratio": round(ratio, 3),
        "latency_samples": latency_n,
        "p50_ms": round(full["p50_ms"], 3),
        "p99_ms": round(full["p99_ms"], 3),
        "echo_p50_ms": round(echo["p50_ms"], 3),
        "echo_p99_ms": round(echo["p99_ms"], 3),
        "ok": bool(ratio >= GOAL_RATIO and full["p99_ms"] <= GOAL_P99_MS),
    }


def run(quick: bool | None = None) -> dict[str, Any]:
    """Measure both apps; `quick` (default: env BENCH_QUICK=1) uses fewer messages."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK") == "1"
    n, latency_n = (300, 100) if quick else (2_000, 500)
    quiet = logging.getLogger()
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        result = asyncio.run(_run(n, latency_n, chats=200))
    finally:
        quiet.setLevel(level)
    print(
        f"bot: {result['full_per_second']:,.0f} msg/s vs echo {result['echo_per_second']:,.0f} msg/s "
        f"= ratio {result['ratio']} (goal >= {GOAL_RATIO}); latency p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms (goal <= {GOAL_P99_MS}); echo p50 {result['echo_p50_ms']} ms, "
        f"p99 {result['echo_p99_ms']} ms"
    )
    return result


if __name__ == "__main__":
    figures = run()
    sys.exit(0 if figures["ok"] else 1)
