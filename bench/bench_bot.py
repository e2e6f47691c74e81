"""The whole bot over the local fake Bot API, against a bare python-telegram-bot echo bot.

    .venv/bin/python -m bench.bench_bot          (BENCH_QUICK=1 for a short run)

The fake (`bot.fakeapi.FakeBotApi`) runs in a child process (`bench.fake_process`), as Telegram runs
elsewhere: its request parsing, HTML checks and JSON answers no longer run in the bot's event loop.
Its response time still counts wherever the bot awaits an answer, as Telegram's would. The bot runs
in this process with plain polling (initialize, start, start_polling); the clocks below run here.
Two figures, both over loopback:

* throughput: N patient messages from many chats are injected at once (one control call). The
  clock starts just before that call and stops when python-telegram-bot has processed N updates
  (a counting handler in group -1000 saw N) and ``update_queue.join()`` returned, i.e. every
  handler, and so every reply, is done. Measured for the full bot (alarm triage, routing, search,
  storage, reply) and for a bare PTB echo bot; the ratio full / echo should be >= 0.7.
* latency: one message at a time, from just before the inject call until ``process_update`` for
  that update returned here: all blocking handlers ran and every reply they awaited was answered by
  the fake. For an alarm that also asks a question this covers both replies (alarm reply, then the
  answer). p50 and p99 for both apps; the goal is a ratio, since absolute times move with the
  machine: the full bot's p99 <= 1.25 x the echo bot's p99 in the same run.
* first reply: from just before the inject call until the fake accepted the first message to that
  chat (the fake's clock is the same monotonic clock). It is what a patient waits for: for an alarm,
  the alarm reply. It differs from the latency above for the messages that get two replies (an alarm
  that also asks a question: the alarm reply, then the folder's answer), whose second round trip
  the latency above includes and the echo bot never makes.

The full bot schedules updates as in production (chats in parallel, each chat in order); the echo
bot uses PTB's default (one at a time). The full bot is started without `Assembly.startup`
(command registration, timers), so the measurement is the update path only.
The bot's WARNING logs (one line per alarm) are silenced while measuring: without a configured handler
Python would print them all to stderr, which measures the terminal rather than the bot.
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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402 - after the path fix above
from telegram.ext import Application, ContextTypes, MessageHandler, TypeHandler, filters  # noqa: E402

from bench.fake_process import FakeProcess  # noqa: E402
from bot.app.assembly import build_application  # noqa: E402
from bot.app.groups import Group  # noqa: E402
from bot.app.memory import keep_long_lived_out_of_gc  # noqa: E402
from bot.clock import AMSTERDAM, ManualClock  # noqa: E402
from bot.settings import Settings  # noqa: E402

AnyApp = Application[Any, Any, Any, Any, Any, Any]
TOKEN = "123456:BENCH"  # noqa: S105 - not a secret: only the local fake accepts it
# A Tuesday inside office hours, so alarm routing is the same on every run.
OFFICE_HOURS = datetime(2026, 3, 10, 11, 0, tzinfo=AMSTERDAM)
GOAL_RATIO = 0.7
GOAL_P99_RATIO = 1.25
COUNT_GROUP = (
    Group.PRIVATE_ONLY + 1
)  # its own group: after the private-chat guard (one handler per group runs), before the rest

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
    app = build_application(settings, clock=ManualClock(OFFICE_HOURS)).app
    keep_long_lived_out_of_gc()  # as `python -m bot run` does once the bot is built
    return app


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def build_echo_bot(base_url: str, _database_dir: Path) -> AnyApp:
    app = Application.builder().token(TOKEN).base_url(base_url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app


# ---------------------------------------------------------------- measurements


class _Probe:
    """Counts updates as they enter handling and timestamps the end of each ``process_update``."""

    def __init__(self, app: AnyApp) -> None:
        self.target = 0
        self.seen = 0
        self.reached = asyncio.Event()
        self.finished: tuple[int, float] = (0, 0.0)  # (update_id, perf_counter) of the newest
        self.changed = asyncio.Event()
        self.errors: list[object] = []
        app.add_handler(TypeHandler(Update, self._count), group=COUNT_GROUP)
        app.add_error_handler(self._record_error)
        process_update = app.process_update

        async def timed(update: object) -> None:
            try:
                await process_update(update)
            finally:
                self.finished = (getattr(update, "update_id", -1), time.perf_counter())
                self.changed.set()

        # PTB calls ``self.process_update`` for every fetched update: wrapping the bound method on
        # this instance times the whole update, also when a handler stops it (ApplicationHandlerStop).
        app.process_update = timed  # type: ignore[method-assign]

    def expect(self, n: int) -> None:
        """Count from zero; `reached` is set once `n` updates entered handling."""
        self.seen = 0
        self.target = n
        self.reached.clear()

    async def _count(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.seen += 1
        if self.seen >= self.target:
            self.reached.set()

    async def _record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors.append(context.error)

    async def wait_finished(self, update_id: int, within: float) -> float:
        """The perf_counter at which ``process_update`` of `update_id` returned."""
        async with asyncio.timeout(within):
            while self.finished[0] != update_id:
                self.changed.clear()
                await self.changed.wait()
        return self.finished[1]


async def _handle_all(fake: FakeProcess, app: AnyApp, probe: _Probe, messages: list[tuple[int, str]]) -> float:
    """Inject `messages` at once; seconds until every one of them was handled."""
    probe.expect(len(messages))
    start = time.perf_counter()
    await fake.inject(messages)
    await asyncio.wait_for(probe.reached.wait(), 300)
    await asyncio.wait_for(app.update_queue.join(), 300)
    return time.perf_counter() - start


async def _throughput(fake: FakeProcess, app: AnyApp, probe: _Probe, texts: list[str], chats: int) -> float:
    """Messages handled per second with all of `texts` queued at once."""
    messages = [(100_000 + i % chats, text) for i, text in enumerate(texts)]
    seconds = await _handle_all(fake, app, probe, messages)
    return len(texts) / seconds


async def _latency(fake: FakeProcess, app: AnyApp, probe: _Probe, texts: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds from injection to the end of ``process_update``, and to the first reply the fake
    accepted, one message at a time."""
    samples, firsts = [], []
    for i, text in enumerate(texts):
        chat_id = 200_000 + i
        start = time.perf_counter()
        _, update_id = await fake.inject([(chat_id, text)])
        firsts.append((await fake.first_reply(chat_id) - start) * 1000)
        samples.append((await probe.wait_finished(update_id, within=10) - start) * 1000)
        await fake.wait_confirmed(update_id)  # the next long poll is waiting again
        await asyncio.wait_for(app.update_queue.join(), 10)
    return samples, firsts


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _measure(
    build: Callable[[str, Path], AnyApp], texts: list[str], latency_texts: list[str], chats: int
) -> dict[str, float]:
    polling_errors: list[Exception] = []
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
        async with FakeProcess() as fake:
            app = build(fake.base_url, Path(tmp))
            probe = _Probe(app)
            assert app.updater is not None, "the Application needs an Updater for polling"
            await app.initialize()
            try:
                await app.start()
                await app.updater.start_polling(
                    poll_interval=0, timeout=timedelta(seconds=10), error_callback=polling_errors.append
                )
                await _handle_all(fake, app, probe, [(1, "hallo")])  # warm-up: first replies, connections
                await _throughput(fake, app, probe, texts[: len(texts) // 10], chats)  # warm-up
                before = await fake.stats()
                per_second = await _throughput(fake, app, probe, texts, chats)
                after = await fake.stats()
                latencies, firsts = await _latency(fake, app, probe, latency_texts)
            finally:
                if app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()
                await app.shutdown()
    if probe.errors or polling_errors:
        raise RuntimeError(f"the bot raised during the benchmark: {(probe.errors + polling_errors)[:3]!r}")
    replies = after["accepted"] - before["accepted"]
    if replies < len(texts) or after["rejected_429"]:
        raise RuntimeError(f"{replies} replies to {len(texts)} messages, {after['rejected_429']} answered 429")
    return {
        "per_second": per_second,
        "p50_ms": statistics.median(latencies),
        "p99_ms": _percentile(latencies, 0.99),
        "first_p50_ms": statistics.median(firsts),
        "first_p99_ms": _percentile(firsts, 0.99),
    }


async def _run(n: int, latency_n: int, chats: int) -> dict[str, Any]:
    texts = patient_messages(n)
    latency_texts = patient_messages(latency_n, seed=12)
    full = await _measure(build_full_bot, texts, latency_texts, chats)
    echo = await _measure(build_echo_bot, texts, latency_texts, chats)
    ratio = full["per_second"] / echo["per_second"]
    p99_ratio = full["p99_ms"] / echo["p99_ms"]
    first_p99_ratio = full["first_p99_ms"] / echo["first_p99_ms"]
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
        "p99_ratio": round(p99_ratio, 3),
        "first_p50_ms": round(full["first_p50_ms"], 3),
        "first_p99_ms": round(full["first_p99_ms"], 3),
        "echo_first_p50_ms": round(echo["first_p50_ms"], 3),
        "echo_first_p99_ms": round(echo["first_p99_ms"], 3),
        "first_p99_ratio": round(first_p99_ratio, 3),
        "ok": bool(ratio >= GOAL_RATIO and p99_ratio <= GOAL_P99_RATIO),
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
        f"p99 {result['p99_ms']} ms; echo p50 {result['echo_p50_ms']} ms, p99 {result['echo_p99_ms']} ms; "
        f"p99 ratio {result['p99_ratio']} (goal <= {GOAL_P99_RATIO}); first reply p50 {result['first_p50_ms']} ms, "
        f"p99 {result['first_p99_ms']} ms; echo p50 {result['echo_first_p50_ms']} ms, "
        f"p99 {result['echo_first_p99_ms']} ms; ratio {result['first_p99_ratio']}"
    )
    return result


if __name__ == "__main__":
    figures = run()
    sys.exit(0 if figures["ok"] else 1)
