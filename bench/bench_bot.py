"""The whole bot over the local fake Bot API, against a bare python-telegram-bot echo bot.

    .venv/bin/python -m bench.bench_bot          (BENCH_QUICK=1 for a short run)

The fake (`bot.fakeapi.FakeBotApi`) runs in a child process (`bench.fake_process`), as Telegram runs
elsewhere: its request parsing, HTML checks and JSON answers do not run in the bot's event loop. Its
response time still counts wherever the bot awaits an answer, as Telegram's would. Each app has its
own fake; the bots run in this process with plain polling (initialize, start, start_polling).

Both apps stay up for the whole run and are measured in turns, in alternating order (full, echo;
echo, full; …), so that a machine that slows down or speeds up during the run weighs on both alike.
A single pass per app moved the ratios by ±30 % between runs on the same machine.

* throughput: N patient messages from many chats are injected at once (one control call). The
  clock starts just before that call and stops when python-telegram-bot has processed N updates
  (a counting handler saw N) and ``update_queue.join()`` returned, i.e. every handler, and so every
  reply, is done. Figure: the median over the rounds of full / echo in the same round; goal >= 0.7.
* reply latency: one message at a time, from just before the inject call until the fake accepted
  the first message to that chat (the fake's clock is the same monotonic clock). It is what a
  patient waits for: for an alarm, the alarm reply. p50 and p99 over every round's samples; the goal
  is a ratio, since absolute times move with the machine: the full bot's p99 <= 1.25 x the echo
  bot's p99.
* update latency: the same messages, until ``process_update`` for that update returned here: every
  reply of the update was answered. Reported, without a goal: an alarm that also asks a question
  gets the alarm reply first and then the folder's answer, two round trips one after the other by
  design (the alarm reply goes out before the answer is looked for, so nothing in the search can
  hold it up), and the echo bot has no second message to compare with. `two_reply_share` is the
  share of latency samples that got two replies.

The full bot schedules updates as in production (chats in parallel, each chat in order); the echo
bot uses PTB's default (one at a time). The full bot is started without `Assembly.startup`
(command registration, timers), so the measurement is the update path only.
The bot's WARNING logs (one line per alarm) are silenced while measuring: without a configured handler
Python would print them all to stderr, which measures the terminal rather than the bot.
Returns a dict of figures (and prints it); not a test: timings vary by machine.
"""

from __future__ import annotations

import asyncio
import contextlib
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
from bot.outbox.pacer import UNPACED  # noqa: E402
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
    # Limits that never bind: this measures the cost of the update path (the pacer's included), not
    # Telegram's rates, which would hold 1,500 replies to 30 a second (bench_burst measures those).
    app = build_application(settings, clock=ManualClock(OFFICE_HOURS), limits=UNPACED).app
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


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclasses.dataclass
class _Running:
    """One app polling its own fake, measured round after round; use ``async with``."""

    build: Callable[[str, Path], AnyApp]
    database_dir: Path
    per_second: list[float] = dataclasses.field(default_factory=list)
    firsts: list[float] = dataclasses.field(default_factory=list)  # ms to the first reply
    updates: list[float] = dataclasses.field(default_factory=list)  # ms to the end of process_update
    two_replies: int = 0
    _next_chat: int = 200_000

    async def __aenter__(self) -> _Running:
        self._stack = contextlib.AsyncExitStack()
        await self._stack.__aenter__()
        try:
            self.fake = await self._stack.enter_async_context(FakeProcess())
            self.app = self.build(self.fake.base_url, self.database_dir)
            self.probe = _Probe(self.app)
            self._polling_errors: list[Exception] = []
            await self.app.initialize()
            self._stack.push_async_callback(self.app.shutdown)
            await self.app.start()
            self._stack.push_async_callback(self.app.stop)
            assert self.app.updater is not None, "the Application needs an Updater for polling"
            await self.app.updater.start_polling(
                poll_interval=0, timeout=timedelta(seconds=10), error_callback=self._polling_errors.append
            )
            self._stack.push_async_callback(self.app.updater.stop)
            await _handle_all(self.fake, self.app, self.probe, [(1, "hallo")])  # first replies, connections
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()
        self.check()

    def check(self) -> None:
        """Raise when the app raised while being measured."""
        if self.probe.errors or self._polling_errors:
            errors = (self.probe.errors + self._polling_errors)[:3]
            raise RuntimeError(f"the bot raised during the benchmark: {errors!r}")

    def forget(self) -> None:
        """Drop the figures measured so far (after a warm-up)."""
        self.per_second.clear()
        self.firsts.clear()
        self.updates.clear()
        self.two_replies = 0

    async def round(self, texts: list[str], latency_texts: list[str], chats: int) -> None:
        """One throughput burst, then the latency samples one at a time."""
        messages = [(100_000 + i % chats, text) for i, text in enumerate(texts)]
        before = await self.fake.stats()
        seconds = await _handle_all(self.fake, self.app, self.probe, messages)
        after = await self.fake.stats()
        replies = after["accepted"] - before["accepted"]
        if replies < len(texts) or after["rejected_429"]:
            raise RuntimeError(f"{replies} replies to {len(texts)} messages, {after['rejected_429']} answered 429")
        self.per_second.append(len(texts) / seconds)
        chat_ids = []
        for text in latency_texts:
            chat_id, self._next_chat = self._next_chat, self._next_chat + 1
            chat_ids.append(chat_id)
            start = time.perf_counter()
            _, update_id = await self.fake.inject([(chat_id, text)])
            self.firsts.append((await self.fake.first_reply(chat_id) - start) * 1000)
            self.updates.append((await self.probe.wait_finished(update_id, within=10) - start) * 1000)
            await self.fake.wait_confirmed(update_id)  # the next long poll is waiting again
            await asyncio.wait_for(self.app.update_queue.join(), 10)
        self.two_replies += sum(count > 1 for count in await self.fake.replies(chat_ids))
        self.check()


async def _run(n: int, latency_n: int, chats: int, rounds: int) -> dict[str, Any]:
    texts = patient_messages(n)
    latency_texts = patient_messages(latency_n, seed=12)
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
        async with _Running(build_full_bot, Path(tmp)) as full, _Running(build_echo_bot, Path(tmp)) as echo:
            for app in (full, echo):  # warm-up: connections, caches, the first long polls
                await app.round(texts[: len(texts) // 10], latency_texts[:10], chats)
                app.forget()
            for turn in range(rounds):
                for app in (full, echo) if turn % 2 == 0 else (echo, full):
                    await app.round(texts, latency_texts, chats)
    ratio = statistics.median(f / e for f, e in zip(full.per_second, echo.per_second, strict=True))
    p99_ratio = _percentile(full.firsts, 0.99) / _percentile(echo.firsts, 0.99)
    samples = latency_n * rounds
    return {
        "messages": n,
        "chats": chats,
        "rounds": rounds,
        "full_per_second": round(statistics.median(full.per_second), 1),
        "echo_per_second": round(statistics.median(echo.per_second), 1),
        "ratios": [round(f / e, 3) for f, e in zip(full.per_second, echo.per_second, strict=True)],
        "ratio": round(ratio, 3),
        "latency_samples": samples,
        "p50_ms": round(statistics.median(full.firsts), 3),
        "p99_ms": round(_percentile(full.firsts, 0.99), 3),
        "echo_p50_ms": round(statistics.median(echo.firsts), 3),
        "echo_p99_ms": round(_percentile(echo.firsts, 0.99), 3),
        "p99_ratio": round(p99_ratio, 3),
        "update_p50_ms": round(statistics.median(full.updates), 3),
        "update_p99_ms": round(_percentile(full.updates, 0.99), 3),
        "echo_update_p99_ms": round(_percentile(echo.updates, 0.99), 3),
        "update_p99_ratio": round(_percentile(full.updates, 0.99) / _percentile(echo.updates, 0.99), 3),
        "two_reply_share": round(full.two_replies / samples, 3),
        "ok": bool(ratio >= GOAL_RATIO and p99_ratio <= GOAL_P99_RATIO),
    }


def run(quick: bool | None = None) -> dict[str, Any]:
    """Measure both apps; `quick` (default: env BENCH_QUICK=1) uses fewer messages and rounds."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK") == "1"
    n, latency_n, rounds = (300, 100, 2) if quick else (1_500, 300, 4)
    quiet = logging.getLogger()
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        result = asyncio.run(_run(n, latency_n, chats=200, rounds=rounds))
    finally:
        quiet.setLevel(level)
    print(
        f"bot: {result['full_per_second']:,.0f} msg/s vs echo {result['echo_per_second']:,.0f} msg/s "
        f"= ratio {result['ratio']} (median of {result['ratios']}; goal >= {GOAL_RATIO}); "
        f"reply latency p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms; echo p50 {result['echo_p50_ms']} ms, "
        f"p99 {result['echo_p99_ms']} ms; p99 ratio {result['p99_ratio']} (goal <= {GOAL_P99_RATIO}); "
        f"whole update p50 {result['update_p50_ms']} ms, p99 {result['update_p99_ms']} ms vs echo "
        f"{result['echo_update_p99_ms']} ms (ratio {result['update_p99_ratio']}; "
        f"{result['two_reply_share']:.0%} of the samples got two replies)"
    )
    return result


if __name__ == "__main__":
    figures = run()
    sys.exit(0 if figures["ok"] else 1)
