"""Throughput of `python -m bot triage --jsonl` (goal: at least 1,000 messages per second), and what clinlp costs.

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
from typing import Any

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
        f"(goal >= 1,000; levels {levels}; command: {' '.join(command[1:])})"
    )
    result.update(long_messages())
    result.update(clinlp_cost())
    result.update(startup())
    return result


def long_messages(repeat: int = 20) -> dict[str, float]:
    """Milliseconds to triage one whole message of 4,096 and of 10,000 characters (in-process).

    The work is linear in the length: the 10,000-character figure is about 10,000/4,096 times the other.
    """
    sys.path.insert(0, str(ROOT))
    from bot.triage.alarms_file import load_alarms
    from bot.triage.context_rules_file import load_context_rules
    from bot.triage.matcher import Triage

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


def _triage() -> Any:
    sys.path.insert(0, str(ROOT))
    from bot.triage.alarms_file import load_alarms
    from bot.triage.context_rules_file import load_context_rules
    from bot.triage.matcher import Triage

    vocabulary, problems = load_alarms(ROOT / "content" / "alarms.yaml")
    assert vocabulary is not None, problems
    qualifiers, problems = load_context_rules(ROOT / "content" / "context_rules.yaml")
    assert qualifiers is not None, problems
    return Triage(vocabulary, qualifiers)


def clinlp_cost(n: int = 5_000, rounds: int = 3) -> dict[str, float]:
    """Microseconds per message of `assess` with clinlp's qualifiers and with them skipped (CPU time, the
    bench's own messages, best of alternating rounds); the difference is what clinlp costs."""
    triage = _triage()
    messages = _messages(n)
    for text in messages:
        triage.assess(text)  # warm caches, as a running bot has them
    pipeline = triage.qualifiers.pipeline
    real = pipeline.qualify

    def skipped(tokens: Any, spans: Any) -> list[frozenset[str]]:
        return [frozenset()] * len(spans)

    best = {"with": float("inf"), "without": float("inf")}
    for _ in range(rounds):
        for name, qualify in (("with", real), ("without", skipped)):
            pipeline.qualify = qualify
            start = time.process_time()
            for text in messages:
                triage.assess(text)
            best[name] = min(best[name], (time.process_time() - start) / n * 1e6)
    pipeline.qualify = real
    figures = {
        "us_per_message": round(best["with"], 1),
        "us_per_message_without_clinlp": round(best["without"], 1),
        "clinlp_us_per_message": round(best["with"] - best["without"], 1),
    }
    figures.update(_footprint())
    print(
        f"clinlp: {figures['clinlp_us_per_message']:.0f} us per message (assess {figures['us_per_message']:.0f} us, "
        f"{figures['us_per_message_without_clinlp']:.0f} us without); importing spaCy and clinlp "
        f"{figures['clinlp_import_s']} s, loading and building the rules {figures['clinlp_build_s']} s, "
        f"+{figures['clinlp_rss_mib']:.0f} MiB resident"
    )
    return figures


_FOOTPRINT = """
import sys, time
sys.path.insert(0, sys.argv[1])
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
before = rss()
start = time.perf_counter()
import spacy, clinlp
imported = time.perf_counter()
import pathlib
from bot.triage.context_rules_file import load_context_rules
rules, problems = load_context_rules(pathlib.Path(sys.argv[1]) / "content" / "context_rules.yaml")
built = time.perf_counter()
after = rss()
print(round(imported - start, 2), round(built - imported, 2), round((after - before) / 1024))
"""


def _footprint() -> dict[str, float]:
    """Seconds to import spaCy and clinlp and to load and build the rules, and the resident memory they add
    (a fresh interpreter, so nothing is imported yet)."""
    out = subprocess.run(
        [sys.executable, "-c", _FOOTPRINT, str(ROOT)], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    return {"clinlp_import_s": float(out[0]), "clinlp_build_s": float(out[1]), "clinlp_rss_mib": float(out[2])}


def startup(repeat: int = 5) -> dict[str, float]:
    """Median seconds for `echo LINE | python -m bot triage --jsonl` (goal: at most 2.5 s), for a line
    without a cue word (clinlp is never loaded) and one with ("geen": clinlp loads for it)."""
    env = {**os.environ, "CONTENT_DIR": str(ROOT / "content")}
    figures: dict[str, float] = {}
    for name, line in (("startup_s", "ik heb koorts"), ("startup_with_clinlp_s", "ik heb geen koorts")):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "triage", "--jsonl"],
                input=line + "\n",
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=env,
                check=True,
            )
            times.append(time.perf_counter() - start)
        figures[name] = round(sorted(times)[len(times) // 2], 2)
    print(
        f"triage CLI start-up with one line: {figures['startup_s']:.2f} s without a cue word, "
        f"{figures['startup_with_clinlp_s']:.2f} s when clinlp must load (median of {repeat}; goal <= 2.5 s)"
    )
    return figures


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
