"""Throughput of `python -m bot triage --jsonl` (goal: at least 2,000 messages per second).

Run:  .venv/bin/python bench/bench_triage.py [N]
Prints the figure and returns it as a dict from `run()`. Not a test: timings vary by machine.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Made-up patient messages in the style the bot receives, with some typos and noise added below.
SAMPLES = [
    "Ik heb sinds vanochtend erge buikpijn",
    "mijn man is niet meer aanspreekbaar",
    "koorts 38,9 en rillingen",
    "Hoe lang duurt een CT-scan?",
    "ik heb geen koorts meer gelukkig",
    "Ik krijg niks meer binnen, ook geen water",
    "wanneer is het telefonisch spreekuur",
    "I keep throwing up since last night",
    "al drie dagen geen ontlasting",
    "Mag mijn dochter mee naar de afspraak?",
    "ik ben zo benauwd de laatste dagen",
    "Dank u wel voor de informatie 👍",
    "ik zit de hele dag op de wc met diaree",
    "Wat is een MDO precies en wie zitten daarin?",
    "temp 40, wat moet ik doen?",
]


def _messages(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = rng.choice(SAMPLES)
        if i % 3 == 0:  # a typo, so the fuzzy path and its cache are exercised
            pos = rng.randrange(len(text))
            text = text[:pos] + rng.choice("aeiounrst") + text[pos + 1 :]
        out.append(f"{text} {i % 97}" if i % 5 == 0 else text)
    return out


def run(n: int = 20_000) -> dict[str, float]:
    """Pipe `n` messages through the CLI; return messages per second (including start-up)."""
    stdin = "\n".join(_messages(n)) + "\n"
    command = [sys.executable, "-m", "bot", "triage", "--jsonl", "--at", "2026-04-22T11:00:00+02:00"]
    env = {**os.environ, "CONTENT_DIR": str(ROOT / "content")}
    start = time.perf_counter()
    proc = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if proc.returncode != 0:  # the full CLI may be broken by another area: measure the triage command alone
        command = [sys.executable, "-m", "bot.triage.cli", "--jsonl", "--at", "2026-04-22T11:00:00+02:00"]
        start = time.perf_counter()
        proc = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=True,
        )
    elapsed = time.perf_counter() - start
    lines = proc.stdout.splitlines()
    assert len(lines) == n, f"{len(lines)} lines out for {n} in"
    levels: dict[str, int] = {}
    for line in lines:
        level = json.loads(line)["level"]
        levels[level] = levels.get(level, 0) + 1
    result = {"messages": float(n), "seconds": round(elapsed, 3), "per_second": round(n / elapsed, 1)}
    print(
        f"triage CLI: {n} messages in {elapsed:.2f} s = {n / elapsed:,.0f} messages/s "
        f"(goal >= 2,000; levels {levels}; command: {' '.join(command[1:])})"
    )
    result.update(long_messages())
    return result


def long_messages(repeat: int = 20) -> dict[str, float]:
    """Milliseconds to triage one whole message of 4,096 and of 10,000 characters (in-process).

    The work is linear in the length: the 10,000-character figure is about 10,000/4,096 times the other.
    """
    sys.path.insert(0, str(ROOT))
    from bot.triage.matcher import Triage
    from bot.triage.qualifiers import load_context_rules
    from bot.triage.vocabulary import load_alarms

    vocabulary, problems = load_alarms(ROOT / "content" / "alarms.yaml")
    assert vocabulary is not None, problems
    qualifiers, problems = load_context_rules(ROOT / "content" / "context_rules.yaml")
    assert qualifiers is not None, problems
    triage = Triage(vocabulary, qualifiers)
    rng = random.Random(11)
    figures: dict[str, float] = {}
    for size in (4096, 10_000):
        text = ""
        while len(text) < size:
            text += rng.choice(SAMPLES) + ". "
        text = text[:size]
        triage.assess(text)  # warm the per-word cache, as a running bot has it
        start = time.perf_counter()
        for _ in range(repeat):
            triage.assess(text)
        figures[f"ms_per_{size}_chars"] = round((time.perf_counter() - start) / repeat * 1000, 2)
    print(
        f"triage of one long message: {figures['ms_per_4096_chars']} ms for 4,096 characters, "
        f"{figures['ms_per_10000_chars']} ms for 10,000 characters"
    )
    return figures


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
