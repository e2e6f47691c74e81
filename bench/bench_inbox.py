"""What the "send my question to the team" button costs on the reply path, and that it costs the alarm nothing.

    .venv/bin/python -m bench.bench_inbox          (BENCH_QUICK=1 for a short run)

Two copies of the whole bot, each over its own fake Bot API in a child process (as bench_bot): one
without INBOX_KEY (the reply path as it was) and one with it (a not-understood question gets the button
and quotes the patient's message). They are measured in pairs: every message goes to one bot and then
the same message to the other (which one goes first alternates), one message at a time, from the inject
call until the fake accepted the first reply to that chat. Pairs, because on a shared machine the load
moves the times by more than the button could: each pair sees nearly the same load.

* not-understood questions: the "not in the folder" reply, with and without the button. Figures: the
  medians and p99 of each, and the median of the pairs' differences (ms).
* alarms: the alarm reply. Nothing on its path changed; the figure is the median of the pairs' ratios
  with / without the key (goal: at most 1.1, i.e. within the noise).

`offer_cpu_us` is the bot's own added work per not-understood reply, measured in this process without
any network: the button's row in the keyboard and the reply parameters in the request (median of
repeats of many builds).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_bot import ALARMS, OFFICE_HOURS, TOKEN, AnyApp, _percentile, _Running  # noqa: E402
from bot import callbacks  # noqa: E402
from bot.app.assembly import build_application  # noqa: E402
from bot.app.memory import keep_long_lived_out_of_gc  # noqa: E402
from bot.app.telegram_io import to_markup  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.outbox.pacer import UNPACED  # noqa: E402
from bot.sending import Button  # noqa: E402
from bot.settings import Settings  # noqa: E402

KEY = "YmVuY2gta2V5LW5vdC1zZWNyZXQtMzItYnl0ZXMhISE="  # 32 bytes: a key for this benchmark only
GOAL_ALARM_RATIO = 1.1
# Questions the folder does not answer (checked: `reply` gives kind not_found for each).
NOT_UNDERSTOOD = [
    "Mag mijn hond mee naar de poli?",
    "Waar kan ik parkeren bij het ziekenhuis?",
    "Is er wifi op de afdeling?",
    "Kan ik mijn werkgever een brief geven?",
    "Wanneer mag ik weer op vakantie naar Spanje?",
    "Mag ik alcohol drinken tijdens de chemo?",
    "Hoe vraag ik een second opinion aan?",
    "Wat kost een taxi naar het VUmc?",
]


def _builder(with_key: bool) -> Callable[[str, Path], AnyApp]:
    def build(base_url: str, database_dir: Path) -> AnyApp:
        name = "with-key.db" if with_key else "without-key.db"
        settings = dataclasses.replace(
            Settings.from_env({}),
            token=TOKEN,
            base_url=base_url,
            database_url=f"sqlite:///{database_dir / name}",
            inbox_key=KEY if with_key else None,
        )
        # Limits that never bind (as bench_bot): with Telegram's, the samples one after the other would run
        # at the bot's 27 a second and every reply would wait up to 37 ms for its turn in the pacer, with
        # or without the key; which bot waited more depended on the order of the pairs, not on the key.
        app = build_application(settings, clock=ManualClock(OFFICE_HOURS), limits=UNPACED).app
        keep_long_lived_out_of_gc()
        return app

    return build


async def _first_reply(run: _Running, text: str) -> float:
    """Ms to the first reply of `text`, sent from a new chat once the bot is idle."""
    chat_id, run._next_chat = run._next_chat, run._next_chat + 1
    start = time.perf_counter()
    _, update_id = await run.fake.inject([(chat_id, text)])
    first = (await run.fake.first_reply(chat_id) - start) * 1000
    await run.probe.wait_finished(update_id, within=10)
    await run.fake.wait_confirmed(update_id)
    await asyncio.wait_for(run.app.update_queue.join(), 10)
    return first


async def _pairs(keyed: _Running, plain: _Running, texts: list[str]) -> list[tuple[float, float]]:
    """(with the key, without) for each text, the order alternating from pair to pair."""
    pairs = []
    for i, text in enumerate(texts):
        if i % 2 == 0:
            with_key = await _first_reply(keyed, text)
            without = await _first_reply(plain, text)
        else:
            without = await _first_reply(plain, text)
            with_key = await _first_reply(keyed, text)
        pairs.append((with_key, without))
    keyed.check()
    plain.check()
    return pairs


def _offer_cpu_us(repeats: int = 7, n: int = 20_000) -> float:
    """The bot's added work per not-understood reply: one more keyboard row and the reply parameters."""
    base = [[Button("☰ Inhoud", callbacks.MENU)]]
    offer = [[Button("Stuur mijn vraag naar het team", callbacks.tq_send(123456))], *base]

    def build(keyboard: list[list[Button]], quote: bool) -> None:
        markup = to_markup(keyboard)
        params: dict[str, Any] = {"reply_markup": markup.to_json() if markup else None}
        if quote:
            params["reply_parameters"] = json.dumps({"message_id": 123456})

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            build(offer, True)
        with_offer = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(n):
            build(base, False)
        without = time.perf_counter() - start
        times.append((with_offer - without) / n * 1e6)
    return statistics.median(times)


async def _run(samples: int) -> dict[str, Any]:
    questions = [NOT_UNDERSTOOD[i % len(NOT_UNDERSTOOD)] for i in range(samples)]
    alarms = [ALARMS[i % len(ALARMS)] for i in range(samples)]
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp:
        async with (
            _Running(_builder(True), Path(tmp)) as keyed,
            _Running(_builder(False), Path(tmp)) as plain,
        ):
            await _pairs(keyed, plain, questions[:10] + alarms[:10])  # warm-up: connections, caches
            question_pairs: list[tuple[float, float]] = []
            alarm_pairs: list[tuple[float, float]] = []
            for start in range(0, samples, 10):  # questions and alarms interleaved in blocks of ten
                question_pairs += await _pairs(keyed, plain, questions[start : start + 10])
                alarm_pairs += await _pairs(keyed, plain, alarms[start : start + 10])
    q_with, q_without = [w for w, _ in question_pairs], [o for _, o in question_pairs]
    a_with, a_without = [w for w, _ in alarm_pairs], [o for _, o in alarm_pairs]
    alarm_ratio = statistics.median(w / o for w, o in alarm_pairs)
    return {
        "samples": len(question_pairs),
        "question_p50_ms": round(statistics.median(q_with), 3),
        "question_p50_ms_without": round(statistics.median(q_without), 3),
        "question_added_p50_ms": round(statistics.median(w - o for w, o in question_pairs), 3),
        "question_p99_ms": round(_percentile(q_with, 0.99), 3),
        "question_p99_ms_without": round(_percentile(q_without, 0.99), 3),
        "offer_cpu_us": round(_offer_cpu_us(), 2),
        "alarm_p50_ms": round(statistics.median(a_with), 3),
        "alarm_p50_ms_without": round(statistics.median(a_without), 3),
        "alarm_p99_ms": round(_percentile(a_with, 0.99), 3),
        "alarm_p99_ms_without": round(_percentile(a_without, 0.99), 3),
        "alarm_added_p50_ms": round(statistics.median(w - o for w, o in alarm_pairs), 3),
        "alarm_p50_ratio": round(alarm_ratio, 3),
        "ok": bool(alarm_ratio <= GOAL_ALARM_RATIO),
    }


def run(quick: bool | None = None) -> dict[str, Any]:
    """Measure both bots; `quick` (default: env BENCH_QUICK=1) takes fewer samples."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK") == "1"
    samples = 60 if quick else 300
    quiet = logging.getLogger()
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        result = asyncio.run(_run(samples))
    finally:
        quiet.setLevel(level)
    print(
        f"not understood: first reply p50 {result['question_p50_ms']} ms with the button, "
        f"{result['question_p50_ms_without']} ms without (added {result['question_added_p50_ms']} ms; "
        f"the bot's own work {result['offer_cpu_us']} µs); alarm reply p50 {result['alarm_p50_ms']} ms with the key, "
        f"{result['alarm_p50_ms_without']} ms without (ratio {result['alarm_p50_ratio']}, goal <= {GOAL_ALARM_RATIO})"
    )
    return result


if __name__ == "__main__":
    figures = run()
    sys.exit(0 if figures["ok"] else 1)
