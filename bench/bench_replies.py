"""How much safety text the patient reads: on harmless messages as little as is safe, on alarms the instruction.

    .venv/bin/python bench/bench_replies.py [FILE.tsv ...] [--show]

Each FILE has a header line and then `level<TAB>message` lines (level: none, urgent, seh, emergency),
like the evaluation sets; without files it reads the project's own tests/replying/reply_amount.tsv.
Every message goes through `python -m bot reply --jsonl --at …` (what the patient sees, start-up
included) on a Tuesday at 11:00 (office hours) and at 00:30 (night).

Alarm text is every paragraph of the reply that carries a spoed instruction: 112, the spoedlijn, the
SEH number or the huisartsenpost (a paragraph is the text between blank lines; a list under "Bel dan
meteen 112" belongs to it). Per none-line: its alarm-text lines and characters; the goal is a median
of at most one line. An alarm line is unsafe when its reply lacks the instruction for its level at
that hour. `--show` prints the none-lines that got more than one line.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "tests" / "replying" / "reply_amount.tsv"
MOMENTS = {"office": "2026-12-01T11:00:00+01:00", "night": "2026-12-01T00:30:00+01:00"}
SPOEDLIJN, SEH = "0625716027", "0204443636"
_TAGS = re.compile(r"<[^>]+>")


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """(level, message) of every line after the header."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(level, text) for level, _, text in (line.partition("\t") for line in lines if line.strip())]


def carries(text: str) -> dict[str, bool]:
    """Which instructions a text carries."""
    digits = re.sub(r"\D", "", text)
    return {
        "112": re.search(r"(?<!\d)112(?!\d)", text) is not None,
        "spoedlijn": SPOEDLIJN in digits,
        "seh": SEH in digits,
        "huisartsenpost": "huisartsenpost" in text.lower(),
    }


def alarm_text(messages: list[str]) -> tuple[int, int]:
    """(lines, characters) of the paragraphs that carry a spoed instruction."""
    lines = chars = 0
    for message in messages:
        for paragraph in re.split(r"\n\s*\n", _TAGS.sub("", message)):
            if any(carries(paragraph).values()):
                rows = [row for row in paragraph.splitlines() if row.strip()]
                lines += len(rows)
                chars += sum(len(row) for row in rows)
    return lines, chars


def safe(level: str, moment: str, shown: str) -> bool:
    """Whether a reply carries the instruction for an alarm of `level` at `moment`."""
    c = carries(shown)
    if level == "emergency":
        return c["112"]
    if level == "seh":
        return c["seh"] or c["112"]
    if level == "urgent":
        return (c["spoedlijn"] if moment == "office" else c["huisartsenpost"]) or c["seh"] or c["112"]
    return True


def replies(texts: list[str], at: str) -> list[dict[str, object]]:
    """What `python -m bot reply --jsonl --at <at>` answers, one dict per text."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "reply", "--jsonl", "--at", at],
        input="\n".join(t.replace("\n", " ") for t in texts) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    out = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(out) == len(texts), (len(out), len(texts))
    return out


def run(files: list[Path] | None = None, show: bool = False) -> dict[str, object]:
    """Alarm text on none-lines (lines and characters: median, mean, max) and unsafe alarm replies."""
    rows = [row for path in (files or [DEFAULT]) for row in read_tsv(path)]
    texts = [text for _, text in rows]
    lines: list[int] = []
    chars: list[int] = []
    unsafe = 0
    for moment, at in MOMENTS.items():
        for (level, text), reply in zip(rows, replies(texts, at), strict=True):
            sent = reply.get("messages", [])
            messages = [m for m in sent if isinstance(m, str)] if isinstance(sent, list) else []
            if level == "none":
                n, c = alarm_text(messages)
                lines.append(n)
                chars.append(c)
                if show and n > 1:
                    print(f"{moment} {n} lines: {text[:100]}")
            elif not safe(level, moment, "\n".join(messages)):
                unsafe += 1
                print(f"UNSAFE at {moment} ({level}): {text[:100]}")
    return {
        "none_replies": len(lines),
        "alarm_lines.median": statistics.median(lines) if lines else 0,
        "alarm_lines.mean": round(statistics.mean(lines), 2) if lines else 0,
        "alarm_lines.max": max(lines, default=0),
        "alarm_chars.median": statistics.median(chars) if chars else 0,
        "alarm_chars.mean": round(statistics.mean(chars), 1) if chars else 0,
        "with_alarm_text": round(sum(1 for n in lines if n) / len(lines), 3) if lines else 0,
        "more_than_one_line": round(sum(1 for n in lines if n > 1) / len(lines), 3) if lines else 0,
        "unsafe": unsafe,
    }


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--show"]
    figures = run([Path(a) for a in arguments] or None, show="--show" in sys.argv)
    print(json.dumps(figures, indent=2))
