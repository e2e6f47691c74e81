"""The ranked evaluation: reading labelled files, tallies per chapter, and `ask --report`."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from bot.search import cli
from bot.search.index import SearchIndex
from bot.search.report import Labelled, LabelledFileError, evaluate, format_report, read_labelled
from tests.search.conftest import CONTENT_DIR


def test_read_labelled(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text(
        "chapters\tquestion\nmri-scan\tHoe lang duurt de MRI?\n\nct-scan,mri-scan\tscan?\n", encoding="utf-8"
    )
    assert read_labelled(path) == [
        Labelled(("mri-scan",), "Hoe lang duurt de MRI?"),
        Labelled(("ct-scan", "mri-scan"), "scan?"),
    ]


@pytest.mark.parametrize("body", ["mri-scan zonder tab\n", "\tgeen hoofdstuk\n", "mri-scan\t   \n"])
def test_bad_lines_name_file_and_line(tmp_path: Path, body: str) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("chapters\tquestion\n" + body, encoding="utf-8")
    with pytest.raises(LabelledFileError, match=r"q\.tsv:2: expected"):
        read_labelled(path)
    with pytest.raises(LabelledFileError, match="cannot read"):
        read_labelled(tmp_path / "missing.tsv")


def test_tallies_per_first_chapter(small_index: SearchIndex) -> None:
    rows = [
        Labelled(("mri-scan",), "moet mijn bril af bij de mri"),
        Labelled(("leverpunctie",), "Wat is een leverbiopsie?"),
        Labelled(("uitslag", "mri-scan"), "wat is het MDO?"),
        Labelled(("uitslag",), "moet mijn bril af bij de mri"),  # wrong on purpose
    ]
    report = evaluate(small_index, rows)
    assert (report.total.questions, report.total.top1) == (4, 3)
    assert report.chapters["uitslag"].questions == 2
    assert report.chapters["uitslag"].top1 == 1
    assert [m.question for m in report.misses] == ["moet mijn bril af bij de mri"]
    text = format_report(report, "title", order=["uitslag", "mri-scan"])
    lines = text.splitlines()
    assert lines[0] == "title"
    assert lines[2].startswith("uitslag")
    assert lines[3].startswith("mri-scan")
    assert any(line.startswith("total") and "3" in line for line in lines)
    assert lines[-1].startswith("top-3: want uitslag") or lines[-1].startswith("miss: want uitslag")
    assert "moet mijn bril" not in format_report(report, "title", misses=False)


def _ask(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("CONTENT_DIR", str(CONTENT_DIR))
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    out = io.StringIO()
    code = cli.run(parser.parse_args(["ask", *argv]), io.StringIO(""), out)
    return code, out.getvalue()


def test_cli_report_on_the_projects_own_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [str(Path(__file__).parent / name) for name in ("holdout_questions.tsv", "fresh_questions.tsv")]
    code, out = _ask(["--report", *files, "--quiet"], monkeypatch)
    assert code == 0
    assert out.count("\ntotal ") == 2
    assert "\nmri-scan " in out and "\nspoed " in out


def test_cli_report_bad_file_exits_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, _ = _ask(["--report", str(tmp_path / "missing.tsv")], monkeypatch)
    assert code == 1
