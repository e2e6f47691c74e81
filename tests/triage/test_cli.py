"""The JSONL command line: one output line per input line, whatever the input."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.clock import AMSTERDAM
from bot.content.model import Content
from bot.triage.cli import answer
from bot.triage.match import TriageResult
from bot.triage.matcher import Triage

ROOT = Path(__file__).resolve().parents[2]


def test_answer_fails_safe_and_routes(triage: Triage, content: Content) -> None:
    now = dt.datetime(2026, 4, 22, 11, 0, tzinfo=AMSTERDAM)
    line = json.loads(answer("ik heb pijn", triage, now, content))
    assert line["level"] == "urgent" and line["office_open"] is True

    class Broken(Triage):
        def assess(self, text: str) -> TriageResult:
            raise RuntimeError("boom")

    broken = Broken.__new__(Broken)
    line = json.loads(answer("x", broken, now, content))
    assert line["level"] == "urgent" and line["error"] == "RuntimeError"


def run_cli(stdin: bytes, *args: str, hash_seed: str | None = None) -> list[dict[str, Any]]:
    env = {**os.environ, "CONTENT_DIR": str(ROOT / "content")}
    if hash_seed is not None:
        env["PYTHONHASHSEED"] = hash_seed
    proc = subprocess.run(
        [sys.executable, "-m", "bot.triage.cli", "--jsonl", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return [json.loads(line) for line in proc.stdout.decode().splitlines()]


def test_one_line_out_per_line_in_even_for_odd_input() -> None:
    stdin = "ik heb 39,5\n\n   \n\x00\x01\n👍\n".encode() + b"\xff\xfe broken utf-8\n" + ("pijn " * 5000).encode()
    out = run_cli(stdin, "--at", "2026-04-27T09:00:00+02:00")
    assert len(out) == 7
    assert out[0]["level"] == "seh"
    assert [c["role"] for c in out[0]["contacts"]] == ["seh", "huisartsenpost", "alarmnummer"]  # Koningsdag
    assert out[0]["office_open"] is False
    assert all(o["level"] == "none" for o in out[1:6])
    assert out[6]["level"] == "urgent"
    assert out[1]["spreekuur"] == {"open_now": False, "next_open": "2026-04-28T10:00:00+02:00"}


def test_matches_explain_themselves() -> None:
    out = run_cli(b"geen koorts maar wel buikpijn\n", "--at", "2026-04-22T11:00")
    assert out[0]["level"] == "urgent"
    assert out[0]["concepts"] == ["pain"]
    # signs of combinations (level none: "pijn" of chest pressure) explain nothing by themselves
    methods = {(m["concept"], m["method"], m["negated"]) for m in out[0]["matches"] if m["level"] != "none"}
    assert methods == {("fever", "exact", True), ("pain", "compound", False)}
    assert out[0]["contacts"][0]["role"] == "spoedlijn"


def test_extra_contacts_and_cancelling_cues_are_in_the_json() -> None:
    out = run_cli(
        b"ik wil niet meer leven\nik heb hevige pijn op de borst\nde hond heeft diarree\n", "--at", "2026-04-22T11:00"
    )
    assert out[0]["level"] == "emergency" and out[0]["extra_contacts"] == ["zelfmoordpreventie"]
    assert out[1]["level"] == "emergency" and out[1]["extra_contacts"] == []
    assert out[2]["level"] == "none"
    assert [m["cue"] for m in out[2]["matches"]] == ["pet"]


def test_fast_start_through_the_bot_entry_point() -> None:
    """`python -m bot triage` loads only the triage command (start-up is measured in the report/bench)."""
    env = {**os.environ, "CONTENT_DIR": str(ROOT / "content")}
    code = (
        "import sys, runpy; sys.argv = ['bot', 'triage', '--jsonl']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "finally:\n    print('sqlalchemy' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input=b"negenendertig vijf\n",
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert json.loads(proc.stdout.decode().splitlines()[0])["level"] == "seh"
    assert proc.stderr.decode().split()[-1] == "False"  # reading one line needs no database layer
    modules = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from bot.cli import build_parser, FAST_COMMANDS; "
            "build_parser((FAST_COMMANDS['triage'],)); print('telegram' in sys.modules, 'sqlalchemy' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert modules.stdout.split() == ["False", "False"], modules.stderr


def test_the_same_answer_under_every_hash_seed() -> None:
    """Which term a word is recorded under (and so `term`, `method` and a phrase's span) once followed the
    order of a set, which Python shuffles per process; messages whose words stem to several keys."""
    stdin = "\n".join(
        [
            "ik lig te bibberen en ben gloeiend heet",
            "mijn man wordt geel en de wond is geel",
            "hij bloedde en braakte, de pijn wordt erger",
            "kortademiger dan gisteren en koortsig",
        ]
    ).encode()
    runs = [run_cli(stdin, "--at", "2026-04-22T11:00:00+02:00", hash_seed=seed) for seed in ("1", "2", "3")]
    assert runs[0] == runs[1] == runs[2]
