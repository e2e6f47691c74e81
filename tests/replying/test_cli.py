"""`python -m bot reply --jsonl`: one JSON line per input line with everything the patient would see."""

from __future__ import annotations

import dataclasses
import json

from bot.knowledge import Knowledge
from bot.replying.cli import answer
from bot.triage.match import TriageResult
from bot.triage.matcher import Triage
from tests.cli import run_bot
from tests.replying.conftest import NIGHT, SEH, SPOEDLIJN

LINES = [
    "mijn man is bewusteloos",
    "Ik heb koorts, wat moet ik doen?",
    "hoe laat gaat de trein naar Utrecht?",
    "Yarın randevum saat kaçta?",
    "Hoe lang duurt de MRI?",
    "",
    "\x00\x01 ?!",
    "👍",
    "pijn " * 2000,
]


def replies(stdin: str, *args: str) -> list[dict[str, object]]:
    proc = run_bot("reply", "--jsonl", *args, input=stdin)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_one_reply_per_line_at_night_and_in_office_hours() -> None:
    stdin = "\n".join(LINES) + "\n"
    night = replies(stdin, "--at", "2026-12-01T00:30:00+01:00")
    office = replies(stdin, "--at", "2026-12-01T11:00")  # without offset: Amsterdam time
    assert len(night) == len(office) == len(LINES)
    for out in night + office:
        assert set(out) >= {"level", "route", "messages", "buttons", "kind"}
        assert all(isinstance(m, str) for m in out["messages"])  # type: ignore[attr-defined]
    emergency, question, unknown, foreign, mri = night[:5]
    assert emergency["level"] == "emergency" and emergency["route"][0] == "alarmnummer"  # type: ignore[index]
    assert emergency["messages"][0].startswith("<b>Bel nu 112.</b>\n\n")  # type: ignore[index]
    assert SEH not in emergency["messages"][0]  # type: ignore[index]  # the SEH sentence is about fever
    assert question["kind"] == ["alarm", "answer"] and len(question["messages"]) == 2  # type: ignore[arg-type]
    assert unknown["kind"] == ["not_found"]
    assert unknown["route"] == ["email", "spreekuur", "huisartsenpost", "alarmnummer"]
    assert foreign["kind"] == ["foreign"] and "I only understand Dutch and English" in foreign["messages"][0]  # type: ignore[index]
    assert mri["kind"] == ["answer"] and mri["route"] == [] and mri["buttons"][0] == ["📖 MRI-scan"]  # type: ignore[index]
    assert SPOEDLIJN in office[2]["messages"][0] and "huisartsenpost" not in office[2]["messages"][0]  # type: ignore[index]
    assert night[-1]["level"] == "urgent"


def test_an_english_chat() -> None:
    [out] = replies("what is the capital of Peru?\n", "--lang", "en", "--at", "2026-12-01T00:30")
    assert "Life in danger? Call 112." in out["messages"][0]  # type: ignore[index]


def test_bad_arguments_and_bad_content() -> None:
    assert run_bot("reply", "--jsonl", "--at", "tomorrow").returncode == 2
    proc = run_bot("reply", "--jsonl", input="x\n", env={"CONTENT_DIR": "/nonexistent", "PATH": "/usr/bin"})
    assert proc.returncode == 1 and proc.stdout == ""


def test_a_failing_line_still_gets_spoed_and_112(knowledge: Knowledge) -> None:
    class Broken(Triage):
        def __init__(self) -> None:
            pass

        def assess(self, text: str) -> TriageResult:
            raise RuntimeError("boom")

    out = json.loads(answer("x", NIGHT, "nl", dataclasses.replace(knowledge, triage=Broken())))
    assert out["error"] == "RuntimeError" and out["level"] == "urgent"
    assert "huisartsenpost" in out["messages"][0] and "112" in out["messages"][0]
