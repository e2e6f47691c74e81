"""`python -m bot ask --jsonl`: one JSON line per input line, whatever the input."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from bot.search import cli
from tests.search.conftest import CONTENT_DIR


def _run(stdin: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    monkeypatch.setenv("CONTENT_DIR", str(CONTENT_DIR))
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["ask", "--jsonl"])
    out = io.StringIO()
    assert cli.run(args, io.StringIO(stdin), out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_one_line_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["Hoe lang duurt de MRI?", "", "   ", "\x00?!", "👍", "x" * 5000, "How long does the MRI take?"]
    outs = _run("\n".join(lines) + "\n", monkeypatch)
    assert len(outs) == len(lines)
    for out in outs:
        assert set(out) == {"chapters", "passage", "score", "confident"}
    assert outs[0]["chapters"][0] == "mri-scan"  # type: ignore[index]
    assert outs[0]["confident"] is True
    assert outs[1] == {"chapters": [], "passage": "", "score": 0.0, "confident": False}


def test_bad_content_dir_exits_1(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path))
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["ask", "--jsonl"])
    assert cli.run(args, io.StringIO("vraag\n"), io.StringIO()) == 1
